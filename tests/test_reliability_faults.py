"""Reliability, faults: a load killed at any moment, a Neo4j server that is down, refuses the
password, stalls or fails transiently, and two writers on one embedded store.

Related tests elsewhere (not repeated here): an exception at each stage of a load or retract
rolls back on every store (tests/test_store_contract.py::test_failed_load_leaves_store_unchanged,
::test_failed_retract_leaves_store_unchanged); a real database error mid-load rolls back
(tests/test_store_embedded.py::test_real_database_error_mid_load_rolls_back); a committed load
survives a crash before checkpoint (::test_a_committed_load_survives_a_crash); the library-level
lock error (::test_second_writer_gets_a_clear_lock_error_and_readers_still_work); driver errors
mapped to one sentence without the password (tests/test_store_neo4j.py::
test_connection_errors_are_one_sentence_without_the_password, ::test_unreachable_server_error_never_shows_the_password).
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click.testing
import pytest
from click.testing import CliRunner
from fake_bolt import FakeBolt
from store_fixtures import issue_b, synthetic_batch

from kg.cli import cli
from kg.errors import ConnectionConfigError, StoreError
from kg.resources import samples_dir
from kg.store import open_store

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(str(samples_dir()))
SECRET = "Sup3r-s3cret-Ü-pw"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]

# -- SIGKILL during a load -----------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import os, signal, sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from kg.store import open_store
    from store_fixtures import synthetic_batch
    batch = synthetic_batch("S", 2000, 4000)
    store = open_store("embedded", path=sys.argv[1], copy_min_rows=int(sys.argv[3]))
    if sys.argv[2]:
        def step(stage):
            if stage == sys.argv[2]:
                os.kill(os.getpid(), signal.SIGKILL)
        store._step = step
    print("go", flush=True)
    store.load(batch)
    print("loaded", flush=True)
    store.close()
    print("closed", flush=True)
    sys.stdin.read()
""")


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The base store (issue B), and the dumps of 'B only' and 'B then S' loaded cleanly."""
    root = tmp_path_factory.mktemp("kill")
    base = root / "base"
    with open_store("embedded", path=base) as s:
        s.load(issue_b())
        before = s.dump()
    full = root / "full"
    shutil.copytree(base, full)
    with open_store("embedded", path=full) as s:
        s.load(synthetic_batch("S", 2000, 4000))
        after = s.dump()
    return {"base": base, ("B",): before, ("B", "S"): after}


CREATE_ONLY = 10**9  # every row through UNWIND … CREATE: the path every real issue takes (groups < 1000 rows)


def kill_during_load(
    base: Path, target: Path, *, stage: str = "", delay: float = 0.0, copy: int = CREATE_ONLY
) -> str:
    shutil.copytree(base, target)
    code = WRITER.format(repo=str(REPO), tests=str(REPO / "tests"))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(target), stage, str(copy)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "go"
    if not stage:
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return out


def check_all_or_nothing(target: Path, references: dict[str, Any]) -> tuple[str, ...]:
    with open_store("embedded", path=target) as s:
        issues = tuple(s.issues())
        assert issues in (("B",), ("B", "S")), issues
        assert s.dump() == references[issues]
        s.load(synthetic_batch("S", 2000, 4000))  # and the store still takes writes
        assert tuple(s.issues()) == ("B", "S")
    return issues


@pytest.mark.parametrize(
    ("stage", "copy"),
    [("edges-deleted", CREATE_ONLY), ("nodes-written", CREATE_ONLY), ("nodes-written", 1), ("edges-written", 1),
     ("done", CREATE_ONLY), ("done", 1000)],
)
def test_sigkill_at_each_stage_leaves_the_store_as_it_was(
    tmp_path: Path, references: dict[str, Any], stage: str, copy: int
) -> None:
    out = kill_during_load(references["base"], tmp_path / "s", stage=stage, copy=copy)
    assert "loaded" not in out
    assert check_all_or_nothing(tmp_path / "s", references) == ("B",)


def test_sigkill_at_random_moments_leaves_all_or_nothing(tmp_path: Path, references: dict[str, Any]) -> None:
    """Kills spread over the load, its COMMIT and the checkpoint at close (the load takes ~0.6 s);
    a log torn by the kill is replayed up to the tear when the store is next opened for writing."""
    rnd = random.Random(int(os.environ.get("KG_KILL_SEED", "20261125")))
    for n in range(6):
        delay = (n + rnd.random()) * 0.18  # 0-1.08 s: before, during and after the transaction
        out = kill_during_load(references["base"], tmp_path / f"s{n}", delay=delay)
        issues = check_all_or_nothing(tmp_path / f"s{n}", references)
        if "loaded" in out:
            assert issues == ("B", "S"), f"a committed load was lost (kill after {delay:.2f} s)"


@pytest.mark.xfail(
    reason="LadybugDB 0.22: a kill during the checkpoint after a load that used COPY (groups of 1000+ rows) "
    "loses the COPY'd rows but keeps the CREATE'd ones; see docs/reliability.md",
    strict=False,
)
def test_sigkill_during_checkpoint_after_a_copy_load(tmp_path: Path, references: dict[str, Any]) -> None:
    for n in range(4):
        out = kill_during_load(references["base"], tmp_path / f"s{n}", delay=0.45 + 0.1 * n, copy=1000)
        issues = check_all_or_nothing(tmp_path / f"s{n}", references)
        if "loaded" in out:
            assert issues == ("B", "S")


def test_a_torn_log_is_replayed_up_to_the_tear(tmp_path: Path, references: dict[str, Any]) -> None:
    path = tmp_path / "s"
    shutil.copytree(references["base"], path)
    with open_store("embedded", path=path) as s:
        s.load(synthetic_batch("S", 2000, 4000))
    wal = path / "graph.lbug.wal"
    code = textwrap.dedent(f"""
        import os, sys
        sys.path[:0] = [{str(REPO)!r}, {str(REPO / "tests")!r}]
        from kg.store import open_store
        from store_fixtures import issue_a
        s = open_store("embedded", path={str(path)!r})
        s.load(issue_a())
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    data = wal.read_bytes()
    wal.write_bytes(data[: len(data) - 100])  # the tail of the last commit never reached the disk
    with pytest.raises(StoreError, match="write-ahead log cannot be replayed"):
        open_store("embedded", path=path, read_only=True)
    with open_store("embedded", path=path) as s:
        assert s.issues() == ["B", "S"]  # the torn transaction is gone, the rest is intact
        assert s.dump() == references[("B", "S")]
    assert list(path.glob("graph.lbug.wal.*.torn"))


# -- Neo4j that misbehaves -----------------------------------------------------------------------

pytest.importorskip("neo4j")


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


@pytest.mark.parametrize(
    ("mode", "error", "message", "limit"),
    [
        ("drop", ConnectionConfigError, "cannot reach Neo4j store bolt://127.0.0.1:{port}", 5),
        ("stall", ConnectionConfigError, "cannot reach Neo4j store bolt://127.0.0.1:{port}", 6),
        ("mute", ConnectionConfigError, "cannot reach Neo4j store bolt://127.0.0.1:{port}", 6),
        ("auth", ConnectionConfigError, "rejected the credentials of user 'neo4j'; check KG_NEO4J_USER", 5),
        ("transient", StoreError, "transient server error after retrying for 2 s", 8),
    ],
)
def test_misbehaving_server_clear_error_bounded_time_no_password(
    mode: Any, error: type[Exception], message: str, limit: float,
    debug_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KG_NEO4J_PASSWORD", SECRET)
    with FakeBolt(mode) as server:
        start = time.perf_counter()
        with pytest.raises(error) as info:
            open_store("neo4j", uri=server.uri, connection_timeout=2, max_retry_time=2)
        took = time.perf_counter() - start
        assert message.format(port=server.port) in str(info.value)
        assert took < limit
        if mode == "transient":
            assert 2 <= server.runs <= 10  # retried, and a bounded number of times
            assert "nothing was changed" in str(info.value)
    for text in (str(info.value), debug_logs.text, repr(info.value.__cause__), repr(info.value.__context__)):
        assert SECRET not in text


def cli_run(*args: str, env: dict[str, str]) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.mark.parametrize("mode", ["drop", "auth", "closed-port"])
def test_cli_against_a_bad_server_exits_4_and_never_shows_the_password(
    mode: Any, tmp_path: Path, debug_logs: pytest.LogCaptureFixture
) -> None:
    server = FakeBolt("drop" if mode == "closed-port" else mode)
    if mode == "closed-port":
        server.close()  # nothing listens on the port any more
    else:
        server.__enter__()
    try:
        uri = f"bolt://neo4j:{SECRET}@127.0.0.1:{server.port}"  # even a password in the URI is hidden
        env = {"KG_NEO4J_URI": uri, "KG_NEO4J_PASSWORD": SECRET, "KG_NEO4J_USER": "neo4j"}
        for args in (("load", str(SAMPLES / "sample-2025-03.txt"), "-q"), ("stats",), ("retract", "x")):
            start = time.perf_counter()
            result = cli_run(*args, "--neo4j", env=env)
            assert time.perf_counter() - start < 15
            assert result.exit_code == 4, result.output
            assert result.output.startswith("Error: "), result.output
            assert len(result.output.strip().splitlines()) == 1, result.output
            assert f"bolt://127.0.0.1:{server.port}" in result.output
            assert SECRET not in result.output
    finally:
        server.close()
    assert SECRET not in debug_logs.text


def test_password_never_leaves_the_store_object() -> None:
    from test_store_neo4j import FakeDriver

    from kg.store import Neo4jStore

    store = Neo4jStore(f"neo4j://u:{SECRET}@db.example:7687", password=SECRET, driver=FakeDriver())
    for text in (repr(store), store.describe(), store.uri, repr(vars(store) if hasattr(store, "__dict__") else "")):
        assert SECRET not in text
    assert not [v for v in vars(store).values() if isinstance(v, str) and SECRET in v]


def test_no_command_takes_a_password_option() -> None:
    """Credentials come from the environment only: no option could put one in shell history."""
    import click

    def walk(group: click.Command) -> Iterator[click.Command]:
        yield group
        if isinstance(group, click.Group):
            for sub in group.commands.values():
                yield from walk(sub)

    for command in walk(cli):
        for param in command.params:
            assert not any("pass" in opt.lower() or "secret" in opt.lower() for opt in param.opts), (
                command.name,
                param.opts,
            )


# -- two writers on one embedded store -----------------------------------------------------------


HOLDER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from kg.store import open_store
    from store_fixtures import issue_b
    s = open_store("embedded", path={path!r})
    s.load(issue_b())
    print("ready", flush=True)
    sys.stdin.read()
    s.close()
""")


def test_cli_load_while_another_process_writes_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "kg-data"
    code = HOLDER.format(repo=str(REPO), tests=str(REPO / "tests"), path=str(path))
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = cli_run("load", str(SAMPLES / "sample-2025-03.txt"), "--store", str(path), "-q",
                         env={"KG_NEO4J_URI": ""})
        assert result.exit_code == 4
        assert result.output.strip() == (
            f"Error: store {path} is in use by process {holder.pid}; wait for it to finish or use another --store"
        )
    finally:
        holder.communicate("", timeout=60)
    with open_store("embedded", path=path) as s:
        assert s.issues() == ["B"]


def test_two_concurrent_cli_loads_never_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "kg-data"
    names = sorted(p.name for p in SAMPLES.glob("sample-*.txt"))[:2]
    env = {**os.environ, "KG_NEO4J_URI": ""}
    procs = [
        subprocess.Popen([*KG, "load", str(SAMPLES / name), "--store", str(path), "--manifest",
                          str(SAMPLES / "manifest.csv"), "-q", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
        for name in names
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read() if p.stdout else "", p.stderr.read() if p.stderr else "")
                for p in procs]
    loaded = []
    for (code, out, err), name in zip(outcomes, names, strict=True):
        assert code in (0, 4), (code, out, err)
        if code == 0:
            loaded.append(Path(name).stem)
            assert json.loads(out)["failed"] == []
        else:
            assert "is in use by process" in err and "Traceback" not in err, err
    assert loaded
    with open_store("embedded", path=path) as s:
        assert s.issues() == sorted(loaded)
        stats = s.stats()
    reference = tmp_path / "reference"
    result = cli_run("load", *(str(SAMPLES / f"{stem}.txt") for stem in sorted(loaded)), "--store", str(reference),
                     "--manifest", str(SAMPLES / "manifest.csv"), "-q", env={"KG_NEO4J_URI": ""})
    assert result.exit_code == 0, result.output
    with open_store("embedded", path=reference, read_only=True) as r:
        assert r.stats() == stats
