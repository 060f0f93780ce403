"""The registry of problem codes: each code defined once, with its kind, meaning and default hint.

As the OSV linter defines each of its checks once, every problem the package reports is made
from one of the :class:`Code` constants below (``DUPLICATE_ID.problem(...)``); nothing builds a
:class:`~dazhou_reforms.problems.problem.Problem` from a bare string. The docs' table of codes is
rendered from :data:`CODES` (:func:`markdown_table`), and a test walks the registry.

Codes are kebab-case and stable across versions (tools may match on them), in the manner of
Frictionless error codes. The kind decides where a problem is listed in ``validate --format json``
and the exit status: ``input`` problems (the input could not be read at all) exit 2; ``warning``s
(records valid but probably not meant so) and ``info`` (information, such as two sources stating
different figures of one series) are reported, change no exit status and never stop a build;
every other kind exits 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from dazhou_reforms.problems.problem import Problem

Kind = Literal["input", "parse", "schema", "check", "warning", "info"]
KINDS: tuple[Kind, ...] = ("input", "parse", "schema", "check", "warning", "info")
#: Kinds that are not errors: reported, never a failure (exit status unchanged, a build goes on).
NOT_ERRORS: tuple[Kind, ...] = ("warning", "info")


class DefaultHint:
    """The hint was not given: the code's own default applies."""


DEFAULT_HINT: Final = DefaultHint()


@dataclass(frozen=True)
class Code:
    """One problem code: its name, its kind, what it means, and the hint most problems of it give."""

    name: str
    kind: Kind
    meaning: str
    hint: str | None = None

    def problem(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        record_id: str | None = None,
        path: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | DefaultHint | None = DEFAULT_HINT,
    ) -> Problem:
        """A problem of this code; ``hint`` defaults to the code's own (pass None for no hint)."""
        return Problem(
            self.name,
            message,
            file,
            line,
            column,
            record_id,
            path,
            expected,
            found,
            self.hint if isinstance(hint, DefaultHint) else hint,
        )


#: Every code, in the order of the docs' table (by kind, then as a reader meets them).
CODES: dict[str, Code] = {}


def define(name: str, kind: Kind, meaning: str, hint: str | None = None) -> Code:
    """Register a code (once: a name defined twice is an error)."""
    if name in CODES:
        raise ValueError(f"problem code {name!r} is defined twice")
    code = CODES[name] = Code(name, kind, meaning, hint)
    return code


# The input cannot be read or is not what the command expects: exit 2.
MISSING_PATH = define("missing-path", "input", "the path does not exist")
NO_RECORDS = define("no-records", "input", "a directory holds no record files (.toml, .jsonl, .json)")
UNREADABLE = define(
    "unreadable", "input", "the file or directory cannot be read (permissions, not a file, I/O error)"
)
UNKNOWN_FORMAT = define(
    "unknown-format", "input", "the file name does not end in .toml, .jsonl, .ndjson or .json"
)
UNKNOWN_TABLE = define(
    "unknown-table", "input", "the table of a file cannot be told from its name: pass --table"
)
INTERNAL_ERROR = define(
    "internal-error",
    "input",
    "the validator failed on this input; please report it as a bug",
    hint="please report this as a bug of dazhou-reforms, with the input if you can",
)

# The bytes are not well-formed text, JSON or TOML: exit 1.
NOT_UTF8 = define(
    "not-utf8",
    "parse",
    "the bytes are not UTF-8 (GBK/GB18030, UTF-16 and UTF-32 are named)",
    hint="re-save the file as UTF-8",
)
UTF8_BOM = define(
    "utf8-bom",
    "parse",
    "the file starts with a UTF-8 byte order mark",
    hint="re-save the file as UTF-8 without BOM",
)
EMPTY_FILE = define("empty-file", "parse", "the file holds no record")
BLANK_LINE = define(
    "blank-line",
    "parse",
    "an empty line between records of a JSON Lines file",
    hint="remove the empty lines: every line of a JSON Lines file is one record",
)
TOML_SYNTAX = define(
    "toml-syntax",
    "parse",
    "the TOML is malformed",
    hint="check quotes, brackets and `key = value` syntax at that line",
)
JSON_SYNTAX = define("json-syntax", "parse", "the JSON is malformed (the message says how)")
TRUNCATED_LINE = define(
    "truncated-line",
    "parse",
    "the last line ends in the middle of a record: the file is cut off",
)
DUPLICATE_KEY = define(
    "duplicate-key", "parse", "a key appears twice in one object (at any depth); no value silently wins"
)
NON_FINITE_NUMBER = define("non-finite-number", "parse", "NaN or Infinity, which are not JSON numbers")
NUMBER_OVERFLOW = define(
    "number-overflow", "parse", "a number too large for a double: it would become infinity"
)
NUMBER_TOO_LONG = define("number-too-long", "parse", "a number written with more than 100 characters")
TOO_DEEP = define("too-deep", "parse", "objects and arrays nested more than 32 levels deep")
RECORD_TOO_LARGE = define(
    "record-too-large",
    "parse",
    "a line longer than the maximum record size (default 16 MiB)",
    hint="one record per line: is a newline missing, or is the file not JSON Lines?",
)
FILE_TOO_LARGE = define(
    "file-too-large",
    "parse",
    "a file over its format's cap: .json the maximum record size, TOML 1 MiB, source text 16 MiB",
    hint="write large sets of records as JSON Lines (.jsonl): one record per line, streamed",
)
NOT_AN_OBJECT = define(
    "not-an-object", "parse", "a record that is not a JSON object (an array, string, number, …)"
)

# A record does not fit its table's model: exit 1.
MISSING_FIELD = define("missing-field", "schema", "a required field is missing")
UNKNOWN_FIELD = define(
    "unknown-field", "schema", "a field the table does not have (the hint names the closest one)"
)
WRONG_TYPE = define(
    "wrong-type", "schema", 'a value of the wrong JSON type: no coercion of "12", 12.0 or true'
)
INVALID_CODE = define(
    "invalid-code",
    "schema",
    "a value that is not in the field's controlled vocabulary",
    hint="see the vocabularies in raw/vocabularies/ for the allowed codes",
)
INVALID_FORMAT = define(
    "invalid-format", "schema", "text that does not match the field's pattern (ids, place codes, dates)"
)
INVALID_VALUE = define(
    "invalid-value", "schema", "a value the field's rule rejects (blank text, impossible date, …)"
)
EMPTY_VALUE = define(
    "empty-value", "schema", "an empty string or list where at least one character or item is needed"
)
NOT_FINITE = define(
    "not-finite",
    "schema",
    "NaN or an infinity in a number field",
    hint="NaN and infinities are not data; leave the figure out or write a finite number",
)
OUT_OF_RANGE = define(
    "out-of-range", "schema", "a number below the minimum or above the maximum (years 1900-2100, …)"
)
TOO_LONG = define("too-long", "schema", "text longer than the field allows (ids: 64 characters)")
ID_FILENAME_MISMATCH = define(
    "id-filename-mismatch", "schema", "a raw TOML file whose name is not its record id"
)
MISSING_FILE = define("missing-file", "schema", "a raw source TOML without its .txt text beside it")

# Records disagree with each other or with the source text: exit 1.
DUPLICATE_ID = define(
    "duplicate-id",
    "check",
    "an id used by more than one record (ids are unique across all tables)",
    hint="ids are unique across all tables: pick a new, never-used id",
)
UNRESOLVED_REFERENCE = define("unresolved-reference", "check", "a reference to a record that does not exist")
PARENT_CYCLE = define(
    "parent-cycle",
    "check",
    "reforms whose parent_id chain leads back to itself",
    hint="one of these records must not name the other as parent",
)
QUOTE_NOT_FOUND = define(
    "quote-not-found", "check", "an evidence quote that does not occur in the source text"
)
QUOTE_AMBIGUOUS = define(
    "quote-ambiguous", "check", "an evidence quote that occurs more than once: give its start"
)
QUOTE_MISMATCH = define("quote-mismatch", "check", "the source text at an evidence span is not its quote")
SELECTOR_MISMATCH = define(
    "selector-mismatch",
    "check",
    "an evidence's prefix or suffix is not the source text around its span",
    hint="leave prefix, suffix and fragment out: the build computes them from the source text",
)
INVALID_SPAN = define(
    "invalid-span", "check", "a section span outside its source text, or not where its evidence puts it"
)
CHECKSUM_MISMATCH = define(
    "checksum-mismatch",
    "check",
    "a source's text_sha256 is not the SHA-256 of its text",
    hint="the text changed: update text_sha256 and check every evidence offset",
)
STATED_NOT_IN_EVIDENCE = define(
    "stated-not-in-evidence",
    "check",
    "a metric's value_as_stated is not in any of its quotes",
    hint="copy value_as_stated from the quoted text",
)
STATED_UNREADABLE = define(
    "stated-unreadable",
    "check",
    "a metric's value_as_stated cannot be read as a quantity",
    hint="write the figure as the article states it, e.g. 1491亿元, 第五, 5个工作日, 百亿级",
)
VALUE_MISMATCH = define(
    "value-mismatch", "check", "a metric's value (or standard value) disagrees with the stated text"
)
UNIT_MISMATCH = define(
    "unit-mismatch",
    "check",
    "a metric's unit disagrees with the stated text",
    hint="the unit is the one the article states; explain doubts in `note`, do not convert",
)
UNIT_NOT_STATED = define(
    "unit-not-stated", "check", "the stated text has no unit and no note says where the unit comes from"
)
QUALIFIER_MISMATCH = define(
    "qualifier-mismatch", "check", "a metric's qualifier disagrees with the stated text"
)
PERIOD_ORDER = define("period-order", "check", "a metric's period_start is after its period_end")
VOCABULARY_DRIFT = define(
    "vocabulary-drift", "check", "the vocabulary entries do not list exactly the codes the schema allows"
)
TERM_INCONSISTENT = define(
    "term-inconsistent",
    "check",
    "a Chinese text holds a glossary term whose paired English text uses none of the term's renderings",
    hint="use the glossary's term_en, or add this rendering to the term's term_en_variants",
)

# Valid, but probably not meant so: reported, exit status unchanged, `build` goes on.
WITHDRAWN_REFERENCE = define(
    "withdrawn-reference",
    "warning",
    "a live record refers to a withdrawn one",
    hint="refer to the record that replaces it (see its withdrawn_reason), or withdraw this one too",
)
PLACEHOLDER_ID = define(
    "placeholder-id",
    "warning",
    "an id still the placeholder `dazhou-reforms new` gives (reform-1, metric-2, …)",
    hint="give the record an id that says what it is (and rename its file to match)",
)


SERIES_CONFLICT = define(
    "series-conflict",
    "info",
    "metrics of one series and period state different figures (information: both are kept)",
    hint="both statements stay, each with its own source; explain the difference in `note` if known",
)


def is_error(problem: Problem) -> bool:
    """Whether a problem is an error (every kind but warnings and information)."""
    return kind_of(problem.code) not in NOT_ERRORS


def kind_of(code: str) -> Kind:
    """The kind of a code by its name; an unregistered one counts as a check (none is raised)."""
    entry = CODES.get(code)
    return entry.kind if entry else "check"


def is_warning(code: str) -> bool:
    """Whether a problem of ``code`` is a warning (reported; it fails nothing)."""
    return kind_of(code) == "warning"


def markdown_table() -> str:
    """The docs' table of codes: ``| code | kind | meaning |``, one row a code, in registry order."""
    rows = ["| code | kind | meaning |", "|---|---|---|"]
    rows += [f"| `{code.name}` | {code.kind} | {code.meaning} |" for code in CODES.values()]
    return "\n".join(rows) + "\n"
