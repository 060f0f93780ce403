"""Withdrawn records are checked like any other; live records relying on one get a warning, which
``check``, ``validate`` and ``build`` report without failing."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from dazhou_reforms.check.dataset import read_and_check
from dazhou_reforms.cli.check import check
from dazhou_reforms.cli.validate import validate

FIXTURES = Path(__file__).parents[1] / "fixtures" / "problems"
REFORM = "one-industry-one-license-one-code"
WITHDRAWN = 'withdrawn = 2026-11-30\nwithdrawn_reason = "Recorded twice."\n'


def withdraw(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n")
    path.write_text(f"{head}\n{WITHDRAWN}{rest}", encoding="utf-8")


def problems(raw: Path) -> list[tuple[str, str, str | None]]:
    return sorted((Path(p.file or "").stem, p.code, p.path) for p in read_and_check(raw).problems)


def test_a_live_record_naming_a_withdrawn_one_is_a_warning(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    withdraw(raw / "reforms" / f"{REFORM}.toml")
    assert problems(raw) == [("investment-total", "withdrawn-reference", "reform_id")]


def test_a_withdrawn_record_naming_a_withdrawn_one_is_not_reported(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    withdraw(raw / "reforms" / f"{REFORM}.toml")
    withdraw(raw / "metrics" / "investment-total.toml")
    assert problems(raw) == []


def test_a_withdrawn_record_is_still_checked(make_tree: Callable[..., Path]) -> None:
    """Its schema, evidence and references: withdrawing is no way around the checks."""
    raw = make_tree()
    path = raw / "reforms" / f"{REFORM}.toml"
    withdraw(path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('section = "part-2"', 'section = "part-9"').replace('kind = "reform"', 'kind = "x"')
    path.write_text(text, encoding="utf-8")
    assert problems(raw) == [(REFORM, "invalid-code", "kind")]
    path.write_text(text.replace('kind = "x"', 'kind = "reform"'), encoding="utf-8")
    assert problems(raw) == [
        ("investment-total", "withdrawn-reference", "reform_id"),
        (REFORM, "unresolved-reference", "section"),
    ]


def test_warnings_fail_neither_check_nor_validate(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    withdraw(raw / "reforms" / f"{REFORM}.toml")
    checked = CliRunner().invoke(check, ["--raw", str(raw)])
    assert checked.exit_code == 0, checked.output
    assert "withdrawn-reference" in checked.stderr
    assert checked.stdout.endswith("; 1 warning(s)\n")
    result: Result = CliRunner().invoke(validate, [str(raw)])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(" file(s), all valid; 1 warning(s)\n")
    document = json.loads(CliRunner().invoke(validate, [str(raw), "--format", "json"]).stdout)
    assert document["valid"] is True and document["exit_code"] == 0
    assert [(p["code"], p["path"]) for p in document["warnings"]] == [("withdrawn-reference", "reform_id")]
    github = CliRunner().invoke(validate, [str(raw), "--format", "github"]).stdout
    assert github.startswith("::warning file=")


def test_warnings_do_not_stop_a_build(
    tmp_path: Path,
    make_raw: Callable[[Path], Path],
    make_changelog: Callable[..., Path],
    run_build: Callable[..., Result],
) -> None:
    raw = make_raw(tmp_path)
    withdraw(raw / "reforms" / "one-industry-one-license-one-code.toml")
    result = run_build(raw, tmp_path / "build", make_changelog(tmp_path))
    assert result.exit_code == 0, result.output
    assert "withdrawn-reference" in result.stderr
    (built,) = (tmp_path / "build").glob("*/reforms.jsonl")
    rows = [json.loads(line) for line in built.read_text(encoding="utf-8").splitlines()]
    withdrawn = {row["id"]: (row["withdrawn"], row["withdrawn_reason"]) for row in rows}
    assert withdrawn["one-industry-one-license-one-code"] == ("2026-11-30", "Recorded twice.")
    assert withdrawn["problem-oriented-reform"] == (None, None)


def test_validate_sees_the_withdrawn_records_of_the_release_it_checks_against(tmp_path: Path) -> None:
    """A JSON Lines metric naming a reform the release has withdrawn."""
    release = tmp_path / "release"
    shutil.copytree(FIXTURES / "_release", release)
    lines = (release / "reforms.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    rows[0]["withdrawn"], rows[0]["withdrawn_reason"] = "2026-11-30", "Recorded twice."
    data = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
    (release / "reforms.jsonl").write_text(data, encoding="utf-8")
    sums = "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(release.glob("*.jsonl"))
    )
    (release / "SHA256SUMS").write_text(sums, encoding="utf-8")
    source = FIXTURES / "unresolved-reference-jsonl" / "metrics.jsonl"
    metric = json.loads(source.read_text(encoding="utf-8").splitlines()[0])
    metric["reform_id"] = rows[0]["id"]
    (tmp_path / "metrics.jsonl").write_text(json.dumps(metric, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(validate, [str(tmp_path / "metrics.jsonl"), "--release", str(release)])
    assert result.exit_code == 0, result.output
    assert "withdrawn-reference: `reform_id` names a record of `reforms` that is withdrawn" in result.stdout
