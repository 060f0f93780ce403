"""Checks across records: every problem collected, none fatal until the caller decides.

Each check has a stable code (:mod:`dazhou_reforms.problems.codes`) and its own module:

- :mod:`~dazhou_reforms.check.ids`: ids unique across all tables, no placeholder id left (a warning);
- :mod:`~dazhou_reforms.check.withdrawn`: no live record relies on a withdrawn one (a warning);
- :mod:`~dazhou_reforms.check.references`: references, quotes and figures of every record in one
  pass, and parent_id cycles;
- :mod:`~dazhou_reforms.check.evidence`: sections within their source, source checksums;
- :mod:`~dazhou_reforms.check.figures`: a metric's figures against its stated text;
- :mod:`~dazhou_reforms.check.series`: statements of one series and period that differ
  (information, never an error);
- :mod:`~dazhou_reforms.check.terms`: glossary terms rendered consistently in English;
- :mod:`~dazhou_reforms.check.vocabularies`: the vocabulary entries against the schema.

The checks are pure: they take validated records and where they came from, and return problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path

from dazhou_reforms.check.evidence import check_sections, check_sources
from dazhou_reforms.check.ids import check_unique_ids
from dazhou_reforms.check.references import check_parent_cycles, check_records
from dazhou_reforms.check.reporter import Origins, Reporter, Resolve, Tables
from dazhou_reforms.check.series import check_series
from dazhou_reforms.check.terms import check_terms
from dazhou_reforms.check.vocabularies import check_vocabularies
from dazhou_reforms.check.withdrawn import check_withdrawn_references
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.read.raw_files import tree_name
from dazhou_reforms.read.toml_tree import RawDataset, read_raw
from dazhou_reforms.schema.models import Model


def check_dataset(
    tables: Tables,
    origins: Origins | None = None,
    vocabulary_files: Mapping[str, Origin] | None = None,
    known_ids: Mapping[str, AbstractSet[str]] | None = None,
    resolve: Resolve | None = None,
    withdrawn: Mapping[str, AbstractSet[str]] | None = None,
    glossary: Sequence[Model] | None = None,
) -> list[Problem]:
    """Run every collection check; return all problems (empty when the records are consistent).

    ``known_ids`` and ``resolve``: ids references may name beyond ``tables`` (see
    :func:`~dazhou_reforms.check.references.check_records`); ``withdrawn``: ids of withdrawn
    records beyond ``tables``, by table; ``glossary``: the terms the records' translations are
    checked against, when they are not the table ``glossary`` of ``tables``.
    """
    report = Reporter(origins or {})
    check_unique_ids(tables, report)
    check_records(tables, report, known_ids or {}, resolve)
    check_withdrawn_references(tables, report, withdrawn)
    check_parent_cycles(tables, report)
    check_sections(tables, report)
    check_sources(tables, report)
    check_series(tables, report)
    check_terms(tables, report, glossary)
    if "vocabularies" in tables and vocabulary_files is not None:
        check_vocabularies(tables, report, vocabulary_files)
    return report.problems


def read_and_check(root: Path) -> RawDataset:
    """Read the raw/ tree ``root`` and run every collection check; ``problems`` holds everything found."""
    dataset = read_raw(root)
    if not (dataset.origins or dataset.invalid_ids or dataset.vocabulary_files):
        return dataset  # nothing could be read (its problems say why): no vocabulary to miss either
    try:
        dataset.problems.extend(
            check_dataset(
                dataset.tables,
                dataset.origins,
                dataset.expected_vocabulary_files(),  # a release needs every vocabulary's file
                dataset.invalid_ids,
            )
        )
    except Exception as error:  # the last line of defence: a problem, never a traceback
        message = f"the checks failed: {type(error).__name__}: {shorten(str(error), 120)}"
        dataset.problems.append(codes.INTERNAL_ERROR.problem(message, tree_name(root, root)))
    return dataset
