"""``diff`` between a release without evidence selectors and one with them lists no change for
their appearance, and lists a later change of their value."""

from __future__ import annotations

from dazhou_reforms.release.diff import Change, value_changes

OLD = {"id": "x", "evidence": [{"source_id": "s", "start": 1, "end": 3, "quote": "改革"}]}
NEW = {
    "id": "x",
    "evidence": [
        {
            "source_id": "s",
            "start": 1,
            "end": 3,
            "quote": "改革",
            "prefix": "推",
            "suffix": "。",
            "fragment": "char=1,3",
        }
    ],
}


def test_selectors_appearing_are_no_change() -> None:
    assert list(value_changes(OLD, NEW)) == []


def test_a_changed_selector_and_a_new_field_are_changes() -> None:
    later = {**NEW, "evidence": [{**NEW["evidence"][0], "suffix": "!"}], "withdrawn": None}  # type: ignore[dict-item]
    assert next(iter(value_changes(NEW, later))) == Change("evidence[0].suffix", "。", "!")
    assert [change.path for change in value_changes(NEW, later)] == ["evidence[0].suffix", "withdrawn"]
