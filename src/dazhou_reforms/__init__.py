"""dazhou-reforms: the reforms and figures of one 2024 article on reform in Dazhou, Sichuan.

``import dazhou_reforms`` is light: the loaders, the models (and pydantic, pyarrow) are imported on
first use of a name (``dz.load_reforms``, ``dz.Reform``, ...).
"""

from __future__ import annotations

from dazhou_reforms._version import __version__

TYPE_CHECKING = False  # not imported from typing: `import dazhou_reforms` stays as light as can be
if TYPE_CHECKING:
    from typing import Any

    from dazhou_reforms.cite import citation
    from dazhou_reforms.extras import MissingExtraError
    from dazhou_reforms.frames import load_frame
    from dazhou_reforms.loaders import (
        DataError,
        UnknownVersionError,
        available_versions,
        evidence_text,
        get_reform,
        load_glossary,
        load_metrics,
        load_organizations,
        load_reforms,
        load_sections,
        load_series,
        load_sources,
        load_table,
        metrics_for,
        records_quoting,
        sources_of,
    )
    from dazhou_reforms.lookup import get_metric, get_organization, get_section, get_source, get_term, search
    from dazhou_reforms.schema.models import (
        Evidence,
        GlossaryTerm,
        Metric,
        Organization,
        Recognition,
        Reform,
        Section,
        Source,
        VocabularyEntry,
    )

#: public name -> the module that defines it (imported on first use).
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "DataError",
            "UnknownVersionError",
            "available_versions",
            "evidence_text",
            "get_reform",
            "load_glossary",
            "load_metrics",
            "load_organizations",
            "load_reforms",
            "load_sections",
            "load_sources",
            "load_table",
            "metrics_for",
            "load_series",
            "records_quoting",
            "sources_of",
        ),
        "dazhou_reforms.loaders",
    ),
    **dict.fromkeys(
        ("get_metric", "get_organization", "get_section", "get_source", "get_term", "search"),
        "dazhou_reforms.lookup",
    ),
    "load_frame": "dazhou_reforms.frames",
    "citation": "dazhou_reforms.cite",
    "MissingExtraError": "dazhou_reforms.extras",
    **dict.fromkeys(
        (
            "Evidence",
            "GlossaryTerm",
            "Metric",
            "Organization",
            "Recognition",
            "Reform",
            "Section",
            "Source",
            "VocabularyEntry",
        ),
        "dazhou_reforms.schema.models",
    ),
}

__all__ = [
    "DataError",
    "Evidence",
    "GlossaryTerm",
    "Metric",
    "MissingExtraError",
    "Organization",
    "Recognition",
    "Reform",
    "Section",
    "Source",
    "UnknownVersionError",
    "VocabularyEntry",
    "__version__",
    "available_versions",
    "citation",
    "evidence_text",
    "get_metric",
    "get_organization",
    "get_reform",
    "get_section",
    "get_source",
    "get_term",
    "load_frame",
    "load_glossary",
    "load_metrics",
    "load_organizations",
    "load_reforms",
    "load_sections",
    "load_series",
    "load_sources",
    "load_table",
    "metrics_for",
    "records_quoting",
    "search",
    "sources_of",
]


def __dir__() -> list[str]:
    """The public names (what ``from dazhou_reforms import *`` gives), not the module's helpers."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dazhou_reforms' has no attribute {name!r}")
