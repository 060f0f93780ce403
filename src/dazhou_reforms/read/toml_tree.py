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

- evidence ``start``/``end`` and ``source_id``: write just ``{ quote = "..." }``; the quote must
  occur exactly once in the source text, or carry ``start`` to say which occurrence is meant;
- a metric's ``value_standard``/``unit_standard`` (``mu`` -> ``hectare``, otherwise the same);
- a section's ``start``/``end`` (from its first evidence span to the next section's) and
  ``source_id``;
- a source's ``text`` (read from ``<id>.txt``) and ``text_sha256`` (checked when written).
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.read.evidence import resolve_all_evidence
from dazhou_reforms.read.model_errors import validate_record
from dazhou_reforms.read.strict_json import MAX_DEPTH, MAX_NUMBER_LENGTH
from dazhou_reforms.read.text import decode_utf8
from dazhou_reforms.schema.models import ID_TABLES, TABLES, Model, Section, Source
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

    def source_texts(self) -> dict[str, str]:
        return {record.id: record.text for record in self.tables["sources"] if isinstance(record, Source)}


def read_toml(
    path: Path, root: Path, display: str | None = None
) -> tuple[dict[str, Any] | None, Origin, list[Problem]]:
    """Read one TOML file; problems name it ``display``, or its path from ``root``'s parent."""
    if display is not None:
        file = display
    else:
        file = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
    text, problem = decode_utf8(path.read_bytes(), file)
    origin = Origin(file, text=text or "")
    if problem is not None:
        return None, origin, [problem]
    assert text is not None
    try:
        return tomllib.loads(text), origin, []
    except RecursionError:  # tomllib's parser recurses once per level of nesting
        line, column = _line_and_column(text, _DEEP)
        problem = codes.TOO_DEEP.problem(
            "arrays or tables are nested too deeply to read",
            file,
            line,
            column,
            hint="records are at most a few levels deep: check the brackets",
        )
        return None, origin, [problem]
    except tomllib.TOMLDecodeError as error:
        position = re.search(r"\(at line ([0-9]+), column ([0-9]+)\)", str(error))
        line = int(position.group(1)) if position else None
        column = int(position.group(2)) if position else None
        message = str(error).split(" (at ")[0]
        return (
            None,
            origin,
            [codes.TOML_SYNTAX.problem(f"TOML syntax error: {message}", file, line, column)],
        )
    except ValueError:  # an integer too long for int() (Python refuses more than 4,300 digits)
        line, column = _line_and_column(text, _LONG_NUMBER)
        problem = codes.NUMBER_TOO_LONG.problem(
            f"an integer too long to read (more than {sys.get_int_max_str_digits():,} digits)",
            file,
            line,
            column,
            hint="write the figure as an ordinary number",
        )
        return None, origin, [problem]


#: More openings of arrays or inline tables in a row than records ever need.
_DEEP = re.compile(rf"(?:[\[{{][ \t\r\n]*){{{MAX_DEPTH + 1}}}")
_LONG_NUMBER = re.compile(rf"[+-]?[0-9][0-9_]{{{MAX_NUMBER_LENGTH},}}")


def _line_and_column(text: str, pattern: re.Pattern[str]) -> tuple[int | None, int | None]:
    """Line and column (from 1) of the first match of ``pattern`` in ``text``, if any."""
    found = pattern.search(text)
    if found is None:
        return None, None
    start = found.start()
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


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
        stated = (
            parse_stated(data["value_as_stated"]) if isinstance(data.get("value_as_stated"), str) else None
        )
    except StatedQuantityError:
        stated = None
    standard_value, standard_unit = standard_for(float(value), unit, stated)
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
        problems.extend(_attach_source_text(data, path, origin))
        if isinstance(data.get("text"), str) and record_id:
            text = data["text"]
            texts = {**texts, record_id: text}
    evidence_problems, unquoted = resolve_all_evidence(data, texts, origin, record_id)
    problems.extend(evidence_problems)
    # fields the reader fills in, and could not: their inputs' problems are reported instead
    underived = {f"{entry}{name}" for entry in unquoted for name in EVIDENCE_DERIVED}
    if table == "metrics" and not derive_metric_fields(data):
        underived.update(METRIC_DERIVED)
    if table == "sections":  # the end is set once every section is read
        for name, value in (("source_id", _first_source(data, texts)), ("start", _first_start(data))):
            if value is None:  # its first evidence entry is unresolved: that entry's problem is reported
                underived.add(name)
            else:
                data.setdefault(name, value)
        data.setdefault("end", 0)
    record, schema_problems = validate_record(model, data, origin)
    unresolved = tuple(p.path.removesuffix("quote") for p in evidence_problems if p.path)
    problems.extend(
        p
        for p in schema_problems
        if not (p.path or "").startswith(unresolved or ("\0",))
        and not (p.code == codes.MISSING_FIELD.name and p.path in underived)
    )
    return RecordRead(table, record, record_id, origin if record_id is not None else None, problems, text)


class RawReader:
    """Reads raw TOML files into one :class:`RawDataset`, in the order given: evidence resolves
    against the source texts given and those of the sources read so far."""

    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self.texts: dict[str, str] = dict(texts or {})
        self.dataset = RawDataset()

    def record_file(self, table: str, path: Path, root: Path, display: str | None = None) -> None:
        read = read_record_file(table, path, root, self.texts, display)
        dataset = self.dataset
        dataset.problems.extend(read.problems)
        if read.text is not None and read.record_id is not None:
            self.texts[read.record_id] = read.text
        if read.record_id is not None and read.origin is not None:
            dataset.origins[(table, read.record_id)] = read.origin
        if read.record is not None:
            dataset.tables[table].append(read.record)
        elif read.record_id is not None:
            dataset.invalid_ids.setdefault(table, set()).add(read.record_id)

    def table_dir(self, table: str, directory: Path, root: Path) -> None:
        for path in sorted(directory.glob("*.toml")):
            self.record_file(table, path, root)

    def vocabulary_dir(self, directory: Path, root: Path) -> None:
        read_vocabulary_files(directory, root, self.dataset)

    def finish(self) -> RawDataset:
        """The dataset, its sections' ends set (see :func:`finish_sections`)."""
        finish_sections(self.dataset, self.texts)
        return self.dataset


def _first_source(data: dict[str, Any], texts: Mapping[str, str]) -> Any:
    evidence = data.get("evidence")
    if isinstance(evidence, list) and evidence and isinstance(evidence[0], dict):
        return evidence[0].get("source_id")
    return next(iter(texts), None)


def _first_start(data: dict[str, Any]) -> Any:
    evidence = data.get("evidence")
    if isinstance(evidence, list) and evidence and isinstance(evidence[0], dict):
        return evidence[0].get("start", 0)
    return 0


def _attach_source_text(data: dict[str, Any], path: Path, origin: Origin) -> list[Problem]:
    text_path = path.with_suffix(".txt")
    if "text" in data:
        return [
            codes.UNKNOWN_FIELD.problem(
                "keep the article text in its .txt file, not in the TOML",
                origin.file,
                origin.line_of("text"),
                record_id=data.get("id"),
                path="text",
                hint=f"move it to {text_path.name}",
            )
        ]
    if not text_path.exists():
        return [
            codes.MISSING_FILE.problem(
                f"the source text {text_path.name} is missing",
                origin.file,
                record_id=data.get("id"),
                hint=f"save the article text as {text_path.name} beside the TOML",
            )
        ]
    text, problem = decode_utf8(text_path.read_bytes(), text_path.as_posix())
    if problem is not None:
        return [problem]
    assert text is not None
    data["text"] = text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    data.setdefault("text_sha256", digest)  # a written one is compared by check.evidence.check_sources
    return []


def finish_sections(dataset: RawDataset, texts: Mapping[str, str] | None = None) -> None:
    """Each section ends where the next one (by start) begins, the last at the end of its source."""
    texts = {**(texts or {}), **dataset.source_texts()}
    sections = sorted(
        (s for s in dataset.tables["sections"] if isinstance(s, Section)), key=lambda s: s.start
    )
    finished = []
    for index, section in enumerate(sections):
        later = [s for s in sections[index + 1 :] if s.source_id == section.source_id]
        end = later[0].start if later else len(texts.get(section.source_id, ""))
        finished.append(section.model_copy(update={"end": end}))
    dataset.tables["sections"] = list(finished)


def read_vocabulary_files(directory: Path, root: Path, dataset: RawDataset) -> None:
    model = TABLES["vocabularies"]
    for path in sorted(directory.glob("*.toml")):
        data, origin, problems = read_toml(path, root)
        dataset.problems.extend(problems)
        if data is None:
            continue
        dataset.vocabulary_files[path.stem] = origin
        entries = data.get("entries")
        if not isinstance(entries, list):
            dataset.problems.append(
                codes.MISSING_FIELD.problem(
                    "a vocabulary file needs [[entries]]",
                    origin.file,
                    path="entries",
                    hint="add [[entries]] tables with code, label_en, label_zh, definition_en",
                )
            )
            continue
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
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
    """
    reader = RawReader(texts)
    if not root.is_dir():
        reader.dataset.problems.append(
            codes.MISSING_PATH.problem(
                f"{root} is not a directory",
                str(root),
                hint="point --raw at the folder that holds sources/, reforms/, …",
            )
        )
        return reader.dataset
    for table in ID_TABLES:
        directory = root / table
        if directory.is_dir():
            reader.table_dir(table, directory, root)
    if (root / "vocabularies").is_dir():
        reader.vocabulary_dir(root / "vocabularies", root)
    return reader.finish()
