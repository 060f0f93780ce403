"""One English sentence or two per field of every model, for the schemas, the card and Croissant.

A description given in the model itself (``Field(description=...)``) wins over the one here; a
test makes sure every model field has exactly one description, so that the two never drift.
"""

from __future__ import annotations

#: Fields that mean the same in every model that has them.
COMMON: dict[str, str] = {
    "id": "Stable identifier of the record: lowercase ASCII words joined by hyphens, unique across all "
    "tables.",
    "place_code": "GB/T 2260 administrative division code of the place concerned (511700 = Dazhou, "
    "510000 = Sichuan).",
    "withdrawn": "Date (ISO 8601) the record was withdrawn, found wrong; null for a live record. A "
    "withdrawn record stays in the release, its id never reused; loaders leave it out by default.",
    "withdrawn_reason": "Why the record was withdrawn, in English (and what replaces it, if anything); "
    "null for a live record.",
    "evidence": "Spans of the source text that support the record; every quote can be checked against "
    "`sources.text`.",
}

#: model class name -> field name -> description (for fields not in COMMON, or overriding it).
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Evidence": {
        "source_id": "Id of the source (table `sources`) the quote is taken from.",
        "start": "Offset of the first character of the quote in the source text, in Unicode code points "
        "from 0.",
        "end": "Offset just past the last character of the quote: `text[start:end] == quote`.",
        "quote": "The quoted text, exactly as it stands in the source.",
        "prefix": "Up to 32 code points of the source text just before the quote (empty at the start of "
        "the text), as a W3C TextQuoteSelector's `prefix`. Computed at build; null only in records "
        "that were not built (raw files).",
        "suffix": "Up to 32 code points of the source text just after the quote (empty at the end of "
        "the text), as a W3C TextQuoteSelector's `suffix`. Computed at build; null only in records "
        "that were not built (raw files).",
        "fragment": "RFC 5147 fragment identifier of the span in the plain-text source, `char=start,end` "
        "(without `#`). Computed at build; null only in records that were not built (raw files).",
    },
    "Source": {
        "title_zh": "Title of the source as published, in Chinese.",
        "title_en": "English translation of the title.",
        "published_at": "Publication date and time, ISO 8601 with the China Standard Time offset (+08:00).",
        "authors_zh": "Authors as credited in the source, in Chinese, in the order given.",
        "authors_en": "English names of the authors, in the same order as `authors_zh`.",
        "publisher": "Who published the source, as the captured copy states it; null where it does not "
        "state it.",
        "url": "Where the source was published (http or https URL), as the captured copy states it; null "
        "where it does not state it (no address is guessed).",
        "language": "BCP 47 language tag of the text (zh-Hans: Chinese in simplified characters).",
        "text": "Full text of the source as published (for the 2024 article: title, publication line, "
        "body, authors' line), UTF-8 with LF line endings. Credited to its authors; not covered by "
        "the CC BY 4.0 licence of the records.",
        "text_sha256": "SHA-256 of the UTF-8 bytes of `text`, lowercase hex.",
    },
    "Section": {
        "source_id": "Id of the source (table `sources`) the section belongs to.",
        "ordinal": "Position of the section in its source, from 0.",
        "heading_zh": "Heading of the section as printed, in Chinese; null where the part has no heading.",
        "heading_en": "English heading or, where the source prints none, a short English label of the part.",
        "start": "Offset in the source text where the section starts (code points).",
        "end": "Offset in the source text where the section ends: where the next section starts.",
    },
    "Recognition": {
        "kind": "Kind of recognition (vocabulary `recognition_kind`).",
        "title_zh": "Title of the award, selection or acknowledgement, in Chinese.",
        "title_en": "English translation of the title.",
        "awarding_body_zh": "The body that gave the recognition, as named in the source, in Chinese.",
        "awarding_body_en": "English name of the awarding body.",
        "awarding_organization_id": "Id of the awarding body in table `organizations`, where it is there.",
        "year": "Year the recognition refers to, as stated.",
        "note": "Curator's note in English.",
    },
    "Reform": {
        "name_zh": "Name of the reform in its source's wording, in Chinese.",
        "name_en": "English name of the reform.",
        "kind": "Kind of reform (vocabulary `reform_kind`).",
        "status": "Status as of the date of the source that reports it (2024-04-10 for the 2024 article; "
        "the newest, where several do) (vocabulary `reform_status`).",
        "section": "Id of the section (table `sections`) that reports the reform.",
        "parent_id": "Id of the broader reform or strategy (table `reforms`) this one belongs to, if any.",
        "problem_zh": "The problem the reform addresses, in its source's wording.",
        "problem_en": "English rendering of `problem_zh`.",
        "measures_zh": "What was done, in its source's wording.",
        "measures_en": "English rendering of `measures_zh`.",
        "outcomes_zh": "Results its source reports, in its wording.",
        "outcomes_en": "English rendering of `outcomes_zh`.",
        "domains": "Policy domains the reform touches (vocabulary `domain`), at least one.",
        "cap_major_topic": "Comparative Agendas Project major topic code (vocabulary `cap_major_topic`).",
        "organization_ids": "Ids of the bodies (table `organizations`) its source links to the reform.",
        "recognitions": "Awards, selections and acknowledgements the reform received, as its sources "
        "report them.",
    },
    "Metric": {
        "reform_id": "Id of the reform (table `reforms`) the figure belongs to; null for a figure of its "
        "source as a whole.",
        "series_id": "Id of the series the figure belongs to: the figures of one indicator stated by "
        "different sources or for different periods share it (each stays a statement of its own "
        "source); null when the figure belongs to no series.",
        "indicator_zh": "What is measured, in its source's wording.",
        "indicator_en": "English description of what is measured.",
        "value": "The figure as a plain number in `unit` (万 = 1e4 and 亿 = 1e8 multiplied out).",
        "unit": "Canonical unit of `value` (vocabulary `unit`).",
        "value_as_stated": "The figure exactly as its source states it, e.g. 1491亿元.",
        "qualifier": "How exact the stated figure is: exact, at least, more than, … "
        "(vocabulary `qualifier`).",
        "status": "Whether the figure is achieved, a target or ongoing as of its source's date "
        "(vocabulary `metric_status`).",
        "period_start": "First year of the period the figure covers, if stated.",
        "period_end": "Last year of the period the figure covers, if stated.",
        "scope": "For ranks and comparisons: the field of comparison, in English (e.g. Sichuan province).",
        "scope_zh": "The field of comparison in its source's wording.",
        "value_standard": "`value` converted to `unit_standard` (mu to hectare at 1/15 ha per mu, "
        "otherwise unchanged).",
        "unit_standard": "Unit of `value_standard`: hectare for areas stated in mu, otherwise `unit` "
        "(vocabulary `unit`).",
        "note": "Curator's note in English: how the figure was read, where its unit comes from.",
    },
    "Organization": {
        "name_zh": "Name of the body as its source gives it, in Chinese (often abbreviated).",
        "name_en": "English name of the body; the official one where it exists.",
        "full_name_zh": "Full Chinese name where the source uses an abbreviation (left out where no source "
        "states it).",
        "kind": "Kind of body (vocabulary `organization_kind`).",
        "place_code": "GB/T 2260 code of the place whose body it is; null for national bodies.",
        "note": "Curator's note in English.",
    },
    "GlossaryTerm": {
        "term_zh": "The coined term or slogan, in Chinese.",
        "term_en": "English rendering of the term.",
        "term_en_variants": "Other English renderings of the term that records may use where their "
        "Chinese text holds it (the check `term-inconsistent` accepts `term_en` or one of these); "
        "empty for most terms.",
        "explanation_en": "What the term means in its source, in English.",
    },
    "VocabularyEntry": {
        "vocabulary": "Name of the controlled vocabulary, e.g. `domain` or `unit`.",
        "code": "The code as it appears in the records (CAP topic codes as decimal strings).",
        "label_en": "English label of the code.",
        "label_zh": "Chinese label of the code.",
        "definition_en": "What the code means and when curators use it.",
    },
}


def description_of(model_name: str, field_name: str) -> str | None:
    """The description of ``model_name.field_name``, or None when there is none."""
    own = DESCRIPTIONS.get(model_name, {})
    if field_name in own:
        return own[field_name]
    return COMMON.get(field_name)
