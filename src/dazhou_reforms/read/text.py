"""Bytes to text: strict UTF-8, and the usual wrong encodings named (GBK/GB18030, UTF-16, UTF-32).

Every reader of the package (raw TOML, JSON, JSON Lines, source texts) decodes through here, so a
wrong encoding is reported the same way whatever the file.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from dazhou_reforms.problems import codes
from dazhou_reforms.problems.problem import Problem

#: The UTF-8 byte order mark.
BOM = b"\xef\xbb\xbf"


def decode_utf8(data: bytes, file: str, normalize_newlines: bool = True) -> tuple[str | None, Problem | None]:
    """Decode strict UTF-8 with LF line endings; name the usual wrong encodings in the hint.

    ``normalize_newlines=False`` keeps CR characters as they are (JSON: CR outside strings is white
    space, inside strings an error), so that offsets into the text stay offsets into the bytes' text.
    """
    if data.startswith(BOM):
        return None, codes.UTF8_BOM.problem(
            "the file starts with a UTF-8 byte order mark",
            file,
            1,
            expected="UTF-8 without BOM",
            found="EF BB BF",
        )
    if wide := wide_encoding(data):
        marked = data.startswith(_WIDE_MARKS)
        return None, codes.NOT_UTF8.problem(
            f"the file is {wide}, not UTF-8"
            if marked
            else f"the file looks like {wide} ({_ZEROS[wide]}), not UTF-8",
            file,
            1,
            expected="UTF-8",
            found=f"{wide} byte order mark" if marked else "zero bytes between the characters",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        in_line = error.start - data.rfind(b"\n", 0, error.start)
        hint = "re-save the file as UTF-8"
        try:
            data.decode("gb18030")
            hint = "the bytes look like GBK/GB18030: re-save the file as UTF-8"
        except UnicodeDecodeError:
            pass
        return None, codes.NOT_UTF8.problem(
            "the file is not valid UTF-8",
            file,
            line,
            expected="UTF-8",
            found=f"byte 0x{data[error.start]:02X}, byte {in_line} of its line",
            hint=hint,
        )
    if not normalize_newlines:
        return text, None
    return lf_line_endings(text), None


@lru_cache(maxsize=16)
def text_sha256(text: str) -> str:
    """The SHA-256 of ``text``'s UTF-8, in hex, as a source's ``text_sha256`` holds it (cached:
    ``validate`` checks the same source with every batch)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lf_line_endings(text: str) -> str:
    """``text`` with every line ending (CR LF, CR) made LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Byte order marks of UTF-32 (first: UTF-32 LE starts like UTF-16 LE) and UTF-16.
_WIDE_MARKS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
_ZEROS = {"UTF-16": "every other byte is zero", "UTF-32": "three bytes of every four are zero"}


def wide_encoding(data: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" if ``data`` is written in it (by its byte order mark, or by ASCII
    characters that come with one or three zero bytes each), else None: such text is not read on."""
    for mark in _WIDE_MARKS:
        if data.startswith(mark):
            return "UTF-32" if len(mark) == 4 else "UTF-16"
    head = data[:64]
    if len(head) < 4 or head.count(0) * 3 < len(head):
        return None
    return "UTF-32" if head.count(0) * 3 >= len(head) * 2 else "UTF-16"
