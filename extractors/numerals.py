"""Chinese numerals ↔ integers, for batch numbers (第十批), counts (六部门) and 成."""

from __future__ import annotations

__all__ = ["CN_DIGITS", "cn_to_int", "int_to_cn"]

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int | None:
    """``十`` → 10, ``二十六`` → 26, ``一百零八`` → 108, ``26`` → 26; None if not a numeral."""
    t = text.strip()
    if not t:
        return None
    if t.isdigit():
        return int(t)
    total = 0
    current = 0
    for ch in t:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def int_to_cn(n: int) -> str:
    """1–999 as Chinese numerals as they are written in batch names (十, 十一, 二十六)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return digits[hundreds] + "百"
    if rest < 10:
        return digits[hundreds] + "百零" + digits[rest]
    return digits[hundreds] + "百" + (int_to_cn(rest) if rest >= 20 else "一" + int_to_cn(rest))
