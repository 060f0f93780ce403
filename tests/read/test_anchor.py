"""Re-anchoring spans onto another copy of their text: certain, or reported as not certain."""

from __future__ import annotations

import pytest

from dazhou_reforms.read.anchor import Anchoring, Span
from dazhou_reforms.read.folding import Folding, FoldingUnavailable, UnknownFolding

ALL = Folding.parse(["width", "space", "linebreak"])
#: 32 code points of context, distinct from everything else in the texts below.
P = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"
assert len(P) == 32


def span_of(text: str, quote: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return Span(start, start + len(quote), quote)


def test_folding_maps_every_folded_character_back_to_the_text() -> None:
    folded, positions = ALL.with_positions("改革，推动(发展)\n\n  达州\u3000市")
    assert folded == "改革,推动(发展)达州市"
    assert [int(p) for p in positions] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 16]
    assert Folding().text("改革，") == "改革，"


@pytest.mark.parametrize(
    "names", [("width",), ("space",), ("linebreak",), ("width", "linebreak"), ("width", "space", "linebreak")]
)
def test_folding_in_c_is_folding_a_character_at_a_time(names: tuple[str, ...]) -> None:
    folding = Folding(frozenset(names))
    text = "改革，推动\u3000(发展)\r\n\n  达州\t市\u2028ｘ\xa0。" * 3
    kept = [(folded, index) for index, char in enumerate(text) if (folded := folding.char(char))]
    folded, positions = folding.with_positions(text)
    assert folded == folding.text(text) == "".join(char for char, _ in kept)
    assert list(positions) == [index for _, index in kept]


def test_unknown_and_unavailable_foldings_are_refused() -> None:
    with pytest.raises(UnknownFolding, match="unknown normalization wdith"):
        Folding.parse(["wdith"])
    try:
        import opencc  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(FoldingUnavailable, match="pip install opencc"):
            Folding.parse(["t2s"])


def test_an_unchanged_text_anchors_every_span_exactly() -> None:
    text = P + "推行行业综合许可“一业一证一码”改革,实现“一证准营、全域通用”。" + P[::-1]
    spans = [span_of(text, "“一业一证一码”改革"), span_of(text, "一证准营")]
    anchors = Anchoring(text, spans, ALL).anchor(text)
    assert [(a.status, a.start, a.end) for a in anchors] == [("exact", s.start, s.end) for s in spans]


def test_full_width_punctuation_and_an_inserted_paragraph_are_normalized_exactly() -> None:
    text = "标题\n\n  " + P + "一是推行“一业一证一码”改革,实现全域通用;二是推出(银发食堂)。\n\n  结尾。"
    span = span_of(text, "改革,实现全域通用;二是推出(银发食堂)")
    new = (
        "编者按:转载。\n\n标题\n\n\u3000\u3000新插入的一段。\n\n\u3000\u3000"
        + P
        + "一是推行“一业一证一码”改革，实现全域通用；二是推出（银发食堂）。\n\n结尾。"
    )
    (anchor,) = Anchoring(text, [span], ALL).anchor(new)
    assert anchor.status == "normalized"
    assert anchor.quote == "改革，实现全域通用；二是推出（银发食堂）"
    assert (anchor.start, anchor.end) == (
        new.index(anchor.quote),
        new.index(anchor.quote) + len(anchor.quote),
    )
    (exact_only,) = Anchoring(text, [span]).anchor(new)
    assert exact_only.status == "orphaned"


def test_a_passage_repeated_with_its_context_is_ambiguous_not_guessed() -> None:
    passage = P + "设立全面深化改革专项资金" + P[::-1]
    text = "开头。" + passage + "结尾。"
    span = span_of(text, "专项资金")
    new = "开头。" + passage + "中间。" + passage + "结尾。"
    (anchor,) = Anchoring(text, [span], ALL).anchor(new)
    assert anchor.status == "ambiguous"
    first = new.index("专项资金")
    assert anchor.candidates == (
        (first, first + 4),
        (new.index("专项资金", first + 1), new.index("专项资金", first + 1) + 4),
    )
    assert anchor.start is None


def test_a_repeated_quote_is_found_by_its_context() -> None:
    text = P + "改革" + "的第一处。" * 8 + P[::-1] + "改革" + "的第二处。" * 8
    second = span_of(text, "改革", 1)
    new = "插入。" + text.replace("的第一处。", "的第一处!")
    (anchor,) = Anchoring(text, [second], ALL).anchor(new)
    assert anchor.status == "exact" and anchor.start == new.index("改革", new.index("改革") + 1)


def test_a_deleted_sentence_orphans_its_spans() -> None:
    sentence = "推行行业综合许可“一业一证一码”改革。"
    text = P + "第一句话在这里。" + sentence + "第三句话在这里。" + P
    spans = [span_of(text, "“一业一证一码”"), span_of(text, "第三句话")]
    anchors = Anchoring(text, spans, ALL).anchor(text.replace(sentence, ""))
    assert [a.status for a in anchors] == ["orphaned", "exact"]


def test_the_only_copy_left_of_a_deleted_span_is_not_taken_when_the_old_text_repeats_its_context() -> None:
    quote = "专项资金"
    text = (
        "零" * 10
        + P
        + quote
        + "后文其一,各不相同的后文。"
        + "间隔。" * 5
        + P
        + quote
        + "后文其二,另有一种后文!"
    )
    first = span_of(text, quote)
    new = text.replace(P + quote + "后文其一,各不相同的后文。", "")
    (anchor,) = Anchoring(text, [first], ALL).anchor(new)
    assert anchor.status == "ambiguous"  # the prefix alone proved nothing in the old text
    second = span_of(text, quote, 1)
    (anchor,) = Anchoring(text, [second], ALL).anchor(new)
    assert anchor.status == "exact" and anchor.start == new.index(quote)


def test_a_quote_copied_elsewhere_without_its_context_is_not_taken_for_a_deleted_one() -> None:
    quote = "推行行业综合许可“一业一证一码”改革"
    text = P + quote + "。" + P[::-1]
    span = span_of(text, quote)
    new = P[:10] + "删去了原句。" + P[::-1] + "编者注:文中提到" + quote + "。"
    (anchor,) = Anchoring(text, [span], ALL).anchor(new)
    assert anchor.status == "ambiguous" and len(anchor.candidates) == 1


def test_a_title_at_the_start_keeps_its_anchor_under_an_editors_note_quoting_it() -> None:
    title = "四川达州如何谋深做实改革 全方位推动高质量发展"
    text = title + "\n\n发稿时间:2024-04-10 09:19:13\n\n  " + P
    span = span_of(text, title)
    new = f"编者按:原题为《{title}》。\n\n" + text.replace(":", "：")
    (anchor,) = Anchoring(text, [span], ALL).anchor(new)
    assert anchor.status == "exact" and anchor.start == new.index(title, new.index(title) + 1) == 35


def test_spans_that_do_not_match_the_old_text_are_refused() -> None:
    with pytest.raises(ValueError, match="is not the quote"):
        Anchoring("改革发展", [Span(0, 2, "发展")])


def test_a_quote_found_too_often_is_ambiguous_in_bounded_time() -> None:
    import time

    from dazhou_reforms.read.anchor import MAX_CANDIDATES

    text = P + "的" + P[::-1]
    span = span_of(text, "的")
    started = time.perf_counter()
    (anchor,) = Anchoring(text, [span], ALL).anchor("的" * 500_000)
    assert time.perf_counter() - started < 2
    assert anchor.status == "ambiguous" and len(anchor.candidates) == MAX_CANDIDATES
    assert anchor.reason == f"the quote occurs more than {MAX_CANDIDATES} times"
