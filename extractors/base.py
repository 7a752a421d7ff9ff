"""The extractor protocol, the per-article context, and the registry of factories.

An extractor is a pure callable: ``extractor(article, context) -> Extraction``. Its
patterns and gazetteers come in through its constructor (a factory reads them from
``schema/``), so extraction itself does no I/O and keeps no global state. Extractors
are created by name from :data:`REGISTRY`, each factory with a ``default_config``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from kg.errors import KGError
from kg.types import Article, Extraction

__all__ = ["REGISTRY", "ArticleContext", "Extractor", "Factory", "available", "create", "register"]


@dataclass(frozen=True, slots=True)
class ArticleContext:
    """What an extractor may know beyond the article: the issue's id and date."""

    issue_id: str = ""
    issue_date: str | None = None


@runtime_checkable
class Extractor(Protocol):
    """One extractor: a name, the entity labels it produces, and a pure call."""

    @property
    def name(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...

    def __call__(self, article: Article, context: ArticleContext) -> Extraction: ...


@dataclass(frozen=True, slots=True)
class Factory:
    name: str
    build: Callable[..., Extractor]
    default_config: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""


REGISTRY: dict[str, Factory] = {}


B = TypeVar("B", bound=Callable[..., Any])


def register(name: str, *, default_config: Mapping[str, Any] | None = None, description: str = "") -> Callable[[B], B]:
    """Decorator: register a factory under ``name``."""

    def wrap(build: B) -> B:
        REGISTRY[name] = Factory(name, build, dict(default_config or {}), description)
        return build

    return wrap


def available() -> list[str]:
    _load_builtin()
    return sorted(REGISTRY)


def create(name: str, **config: Any) -> Extractor:
    """Build a registered extractor with its default config updated by ``config``."""
    _load_builtin()
    if name not in REGISTRY:
        raise KGError(f"unknown extractor {name!r}; available: {', '.join(sorted(REGISTRY))}")
    factory = REGISTRY[name]
    return factory.build(**{**factory.default_config, **config})


BUILTIN = ("policy", "agency", "region", "drug", "dates", "figures", "relations", "spacy_ner")


def _load_builtin() -> None:
    """Import the built-in extractor modules that exist (registration is their side effect)."""
    import importlib
    import importlib.util

    for module in BUILTIN:
        name = f"{__package__}.{module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
