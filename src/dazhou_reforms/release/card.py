"""The release's ``README.md``: a Hugging Face dataset card, generated from the models and the data.

The YAML front matter declares one config per table (``data_files`` = ``<table>.parquet``,
``reforms`` the default) and, per config, ``dataset_info.features``, so that
``datasets.load_dataset("<release folder>", "<table>")`` gets declared types, not inferred ones.
The body follows *Datasheets for Datasets* (Gebru et al.): motivation, composition, collection,
preprocessing, uses, distribution, maintenance; every count in it is computed from the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dazhou_reforms.release import cite
from dazhou_reforms.release import metadata as meta
from dazhou_reforms.release.arrow import HF_DTYPES, hf_yaml_features
from dazhou_reforms.release.source_counts import several_sources, source_table
from dazhou_reforms.release.yaml_text import dump
from dazhou_reforms.schema.field_types import Column, FieldType, ListOf, Scalar, Struct, table_struct

Rows = Mapping[str, Sequence[Mapping[str, Any]]]

TASK_CATEGORIES = ("text-classification", "translation", "table-question-answering")
TAGS = ("china", "sichuan", "dazhou", "public-policy", "reform", "provenance", "bilingual", "parallel-text")


def front_matter(rows: Rows, files: Mapping[str, bytes], arrow_sizes: Mapping[str, int]) -> dict[str, Any]:
    tables = list(rows)
    largest = max((len(table_rows) for table_rows in rows.values()), default=0)
    configs = []
    for table in tables:
        config: dict[str, Any] = {
            "config_name": table,
            "data_files": [{"split": "train", "path": f"{table}.parquet"}],
        }
        if table == meta.DEFAULT_TABLE:
            config["default"] = True
        configs.append(config)
    # num_bytes/dataset_size: the Arrow size `datasets` records; download_size: the Parquet file.
    infos = [
        {
            "config_name": table,
            "features": hf_yaml_features(table),
            "splits": [{"name": "train", "num_bytes": arrow_sizes[table], "num_examples": len(rows[table])}],
            "download_size": len(files[f"{table}.parquet"]),
            "dataset_size": arrow_sizes[table],
        }
        for table in tables
    ]
    return {
        "license": meta.RECORDS_LICENSE["hf"],
        "language": ["zh", "en"],
        "pretty_name": meta.PRETTY_NAME,
        "size_categories": [meta.size_category(largest)],
        "task_categories": list(TASK_CATEGORIES),
        "tags": list(TAGS),
        "annotations_creators": ["expert-generated"],
        "language_creators": ["found", "expert-generated"],
        "multilinguality": ["translation"],
        "source_datasets": ["original"],
        "configs": configs,
        "dataset_info": infos,
    }


def type_label(field_type: FieldType, nullable: bool = False) -> str:
    if isinstance(field_type, Scalar):
        label = HF_DTYPES[field_type.kind]
    elif isinstance(field_type, ListOf):
        label = f"list<{type_label(field_type.item)}>"
    else:
        label = field_type.name
    return f"{label} or null" if nullable else label


def _column_doc(column: Column) -> str:
    text = column.description
    if isinstance(column.type, Scalar) and column.type.enum is not None and column.type.vocabulary is None:
        text += " One of: " + ", ".join(f"`{code}`" for code in column.type.enum) + "."
    return text.replace("|", "\\|")


def field_table(struct: Struct) -> list[str]:
    lines = ["| field | type | description |", "|---|---|---|"]
    lines += [
        f"| `{c.name}` | `{type_label(c.type, c.nullable)}` | {_column_doc(c)} |" for c in struct.columns
    ]
    return lines


def _counts(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"`{name}` {count}" for name, count in pairs) or "none"


def composition(rows: Rows) -> list[str]:
    out = ["| table | rows | evidence spans | one row is |", "|---|---:|---:|---|"]
    for table, table_rows in rows.items():
        spans = meta.evidence_count(table, table_rows)
        out.append(f"| `{table}` | {len(table_rows)} | {spans} | {meta.TABLE_SUMMARIES.get(table, '')} |")
    reforms, metrics = rows.get("reforms", ()), rows.get("metrics", ())
    recognitions = sum(len(row["recognitions"]) for row in reforms)
    sources = rows.get("sources", ())
    characters = sum(len(row["text"]) for row in sources)
    quoted = meta.covered_characters(
        (e["source_id"], e["start"], e["end"])
        for table in rows
        for row in rows[table]
        for e in meta.row_evidence(row)
    )
    out += [
        "",
        f"- Reforms by kind: {_counts(meta.count_by(reforms, 'kind'))}.",
        f"- Reforms by status: {_counts(meta.count_by(reforms, 'status'))}.",
        "- Reforms by policy domain (a reform may have several): "
        f"{_counts(meta.count_by(reforms, 'domains'))}.",
        f"- Reforms by CAP major topic: {_counts(meta.count_by(reforms, 'cap_major_topic'))}.",
        f"- Recognitions (nested in `reforms`): {recognitions}.",
        f"- Metrics by unit: {_counts(meta.count_by(metrics, 'unit'))}.",
        f"- Metrics by status: {_counts(meta.count_by(metrics, 'status'))}.",
        f"- Metrics by qualifier: {_counts(meta.count_by(metrics, 'qualifier'))}.",
        f"- Metrics linked to no single reform: {sum(1 for row in metrics if row['reform_id'] is None)}.",
        f"- Organizations by kind: {_counts(meta.count_by(rows.get('organizations', ()), 'kind'))}.",
        f"- Source text: {len(sources)} source(s), {characters} characters; "
        f"{quoted} of them are covered by at least one evidence span.",
        f"- Records quoting more than one source: {several_sources(rows)}.",
        "",
        "Sources, with their sections and the records that quote each (a record quoting two sources "
        "counts for both; recognitions count for their reform):",
        "",
        *source_table(rows, meta.markdown_text),
    ]
    return out


def empty_fields(rows: Rows) -> list[str]:
    out = []
    for table, table_rows in rows.items():
        nullable = [column.name for column in table_struct(table).columns if column.nullable]
        counts = [(name, sum(1 for row in table_rows if row[name] is None)) for name in nullable]
        shown = ", ".join(f"`{name}` {count}" for name, count in counts if count)
        if shown:
            out.append(f"- `{table}` ({len(table_rows)} rows): {shown}.")
    return out


def body(rows: Rows, release: meta.ReleaseInfo) -> list[str]:
    credits = meta.source_credits(rows)
    article = "; ".join(credit.credit_line() for credit in credits) or "one article"
    tables = list(rows)
    lines = [
        f"# {meta.PRETTY_NAME}",
        "",
        f"{release.label()}. {meta.DESCRIPTION}",
        "",
        f"{'Sources' if len(credits) > 1 else 'Source'}: {article}.",
        "",
        "## Loading",
        "",
        "Each table is a config (`reforms` is the default), in Parquet (`<table>.parquet`) and JSON Lines",
        "(`<table>.jsonl`), with one split, `train`, holding every record.",
        "",
        "```python",
        "from datasets import load_dataset",
        'metrics = load_dataset("path/to/this/folder", "metrics", split="train")',
        "",
        "import polars as pl",
        'reforms = pl.read_parquet("reforms.parquet")',
        "```",
        "",
        "```sql",
        "-- DuckDB",
        "SELECT m.indicator_en, m.value_as_stated, r.name_en",
        "FROM 'metrics.parquet' m LEFT JOIN 'reforms.parquet' r ON m.reform_id = r.id;",
        "```",
        "",
        *cite.card_section(cite.citation_of(release.version, release.date, rows)),
        "",
        "## Motivation",
        "",
        "- **Purpose.** To make the reforms and figures reported on reform in Dazhou (达州市, Sichuan) —",
        "  first in a 2024 article, then in any source added — available as structured, bilingual,",
        "  verifiable records: every record quotes the exact characters of its source that support it,",
        "  so any claim can be checked against the source.",
        f"- **Creators.** {meta.CREATOR}. No funding is attached to the work.",
        "",
        "## Composition",
        "",
        *composition(rows),
        "",
        "- **Instances.** Each table holds one kind of record; the tables link by id: `sections.source_id`",
        "  and every `evidence[].source_id` → `sources.id`; `reforms.section` → `sections.id`;",
        "  `reforms.parent_id` → `reforms.id`; `reforms.organization_ids[]` and",
        "  `recognitions[].awarding_organization_id` → `organizations.id`;",
        "  `metrics.reform_id` → `reforms.id`.",
        "- **Evidence.** `evidence` is a list of `{source_id, start, end, quote, prefix, suffix, fragment}`",
        "  with `sources[source_id].text[start:end] == quote` (offsets in Unicode code points); `prefix`",
        "  and `suffix` are up to 32 code points of the text either side (W3C TextQuoteSelector) and",
        "  `fragment` is the RFC 5147 `char=start,end` of the span, all computed at build.",
        "- **Empty fields.** Optional fields are null where the source says nothing; null counts:",
        *[f"  {line}" for line in empty_fields(rows)],
        "- **Splits.** None: one `train` split holds every record. The data is a complete record of its",
        "  sources, not a sample.",
        "- **Withdrawn records.** A record found wrong is kept, never deleted, so that its id still",
        "  resolves: `withdrawn` holds the date it was withdrawn and `withdrawn_reason` why (both null for",
        "  a live record). Keep the live records with `withdrawn IS NULL`",
        '  (`ds.filter(lambda row: row["withdrawn"] is None)`).',
        "- **Labels.** `kind`, `status`, `domains`, `cap_major_topic`, `qualifier` and `unit` are codes of",
        "  the controlled vocabularies in the `vocabularies` table, assigned by the curators.",
        "- **Self-contained.** Yes: the source texts are included (table `sources`).",
        "- **Personal or sensitive data.** None: the records name public bodies and published programs,",
        "  not private persons.",
        "",
        "## Collection process",
        "",
        "The records were written by hand, one TOML file per record, by curators reading the sources;",
        "the build checks every record against its schema, every quote against its source text,",
        "every reference between records, and every figure against the text it is stated in, and",
        "refuses to build while any check fails.",
        "",
        "## Preprocessing, cleaning, labeling",
        "",
        "- Figures keep `value_as_stated` verbatim; `value` multiplies out 万 (1e4), 亿 (1e8) and",
        "  万亿 (1e12); `value_standard`/`unit_standard` convert mu to hectares (1 mu = 1/15 ha).",
        "- A source is never corrected: where a figure looks wrong it is kept as stated and `note`",
        "  says why.",
        "- English fields (`*_en`) are the curators' renderings; official English names are used where",
        "  they exist. Policy topics follow the Comparative Agendas Project master codebook.",
        "",
        "## Uses",
        "",
        "- Intended: studying local reform practice in China, bilingual policy terminology, information",
        "  extraction with verifiable provenance, and teaching reproducible data curation.",
        "- Not intended: official statistics. The figures are those the sources state, each as of its",
        "  source's date (statuses too), not independently verified.",
        "",
        "## Distribution",
        "",
        f"- Files: {', '.join(f'`{t}.parquet`/`{t}.jsonl`' for t in tables)}; "
        "`<table>.schema.json` (JSON Schema 2020-12 of one JSONL line), `datapackage.json` "
        "(Frictionless Data Package), `croissant.json` (MLCommons Croissant), `annotations.jsonld` "
        "(every evidence span as a W3C Web Annotation), `SHA256SUMS`.",
        f"- Licence: {meta.licence_statement()}",
        f"- {meta.text_rights_statement(credits)}",
        "",
        "## Maintenance",
        "",
        "- Releases are immutable: a released version folder is never rewritten. Any change to the",
        "  data is a new version with a CHANGELOG entry: MAJOR when a table or field is removed or",
        "  renamed or its type or meaning changes; MINOR when sources, records, fields or codes are added",
        "  or records withdrawn; PATCH when values of existing records are corrected or the same data is",
        "  re-serialized.",
        "- Rebuilding a version from the same raw records gives byte-identical files (with the same",
        "  pyarrow version, which the Parquet footer records).",
        "",
        "## Fields",
    ]
    for table in tables:
        lines += [
            "",
            f"### `{table}`",
            "",
            table_struct(table).description,
            "",
            *field_table(table_struct(table)),
        ]
    for struct in nested_structs_of(tables):
        lines += ["", f"### `{struct.name}` (nested)", "", struct.description, "", *field_table(struct)]
    return lines


def nested_structs_of(tables: Iterable[str]) -> list[Struct]:
    """The nested records (Evidence, Recognition) of ``tables``, in the order the tables first use them."""
    found: dict[str, Struct] = {}

    def visit(struct: Struct) -> None:
        for column in struct.columns:
            inner = column.type.item if isinstance(column.type, ListOf) else column.type
            if isinstance(inner, Struct) and inner.name not in found:
                found[inner.name] = inner
                visit(inner)

    for table in tables:
        visit(table_struct(table))
    return list(found.values())


def render_card(
    rows: Rows,
    files: Mapping[str, bytes],
    arrow_sizes: Mapping[str, int],
    release: meta.ReleaseInfo,
    coverage_section: str = "",
) -> bytes:
    """The dataset card: YAML front matter between ``---`` lines, then the Markdown body.

    ``files`` holds the Parquet files (for ``download_size``), ``arrow_sizes`` each table's Arrow size;
    ``coverage_section`` (Markdown, from
    :func:`dazhou_reforms.release.coverage.coverage_markdown`) is appended.
    """
    matter = dump(front_matter(rows, files, arrow_sizes))
    text = "---\n" + matter + "---\n\n" + "\n".join(body(rows, release)) + "\n"
    if coverage_section:
        text += "\n" + coverage_section.rstrip("\n") + "\n"
    return text.encode("utf-8")
