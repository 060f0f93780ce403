"""What a report prints of a problem: single bounded lines, nothing a terminal would act on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dazhou_reforms
from dazhou_reforms.problems.problem import MAX_SHOWN, Problem, quoted, shorten

ROOT = Path(__file__).resolve().parents[2]
#: The folder the package under test is imported from (a subprocess imports the same one).
SRC = Path(dazhou_reforms.__file__).resolve().parents[1]


def test_a_name_quoted_in_any_message_is_bounded_when_shown() -> None:
    """Whichever module wrote the message: a backtick-quoted name longer than MAX_SHOWN is cut."""
    problem = Problem(
        "duplicate-key", f"the key `{'k' * 100_000}` appears twice", hint=f"rename `{'h' * 500}`"
    )
    shown = problem.shown()
    assert shown.message == f"the key `{'k' * (MAX_SHOWN - 1)}…` appears twice"
    assert shown.hint == f"rename `{'h' * (MAX_SHOWN - 1)}…`"
    short = Problem("unknown-field", "unknown field `name_en` (did you mean `name_zh`?)")
    assert short.shown() is short


def test_bidi_controls_and_lone_surrogates_in_a_report_are_printed_escaped() -> None:
    problem = Problem("invalid-value", "m", found='"a\u202eb\u2066c\u200fd"', record_id="x\u202ey")
    text = problem.to_text()
    for character in "\u202e\u2066\u200f":
        assert character not in text
    assert "\\u202e" in text and "\\u2066" in text and "\\u200f" in text
    named = Problem("unknown-field", "m", file="bad\udcff.jsonl").to_text()
    assert named.encode("utf-8") == b"bad\\udcff.jsonl: unknown-field: m"


def test_quoted_and_shorten_cut_a_value_to_the_shown_length() -> None:
    assert quoted("k" * 1000) == f"`{'k' * (MAX_SHOWN - 1)}…`"
    assert quoted("name_en") == "`name_en`"
    assert shorten("v" * 1000) == f'"{"v" * (MAX_SHOWN - 1)}…"'


@pytest.mark.slow
@pytest.mark.parametrize("form", ["text", "json"])
@pytest.mark.parametrize("suffix", ["jsonl", "toml"])
def test_a_5_mb_unknown_key_is_reported_in_a_few_dozen_characters_and_seconds(
    suffix: str, form: str, tmp_path: Path
) -> None:
    """The issue's case: a 5 MB key was echoed as 1,984 characters, and in TOML its line was looked
    for with a 5 MB regular expression (20 s). Now: the key shown as MAX_SHOWN characters at most,
    in a few seconds. (A TOML record file is read up to 1 MiB: its key is just under that.)"""
    key = "k" * (5_000_000 if suffix == "jsonl" else 1_000_000)
    row = json.loads((ROOT / "build" / "1.0.0" / "glossary.jsonl").read_text("utf-8").splitlines()[0])
    path = tmp_path / f"big.{suffix}"
    if suffix == "jsonl":
        path.write_text(json.dumps({**row, key: 1}) + "\n", encoding="utf-8")
    else:
        path.write_text(f'id = "big"\n{key} = 1\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-m", "dazhou_reforms", "validate", str(path), "--table", "glossary"]
    done = subprocess.run(
        [*command, "--no-release", "--format", form], capture_output=True, text=True, env=env, timeout=10
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "unknown-field" in done.stdout
    longest_run = max(len(run) for run in re.findall("k{2,}", done.stdout))
    assert longest_run <= MAX_SHOWN, longest_run
    assert max(len(line) for line in done.stdout.splitlines()) < 400
    assert len(done.stdout) < 5_000
