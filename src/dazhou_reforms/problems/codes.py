"""Every problem code the readers, the validator and the checks report, with its kind and meaning.

Codes are stable across versions (tools may match on them). The kind decides where a problem is
listed in ``validate --format json`` and the exit status: ``input`` problems (the input could not
be read at all) exit 2, every other kind exits 1.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["input", "parse", "schema", "check"]

#: code -> (kind, one-line meaning). The README's table of error codes is this, in this order.
ERROR_CODES: dict[str, tuple[Kind, str]] = {
    # The input cannot be read or is not what the command expects: exit 2.
    "missing-path": ("input", "the path does not exist"),
    "no-records": ("input", "a directory holds no record files (.toml, .jsonl, .json)"),
    "unreadable": ("input", "the file or directory cannot be read (permissions, not a file, I/O error)"),
    "unknown-format": ("input", "the file name does not end in .toml, .jsonl, .ndjson or .json"),
    "unknown-table": ("input", "the table of a file cannot be told from its name: pass --table"),
    "internal-error": ("input", "the validator failed on this input; please report it as a bug"),
    # The bytes are not well-formed text, JSON or TOML: exit 1.
    "not-utf8": ("parse", "the bytes are not UTF-8 (GBK/GB18030, UTF-16 and UTF-32 are named)"),
    "utf8-bom": ("parse", "the file starts with a UTF-8 byte order mark"),
    "empty-file": ("parse", "the file holds no record"),
    "blank-line": ("parse", "an empty line between records of a JSON Lines file"),
    "toml-syntax": ("parse", "the TOML is malformed"),
    "json-syntax": ("parse", "the JSON is malformed (the message says how)"),
    "truncated-line": ("parse", "the last line ends in the middle of a record: the file is cut off"),
    "duplicate-key": ("parse", "a key appears twice in one object (at any depth); no value silently wins"),
    "non-finite-number": ("parse", "NaN or Infinity, which are not JSON numbers"),
    "number-overflow": ("parse", "a number too large for a double: it would become infinity"),
    "number-too-long": ("parse", "a number written with more than 100 characters"),
    "too-deep": ("parse", "objects and arrays nested more than 32 levels deep"),
    "record-too-large": ("parse", "a line longer than the maximum record size (default 16 MiB)"),
    "file-too-large": ("parse", "a .json file larger than the maximum record size: use JSON Lines"),
    "not-an-object": ("parse", "a record that is not a JSON object (an array, string, number, …)"),
    # A record does not fit its table's model: exit 1.
    "missing-field": ("schema", "a required field is missing"),
    "unknown-field": ("schema", "a field the table does not have (the hint names the closest one)"),
    "wrong-type": ("schema", 'a value of the wrong JSON type: no coercion of "12", 12.0 or true'),
    "invalid-code": ("schema", "a value that is not in the field's controlled vocabulary"),
    "invalid-format": ("schema", "text that does not match the field's pattern (ids, place codes, dates)"),
    "invalid-value": ("schema", "a value the field's rule rejects (blank text, impossible date, …)"),
    "empty-value": ("schema", "an empty string or list where at least one character or item is needed"),
    "not-finite": ("schema", "NaN or an infinity in a number field"),
    "out-of-range": ("schema", "a number below the minimum or above the maximum (years 1900-2100, …)"),
    "too-long": ("schema", "text longer than the field allows (ids: 64 characters)"),
    "id-filename-mismatch": ("schema", "a raw TOML file whose name is not its record id"),
    "missing-file": ("schema", "a raw source TOML without its .txt text beside it"),
    # Records disagree with each other or with the source text: exit 1.
    "duplicate-id": ("check", "an id used by more than one record (ids are unique across all tables)"),
    "unresolved-reference": ("check", "a reference to a record that does not exist"),
    "parent-cycle": ("check", "reforms whose parent_id chain leads back to itself"),
    "quote-not-found": ("check", "an evidence quote that does not occur in the source text"),
    "quote-ambiguous": ("check", "an evidence quote that occurs more than once: give its start"),
    "quote-mismatch": ("check", "the source text at an evidence span is not its quote"),
    "invalid-span": ("check", "a section span that lies outside its source text"),
    "checksum-mismatch": ("check", "a source's text_sha256 is not the SHA-256 of its text"),
    "stated-not-in-evidence": ("check", "a metric's value_as_stated is not in any of its quotes"),
    "stated-unreadable": ("check", "a metric's value_as_stated cannot be read as a quantity"),
    "value-mismatch": ("check", "a metric's value (or standard value) disagrees with the stated text"),
    "unit-mismatch": ("check", "a metric's unit disagrees with the stated text"),
    "unit-not-stated": ("check", "the stated text has no unit and no note says where the unit comes from"),
    "qualifier-mismatch": ("check", "a metric's qualifier disagrees with the stated text"),
    "period-order": ("check", "a metric's period_start is after its period_end"),
    "vocabulary-drift": ("check", "the vocabulary entries do not list exactly the codes the schema allows"),
}


def kind_of(code: str) -> Kind:
    """The kind of a code; an unregistered code counts as a check (a test keeps the list complete)."""
    entry = ERROR_CODES.get(code)
    return entry[0] if entry else "check"
