"""The schema: one pydantic v2 model per released table, and the models they nest.

Every model is strict (no coercion of ``"12"`` or ``true`` to an integer), forbids unknown fields,
rejects NaN and infinities, and is frozen. These are the released records: the raw TOML a curator
writes may leave out what the reader derives (evidence offsets, the source id, standard values);
see :mod:`dazhou_reforms.read.toml_tree`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from dazhou_reforms.schema.selectors import CONTEXT, FRAGMENT_PATTERN, fragment_of
from dazhou_reforms.schema.vocabularies import (
    CapMajorTopic,
    Domain,
    MetricStatus,
    OrganizationKind,
    Qualifier,
    RecognitionKind,
    ReformKind,
    ReformStatus,
    Unit,
)

#: ASCII ids: lowercase words of [a-z0-9] joined by single hyphens, starting with a letter.
ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
#: GB/T 2260 administrative division code: six ASCII digits.
PLACE_CODE_PATTERN = r"^[0-9]{6}$"
#: ISO 8601 date-time with seconds and the China Standard Time offset.
PUBLISHED_AT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+08:00$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
#: An http(s) URL: the scheme, then no white space and no control character.
URL_PATTERN = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$"

#: White space as Python's ``str.isspace`` (and ``str.strip``) knows it, as a regex class body.
WHITE_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Characters that show nothing and are not white space (the old rule's list; messages still use it).
ZERO_WIDTH = r"\u200b\u200c\u200d\u2060\ufeff"
#: Characters no text field may hold anywhere, as a regex class body that Python's ``re`` and Rust's
#: regex read alike: control characters (general category Cc: C0, DEL and C1; a text field is one
#: line, and no field of the data holds a tab or a newline) and the bidirectional embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder how the text around them
#: is shown ("Trojan Source"). The direction marks U+200E, U+200F and U+061C are allowed: they
#: set the direction of the neutral characters next to them only, cannot reverse a run of text,
#: and names mixing scripts need them. So are U+2028 and U+2029 (Zl, Zp: white space, so never at
#: an end; reports print them escaped). None of these counts as visible.
TEXT_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
#: Characters that show nothing on their own, by Unicode property (a Rust regex class body, for
#: pydantic-core only: Python's ``re`` has no ``\p{...}``): controls and format characters (Cc,
#: Cf), white space and separators (Z: Zs, Zl, Zp), combining marks (Mn, Me: a lone one has no
#: base to sit on), default-ignorable code points (soft hyphen, variation selectors, tag
#: characters, the Hangul fillers U+115F U+1160 U+3164 U+FFA0, ...), and the blank fillers that
#: are none of these: U+2800 BRAILLE PATTERN BLANK, U+1D159 MUSICAL SYMBOL NULL NOTEHEAD.
INVISIBLE = (
    r"\p{Cc}\p{Cf}\p{Z}\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}"
    r"\u115f\u1160\u2800\u3164\uffa0\U0001D159"
)
#: Text as the models take it: at least one visible character (one not in :data:`INVISIBLE`), no
#: white space at either end, no :data:`TEXT_FORBIDDEN` character anywhere. Written for the Rust
#: regex engine of pydantic-core (no look-around; the check stays in Rust, at Rust's speed): the
#: first character is neither white space nor forbidden, a visible one follows (or is it), the
#: last is neither white space nor forbidden, and every character between is allowed.
#:
#: This is stricter than the ``pattern`` of the published JSON Schemas
#: (``field_types.TEXT_PATTERN``), which must stay portable (ECMA-262 and Python, no ``\p{...}``)
#: and only rejects blank or zero-width-only text and white space at an end: a text of only
#: U+3164 or U+00AD, or with ESC or U+202E in it, passes that pattern and fails this rule.
#: :mod:`dazhou_reforms.read.model_errors` says which part of the rule a text fails.
TEXT_RULE = (
    rf"^(?:[^{WHITE_SPACE}{TEXT_FORBIDDEN}][^{TEXT_FORBIDDEN}]*)?[^{INVISIBLE}]"
    rf"(?:[^{TEXT_FORBIDDEN}]*[^{WHITE_SPACE}{TEXT_FORBIDDEN}])?$"
)
#: The characters an article text (a source's ``text``, many lines) may not hold: those of
#: :data:`TEXT_FORBIDDEN` but the newline.
ARTICLE_FORBIDDEN = r"\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
#: An article text: a visible character, no :data:`ARTICLE_FORBIDDEN` character. Like
#: :data:`TEXT_RULE`, the models' alone: the published JSON Schema of ``sources.text`` has no pattern.
ARTICLE_RULE = rf"^[^{ARTICLE_FORBIDDEN}]*[^{INVISIBLE}][^{ARTICLE_FORBIDDEN}]*$"
#: Text of white space and zero-width characters only (see :data:`ZERO_WIDTH`).
TEXT_INVISIBLE = re.compile(rf"[{WHITE_SPACE}{ZERO_WIDTH}]*")
#: A character that shows something, as pydantic-core sees it (run with ``regex_engine="rust-regex"``).
VISIBLE_CHARACTER = rf"[^{INVISIBLE}]"

T = TypeVar("T")
#: An immutable list: written as a JSON array or TOML list, held as a tuple, so that records can be
#: shared (cached) without any caller being able to change them. ``Strict(False)`` applies to the
#: container alone (a TOML or Python list becomes a tuple); its items stay strict.
Items = Annotated[tuple[T, ...], Strict(False)]


def _real_date_time(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real date and time (check the day of the month)") from None
    return value


#: An ISO 8601 calendar date written as YYYY-MM-DD.
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    """A date written as JSON text (``"2026-11-30"``) as a ``date``; TOML reads a date itself. Any other
    value is left as it is, for the strict check to reject (a date-time, a number, other text)."""
    if isinstance(value, str) and DATE_PATTERN.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a real date (check the day of the month)") from None
    return value


#: A calendar date: a TOML date (``2026-11-30``, unquoted) or, in JSON, the text ``"2026-11-30"``.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
#: A non-empty string with visible characters and no leading or trailing white space.
Text = Annotated[str, Field(min_length=1, pattern=TEXT_RULE)]
#: The longest id a record may have, in characters.
MAX_ID_LENGTH = 64
RecordId = Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
#: When a source was published: :data:`PUBLISHED_AT_PATTERN`, a real date and time.
PublishedAt = Annotated[str, Field(pattern=PUBLISHED_AT_PATTERN), AfterValidator(_real_date_time)]
PlaceCode = Annotated[str, Field(pattern=PLACE_CODE_PATTERN)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Offset = Annotated[int, Field(ge=0)]


class Model(BaseModel):
    """Base of every model: strict, closed, immutable, finite numbers only."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        validate_default=True,
        # Patterns (TEXT_RULE above all) run in Rust; a pattern Rust cannot compile is an error here.
        regex_engine="rust-regex",
        # Build validators on first use, not at import: loading one table builds only its models.
        defer_build=True,
    )


class Evidence(Model):
    """A span of a source text: ``sources[source_id].text[start:end] == quote`` (code points).

    ``prefix``, ``suffix`` and ``fragment`` are the span's selectors (:mod:`.selectors`): a release
    built from 1.1.0 on carries all three, computed from the source text; raw records and
    contributors' files leave them out (the build fills them in), and where they are given they are
    checked against the source text (``selector-mismatch``). Releases 1.0.x have none of them.
    """

    source_id: RecordId
    start: Offset
    end: Offset
    quote: Annotated[str, Field(min_length=1)]
    prefix: Annotated[str, Field(max_length=CONTEXT)] | None = None
    suffix: Annotated[str, Field(max_length=CONTEXT)] | None = None
    fragment: Annotated[str, Field(pattern=FRAGMENT_PATTERN)] | None = None

    @model_validator(mode="after")
    def _span_matches_quote_length(self) -> Evidence:
        if self.end - self.start != len(self.quote):
            raise ValueError(
                f"end - start must equal len(quote): {self.end} - {self.start} != {len(self.quote)}"
            )
        if self.fragment is not None and self.fragment != fragment_of(self.start, self.end):
            raise ValueError(
                f"fragment must be {fragment_of(self.start, self.end)!r} (the span's start and end), "
                f"not {self.fragment[:40]!r}"
            )
        return self


EvidenceList = Annotated[Items[Evidence], Field(min_length=1)]


def is_live(record: object) -> bool:
    """Whether a record stands: not withdrawn (a record of a release before 1.1.0, which has no
    ``withdrawn``, always does)."""
    return getattr(record, "withdrawn", None) is None


class Record(Model):
    """A table row with an id. Subclasses declare ``evidence`` last, so it serializes last.

    A record is never deleted and its id never reused: a record found wrong is *withdrawn*, kept
    with the date it was withdrawn and why (``withdrawn`` and ``withdrawn_reason``, both or neither).
    """

    table: ClassVar[str]
    id: RecordId
    withdrawn: IsoDate | None = None
    withdrawn_reason: Text | None = None

    @model_validator(mode="after")
    def _withdrawn_with_reason(self) -> Record:
        if (self.withdrawn is None) != (self.withdrawn_reason is None):
            raise ValueError(
                "withdrawn and withdrawn_reason go together: a withdrawn record gives the date "
                "(withdrawn) and says why (withdrawn_reason)"
            )
        return self


class Source(Record):
    """The article the dataset is curated from, with its full text."""

    table: ClassVar[str] = "sources"
    title_zh: Text
    title_en: Text
    published_at: PublishedAt
    authors_zh: Annotated[Items[Text], Field(min_length=1)]
    authors_en: Annotated[Items[Text], Field(min_length=1)]
    publisher: Text | None = None
    url: Annotated[str, Field(pattern=URL_PATTERN, max_length=2048)] | None = None
    language: Annotated[str, Field(pattern=r"^zh-Hans$")]
    place_code: PlaceCode
    text: Annotated[str, Field(min_length=1, pattern=ARTICLE_RULE)]
    text_sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    evidence: EvidenceList

    @model_validator(mode="after")
    def _authors_pair_up(self) -> Source:
        if len(self.authors_zh) != len(self.authors_en):
            raise ValueError("authors_zh and authors_en must list the same authors in the same order")
        return self


class Section(Record):
    """A part of the article. ``start``/``end`` delimit it in the source text."""

    table: ClassVar[str] = "sections"
    source_id: RecordId
    ordinal: Annotated[int, Field(ge=0)]
    heading_zh: Text | None = None
    heading_en: Text
    start: Offset
    end: Offset
    evidence: EvidenceList


class Recognition(Model):
    """An award, selection or acknowledgement a reform received, as the article reports it."""

    kind: RecognitionKind
    title_zh: Text
    title_en: Text
    awarding_body_zh: Text | None = None
    awarding_body_en: Text | None = None
    awarding_organization_id: RecordId | None = None
    year: Year | None = None
    note: Text | None = None
    evidence: EvidenceList


class Reform(Record):
    """A reform, mechanism, pilot, strategy or micro-reform reported in the article."""

    table: ClassVar[str] = "reforms"
    name_zh: Text
    name_en: Text
    kind: ReformKind
    status: ReformStatus
    section: RecordId
    parent_id: RecordId | None = None
    problem_zh: Text | None = None
    problem_en: Text | None = None
    measures_zh: Text | None = None
    measures_en: Text | None = None
    outcomes_zh: Text | None = None
    outcomes_en: Text | None = None
    domains: Annotated[Items[Domain], Field(min_length=1)]
    cap_major_topic: CapMajorTopic
    organization_ids: Items[RecordId] = ()
    place_code: PlaceCode
    recognitions: Items[Recognition] = ()
    evidence: EvidenceList


class Metric(Record):
    """One figure, ranking, count or duration a source states, normalized."""

    # Figures of one indicator (from several sources, or for several periods) share a ``series_id``.

    table: ClassVar[str] = "metrics"
    reform_id: RecordId | None = None
    series_id: RecordId | None = None
    indicator_zh: Text
    indicator_en: Text
    value: float
    unit: Unit
    value_as_stated: Text
    qualifier: Qualifier
    status: MetricStatus
    period_start: Year | None = None
    period_end: Year | None = None
    scope: Text | None = None
    scope_zh: Text | None = None
    place_code: PlaceCode | None = None
    value_standard: float
    unit_standard: Unit
    note: Text | None = None
    evidence: EvidenceList


class Organization(Record):
    """A body the article names: party committees, departments, zones, companies, platforms."""

    table: ClassVar[str] = "organizations"
    name_zh: Text
    name_en: Text
    full_name_zh: Text | None = None
    kind: OrganizationKind
    place_code: PlaceCode | None = None
    note: Text | None = None
    evidence: EvidenceList


class GlossaryTerm(Record):
    """A coined term or slogan of the article, rendered and explained in English."""

    table: ClassVar[str] = "glossary"
    term_zh: Text
    term_en: Text
    #: Other English renderings of the term that records may use (the check ``term-inconsistent``
    #: accepts ``term_en`` or any of these where a record's Chinese text holds ``term_zh``).
    term_en_variants: Items[Text] = ()
    explanation_en: Text
    evidence: EvidenceList


class VocabularyEntry(Model):
    """One code of a controlled vocabulary with its labels and definition."""

    table: ClassVar[str] = "vocabularies"
    vocabulary: Annotated[str, Field(pattern=r"^[a-z][a-z_]*$")]
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]
    label_en: Text
    label_zh: Text
    definition_en: Text


#: Released tables, in dependency order (referenced tables first): the one list of tables, each
#: named by its model's ``table``.
TABLES: dict[str, type[Model]] = {
    model.table: model
    for model in (Source, Section, Organization, Reform, Metric, GlossaryTerm, VocabularyEntry)
}
#: Tables whose records have ids, unique across all of them; in raw/, one ``<id>.toml`` a record
#: (vocabulary entries have no id: raw/vocabularies/ holds a file a vocabulary).
ID_TABLES: tuple[str, ...] = tuple(table for table, model in TABLES.items() if issubclass(model, Record))
