"""How well `dazhou-reforms reanchor` finds the evidence spans of the article in revised texts.

From the article (raw/sources) it makes revised texts by seeded random edits, each kind of edit
alone and mixed, and re-anchors every evidence span of raw/ in each (folding width, white space and
line breaks). The edits are tracked character by character, so the true place of every span in
every revised text is known: a span *survives* when all of its characters are still there, in
order, with nothing between them but inserted white space or line breaks (a full-width form of a
character counts as the character). Each span's result is then

- correct: anchored (exact or normalized) at the true place of a surviving span;
- WRONG: anchored anywhere else, or anchored at all when the span did not survive (target: 0);
- ambiguous or orphaned: not anchored (for a span that did not survive, that is the right answer).

Usage: python benchmarks/bench_reanchor.py [--raw raw] [--texts-per-edit 100] [--seed 16]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dazhou_reforms.read.anchor import Anchor, Anchoring, Span
from dazhou_reforms.read.folding import Folding

FOLDING = Folding.parse(["width", "space", "linebreak"])
#: A revised text: each character with the offset in the article it comes from (-1: inserted).
Chars = list[tuple[str, int]]
TO_FULL_WIDTH = {char: chr(ord(char) + 0xFEE0) for char in ",:;()!?"}
SENTENCE_ENDS = "。！？!?;；"
#: Words the inserted text is made of: some of them the article's own, so that inserted text
#: repeats short quotes and tests that a repeated quote is never taken on a guess.
WORDS = (
    "改革",
    "发展",
    "达州",
    "推动",
    "机制",
    "项目",
    "全市",
    "群众",
    "服务",
    "创新",
    "试点",
    "经验",
    "记者",
    "采访",
    "据悉",
    "今年",
    "持续",
    "深化",
    "工作",
    "会议",
    "指出",
    "基层",
    "企业",
    "政策",
)
EDITS = (
    "punctuation width",
    "white space",
    "line breaks",
    "inserted paragraph",
    "deleted paragraph",
    "inserted sentence",
    "deleted sentence",
    "editor's note on top",
    "deleted sentence holding a span",
    "quotes repeated elsewhere",
    "mixed (2-4 edits)",
)


def filler(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
        out.append("".join(words) + rng.choice(("。", ",", "。", "!")))
    return "".join(out).rstrip(",") + "。"


def inserted(text: str) -> Chars:
    return [(char, -1) for char in text]


def paragraph_starts(chars: Chars) -> list[int]:
    """Indexes just after each line break (paragraph boundaries), and 0."""
    return [0] + [index + 1 for index, (char, _) in enumerate(chars) if char == "\n"]


def sentence_bounds(chars: Chars) -> list[tuple[int, int]]:
    """(start, end) of each sentence: from after a line break or sentence end to the next end."""
    bounds, start = [], 0
    for index, (char, _) in enumerate(chars):
        if char == "\n":
            start = index + 1
        elif char in SENTENCE_ENDS:
            if index + 1 > start:
                bounds.append((start, index + 1))
            start = index + 1
    return bounds


def widen(chars: Chars, rng: random.Random) -> Chars:
    share = rng.choice((1.0, 0.5))
    return [
        (TO_FULL_WIDTH[c], o) if c in TO_FULL_WIDTH and rng.random() < share else (c, o) for c, o in chars
    ]


def respace(chars: Chars, rng: random.Random) -> Chars:
    kind = rng.choice(("drop indentation", "ideographic indentation", "stray spaces"))
    out: Chars = []
    for index, (char, origin) in enumerate(chars):
        at_line_start = index == 0 or chars[index - 1][0] == "\n" or (out and out[-1][0] == "\u3000")
        if char == " " and kind == "drop indentation" and at_line_start:
            continue
        if char == " " and kind == "ideographic indentation" and at_line_start:
            out.append(("\u3000", origin))
            continue
        out.append((char, origin))
        if kind == "stray spaces" and rng.random() < 0.01:
            out.append((" ", -1))
    return out


def rewrap(chars: Chars, rng: random.Random) -> Chars:
    kind = rng.choice(("single line breaks", "hard wrap"))
    out: Chars = []
    column = 0
    for index, (char, origin) in enumerate(chars):
        if (
            kind == "single line breaks"
            and char == "\n"
            and index + 1 < len(chars)
            and chars[index + 1][0] == "\n"
        ):
            continue
        out.append((char, origin))
        column = 0 if char == "\n" else column + 1
        if kind == "hard wrap" and column >= 38 and rng.random() < 0.2:
            out.append(("\n", -1))
            column = 0
    return out


def insert_paragraph(chars: Chars, rng: random.Random) -> Chars:
    at = rng.choice(paragraph_starts(chars))
    return chars[:at] + inserted("  " + filler(rng, rng.randint(1, 4)) + "\n\n") + chars[at:]


def delete_paragraph(chars: Chars, rng: random.Random) -> Chars:
    starts = paragraph_starts(chars)
    lines = [
        (start, end) for start, end in zip(starts, [*starts[1:], len(chars)], strict=True) if end - start > 4
    ]
    start, end = rng.choice(lines)
    return chars[:start] + chars[end:]


def insert_sentence(chars: Chars, rng: random.Random) -> Chars:
    _, at = rng.choice(sentence_bounds(chars))
    return chars[:at] + inserted(filler(rng, 1)) + chars[at:]


def delete_sentence(chars: Chars, rng: random.Random, holding: list[tuple[int, int]] | None = None) -> Chars:
    bounds = sentence_bounds(chars)
    if holding:
        held = {origin for start, end in holding for origin in range(start, end)}
        bounds = [
            (start, end) for start, end in bounds if any(o in held for _, o in chars[start:end])
        ] or bounds
    start, end = rng.choice(bounds)
    return chars[:start] + chars[end:]


def repeat_quotes(chars: Chars, spans: list[Span], rng: random.Random) -> Chars:
    """1-3 quotes of spans copied, each into a new sentence of its own, at sentence ends."""
    for span in rng.sample(spans, rng.randint(1, 3)):
        _, at = rng.choice(sentence_bounds(chars))
        sentence = rng.choice(("文中提到“{}”。", "记者注意到,{}。", "{}", "有评论说:{}。")).format(span.quote)
        chars = chars[:at] + inserted(sentence) + chars[at:]
    return chars


def editors_note(chars: Chars, title: str, rng: random.Random) -> Chars:
    note = rng.choice(
        (
            f"编者按:本文原载于某报,原题为《{title}》,转载时有删节。\n\n",
            f"【编者按】{title}——本报今日全文转载,供读者参考。\n\n",
            "编者按:本文经作者授权转载。\n\n",
        )
    )
    return inserted(note) + chars


@dataclass
class Tally:
    texts: int = 0
    seconds: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)

    def row(self, name: str) -> str:
        o = self.outcomes
        surviving = (
            o["correct"] + o["ambiguous (surviving)"] + o["orphaned (surviving)"] + o["WRONG (surviving)"]
        )
        share = 100.0 * o["correct"] / surviving if surviving else 100.0
        wrong = o["WRONG (surviving)"] + o["WRONG (lost)"]
        lost = o["orphaned (lost)"] + o["ambiguous (lost)"] + o["WRONG (lost)"]
        ms = statistics.median(self.seconds) * 1000
        return (
            f"| {name} | {self.texts} | {surviving} | {o['correct']} ({share:.2f} %) "
            f"| {o['ambiguous (surviving)']} | {o['orphaned (surviving)']} | {lost} "
            f"| {o['orphaned (lost)']} / {o['ambiguous (lost)']} | {wrong} | {ms:.1f} |"
        )


def truth(chars: Chars, where: dict[int, int], span: Span) -> tuple[int, int] | None:
    """Where ``span`` is in the revised text, if it survived (see the module docstring); ``where``:
    the index of each character of the article still in the revised text."""
    if not all(origin in where for origin in range(span.start, span.end)):
        return None
    first, last = where[span.start], where[span.end - 1]
    between = chars[first : last + 1]
    if any(origin == -1 and FOLDING.char(char) for char, origin in between):
        return None  # something other than white space was inserted inside the quote
    if [origin for _, origin in between if origin >= 0] != list(range(span.start, span.end)):
        return None
    return first, last + 1


def judge(anchor: Anchor, place: tuple[int, int] | None) -> str:
    state = "surviving" if place is not None else "lost"
    if anchor.anchored:
        return "correct" if place == (anchor.start, anchor.end) else f"WRONG ({state})"
    return f"{anchor.status} ({state})"


def revise(kind: str, chars: Chars, rng: random.Random, title: str, spans: list[Span]) -> Chars:
    edits: dict[str, Callable[[Chars], Chars]] = {
        "punctuation width": lambda c: widen(c, rng),
        "white space": lambda c: respace(c, rng),
        "line breaks": lambda c: rewrap(c, rng),
        "inserted paragraph": lambda c: insert_paragraph(c, rng),
        "deleted paragraph": lambda c: delete_paragraph(c, rng),
        "inserted sentence": lambda c: insert_sentence(c, rng),
        "deleted sentence": lambda c: delete_sentence(c, rng),
        "editor's note on top": lambda c: editors_note(c, title, rng),
        "deleted sentence holding a span": lambda c: delete_sentence(
            c, rng, [(s.start, s.end) for s in rng.sample(spans, 3)]
        ),
        "quotes repeated elsewhere": lambda c: repeat_quotes(c, spans, rng),
    }
    if kind != "mixed (2-4 edits)":
        return edits[kind](chars)
    for name in rng.sample(sorted(edits), rng.randint(2, 4)):
        chars = edits[name](chars)
    return chars


def run(text: str, spans: list[Span], texts_per_edit: int, seed: int) -> dict[str, Tally]:
    rng = random.Random(seed)
    anchoring = Anchoring(text, spans, FOLDING)
    title = text.split("\n", 1)[0]
    original: Chars = [(char, index) for index, char in enumerate(text)]
    tallies = {kind: Tally() for kind in EDITS}
    for kind in EDITS:
        tally = tallies[kind]
        for _ in range(texts_per_edit * (2 if kind.startswith("mixed") else 1)):
            chars = revise(kind, list(original), rng, title, spans)
            new_text = "".join(char for char, _ in chars)
            started = time.perf_counter()
            anchors = anchoring.anchor(new_text)
            tally.seconds.append(time.perf_counter() - started)
            tally.texts += 1
            where = {origin: index for index, (_, origin) in enumerate(chars) if origin >= 0}
            for span, anchor in zip(spans, anchors, strict=True):
                tally.outcomes[judge(anchor, truth(chars, where, span))] += 1
    return tallies


def article_spans(raw: Path) -> tuple[str, list[Span]]:
    """The article's text and every evidence span of raw/ quoting it (distinct spans)."""
    from dazhou_reforms.check.dataset import read_and_check
    from dazhou_reforms.schema.models import Evidence, Source

    dataset = read_and_check(raw)
    (source,) = [s for s in dataset.tables["sources"] if isinstance(s, Source)]
    found: dict[tuple[int, int], Span] = {}

    def walk(value: object) -> None:
        if isinstance(value, Evidence):
            if value.source_id == source.id:
                found[(value.start, value.end)] = Span(value.start, value.end, value.quote)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                walk(getattr(value, name))

    for records in dataset.tables.values():
        for record in records:
            walk(record)
    return source.text, sorted(found.values(), key=lambda span: (span.start, span.end))


HEADER = (
    "| edit | texts | surviving spans | correct | ambiguous | orphaned | lost spans "
    "| lost: orphaned / ambiguous | WRONG | ms per text (median) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--texts-per-edit", type=int, default=100)
    parser.add_argument("--seed", type=int, default=16)
    options = parser.parse_args()
    text, spans = article_spans(options.raw)
    tallies = run(text, spans, options.texts_per_edit, options.seed)
    total = Tally()
    for tally in tallies.values():
        total.texts += tally.texts
        total.seconds += tally.seconds
        total.outcomes += tally.outcomes
    print(f"{len(spans)} distinct spans of the article, {total.texts} revised texts, seed {options.seed}\n")
    print(HEADER)
    for kind, tally in tallies.items():
        print(tally.row(kind))
    print(total.row("**all**"))


if __name__ == "__main__":
    main()
