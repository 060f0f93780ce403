"""Read the hand-written ``raw/`` tree into complete records.

Layout (one record per file, the file name is the record id)::

    raw/sources/<id>.toml + <id>.txt   article metadata + the article text (UTF-8, LF)
    raw/sections/<id>.toml             parts of the article
    raw/organizations/<id>.toml
    raw/reforms/<id>.toml
    raw/metrics/<id>.toml
    raw/glossary/<id>.toml
    raw/vocabularies/<name>.toml       [[entries]] code, label_en, label_zh, definition_en

What a curator may leave out, the reader derives (and checks, when given):

- evidence ``start``/``end``: write ``{ source_id = "...", quote = "..." }`` (``source_id`` always:
  see :mod:`dazhou_reforms.read.evidence`); the quote must occur exactly once in that source's
  text, or carry ``start`` to say which occurrence is meant;
- a metric's ``value_standard``/``unit_standard`` (``mu`` -> ``hectare``, otherwise the same);
- a section's ``start``/``end`` (from its first evidence span to the next section of the same
  source) and ``source_id`` (see :mod:`dazhou_reforms.read.sections`);
- a source's ``text`` (read from ``<id>.txt``) and ``text_sha256`` (checked when written).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.read.evidence import quoted_sources, resolve_all_evidence
from dazhou_reforms.read.model_errors import validate_record
from dazhou_reforms.read.raw_files import (
    LIST_HINT,
    internal_error,
    not_a_folder,
    read_source_text,
    read_toml,
    toml_entries,
    tree_name,
)
from dazhou_reforms.read.sections import finish_sections, first_source, first_start, section_problems
from dazhou_reforms.read.text import text_sha256
from dazhou_reforms.schema.models import ID_PATTERN, ID_TABLES, TABLES, Model, Source
from dazhou_reforms.schema.units import StatedQuantityError, parse_stated, standard_for
from dazhou_reforms.schema.vocabularies import VOCABULARIES


@dataclass
class RawDataset:
    """Validated records per table, where each came from, and every problem found on the way."""

    tables: dict[str, list[Model]] = field(default_factory=lambda: {name: [] for name in TABLES})
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    vocabulary_files: dict[str, Origin] = field(default_factory=dict)
    #: ids of records that failed the schema: references to them are not reported again.
    invalid_ids: dict[str, set[str]] = field(default_factory=dict)
    #: Section id -> the end its TOML wrote (the reader computes every end; a written one must agree).
    written_ends: dict[str, int] = field(default_factory=dict)
    #: Record file (as problems name it) -> the sources its evidence names; None when an entry
    #: names none (``validate --source`` keeps such a file's problems: it cannot tell).
    quoted: dict[str, frozenset[str] | None] = field(default_factory=dict)

    #: How problems name the tree's vocabularies folder (``raw/vocabularies``).
    vocabulary_dir: str = "raw/vocabularies"

    def expected_vocabulary_files(self) -> dict[str, Origin]:
        """Every vocabulary's file: the one read, else where it should be (a build needs them all)."""
        wanted = {name: Origin(f"{self.vocabulary_dir}/{name}.toml") for name in VOCABULARIES}
        return {**wanted, **self.vocabulary_files}

    def source_texts(self) -> dict[str, str]:
        return {record.id: record.text for record in self.tables["sources"] if isinstance(record, Source)}


#: What the reader fills in: not reported missing when it could not (its inputs are reported).
METRIC_DERIVED = ("value_standard", "unit_standard")
EVIDENCE_DERIVED = ("source_id", "start", "end")


def derive_metric_fields(data: dict[str, Any]) -> bool:
    """Fill ``value_standard``/``unit_standard`` from value and unit (check.figures checks them).

    False when value or unit is not valid: the problems are theirs, not the derived fields'.
    """
    value, unit = data.get("value"), data.get("unit")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or unit not in VOCABULARIES["unit"]:
        return False
    try:
        number = float(value)  # an integer of 400 digits does not fit a float
    except OverflowError:
        return False
    if not math.isfinite(number):  # TOML has nan and inf: the schema reports them
        return False
    try:
        stated = (
            parse_stated(data["value_as_stated"]) if isinstance(data.get("value_as_stated"), str) else None
        )
    except StatedQuantityError:
        stated = None
    standard_value, standard_unit = standard_for(number, unit, stated)
    data.setdefault("value_standard", standard_value)
    data.setdefault("unit_standard", standard_unit)
    return True


@dataclass(frozen=True)
class RecordRead:
    """What one record file gave: its record (None when invalid), its id, where it is, its problems."""

    table: str
    record: Model | None
    record_id: str | None
    origin: Origin | None
    problems: list[Problem]
    #: A source's text, when the file is a source whose text could be read.
    text: str | None = None
    #: A section's ``end`` as written by hand (checked once every section is read).
    written_end: int | None = None
    #: The file (as problems name it) and the sources its evidence names (None: not all named).
    quotes: tuple[str, frozenset[str] | None] | None = None


def read_record_file(
    table: str, path: Path, root: Path, texts: Mapping[str, str], display: str | None = None
) -> RecordRead:
    """Read one record file of ``table``, its evidence resolved against ``texts`` (source id -> text)."""
    model = TABLES[table]
    data, origin, problems = read_toml(path, root, display)
    if data is None:
        return RecordRead(table, None, None, None, problems)
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    if record_id is not None and record_id != path.stem:
        problems.append(
            codes.ID_FILENAME_MISMATCH.problem(
                "the record id must equal the file name",
                origin.file,
                origin.line_of("id"),
                record_id=record_id,
                path="id",
                expected=shorten(path.stem),
                found=shorten(record_id),
                hint=f'rename the file to {record_id}.toml or set id = "{path.stem}"',
            )
        )
    text = None
    if table == "sources":
        problems.extend(_attach_source_text(data, path, origin, record_id))
        if isinstance(data.get("text"), str) and record_id:
            text = data["text"]
            texts = {**texts, record_id: text}
    evidence_problems, unquoted = resolve_all_evidence(data, texts, origin, record_id)
    problems.extend(evidence_problems)
    # fields the reader fills in, and could not: their inputs' problems are reported instead
    underived = {f"{entry}{name}" for entry in unquoted for name in EVIDENCE_DERIVED}
    if table == "metrics" and not derive_metric_fields(data):
        underived.update(METRIC_DERIVED)
    written_end = None
    if table == "sections":
        derived = {"source_id": first_source(data), "start": first_start(data), "end": 0}
        problems.extend(section_problems(data, derived, origin, record_id))
        end = data.get("end")
        written_end = end if isinstance(end, int) and not isinstance(end, bool) else None
        for name, value in derived.items():  # the end is set once every section is read
            if value is None:
                underived.add(name)
            else:
                data.setdefault(name, value)
    record, schema_problems = validate_record(model, data, origin)
    # an evidence entry that could not be resolved: its problem says why, the schema's would repeat it
    unresolved = tuple(_entry_prefix(p.path) for p in evidence_problems if p.path)
    problems.extend(
        p
        for p in schema_problems
        if not f"{p.path or ''}.".startswith(unresolved or ("\0",))
        and not (p.code == codes.MISSING_FIELD.name and p.path in underived)
    )
    where = origin if record_id is not None else None
    quotes = (origin.file, quoted_sources(data))
    return RecordRead(table, record, record_id, where, problems, text, written_end, quotes)


class RawReader:
    """Reads raw TOML files into one :class:`RawDataset`, in the order given: evidence resolves
    against the source texts given and those of the sources read so far."""

    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self.texts: dict[str, str] = dict(texts or {})
        self.dataset = RawDataset()

    def record_file(self, table: str, path: Path, root: Path, display: str | None = None) -> None:
        try:
            read = read_record_file(table, path, root, self.texts, display)
        except Exception as error:  # a failure of the reader is this file's problem, not the tree's
            file = display if display is not None else tree_name(path, root)
            self.dataset.problems.append(internal_error(file, error))
            return
        dataset = self.dataset
        dataset.problems.extend(read.problems)
        if read.text is not None and read.record_id is not None:
            self.texts[read.record_id] = read.text
        if read.record_id is not None and read.origin is not None:
            dataset.origins[(table, read.record_id)] = read.origin
        if read.quotes is not None:
            dataset.quoted[read.quotes[0]] = read.quotes[1]
        if read.record is not None:
            dataset.tables[table].append(read.record)
            if read.written_end is not None and read.record_id is not None:
                dataset.written_ends[read.record_id] = read.written_end
        elif read.record_id is not None:
            dataset.invalid_ids.setdefault(table, set()).add(read.record_id)
        elif re.fullmatch(ID_PATTERN, path.stem):
            # unreadable, or no id in it: the file name is its id (references to it are not also
            # reported as missing: the one problem is the file's own, fixed in one round)
            dataset.invalid_ids.setdefault(table, set()).add(path.stem)

    def table_dir(self, table: str, directory: Path, root: Path) -> int:
        """Read every ``*.toml`` entry of ``directory``; how many there are (unreadable ones too)."""
        paths = toml_entries(directory, root, self.dataset.problems)
        for path in paths:
            self.record_file(table, path, root)
        return len(paths)

    def vocabulary_dir(self, directory: Path, root: Path) -> int:
        return read_vocabulary_files(directory, root, self.dataset)

    def finish(self) -> RawDataset:
        """The dataset, its sections' ends set (see :func:`finish_sections`)."""
        finish_sections(self.dataset, self.texts)
        return self.dataset


def _entry_prefix(path: str) -> str:
    """The evidence entry a problem's field path is in: ``evidence[0].`` of ``evidence[0].quote``."""
    return path[: path.rindex("]") + 1] + "." if "]" in path else path


def _attach_source_text(
    data: dict[str, Any], path: Path, origin: Origin, record_id: str | None
) -> list[Problem]:
    """Read the source's ``<id>.txt`` (see :func:`~dazhou_reforms.read.raw_files.read_source_text`)."""
    text_path = path.with_suffix(".txt")
    named = origin.file.endswith(path.suffix) and path.suffix
    text_file = origin.file[: -len(path.suffix)] + ".txt" if named else text_path.as_posix()
    if "text" in data:
        return [
            codes.UNKNOWN_FIELD.problem(
                "keep the article text in its .txt file, not in the TOML",
                origin.file,
                origin.line_of("text"),
                record_id=record_id,
                path="text",
                hint=f"move it to {text_path.name}",
            )
        ]
    text, problem = read_source_text(text_path, text_file)
    if problem is not None:
        if problem.code == codes.UNREADABLE.name and not os.path.lexists(text_path):  # no entry at all
            return [
                codes.MISSING_FILE.problem(
                    f"the source text {text_path.name} is missing",
                    origin.file,
                    record_id=record_id,
                    hint=f"save the article text as {text_path.name} beside the TOML",
                )
            ]
        return [problem]
    assert text is not None
    data["text"] = text
    # a written one is compared by check.evidence.check_sources
    data.setdefault("text_sha256", text_sha256(text))
    return []


def read_vocabulary_files(directory: Path, root: Path, dataset: RawDataset) -> int:
    """Read the vocabulary files of ``directory`` into ``dataset``; how many entries it has."""
    paths = toml_entries(directory, root, dataset.problems)
    for path in paths:
        try:
            _vocabulary_file(path, root, dataset)
        except Exception as error:  # a failure of the reader is this file's problem, not the tree's
            dataset.problems.append(internal_error(tree_name(path, root), error))
    return len(paths)


def _vocabulary_file(path: Path, root: Path, dataset: RawDataset) -> None:
    model = TABLES["vocabularies"]
    data, origin, problems = read_toml(path, root)
    dataset.problems.extend(problems)
    if data is None:
        return
    dataset.vocabulary_files[path.stem] = origin
    entries = data.get("entries")
    if not isinstance(entries, list):
        code = codes.MISSING_FIELD if entries is None else codes.WRONG_TYPE
        dataset.problems.append(
            code.problem(
                "a vocabulary file needs [[entries]]",
                origin.file,
                origin.line_of("entries"),
                path="entries",
                expected="[[entries]] tables" if entries is not None else None,
                found=shorten(entries) if entries is not None else None,
                hint="add [[entries]] tables with code, label_en, label_zh, definition_en",
            )
        )
        return
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            dataset.problems.append(
                codes.WRONG_TYPE.problem(
                    f"`entries[{index}]` must be a table of code, label_en, label_zh, definition_en",
                    origin.file,
                    origin.line_of("entries"),
                    path=f"entries[{index}]",
                    expected="a table ([[entries]])",
                    found=shorten(entry),
                    hint="write each entry as an [[entries]] table",
                )
            )
            continue
        entry = {"vocabulary": path.stem, **entry}
        if isinstance(entry.get("code"), int) and not isinstance(entry.get("code"), bool):
            entry["code"] = str(entry["code"])
        record, found = validate_record(model, entry, origin)
        dataset.problems.extend(
            p if p.path is None else replace(p, path=f"entries[{index}].{p.path}") for p in found
        )
        if record is not None:
            dataset.tables["vocabularies"].append(record)


def read_raw(root: Path, texts: Mapping[str, str] | None = None) -> RawDataset:
    """Read every record under ``root``; collect all problems instead of stopping at the first.

    ``texts`` (source id -> text) are source texts from elsewhere (a release), for a tree without
    the sources its evidence quotes; the tree's own sources take precedence.

    Every entry is a problem of its own when it cannot be read (a dangling link, a FIFO, a folder
    named ``x.toml``): the others are still read. A tree without any record file is ``no-records``.
    """
    reader = RawReader(texts)
    dataset = reader.dataset
    dataset.vocabulary_dir = tree_name(root / "vocabularies", root)
    hint = "point --raw at the folder that holds sources/, reforms/, …"
    problem = not_a_folder(root, root.as_posix(), hint)
    if problem is not None:
        dataset.problems.append(problem)
        return dataset
    entries = 0
    for table in ID_TABLES:
        if _table_folder(root / table, root, dataset):
            entries += reader.table_dir(table, root / table, root)
    if _table_folder(root / "vocabularies", root, dataset):  # given: each vocabulary needs its file
        entries += reader.vocabulary_dir(root / "vocabularies", root)
        dataset.vocabulary_files = dataset.expected_vocabulary_files()
    if not entries and not dataset.problems:
        name = tree_name(root, root)
        dataset.problems.append(
            codes.NO_RECORDS.problem(
                f"{name} holds no record files",
                name,
                expected="<id>.toml files in sources/, sections/, …, vocabularies/",
                hint="give a raw/ tree with records, e.g. raw/",
            )
        )
    return reader.finish()


def _table_folder(directory: Path, root: Path, dataset: RawDataset) -> bool:
    """Whether the tree has the table folder ``directory`` (absent is fine; not a folder is a problem)."""
    problem = not_a_folder(directory, tree_name(directory, root), LIST_HINT, absent_ok=True)
    if problem is not None:
        dataset.problems.append(problem)
        return False
    return directory.is_dir()
