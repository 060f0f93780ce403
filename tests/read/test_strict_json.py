"""The strict JSON parser: RFC 8259 and nothing more, with positions; and the fast path's key count."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dazhou_reforms.read import strict_json
from dazhou_reforms.read.jsonl_fast import count_keys, keys_unique
from dazhou_reforms.read.strict_json import JsonError, parse
from dazhou_reforms.schema.models import Evidence, GlossaryTerm, Metric


def error_of(text: str) -> JsonError:
    with pytest.raises(JsonError) as caught:
        parse(text)
    return caught.value


def test_values_and_the_position_of_each() -> None:
    parsed = parse('{"a": 1, "b": [true, {"c": null}], "d": "x"}')
    assert parsed.value == {"a": 1, "b": [True, {"c": None}], "d": "x"}
    assert parsed.positions == {"": 0, "a": 6, "b": 14, "b[0]": 15, "b[1]": 21, "b[1].c": 27, "d": 40}


@pytest.mark.parametrize(
    ("text", "path", "offset"),
    [
        ('{"a":1,"a":2}', "a", 7),
        ('{"a":{"b":1,"c":2,"b":3}}', "a.b", 18),
        ('[{"x":[{"y":1,"y":1}]}]', "[0].x[0].y", 14),
        ('{"a":1,"\\u0061":2}', "a", 7),  # the same key, escaped
    ],
)
def test_duplicate_keys_are_rejected_at_any_depth(text: str, path: str, offset: int) -> None:
    error = error_of(text)
    assert (error.code.name, error.path, error.offset) == ("duplicate-key", path, offset)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "nan", "inf", "-inf"])
def test_nan_and_infinity_are_not_numbers(literal: str) -> None:
    error = error_of(f'{{"v": {literal}}}')
    assert (error.code.name, error.path, error.offset) == ("non-finite-number", "v", 6)


def test_numbers_that_overflow_or_are_too_long() -> None:
    assert error_of("[1e309]").code.name == "number-overflow"
    assert error_of("[-1.5e400]").code.name == "number-overflow"
    assert error_of("[" + "9" * 10_000 + "]").code.name == "number-too-long"
    assert parse("1e-400").value == 0.0  # underflow is a finite number
    assert parse("-0.5E+3").value == -500.0
    assert parse(str(2**200)).value == 2**200


def test_nesting_deeper_than_the_limit() -> None:
    assert parse("[" * strict_json.MAX_DEPTH + "]" * strict_json.MAX_DEPTH).value is not None
    error = error_of("[" * 10_000 + "]" * 10_000)
    assert (error.code.name, error.offset) == ("too-deep", strict_json.MAX_DEPTH)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a":1,}', "a comma before `}` (trailing comma)"),
        ("[1,]", "a comma before `]` (trailing comma)"),
        ("{'a':1}", "expected a key in double quotes"),
        ('{"a" 1}', "expected `:` after the key `a`"),
        ('{"a":1 "b":2}', "expected `,` or `}` after a value in an object"),
        ("[1 2]", "expected `,` or `]` after a value in an array"),
        ("012", "a number must not start with 0 (leading zero)"),
        ("1.", "a malformed number after 1"),
        ("-", "a number must have digits after `-`"),
        ('"a\tb"', "invalid control character"),
        ('"\\x"', "invalid \\escape"),
        ('"\\ud800"', "lone UTF-16 surrogate \\ud800 in a string"),
        ("{} {}", "unexpected text after the end of the JSON value"),
        ("", "no JSON value: the text is empty or only white space"),
        ('{"a":', "the text ends before the JSON value does"),
        ('["abc', "the text ends before the JSON value does"),
        ("tru", "unexpected character 't' where a value should be"),
        ("１", "unexpected character '１' where a value should be"),
    ],
)
def test_syntax_errors_say_what_is_wrong(text: str, message: str) -> None:
    error = error_of(text)
    assert (error.code.name, error.message) == ("json-syntax", message)


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_parses_whatever_json_writes(value: object) -> None:
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert parse(text).value == json.loads(text)


# -- the fast path's duplicate-key count -------------------------------------------------------------

EVIDENCE = '{"source_id":"s","start":0,"end":1,"quote":"x"}'


@pytest.mark.parametrize(
    "line",
    [
        EVIDENCE,
        '{"source_id": "s", "start": 0, "end": 1, "quote": "x"}',
        '{"source_id":"s","start":0,"end":3,"quote":"a:b"}',
        '{"source_id" : "s","start":0,"end":3,"quote":"\\":a"}',
    ],
)
def test_lines_without_repeats_count_as_unique(line: str) -> None:
    record = Evidence.model_validate_json(line)
    assert count_keys(record) == 4
    assert keys_unique(line.encode(), record)


@pytest.mark.parametrize(
    "line",
    [
        '{"source_id":"s","start":0,"end":1,"quote":"x","quote":"x"}',
        '{"source_id":"s","start":0,"end":1,"quote":"y:z","quote":"x"}',
        '{"source_id":"s","start":0,"end":1,"quote" : "y","quote":"x"}',
        '{"source_id":"s","start":0,"end":1,"quote":"\\u003a","quote":"x"}',
        '{"source_id":"s","start":0,"end":1,"quote":"y","\\u0071uote":"x"}',
    ],
)
def test_a_repeated_key_is_never_counted_as_unique(line: str) -> None:
    record = Evidence.model_validate_json(line)  # pydantic lets the last one win
    assert not keys_unique(line.encode(), record)


def test_nested_records_count_their_keys() -> None:
    metric = Metric.model_validate_json(
        '{"id":"m","indicator_zh":"指标","indicator_en":"x","value":1,"unit":"count","value_as_stated":"1个",'
        '"qualifier":"exact","status":"achieved","value_standard":1,"unit_standard":"count",'
        f'"evidence":[{EVIDENCE},{EVIDENCE}]}}'
    )
    assert count_keys(metric) == 11 + 2 * 4


pieces = st.text(alphabet=':"\\ \tab“”', max_size=6)
GLOSSARY_KEYS = ["id", "term_zh", "term_en", "explanation_en"]


@pytest.mark.slow
@settings(max_examples=500)
@given(
    st.lists(st.sampled_from(GLOSSARY_KEYS), min_size=4, max_size=7),
    st.lists(st.sampled_from(["", " ", "\t", "\r"]), min_size=8, max_size=8),
    st.lists(pieces, min_size=8, max_size=8),
)
def test_no_line_with_a_repeated_key_passes_the_count(
    keys: list[str], spaces: list[str], texts: list[str]
) -> None:
    """Whatever the white space before colons, and the colons and quotes in strings."""
    members = [
        f'"{key}"{spaces[index]}:' + (json.dumps("t" + texts[index] + "t") if key != "id" else '"g-1"')
        for index, key in enumerate(keys)
    ]
    members.append(f'"evidence"{spaces[-1]}:[{EVIDENCE}]')
    line = ("{" + ",".join(members) + "}").encode()
    try:
        record = GlossaryTerm.model_validate_json(line)
    except ValueError:
        return
    if len(set(keys)) < len(keys):
        assert not keys_unique(line, record), line
    else:
        assert count_keys(record) == 5 + 4
