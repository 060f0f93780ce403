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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dazhou_reforms.check.dataset import check_dataset
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.problems.problem import Problem, shorten
from dazhou_reforms.read.model_errors import validate_record
from dazhou_reforms.read.strict_json import MAX_DEPTH, MAX_NUMBER_LENGTH
from dazhou_reforms.schema.models import TABLES, Model, Section, Source
from dazhou_reforms.schema.units import StatedQuantityError, parse_stated, standard_for
from dazhou_reforms.schema.vocabularies import VOCABULARIES

RECORD_TABLES = ("sources", "sections", "organizations", "reforms", "metrics", "glossary")


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


def decode_utf8(data: bytes, file: str, normalize_newlines: bool = True) -> tuple[str | None, Problem | None]:
    """Decode strict UTF-8 with LF line endings; name the usual wrong encodings in the hint.

    ``normalize_newlines=False`` keeps CR characters as they are (JSON: CR outside strings is white
    space, inside strings an error), so that offsets into the text stay offsets into the bytes' text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return None, Problem(
            "utf8-bom",
            "the file starts with a UTF-8 byte order mark",
            file,
            1,
            expected="UTF-8 without BOM",
            found="EF BB BF",
            hint="re-save the file as UTF-8 without BOM",
        )
    if wide := wide_encoding(data):
        marked = data.startswith(_WIDE_MARKS)
        return None, Problem(
            "not-utf8",
            f"the file is {wide}, not UTF-8"
            if marked
            else f"the file looks like {wide} ({_ZEROS[wide]}), not UTF-8",
            file,
            1,
            expected="UTF-8",
            found=f"{wide} byte order mark" if marked else "zero bytes between the characters",
            hint="re-save the file as UTF-8",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        in_line = error.start - data.rfind(b"\n", 0, error.start)
        hint = "re-save the file as UTF-8"
        try:
            data.decode("gb18030")
            hint = "the bytes look like GBK/GB18030: re-save the file as UTF-8"
        except UnicodeDecodeError:
            pass
        return None, Problem(
            "not-utf8",
            "the file is not valid UTF-8",
            file,
            line,
            expected="UTF-8",
            found=f"byte 0x{data[error.start]:02X}, byte {in_line} of its line",
            hint=hint,
        )
    if not normalize_newlines:
        return text, None
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


#: Byte order marks of UTF-32 (first: UTF-32 LE starts like UTF-16 LE) and UTF-16.
_WIDE_MARKS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
_ZEROS = {"UTF-16": "every other byte is zero", "UTF-32": "three bytes of every four are zero"}


def wide_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" if ``data`` is written in it (by its byte order mark, or by ASCII
    characters that come with one or three zero bytes each), else None: such text is not read on."""
    for mark in _WIDE_MARKS:
        if data.startswith(mark):
            return "UTF-32" if len(mark) == 4 else "UTF-16"
    head = data[:64]
    if len(head) < 4 or head.count(0) * 3 < len(head):
        return None
    return "UTF-32" if head.count(0) * 3 >= len(head) * 2 else "UTF-16"


def read_toml(
    path: Path, root: Path, display: str | None = None
) -> tuple[dict[str, Any] | None, Origin, list[Problem]]:
    """Read one TOML file; problems name it ``display``, or its path from ``root``'s parent."""
    if display is not None:
        file = display
    else:
        file = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
    text, problem = decode_utf8(path.read_bytes(), file)
    origin = Origin(file, text or "")
    if problem is not None:
        return None, origin, [problem]
    assert text is not None
    try:
        return tomllib.loads(text), origin, []
    except RecursionError:  # tomllib's parser recurses once per level of nesting
        line, column = _line_and_column(text, _DEEP)
        problem = Problem(
            "too-deep",
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
            [
                Problem(
                    "toml-syntax",
                    f"TOML syntax error: {message}",
                    file,
                    line,
                    column,
                    hint="check quotes, brackets and `key = value` syntax at that line",
                )
            ],
        )
    except ValueError:  # an integer too long for int() (Python refuses more than 4,300 digits)
        line, column = _line_and_column(text, _LONG_NUMBER)
        problem = Problem(
            "number-too-long",
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


def resolve_evidence(
    entry: Any, path: str, texts: dict[str, str], origin: Origin, record_id: str | None
) -> tuple[Any, list[Problem]]:
    """Fill in ``source_id``, ``start`` and ``end`` of a hand-written evidence entry."""
    if not isinstance(entry, dict) or not _has_quote(entry):
        return entry, []  # the schema reports the shape
    quote: str = entry["quote"]
    line = origin.line_of(f"{path}.quote", quote)

    def problem(
        code: str,
        message: str,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> list[Problem]:
        return [
            Problem(code, message, origin.file, line, None, record_id, f"{path}.quote", expected, found, hint)
        ]

    source_id = entry.get("source_id")
    if source_id is None:
        if len(texts) != 1:
            return entry, problem(
                "missing-field",
                "evidence needs `source_id` when there is not exactly one source",
                expected="one of " + ", ".join(sorted(texts)),
            )
        source_id = next(iter(texts))
    if source_id not in texts:
        return entry, problem(
            "unresolved-reference",
            f"unknown source `{source_id}`",
            expected="one of " + ", ".join(sorted(texts)),
            found=shorten(source_id),
        )
    text = texts[source_id]
    start = entry.get("start")
    if isinstance(start, int) and not isinstance(start, bool):
        found = text[start : start + len(quote)]
        if found != quote:
            here = _occurrences(text, quote)
            return entry, problem(
                "quote-mismatch",
                "the source text at `start` is not the quote",
                expected=shorten(quote),
                found=shorten(found),
                hint=f"the quote occurs at start = {here}"
                if here
                else "the quote does not occur in the source",
            )
    else:
        here = _occurrences(text, quote)
        if not here:
            return entry, problem(
                "quote-not-found",
                "the quote does not occur in the source text",
                expected="an exact substring of the source text",
                found=shorten(quote),
                hint=_near_miss_hint(text, quote),
            )
        if len(here) > 1:
            return entry, problem(
                "quote-ambiguous",
                f"the quote occurs {len(here)} times in the source text",
                expected="a quote that occurs once, or a `start` offset",
                found=f"start = {here}",
                hint=f"add `start = {here[0]}` (or another of {here}) to the evidence, or quote more text",
            )
        start = here[0]
    resolved = {"source_id": source_id, "start": start, "end": start + len(quote), "quote": quote}
    extra = {key: value for key, value in entry.items() if key not in resolved}
    if "end" in entry and entry["end"] != resolved["end"]:
        return entry, problem(
            "quote-mismatch",
            "`end` does not equal start + len(quote)",
            expected=str(resolved["end"]),
            found=shorten(entry["end"]),
        )
    return {**resolved, **extra}, []


def _occurrences(text: str, quote: str) -> list[int]:
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def _near_miss_hint(text: str, quote: str) -> str:
    if quote.strip() != quote:
        return "remove the white space around the quote"
    ascii_punct = quote.translate(str.maketrans("，：；（）", ",:;()"))  # full-width -> ASCII
    if ascii_punct != quote and ascii_punct in text:
        return "the source uses ASCII , : ; ( ) here: copy the quote from the source text"
    for size in (12, 8, 4):
        if len(quote) > size and quote[:size] in text and quote[-size:] not in text:
            return f"the quote starts as in the source but goes astray after about {size} characters"
    return "copy the quote from raw/sources/<source>.txt exactly"


def _has_quote(entry: dict[str, Any]) -> bool:
    return isinstance(entry.get("quote"), str) and bool(entry["quote"])


def _resolve_all_evidence(
    data: dict[str, Any], texts: dict[str, str], origin: Origin, record_id: str | None
) -> tuple[list[Problem], list[str]]:
    """Resolve every evidence entry; the problems, and the paths (``evidence[0].``) of the entries
    without a quote to resolve (the schema reports the quote)."""
    problems: list[Problem] = []
    unquoted: list[str] = []

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                sub = f"{path}.{key}" if path else key
                if key == "evidence" and isinstance(value, list):
                    entries = []
                    for index, entry in enumerate(value):
                        resolved, found = resolve_evidence(entry, f"{sub}[{index}]", texts, origin, record_id)
                        problems.extend(found)
                        if isinstance(entry, dict) and not _has_quote(entry):
                            unquoted.append(f"{sub}[{index}].")
                        entries.append(resolved)
                    out[key] = entries
                else:
                    out[key] = walk(value, sub)
            return out
        if isinstance(node, list):
            return [walk(item, f"{path}[{index}]") for index, item in enumerate(node)]
        return node

    data.update(walk(data, ""))
    return problems, unquoted


#: What the reader fills in: not reported missing when it could not (its inputs are reported).
METRIC_DERIVED = ("value_standard", "unit_standard")
EVIDENCE_DERIVED = ("source_id", "start", "end")


def derive_metric_fields(data: dict[str, Any]) -> bool:
    """Fill ``value_standard``/``unit_standard`` from value and unit (checks.check_metric checks them).

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


def read_table_dir(
    table: str, directory: Path, root: Path, texts: dict[str, str], dataset: RawDataset
) -> None:
    for path in sorted(directory.glob("*.toml")):
        read_record_file(table, path, root, texts, dataset)


def read_record_file(
    table: str,
    path: Path,
    root: Path,
    texts: dict[str, str],
    dataset: RawDataset,
    display: str | None = None,
) -> None:
    """Read one record file of ``table`` into ``dataset`` (evidence resolved against ``texts``)."""
    model = TABLES[table]
    data, origin, problems = read_toml(path, root, display)
    dataset.problems.extend(problems)
    if data is None:
        return
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    if record_id is not None and record_id != path.stem:
        dataset.problems.append(
            Problem(
                "id-filename-mismatch",
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
    if table == "sources":
        dataset.problems.extend(_attach_source_text(data, path, origin))
        if isinstance(data.get("text"), str) and record_id:
            texts[record_id] = data["text"]
    evidence_problems, unquoted = _resolve_all_evidence(data, texts, origin, record_id)
    dataset.problems.extend(evidence_problems)
    # fields the reader fills in, and could not: their inputs' problems are reported instead
    underived = {f"{entry}{name}" for entry in unquoted for name in EVIDENCE_DERIVED}
    if table == "metrics" and not derive_metric_fields(data):
        underived.update(METRIC_DERIVED)
    if table == "sections":
        data.setdefault("source_id", _first_source(data, texts))
        data.setdefault("start", _first_start(data))
        data.setdefault("end", 0)  # set once every section is read
    record, problems = validate_record(model, data, origin)
    unresolved = tuple(p.path.removesuffix("quote") for p in evidence_problems if p.path)
    dataset.problems.extend(
        p
        for p in problems
        if not (p.path or "").startswith(unresolved or ("\0",))
        and not (p.code == "missing-field" and p.path in underived)
    )
    if record_id is not None:
        dataset.origins[(table, record_id)] = origin
    if record is not None:
        dataset.tables[table].append(record)
    elif record_id is not None:
        dataset.invalid_ids.setdefault(table, set()).add(record_id)


def _first_source(data: dict[str, Any], texts: dict[str, str]) -> Any:
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
            Problem(
                "unknown-field",
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
            Problem(
                "missing-file",
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
    data.setdefault("text_sha256", digest)  # a written one is compared by checks.check_sources
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
                Problem(
                    "missing-field",
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
                p if p.path is None else Problem(**{**p.to_dict(), "path": f"entries[{index}].{p.path}"})
                for p in found
            )
            if record is not None:
                dataset.tables["vocabularies"].append(record)


def read_raw(root: Path, texts: Mapping[str, str] | None = None) -> RawDataset:
    """Read every record under ``root``; collect all problems instead of stopping at the first.

    ``texts`` (source id -> text) are source texts from elsewhere (a release), for a tree without
    the sources its evidence quotes; the tree's own sources take precedence.
    """
    dataset = RawDataset()
    if not root.is_dir():
        dataset.problems.append(
            Problem(
                "missing-path",
                f"{root} is not a directory",
                str(root),
                hint="point --raw at the folder that holds sources/, reforms/, …",
            )
        )
        return dataset
    known_texts: dict[str, str] = dict(texts or {})
    for table in RECORD_TABLES:
        directory = root / table
        if directory.is_dir():
            read_table_dir(table, directory, root, known_texts, dataset)
    if (root / "vocabularies").is_dir():
        read_vocabulary_files(root / "vocabularies", root, dataset)
    finish_sections(dataset, known_texts)
    return dataset


def read_and_check(root: Path) -> RawDataset:
    """Read ``root`` and run every collection check; ``problems`` holds everything found."""
    dataset = read_raw(root)
    dataset.problems.extend(
        check_dataset(dataset.tables, dataset.origins, dataset.vocabulary_files, dataset.invalid_ids)
    )
    return dataset
