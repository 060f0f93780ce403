"""``dazhou-reforms new source`` and ``new section``: a new source text, and sections of it.

``new source --id ID --text FILE`` copies the text into ``<raw>/sources/ID.txt`` (UTF-8 checked,
line endings made LF, a byte order mark, NUL or another control character refused, the read
bounded) and writes ``<raw>/sources/ID.toml`` with the computed ``text_sha256``, the fields to fill
in, and the sections it proposes from the headings it recognizes
(:mod:`dazhou_reforms.read.headings`), as commented ``new section`` commands: nothing is made a
section without the contributor's word. Both files are written atomically, and never over a file
that exists; no other file is touched.

``new section --source ID --quote TEXT`` writes ``<raw>/sections/<id>.toml``: the section of source
ID that starts at TEXT (which must occur once in the source's text).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import click

from dazhou_reforms.cli.options import check_id, check_text, is_valid
from dazhou_reforms.problems import codes
from dazhou_reforms.read import raw_files
from dazhou_reforms.read.headings import Heading, find_headings
from dazhou_reforms.read.model_errors import has_visible
from dazhou_reforms.read.raw_files import MAX_SOURCE_TEXT_SIZE
from dazhou_reforms.read.text import lf_line_endings, text_sha256
from dazhou_reforms.schema.models import ARTICLE_FORBIDDEN, MAX_ID_LENGTH
from dazhou_reforms.schema.templates import toml_string

#: A publication line (a date, 发布时间, 发稿时间, 来源): not proposed as a lead.
PUBLICATION_LINE = re.compile(r"[0-9]{4}[-年.][0-9]{1,2}[-月.][0-9]{1,2}|发布时间|发稿时间|来源[:：]")
#: Longest quote proposed for the start of a lead.
MAX_LEAD_QUOTE = 20
#: Exit status for text or ids that cannot be used (nothing written).
EXIT_REFUSED = 1


def refuse(message: str) -> None:
    click.echo(f"error: {message}; nothing was written", err=True)
    raise SystemExit(EXIT_REFUSED)


def check_published_at(value: str | None) -> None:
    from dazhou_reforms.schema.models import PublishedAt

    if value is not None and not is_valid(PublishedAt, value):
        raise click.BadParameter(
            f"{value!r} is not a date and time with seconds in China Standard Time, "
            "e.g. 2024-04-10T09:19:13+08:00",
            param_hint="--published-at",
        )


def text_to_copy(path: Path) -> tuple[str, int]:
    """The text of ``path`` as it will be stored (LF line endings) and how many line endings were
    changed; refuses (exit 1) what cannot be a source text, saying where and why."""
    shown = path.as_posix()
    text, problem = raw_files.read_source_text(path, shown, normalize_newlines=False)
    if problem is not None or text is None:
        assert problem is not None
        if problem.code == codes.FILE_TOO_LARGE.name:
            refuse(f"{shown} is over {MAX_SOURCE_TEXT_SIZE:,} bytes: is this the right file?")
        if problem.code == codes.UNREADABLE.name:
            raise click.BadParameter(problem.message, param_hint="--text")
        hint = f": {problem.hint}" if problem.hint else ": save it as UTF-8 without BOM"
        refuse(f"{problem.file}:{problem.line}: {problem.message}{hint}")
        raise AssertionError  # refuse() exits
    changed = text.count("\r")
    text = lf_line_endings(text)
    bad = re.search(f"[{ARTICLE_FORBIDDEN}]", text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        what = "a NUL character" if bad.group() == "\0" else f"the control character U+{ord(bad.group()):04X}"
        refuse(
            f"{shown}:{line}:{column}: the text holds {what}; a source text holds none "
            "(only line breaks): remove it, or take the text from the publication again"
        )
    if not has_visible(text):
        refuse(f"{shown} holds no visible text")
    return text, changed


@dataclass(frozen=True)
class Proposal:
    """A section proposed from a heading: its id, ordinal and the heading it starts at."""

    section_id: str
    ordinal: int
    heading: Heading


def section_id(source_id: str, suffix: str) -> str:
    """``<source_id>-<suffix>``, the source id cut so that the whole is at most 64 characters."""
    base = source_id[: MAX_ID_LENGTH - len(suffix) - 1].rstrip("-")
    return f"{base}-{suffix}"


def proposals(source_id: str, headings: list[Heading]) -> list[Proposal]:
    """Sections to propose: one a heading of the highest level found (others are listed only)."""
    if not headings:
        return []
    top = min(heading.level for heading in headings)
    chosen = [heading for heading in headings if heading.level == top]
    return [
        Proposal(section_id(source_id, f"part-{index}"), index, heading)
        for index, heading in enumerate(chosen, start=1)
    ]


def source_toml(
    source_id: str,
    text: str,
    title_zh: str | None,
    title_en: str | None,
    published_at: str | None,
    raw: Path,
) -> str:
    """The TOML of a new source: what is known filled in, the rest to fill in (the sections
    proposed follow: :func:`sections_comment`)."""
    first = first_line(text)
    digest = text_sha256(text)
    metadata = metadata_quote(text, title_zh, first)
    toml_path = (raw / "sources" / f"{source_id}.toml").as_posix()
    lines = [
        f"# A source: its text is {source_id}.txt beside this file, exactly as published (UTF-8, LF).",
        "# Fill in the empty fields (the commented ones are optional), then check it:",
        f"#   dazhou-reforms validate {toml_path}",
        f'id = "{source_id}"',
        "",
        "# Title in the source's own words (Chinese).",
    ]
    if title_zh is None:
        lines += [f"# The text's first line is: {first[:80]}", 'title_zh = ""']
    else:
        lines.append(f"title_zh = {toml_string(title_zh)}")
    lines += [
        "# English translation of the title: accurate, plain American English.",
        f"title_en = {toml_string(title_en or '')}",
        "# When it was published: date and time with seconds, China Standard Time.",
        f"published_at = {toml_string(published_at or '')}  # e.g. 2024-04-10T09:19:13+08:00",
        "# Authors as the source names them, and in English, in the same order.",
        'authors_zh = [""]',
        'authors_en = [""]',
        'language = "zh-Hans"',
        "# GB/T 2260 code of the place the source is about (达州市 = 511700).",
        'place_code = "511700"',
        "# SHA-256 of the text file, computed: if the text changes, every quote must be checked again.",
        f'text_sha256 = "{digest}"',
        "",
        "# Evidence: the source's own metadata in its text (title, publication line, byline), one",
        "# entry each; these parts are not counted as body text by the coverage.",
        "evidence = [",
        f"  {{ source_id = {toml_string(source_id)}, quote = {toml_string(metadata)} }},",
        "]",
    ]
    return "\n".join(lines) + "\n"


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, stripped ("" if none)."""
    return next((line.strip() for line in text.split("\n") if line.strip()), "")


def metadata_quote(text: str, title_zh: str | None, first: str) -> str:
    """The title where the text holds it once, else the text's first line ``first`` where it
    occurs once (the contributor checks it: the TOML says so), else nothing (to fill in)."""
    for candidate in (title_zh, first):
        if candidate and text.count(candidate) == 1:
            return candidate
    return ""


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _lead_comment(source_id: str, text: str, first: Heading, raw_option: str) -> list[str]:
    """The text before the first heading, after the first line (the title): a lead, perhaps."""
    before = text[: first.start].split("\n")
    lines = [
        (number, line.strip())
        for number, line in enumerate(before, start=1)
        if line.strip() and not PUBLICATION_LINE.search(line)
    ][1:]
    if not lines:
        return []
    number, line = lines[0]
    end = re.search("[。；;！？!?,，]", line)
    quote = line[: end.start() if end else len(line)][:MAX_LEAD_QUOTE]
    if text.count(quote) != 1:
        return []
    command = (
        f"dazhou-reforms new section --source {source_id} --id {section_id(source_id, 'lead')} "
        f"--ordinal 0 --heading-en Lead --quote {_shell_quote(quote)}{raw_option}"
    )
    return [
        f"# line {number}: text before the first heading; if it is a lead (not a publication line or",
        "# byline, which are the source's evidence above), it can be a section too:",
        f"#   {command}",
    ]


def sections_comment(
    source_id: str, text: str, raw: Path, headings: list[Heading], proposed: list[Proposal]
) -> str:
    """The sections ``proposed`` (see :func:`proposals`), as commented ``new section`` commands,
    and every heading found."""
    raw_option = "" if raw == Path("raw") else f" --raw {_shell_quote(raw.as_posix())}"
    lines = [
        "",
        "# Sections (optional): a source without sections is one body of text. Proposed from the",
        "# headings recognized (一、 / （一） / 1. lines); nothing is a section until you run its command:",
    ]
    if not headings:
        lines.append("# (no heading recognized)")
    for proposal in proposed:
        heading = proposal.heading
        command = (
            f"dazhou-reforms new section --source {source_id} --id {proposal.section_id} "
            f"--ordinal {proposal.ordinal} --quote {_shell_quote(heading.quote)}{raw_option}"
        )
        note = "" if heading.occurrences == 1 else f"  (occurs {heading.occurrences} times: quote more)"
        lines += [f"# line {heading.line}:{note}", f"#   {command}"]
    if headings:
        lines += _lead_comment(source_id, text, headings[0], raw_option)
    others = [h for h in headings if proposed and h.level != proposed[0].heading.level]
    if others:
        lines.append("# Lower-level headings found (a section may start at one too):")
        lines += [f"#   line {h.line}: {h.quote}" for h in others]
    return "\n".join(lines) + "\n"


def source_text_of(raw: Path, source_id: str) -> str:
    """The text of source ``source_id`` of the tree (refused when it has none)."""
    path = raw / "sources" / f"{source_id}.txt"
    if not (raw / "sources" / f"{source_id}.toml").is_file():
        refuse(f"{raw.as_posix()}/sources/{source_id}.toml does not exist: add the source first (new source)")
    text, problem = raw_files.read_source_text(path, path.as_posix())
    if text is None:
        assert problem is not None
        if problem.code == codes.FILE_TOO_LARGE.name:
            refuse(f"{path.as_posix()} cannot be read: too large")
        elif problem.code == codes.UNREADABLE.name:
            refuse(problem.message)
        refuse(f"{path.as_posix()} is not a source text: {problem.message}")
        raise AssertionError  # refuse() exits
    return text


def sections_before(raw: Path, source_id: str, text: str, start: int) -> int:
    """How many sections of ``source_id`` in the tree start before ``start`` (unreadable ones aside)."""
    count = 0
    folder = raw / "sections"
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        data, _, _ = raw_files.read_toml(path, raw)
        evidence = data.get("evidence") if data is not None else None
        entry = evidence[0] if isinstance(evidence, list) and evidence else None
        if not isinstance(entry, dict) or not isinstance(entry.get("quote"), str):
            continue  # a file the reader reports (validate): not counted here
        if entry.get("source_id") == source_id and 0 <= text.find(entry["quote"]) < start:
            count += 1
    return count


def section_toml(
    section_id: str, source_id: str, ordinal: int, quote: str, heading_en: str | None, heading: bool
) -> str:
    lines = [
        f"# A section of source {source_id}: it starts at its first evidence and ends where the next",
        "# section of the same source starts (or at the end of the text).",
        f'id = "{section_id}"',
        "# Position among the sections of its source (0, 1, 2, … in text order).",
        f"ordinal = {ordinal}",
        "# The heading as the source writes it (leave it out for a part without a heading).",
        f"{'' if heading else '# '}heading_zh = {toml_string(quote)}",
        "# The heading in English (for a part without a heading, a short name: Lead, Byline).",
        f"heading_en = {toml_string(heading_en or '')}",
        "",
        f"evidence = [{{ source_id = {toml_string(source_id)}, quote = {toml_string(quote)} }}]",
    ]
    return "\n".join(lines) + "\n"


def option(options: dict[str, object], name: str) -> str | None:
    """A text option of the command (None when not given)."""
    value = options.get(name)
    return value if isinstance(value, str) else None


def new_source(raw: Path, source_id: str | None, options: dict[str, object], taken: set[str]) -> None:
    """The work of ``new source`` (see the module docstring)."""
    from dazhou_reforms.cli.files import create_exclusively
    from dazhou_reforms.cli.new import write_new

    text_path = options.get("text")
    if source_id is None:
        raise click.UsageError("`new source` needs --id ID (e.g. --id dazhou-work-report-2024)")
    if not isinstance(text_path, Path):
        raise click.UsageError("`new source` needs --text FILE: the source's text, as published")
    title_zh, title_en, published_at = (
        option(options, name) for name in ("title_zh", "title_en", "published_at")
    )
    check_text(title_zh, "--title-zh")
    check_text(title_en, "--title-en")
    check_published_at(published_at)
    if source_id in taken:
        refuse(f"the id {source_id} is already used by a record; pick another one")
    text, changed = text_to_copy(text_path)
    folder = raw / "sources"
    txt, toml = folder / f"{source_id}.txt", folder / f"{source_id}.toml"
    for path in (txt, toml):
        if os.path.lexists(path):
            refuse(f"{path.as_posix()} exists")
    headings = find_headings(text)
    proposed = proposals(source_id, headings)
    document = source_toml(source_id, text, title_zh, title_en, published_at, raw)
    document += sections_comment(source_id, text, raw, headings, proposed)
    write_new(txt, text)
    try:
        create_exclusively(toml, document)
    except OSError as error:
        txt.unlink()  # the pair or nothing
        refuse(f"cannot write {toml.as_posix()}: {error.strerror or error}")
    click.echo(
        f"wrote {txt.as_posix()} ({len(text):,} characters"
        + (f"; {changed:,} CR line ending(s) made LF)" if changed else ")")
    )
    click.echo(f"wrote {toml.as_posix()}")
    click.echo("next steps:")
    click.echo(f"  1. fill in the empty fields of {toml.as_posix()}")
    if proposed:
        count = len(proposed)
        click.echo(f"  2. make sections of the {count} proposed at its end, or none (run their commands)")
    else:
        click.echo("  2. no heading was recognized: the whole text is one body (sections are optional)")
    click.echo(f'  3. quote it from any record: evidence = [{{ source_id = "{source_id}", quote = "…" }}]')
    click.echo(f"  4. dazhou-reforms validate {raw.as_posix()}/")


def new_section(raw: Path, record_id: str | None, options: dict[str, object], taken: set[str]) -> None:
    """The work of ``new section`` (see the module docstring)."""
    from dazhou_reforms.cli.new import write_new
    from dazhou_reforms.read.evidence import listed, near_miss_hint, occurrences

    source_id, quote, ordinal, heading_en = (
        options.get(name) for name in ("source", "quote", "ordinal", "heading_en")
    )
    if not isinstance(source_id, str) or not isinstance(quote, str) or not quote:
        raise click.UsageError("`new section` needs --source ID and --quote TEXT (where the section starts)")
    check_id(source_id, "--source")
    check_text(heading_en if isinstance(heading_en, str) else None, "--heading-en")
    text = source_text_of(raw, source_id)
    found = occurrences(text, quote)
    if not found:
        refuse(f"the quote is not in {source_id}.txt ({near_miss_hint(text, quote)})")
    if len(found) > 1:
        refuse(f"the quote occurs {len(found)} times in {source_id}.txt (at {listed(found)}): quote more")
    if not isinstance(ordinal, int):
        ordinal = sections_before(raw, source_id, text, found[0])
    if record_id is None:  # the first free <source>-part-<n>
        number = 1
        while (record_id := section_id(source_id, f"part-{number}")) in taken:
            number += 1
    if record_id in taken:
        refuse(f"the id {record_id} is already used by a record; pick another one with --id")
    assert record_id is not None
    is_heading = any(h.start == found[0] and h.quote == quote for h in find_headings(text))
    path = raw / "sections" / f"{record_id}.toml"
    english = heading_en if isinstance(heading_en, str) else None
    write_new(path, section_toml(record_id, source_id, ordinal, quote, english, is_heading))
    click.echo(f"wrote {path.as_posix()}")
    click.echo(f"fill in heading_en, then run: dazhou-reforms validate {path.as_posix()}")
