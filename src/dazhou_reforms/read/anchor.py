"""Re-anchoring: where the evidence spans of one text stand in another copy of it (a revised or
reprinted text), certain or not at all.

Each span is a W3C text quote: the quote with up to 32 code points of context either side
(:mod:`dazhou_reforms.schema.selectors`). For each span, in the new text:

1. **Candidates**: the quote's exact occurrences, and (with foldings declared, see
   :mod:`dazhou_reforms.read.folding`) its occurrences once both texts are folded, each mapped back
   to exact offsets of the new text.
2. **Context**: for each candidate, how much of the span's prefix agrees with the text before it and
   how much of its suffix with the text after it, compared with full-width forms, white space and
   line breaks folded (code points of agreement, counted from the quote outwards). A side agrees
   *fully* when all of its context agrees (at least :data:`MIN_SIDE` characters of it, or, where
   the old context was cut short by the edge of the text, the same edge in the new one).
   A side is *distinguishing* when no other occurrence of the quote in the OLD text agrees fully on
   that side: a context the old text repeats proves nothing.
3. **Decision**: the one candidate that agrees fully on both sides (the whole W3C selector, prefix,
   quote and suffix, matches there and nowhere else, and matched nowhere else in the old text) is
   the anchor. Failing that, one candidate that agrees fully on a distinguishing side, and whose
   agreement in all is greater than every other candidate's, is the anchor: ``exact`` when the new
   text there is the quote, else ``normalized``. Failing that, a candidate that is the quote's
   only occurrence in both texts is the anchor when some context agrees (:data:`WEAK_AGREEMENT`
   characters on a side; a quote alone, however long, is not enough: an editor may quote a
   deleted sentence elsewhere).
   Anything else is ``ambiguous``
   (the candidates listed) or, with no candidate, ``orphaned``.

So a span is never anchored on a guess: where the context does not single out one place, the
answer is ``ambiguous``. A passage moved elsewhere with its context is anchored where it now is,
since its selectors identify it there.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from dazhou_reforms.read.folding import CONTEXT_FOLDING, Folding
from dazhou_reforms.schema.selectors import CONTEXT, prefix_of, suffix_of

Status = Literal["exact", "normalized", "ambiguous", "orphaned"]
STATUSES: tuple[Status, ...] = ("exact", "normalized", "ambiguous", "orphaned")
#: Folded characters a context must have to count as agreeing fully (away from the text's edges).
MIN_SIDE = 8
#: Folded characters of agreement on one side that confirm a quote found once in both texts.
WEAK_AGREEMENT = 8
#: Exact quotes only.
NO_FOLDING = Folding()
#: Most places of a quote looked at: a quote found more often is ambiguous without more ado (time
#: stays bounded on a huge text that repeats a short quote).
MAX_CANDIDATES = 1000


@dataclass(frozen=True)
class Span:
    """A span of the old text: ``text[start:end] == quote``."""

    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Anchor:
    """Where one span stands in the new text (``start``/``end``/``quote`` when anchored)."""

    status: Status
    start: int | None = None
    end: int | None = None
    quote: str | None = None
    candidates: tuple[tuple[int, int], ...] = ()
    reason: str = ""

    @property
    def anchored(self) -> bool:
        return self.status in ("exact", "normalized")


@dataclass(frozen=True)
class Context:
    """A text folded for comparing contexts, with each folded character's offset in the text."""

    folded: str
    positions: array[int]

    @classmethod
    def of(cls, text: str) -> Context:
        return cls(*CONTEXT_FOLDING.with_positions(text))

    def before(self, offset: int, size: int) -> tuple[str, int]:
        """The ``size`` folded characters before ``offset`` and how many there are before it in all."""
        index = bisect_left(self.positions, offset)
        return self.folded[max(0, index - size) : index], index

    def after(self, offset: int, size: int) -> tuple[str, int]:
        """The ``size`` folded characters from ``offset`` and how many there are from it in all."""
        index = bisect_left(self.positions, offset)
        return self.folded[index : index + size], len(self.folded) - index


def common_suffix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


@dataclass(frozen=True)
class Selector:
    """A span's context, folded, and whether the edge of the old text cut it short."""

    prefix: str
    suffix: str
    prefix_at_edge: bool
    suffix_at_edge: bool

    @classmethod
    def of(cls, text: str, span: Span) -> Selector:
        prefix, suffix = prefix_of(text, span.start), suffix_of(text, span.end)
        fold = CONTEXT_FOLDING.text
        return cls(fold(prefix), fold(suffix), len(prefix) < CONTEXT, len(suffix) < CONTEXT)

    def agreement(self, context: Context, start: int, end: int) -> tuple[int, int, bool, bool]:
        """(left, right, left full, right full) agreement of the text around ``[start, end)``."""
        before, count_before = context.before(start, len(self.prefix))
        after, count_after = context.after(end, len(self.suffix))
        left = common_suffix(self.prefix, before)
        right = common_prefix(self.suffix, after)
        full_left = left == len(self.prefix) and (
            count_before == left if self.prefix_at_edge else left >= MIN_SIDE
        )
        full_right = right == len(self.suffix) and (
            count_after == right if self.suffix_at_edge else right >= MIN_SIDE
        )
        return left, right, full_left, full_right


@dataclass
class Folded:
    """A text folded by the declared foldings, with positions back into it."""

    text: str
    folding: Folding
    folded: str = field(init=False)
    positions: array[int] = field(init=False)

    def __post_init__(self) -> None:
        self.folded, self.positions = self.folding.with_positions(self.text)

    def occurrences(self, quote: str) -> list[tuple[int, int]]:
        """Spans of the text whose folding is ``quote`` folded, plus its exact occurrences (past
        :data:`MAX_CANDIDATES`, one more than that many, no matter which)."""
        found: dict[tuple[int, int], None] = {}
        position = self.text.find(quote)
        while position != -1 and len(found) <= MAX_CANDIDATES:
            found[(position, position + len(quote))] = None
            position = self.text.find(quote, position + 1)
        needle = self.folding.text(quote)
        if needle and self.folding.names:
            exact = list(found)
            index = self.folded.find(needle)
            while index != -1 and len(found) <= MAX_CANDIDATES:
                span = (self.positions[index], self.positions[index + len(needle) - 1] + 1)
                if not any(s <= span[0] and span[1] <= e for s, e in exact):
                    found[span] = None
                index = self.folded.find(needle, index + 1)
        return sorted(found)


@dataclass(frozen=True)
class OldSpan:
    """A span of the old text with what the old text says about its selector."""

    span: Span
    selector: Selector
    occurrences: int
    left_distinguishes: bool
    right_distinguishes: bool
    both_distinguish: bool


class Anchoring:
    """The spans of one old text, ready to be anchored in any number of new texts."""

    def __init__(self, text: str, spans: Sequence[Span], folding: Folding = NO_FOLDING) -> None:
        self.folding = folding
        old = Folded(text, folding)
        context = Context.of(text)
        self.spans: list[OldSpan] = []
        for span in spans:
            if text[span.start : span.end] != span.quote:
                raise ValueError(f"the old text at [{span.start}:{span.end}] is not the quote {span.quote!r}")
            selector = Selector.of(text, span)
            others = [
                selector.agreement(context, start, end)
                for start, end in old.occurrences(span.quote)
                if not (start < span.end and span.start < end)
            ]
            self.spans.append(
                OldSpan(
                    span,
                    selector,
                    len(others) + 1,
                    not any(full_left for _, _, full_left, _ in others),
                    not any(full_right for _, _, _, full_right in others),
                    not any(full_left and full_right for _, _, full_left, full_right in others),
                )
            )

    def anchor(self, new_text: str) -> list[Anchor]:
        """Where each span stands in ``new_text``, in the order the spans were given."""
        new = Folded(new_text, self.folding)
        context = Context.of(new_text)
        return [self._one(old, new, context) for old in self.spans]

    def _one(self, old: OldSpan, new: Folded, context: Context) -> Anchor:
        candidates = new.occurrences(old.span.quote)
        if not candidates:
            return Anchor("orphaned", reason="the quote does not occur in the new text")
        if len(candidates) > MAX_CANDIDATES:
            reason = f"the quote occurs more than {MAX_CANDIDATES} times"
            return Anchor("ambiguous", candidates=tuple(candidates[:MAX_CANDIDATES]), reason=reason)
        scored = []
        whole = []
        for start, end in candidates:
            left, right, full_left, full_right = old.selector.agreement(context, start, end)
            confirmed = (full_left and old.left_distinguishes) or (full_right and old.right_distinguishes)
            scored.append((start, end, left + right, confirmed, max(left, right)))
            if full_left and full_right:
                whole.append((start, end))
        if len(whole) == 1 and old.both_distinguish:
            return self._anchored(new.text, old.span, *whole[0], "its prefix and suffix agree")
        strong = [item for item in scored if item[3]]
        if len(strong) == 1:
            start, end, total, _, _ = strong[0]
            if all(other[2] < total for other in scored if other is not strong[0]):
                return self._anchored(new.text, old.span, start, end, "its context agrees")
            return Anchor("ambiguous", candidates=tuple(candidates), reason="another place agrees as much")
        if strong:
            return Anchor(
                "ambiguous", candidates=tuple(candidates), reason="the context agrees at several places"
            )
        if len(scored) == 1 and old.occurrences == 1:
            start, end, _, _, side = scored[0]
            if side >= WEAK_AGREEMENT:
                return self._anchored(new.text, old.span, start, end, "the only occurrence in both texts")
        return Anchor(
            "ambiguous", candidates=tuple(candidates), reason="the context does not single out a place"
        )

    @staticmethod
    def _anchored(text: str, span: Span, start: int, end: int, reason: str) -> Anchor:
        quote = text[start:end]
        status: Status = "exact" if quote == span.quote else "normalized"
        return Anchor(status, start, end, quote, reason=reason)
