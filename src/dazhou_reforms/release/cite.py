"""How to cite the dataset and the article it is curated from: BibTeX, APA and CITATION.cff.

One source of truth: :class:`Citation` is made from the release (its version and date) and its
``sources`` rows (title, authors, date, and publisher and URL where the captured copy states them),
with the names and licence of :mod:`dazhou_reforms.release.metadata`; the dataset card,
``dz.citation()`` and the repository's ``CITATION.cff`` are all rendered from it. Nothing is
invented: a publisher or URL the captured copy does not state is left out, and the text says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from dazhou_reforms.release import metadata as meta

Format = Literal["bibtex", "apa", "cff"]
FORMATS: tuple[Format, ...] = ("bibtex", "apa", "cff")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Said of an article whose captured copy names neither publisher nor address.
NOT_STATED = "The captured copy states neither its publisher nor its URL."
MESSAGE = "If you use this dataset, please cite it as below, and cite the article it is curated from."


@dataclass(frozen=True)
class Citation:
    """The dataset at one release, and the articles it is curated from."""

    version: str
    date: str | None
    sources: tuple[meta.SourceCredit, ...]

    @property
    def key(self) -> str:
        return f"{meta.NAME}-{self.version}"


def citation_of(version: str, date: str | None, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> Citation:
    return Citation(version, date, tuple(meta.source_credits(rows)))


def check_format(form: str) -> Format:
    """``form`` when it is one of :data:`FORMATS`; else ``ValueError`` naming them."""
    if form not in FORMATS:
        raise ValueError(f"unknown citation format {form!r}; formats: {', '.join(FORMATS)}")
    return form


def render(citation: Citation, form: Format) -> str:
    """The citation in one of :data:`FORMATS` (text ending in a newline)."""
    renderers: dict[Format, Callable[[Citation], str]] = {"bibtex": bibtex, "apa": apa, "cff": cff}
    return renderers[check_format(form)](citation)


def _missing(credit: meta.SourceCredit) -> str:
    if credit.publisher is None and credit.url is None:
        return NOT_STATED
    if credit.publisher is None:
        return "The captured copy does not state its publisher."
    if credit.url is None:
        return "The captured copy does not state its URL."
    return ""


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bib(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text.replace("\\", r"\textbackslash{}"))


def _bib_entry(kind: str, key: str, fields: Sequence[tuple[str, str | None]]) -> str:
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {value}," for name, value in fields if value is not None]
    return "\n".join(lines) + "\n}\n"


def bibtex(citation: Citation) -> str:
    """A ``@misc`` entry for the dataset, then one for each article (BibTeX and biblatex read both)."""
    notes = [f"Dataset, version {citation.version}", f"records licensed {meta.RECORDS_LICENSE['spdx']}"]
    if citation.sources:
        notes.append("curated from " + ", ".join(credit.id for credit in citation.sources))
    entries = [
        _bib_entry(
            "misc",
            citation.key,
            [
                ("author", f"{{{{{_bib(meta.CREATOR)}}}}}"),
                ("title", f"{{{{{_bib(meta.PRETTY_NAME)}}}}}"),
                ("year", f"{{{citation.date[:4]}}}" if citation.date else None),
                ("date", f"{{{citation.date}}}" if citation.date else None),
                ("version", f"{{{citation.version}}}"),
                ("note", "{" + _bib("; ".join(notes)) + "}"),
            ],
        )
    ]
    for credit in citation.sources:
        authors = " and ".join(f"{{{_bib(name)}}}" for name in credit.authors_zh)
        note = f"English title: {credit.title_en}. {_missing(credit)}".strip()
        entries.append(
            _bib_entry(
                "misc",
                credit.id,
                [
                    ("author", f"{{{authors}}}"),
                    ("title", f"{{{{{_bib(credit.title_zh)}}}}}"),
                    ("year", f"{{{credit.date[:4]}}}"),
                    ("date", f"{{{credit.date}}}"),
                    ("language", "{Chinese}"),
                    ("publisher", f"{{{_bib(credit.publisher)}}}" if credit.publisher else None),
                    ("url", f"{{{credit.url}}}" if credit.url else None),
                    ("note", "{" + _bib(note) + "}"),
                ],
            )
        )
    return "\n".join(entries)


def _apa_date(date: str) -> str:
    year, month, day = date.split("-")
    return f"{year}, {MONTHS[int(month) - 1]} {int(day)}"


def _apa_names(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def apa(citation: Citation) -> str:
    """APA 7 references: the dataset, then each article, one paragraph each."""
    year = citation.date[:4] if citation.date else "n.d."
    lines = [f"{meta.CREATOR}. ({year}). {meta.PRETTY_NAME} (Version {citation.version}) [Data set]."]
    for credit in citation.sources:
        line = (
            f"{_apa_names(credit.authors_zh)}. ({_apa_date(credit.date)}). {credit.title_zh} "
            f"[{credit.title_en}]."
        )
        if credit.publisher:
            line += f" {credit.publisher}."
        if credit.url:
            line += f" {credit.url}"
        lines.append(line)
    return "\n\n".join(lines) + "\n"


def _yaml(value: str) -> str:
    """A YAML scalar: JSON's double-quoted string, which YAML reads as the same string."""
    return json.dumps(value, ensure_ascii=False)


def cff(citation: Citation) -> str:
    """``CITATION.cff`` (Citation File Format 1.2.0): the dataset, with the articles in ``references``."""
    lines = [
        "# Generated from the release and its sources table: dazhou-reforms cite --format cff > CITATION.cff",
        "cff-version: 1.2.0",
        f"message: {_yaml(MESSAGE)}",
        "type: dataset",
        f"title: {_yaml(meta.PRETTY_NAME)}",
        f"version: {_yaml(citation.version)}",
    ]
    if citation.date:
        lines.append(f"date-released: {_yaml(citation.date)}")
    lines += [
        "authors:",
        f"  - name: {_yaml(meta.CREATOR)}",
        f"license: {_yaml(meta.RECORDS_LICENSE['spdx'])}",
        f"abstract: {_yaml(meta.DESCRIPTION)}",
        "keywords:",
        *[f"  - {_yaml(keyword)}" for keyword in meta.KEYWORDS],
    ]
    if citation.sources:
        lines.append("references:")
    for credit in citation.sources:
        lines += [
            "  - type: article",
            f"    title: {_yaml(credit.title_zh)}",
            "    authors:",
            *[f"      - name: {_yaml(name)}" for name in credit.authors_zh],
            f"    date-published: {_yaml(credit.date)}",
            f"    year: {int(credit.date[:4])}",
            "    languages:",
            '      - "zh"',
        ]
        if credit.publisher:
            lines += ["    publisher:", f"      name: {_yaml(credit.publisher)}"]
        if credit.url:
            lines.append(f"    url: {_yaml(credit.url)}")
        notes = f"English title: {credit.title_en}. {_missing(credit)}".strip()
        lines.append(f"    notes: {_yaml(notes)}")
    return "\n".join(lines) + "\n"


def card_section(citation: Citation) -> list[str]:
    """The dataset card's "Citation" section: BibTeX for the dataset and the article."""
    lines = [
        "## Citation",
        "",
        "Cite the dataset and the article it is curated from:",
        "",
        "```bibtex",
        *bibtex(citation).rstrip("\n").split("\n"),
        "```",
    ]
    for credit in citation.sources:
        missing = _missing(credit)
        if missing:
            lines += ["", f"Where the article was published: {missing} None is guessed here."]
    return lines
