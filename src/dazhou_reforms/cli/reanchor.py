"""``dazhou-reforms reanchor --source ID NEW_TEXT_FILE``: where every evidence span of a source
stands in a revised or reprinted copy of its text (:mod:`dazhou_reforms.read.anchor`).

It reads the raw/ tree (which must be free of problems) and the new text (a regular file of at most
16 MiB, strict UTF-8, line endings read as LF, as a source text is read) and reports each span of
the source, from every record, recognitions included: ``exact``, ``normalized`` (found once the
declared ``--normalize`` foldings are applied; offsets are still exact offsets of the new text),
``ambiguous`` (its candidates listed) or ``orphaned``. It writes nothing by default.

With ``--write --new-id NEW_ID`` it adds the new text to raw/ as a new source and adds the mapped
evidence to the records, never changing the old source or any existing evidence entry:

- ``raw/sources/NEW_ID.txt`` (the new text, UTF-8 with LF) and ``raw/sources/NEW_ID.toml`` (the
  old source's description, its ``text_sha256`` computed, its evidence the old source's own spans
  as anchored; ``url``/``publisher``, which describe the copy, are left for the curator);
- in each record file with a span anchored ``exact`` or ``normalized``, one evidence entry
  ``{ source_id = "NEW_ID", start = N, quote = "..." }`` appended to the evidence list the span
  is in (the record's own or a recognition's), after the existing ones;
- sections are left alone: a section belongs to one source (add the reprint's sections by hand).

Every file is first made in memory, then written atomically (a temporary file beside it, fsync,
then renamed over a record file, or linked as a new source file: those are created, never
overwritten, even by a file made meanwhile).

Exit status: 0 every span anchored; 1 some span ambiguous or orphaned (still reported, and with
``--write`` the anchored ones written), or raw/ has problems; 2 usage or an unreadable new text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dazhou_reforms.cli.options import EXIT_BAD_DATA, ID_RULE, echo_problems, is_record_id, raw_dir_option

if TYPE_CHECKING:
    from dazhou_reforms.read.anchor import Anchor
    from dazhou_reforms.schema.models import Evidence, Model, Source

#: Fields of a source that describe one copy of the text, not the work: not carried to the new one.
COPY_FIELDS = ("id", "text", "text_sha256", "evidence", "url", "publisher", "withdrawn", "withdrawn_reason")


@dataclass(frozen=True)
class Located:
    """One evidence span of the source: which record, which list, which entry."""

    table: str
    record_id: str
    path: str  # evidence[0], recognitions[1].evidence[0]
    evidence: Evidence


def spans_of(tables: dict[str, list[Model]], source_id: str) -> list[Located]:
    """Every evidence span quoting ``source_id``, in table, record and field order."""
    found = []
    for table, records in tables.items():
        for record in records:
            record_id = getattr(record, "id", None)
            if record_id is None:
                continue
            for index, span in enumerate(getattr(record, "evidence", ())):
                if span.source_id == source_id:
                    found.append(Located(table, record_id, f"evidence[{index}]", span))
            for number, recognition in enumerate(getattr(record, "recognitions", ())):
                for index, span in enumerate(recognition.evidence):
                    if span.source_id == source_id:
                        found.append(
                            Located(table, record_id, f"recognitions[{number}].evidence[{index}]", span)
                        )
    return found


def read_new_text(path: Path) -> str:
    """The new text, read as a source text is read; :class:`click.UsageError` if it cannot be."""
    from dazhou_reforms.problems import codes
    from dazhou_reforms.read.raw_files import read_source_text

    text, problem = read_source_text(path, str(path))
    if problem is not None:
        if problem.code == codes.FILE_TOO_LARGE.name:
            raise click.UsageError(f"{path}: larger than a source text may be (16 MiB)")
        unreadable = problem.code == codes.UNREADABLE.name
        raise click.UsageError(problem.message if unreadable else problem.to_text())
    assert text is not None
    return text


def report_row(located: Located, anchor: Anchor) -> dict[str, Any]:
    span = located.evidence
    return {
        "table": located.table,
        "id": located.record_id,
        "path": located.path,
        "start": span.start,
        "end": span.end,
        "quote": span.quote,
        "status": anchor.status,
        "new_start": anchor.start,
        "new_end": anchor.end,
        "new_quote": anchor.quote,
        "candidates": [list(candidate) for candidate in anchor.candidates],
        "reason": anchor.reason,
    }


def text_line(row: dict[str, Any]) -> str:
    from dazhou_reforms.problems.problem import shorten

    where = f"{row['table']}/{row['id']} {row['path']} [{row['start']}:{row['end']}] {shorten(row['quote'])}"
    if row["status"] == "exact":
        return f"exact       {where} -> [{row['new_start']}:{row['new_end']}]"
    if row["status"] == "normalized":
        return f"normalized  {where} -> [{row['new_start']}:{row['new_end']}] {shorten(row['new_quote'])}"
    if row["status"] == "ambiguous":
        shown = ", ".join(f"[{s}:{e}]" for s, e in row["candidates"][:5])
        more = f", … ({len(row['candidates'])} in all)" if len(row["candidates"]) > 5 else ""
        return f"ambiguous   {where}: {row['reason']}; candidates {shown}{more}"
    return f"orphaned    {where}: {row['reason']}"


@click.command()
@click.option("--source", "source_id", required=True, help="Id of the source whose spans are re-anchored.")
@click.argument("new_text_file", type=click.Path(path_type=Path, dir_okay=False, readable=False))
@raw_dir_option
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--normalize",
    default="",
    metavar="LIST",
    help="Comma-separated foldings under which a quote may also match: width, space, linebreak, t2s "
    "(t2s only with OpenCC installed). Default: none, exact quotes only.",
)
@click.option(
    "--write", is_flag=True, help="Add the new text as source NEW_ID and the anchored evidence to raw/."
)
@click.option("--new-id", "new_id", help="Id of the new source (with --write).")
def reanchor(
    source_id: str,
    new_text_file: Path,
    raw_dir: Path,
    output: str,
    normalize: str,
    write: bool,
    new_id: str | None,
) -> None:
    """Map every evidence span of source ID onto NEW_TEXT_FILE, a revised or reprinted copy of its text."""
    from dazhou_reforms.check.dataset import read_and_check
    from dazhou_reforms.read.anchor import STATUSES, Anchoring, Span
    from dazhou_reforms.read.folding import Folding, FoldingUnavailable, UnknownFolding

    try:
        folding = Folding.parse(normalize.split(","))
    except (UnknownFolding, FoldingUnavailable) as error:
        raise click.BadParameter(str(error), param_hint="--normalize") from None
    if write and (new_id is None or not is_record_id(new_id)):
        raise click.BadParameter(f"--write needs --new-id: {ID_RULE}", param_hint="--new-id")
    if new_id is not None and not write:
        raise click.UsageError("--new-id is only used with --write")
    if write:  # before anything is read or written: the extra that keeps the curators' layout
        from dazhou_reforms.extras import MissingExtraError, require

        try:
            require("tomlkit", "contrib", "reanchor --write")
        except MissingExtraError as error:
            raise click.UsageError(str(error)) from None
    new_text = read_new_text(new_text_file)
    dataset = read_and_check(raw_dir)
    errors = echo_problems(dataset.problems).errors  # warnings and information do not stop it
    if errors:
        click.echo(f"{errors} problem(s) in {raw_dir}: fix them first; nothing was done", err=True)
        raise SystemExit(EXIT_BAD_DATA)
    sources = {getattr(source, "id", ""): source for source in dataset.tables["sources"]}
    if source_id not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise click.BadParameter(
            f"no source {source_id!r} in {raw_dir}; sources: {known}", param_hint="--source"
        )
    source: Source = sources[source_id]  # type: ignore[assignment]
    located = spans_of(dataset.tables, source_id)
    if write:
        assert new_id is not None
        check_writable(raw_dir, new_id)
    spans = [Span(item.evidence.start, item.evidence.end, item.evidence.quote) for item in located]
    anchors = Anchoring(source.text, spans, folding).anchor(new_text)
    rows = [report_row(item, anchor) for item, anchor in zip(located, anchors, strict=True)]
    counts = Counter(anchor.status for anchor in anchors)
    summary = {status: counts.get(status, 0) for status in STATUSES}
    if output == "json":
        report = {
            "source": source_id,
            "new_text": new_text_file.as_posix(),
            "normalize": str(folding).split(",") if folding.names else [],
            "counts": summary,
            "spans": rows,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"re-anchoring the spans of {source_id} onto {new_text_file.as_posix()} (normalize: {folding})"
        )
        for row in rows:
            click.echo(text_line(row))
        shown = ", ".join(f"{number} {status}" for status, number in summary.items())
        click.echo(f"{len(rows)} span(s): {shown}")
    if write:
        assert new_id is not None
        written = write_reanchored(raw_dir, source, new_id, new_text, located, anchors)
        for path in written:
            click.echo(f"wrote {path.as_posix()}", err=output == "json")
    if summary["ambiguous"] or summary["orphaned"]:
        raise SystemExit(EXIT_BAD_DATA)


def check_writable(raw: Path, new_id: str) -> None:
    """:class:`click.BadParameter` (nothing written) when ``--write`` cannot go ahead: the id is taken."""
    from dazhou_reforms.cli.new import used_ids

    if new_id in used_ids(raw, use_release=False) or (raw / "sources" / f"{new_id}.txt").exists():
        raise click.BadParameter(f"the id {new_id} is already used in {raw}", param_hint="--new-id")


def write_reanchored(
    raw: Path, source: Source, new_id: str, text: str, located: list[Located], anchors: list[Anchor]
) -> list[Path]:
    """Write the new source and the anchored evidence into raw/ (see the module docstring)."""
    from dazhou_reforms.cli.files import create_exclusively, replace_atomically
    from dazhou_reforms.read.files import read_bounded
    from dazhou_reforms.read.raw_files import MAX_TOML_SIZE
    from dazhou_reforms.read.text import decode_utf8

    own = [
        (anchor.start, anchor.quote)
        for item, anchor in zip(located, anchors, strict=True)
        if item.table == "sources" and item.record_id == source.id and anchor.anchored
    ]
    if not own:
        raise click.UsageError(
            f"none of the source's own spans (its title, date, authors) was anchored: {new_id} would have "
            "no evidence; nothing was written"
        )
    files: dict[Path, str] = {
        raw / "sources" / f"{new_id}.txt": text,
        raw / "sources" / f"{new_id}.toml": source_toml(source, new_id, text, own),
    }
    additions: dict[Path, list[tuple[str, int, str]]] = {}
    for item, anchor in zip(located, anchors, strict=True):
        if not anchor.anchored or item.table in ("sources", "sections"):
            continue
        assert anchor.start is not None and anchor.quote is not None
        path = raw / item.table / f"{item.record_id}.toml"
        additions.setdefault(path, []).append((item.path, anchor.start, anchor.quote))
    for path, entries in additions.items():  # read once, bounded, line endings LF, as the reader reads it
        record, problem = decode_utf8(read_bounded(path, MAX_TOML_SIZE), path.as_posix())
        if record is None:  # changed since it was checked
            assert problem is not None
            raise click.UsageError(f"{problem.to_text()}; nothing was written")
        files[path] = with_evidence(record, new_id, entries)
    for path, content in files.items():
        if path.parent.name != "sources":
            replace_atomically(path, content)
            continue
        try:
            create_exclusively(path, content)
        except FileExistsError:
            raise click.UsageError(f"{path} exists; nothing more was written") from None
    return list(files)


def source_toml(source: Source, new_id: str, text: str, own: list[tuple[int | None, str | None]]) -> str:
    from dazhou_reforms.read.text import text_sha256
    from dazhou_reforms.schema.templates import toml_string

    lines = [
        f"# A copy of the text of {source.id}, its spans re-anchored by `dazhou-reforms reanchor`.",
        f"# The text is {new_id}.txt beside this file. The fields below are the original's: correct",
        "# those that differ for this copy (published_at); add url and publisher where it states them.",
        f"id = {toml_string(new_id)}",
    ]
    for name in type(source).model_fields:
        value = getattr(source, name)
        if name in COPY_FIELDS or value is None:
            continue
        if isinstance(value, tuple):
            lines.append(f"{name} = [{', '.join(toml_string(str(item)) for item in value)}]")
        else:
            lines.append(f"{name} = {toml_string(str(value))}")
    lines.append(f"text_sha256 = {toml_string(text_sha256(text))}")
    lines.append("")
    lines.append("evidence = [")
    for start, quote in own:
        assert quote is not None
        lines.append(
            f"  {{ source_id = {toml_string(new_id)}, start = {start}, quote = {toml_string(quote)} }},"
        )
    lines.append("]")
    return "\n".join(lines) + "\n"


def with_evidence(toml_text: str, new_id: str, entries: list[tuple[str, int, str]]) -> str:
    """``toml_text`` with one evidence entry appended for each ``(path, start, quote)``, keeping
    every comment and the layout of the rest of the file."""
    import tomlkit

    from dazhou_reforms.schema.templates import toml_string

    document = tomlkit.parse(toml_text)
    for path, start, quote in entries:
        match = re.fullmatch(r"(?:recognitions\[(\d+)\]\.)?evidence\[\d+\]", path)
        assert match is not None
        owner: Any = document if match.group(1) is None else document["recognitions"][int(match.group(1))]
        written = (
            f"entry = {{ source_id = {toml_string(new_id)}, start = {start}, quote = {toml_string(quote)} }}"
        )
        owner["evidence"].append(tomlkit.parse(written)["entry"])  # as the curators write an entry
    return tomlkit.dumps(document)
