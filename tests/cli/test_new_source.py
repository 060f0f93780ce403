"""`dazhou-reforms new source` and `new section`: what they write, and what they refuse (nothing written)."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dazhou_reforms.cli.group import main

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
NOTICE = TEXTS / "fictional-county-notice.txt"


def run(raw: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["new", *args, "--raw", str(raw)])
    assert "Traceback" not in result.output, result.output
    return result


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def test_the_text_is_copied_with_lf_and_its_toml_has_the_checksum(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    raw = make_tree()
    text = NOTICE.read_text(encoding="utf-8")
    crlf = tmp_path / "notice-crlf.txt"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    result = run(raw, "source", "--id", "fictional-notice", "--text", str(crlf))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"wrote {raw.as_posix()}/sources/fictional-notice.txt "
        "(173 characters; 15 CR line ending(s) made LF)\n"
        f"wrote {raw.as_posix()}/sources/fictional-notice.toml\nnext steps:\n"
    )
    assert (raw / "sources" / "fictional-notice.txt").read_bytes() == NOTICE.read_bytes()
    data = tomllib.loads((raw / "sources" / "fictional-notice.toml").read_text(encoding="utf-8"))
    assert data["text_sha256"] == hashlib.sha256(NOTICE.read_bytes()).hexdigest()
    assert (data["id"], data["title_zh"], data["published_at"]) == ("fictional-notice", "", "")
    # the title is not guessed: the evidence quotes the text's first line, which the comment names
    assert data["evidence"] == [
        {"source_id": "fictional-notice", "quote": "（虚构测试文本，仅供测试）某县深化改革工作通报"}
    ]


def test_sections_are_proposed_as_commented_commands_only(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    sections_before = sorted((raw / "sections").iterdir())
    assert run(raw, "source", "--id", "fictional-notice", "--text", str(NOTICE)).exit_code == 0
    text = (raw / "sources" / "fictional-notice.toml").read_text(encoding="utf-8")
    commands = [line for line in text.splitlines() if "new section" in line]
    assert commands == [
        "#   dazhou-reforms new section --source fictional-notice --id fictional-notice-part-1 --ordinal 1 "
        f"--quote '一、总体情况' --raw '{raw.as_posix()}'",
        "#   dazhou-reforms new section --source fictional-notice --id fictional-notice-part-2 --ordinal 2 "
        f"--quote '二、下一步打算' --raw '{raw.as_posix()}'",
        "#   dazhou-reforms new section --source fictional-notice --id fictional-notice-lead --ordinal 0 "
        f"--heading-en Lead --quote '本通报为虚构文本' --raw '{raw.as_posix()}'",
    ]
    assert sorted((raw / "sections").iterdir()) == sections_before  # nothing made silently


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xef\xbb\xbf" + "一、标题\n".encode(), "the file starts with a UTF-8 byte order mark"),
        ("一、标题\n正文\x00\n".encode(), "notice.txt:2:3: the text holds a NUL character"),
        ("一、标题\n正文\x1b[31m\n".encode(), "notice.txt:2:3: the text holds the control character U+001B"),
        ("正文\u202e反转\n".encode(), "notice.txt:1:3: the text holds the control character U+202E"),
        ("一、标题\n".encode("gb18030"), "the bytes look like GBK/GB18030"),
        ("标题".encode("utf-16"), "the file is UTF-16, not UTF-8"),
        (" \n\n\u3000\n".encode(), "notice.txt holds no visible text"),
        ("\u3164\n".encode(), "notice.txt holds no visible text"),  # a Hangul filler shows nothing
    ],
)
def test_a_text_that_cannot_be_a_source_is_refused(
    make_tree: Callable[..., Path], tmp_path: Path, content: bytes, message: str
) -> None:
    raw = make_tree()
    before = files(raw)
    bad = tmp_path / "notice.txt"
    bad.write_bytes(content)
    result = run(raw, "source", "--id", "fictional-notice", "--text", str(bad))
    assert result.exit_code == 1
    assert message in result.output and result.output.endswith("; nothing was written\n"), result.output
    assert files(raw) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--text", str(NOTICE)], 2, "`new source` needs --id ID"),
        (["--id", "fictional-notice"], 2, "`new source` needs --text FILE"),
        (["--id", "Bad_Id", "--text", str(NOTICE)], 2, "Invalid value for --id"),
        (["--id", "x", "--text", "missing.txt"], 2, "missing.txt cannot be read"),
        (
            ["--id", "x", "--text", str(NOTICE), "--published-at", "2025-02-30T00:00:00+08:00"],
            2,
            "is not a date",
        ),
        (["--id", "x", "--text", str(NOTICE), "--published-at", "2025-03-01"], 2, "is not a date"),
        (["--id", "x", "--text", str(NOTICE), "--title-zh", " 标题"], 2, "Invalid value for --title-zh"),
        (
            ["--id", "x", "--text", str(NOTICE), "--title-zh", "\u3164"],  # the models refuse it too
            2,
            "--title-zh: must contain a visible character, not only invisible ones (U+3164 HANGUL FILLER)",
        ),
        (
            ["--id", "x", "--text", str(NOTICE), "--quote", "一"],
            2,
            "--quote is an option of `new section` only",
        ),
        (["--id", "part-1", "--text", str(NOTICE)], 1, "the id part-1 is already used by a record"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(
    make_tree: Callable[..., Path], args: list[str], code: int, message: str
) -> None:
    raw = make_tree()
    before = files(raw)
    result = run(raw, "source", *args)
    assert result.exit_code == code
    assert message in result.output, result.output
    assert files(raw) == before


def test_a_directory_as_text_is_refused(make_tree: Callable[..., Path], tmp_path: Path) -> None:
    raw = make_tree()
    result = run(raw, "source", "--id", "x", "--text", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_an_existing_text_file_is_never_overwritten(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    (raw / "sources" / "fictional-notice.txt").write_text("已有的文本\n", encoding="utf-8")
    before = files(raw)
    result = run(raw, "source", "--id", "fictional-notice", "--text", str(NOTICE))
    assert result.exit_code == 1
    assert f"{raw.as_posix()}/sources/fictional-notice.txt exists; nothing was written" in result.output
    assert files(raw) == before


def test_new_section_writes_the_section_of_a_quote(make_tree: Callable[..., Path]) -> None:
    raw = make_tree()
    assert run(raw, "source", "--id", "fictional-notice", "--text", str(NOTICE)).exit_code == 0
    result = run(raw, "section", "--source", "fictional-notice", "--quote", "二、下一步打算")
    assert result.exit_code == 0, result.output
    data = tomllib.loads((raw / "sections" / "fictional-notice-part-1.toml").read_text(encoding="utf-8"))
    assert data == {
        "id": "fictional-notice-part-1",
        "ordinal": 0,  # no section of this source before it
        "heading_zh": "二、下一步打算",
        "heading_en": "",
        "evidence": [{"source_id": "fictional-notice", "quote": "二、下一步打算"}],
    }
    result = run(raw, "section", "--source", "fictional-notice", "--quote", "一、总体情况")
    data = tomllib.loads((raw / "sections" / "fictional-notice-part-2.toml").read_text(encoding="utf-8"))
    assert (data["id"], data["ordinal"]) == ("fictional-notice-part-2", 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "nowhere", "--quote", "x"], "sources/nowhere.toml does not exist"),
        (["--source", "fictional-notice", "--quote", "不在文中"], "the quote is not in fictional-notice.txt"),
        (["--source", "fictional-notice", "--quote", "高新技术企业"], "the quote occurs 2 times"),
        (
            ["--source", "fictional-notice", "--quote", "一、总体情况", "--id", "lead"],
            "the id lead is already used",
        ),
    ],
)
def test_new_section_refuses_what_cannot_be_a_section(
    make_tree: Callable[..., Path], args: list[str], message: str
) -> None:
    raw = make_tree()
    assert run(raw, "source", "--id", "fictional-notice", "--text", str(NOTICE)).exit_code == 0
    before = files(raw)
    result = run(raw, "section", *args)
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert files(raw) == before
