"""Shared fixtures: small raw/ trees, building them with the real command, the fixture release
built once a session, and a tiny record set over a made-up article.

The helpers are fixtures (most of them return a function), so that no test imports another test
file. The made-up article: every figure the coverage, explorer and ``info``/``diff`` tests assert can
be worked out by hand from its text (``sample_text``). Its vocabularies are the real ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pydantic import BaseModel

from dazhou_reforms import __version__
from dazhou_reforms.schema.models import (
    Evidence,
    GlossaryTerm,
    Metric,
    Organization,
    Recognition,
    Reform,
    Section,
    Source,
    VocabularyEntry,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
#: The records of the small valid raw/ tree the failure fixtures are laid over.
BASE = FIXTURES / "problems" / "_base"
#: The records of the tree the build tests build (real sources, sections and vocabularies besides).
BUILD_FIXTURE = FIXTURES / "build"
RELEASE_DATE = "2026-11-26"


# --- raw/ trees ----------------------------------------------------------------------------------


def _copy_real_base(raw: Path) -> Path:
    """Copy the real sources, sections and vocabularies of raw/ into ``raw``."""
    for part in ("sources", "sections", "vocabularies"):
        shutil.copytree(ROOT / "raw" / part, raw / part)
    return raw


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[..., Path]:
    """``make_tree(*overlays, root=tmp_path)``: ``root/raw``, a small valid raw/ tree (the real
    sources, sections and vocabularies plus the base records), with each overlay folder copied over
    it (a failure fixture's ``case.toml`` and ``expected.txt`` are left out)."""

    def make(*overlays: Path, root: Path | None = None) -> Path:
        raw = _copy_real_base((root or tmp_path) / "raw")
        shutil.copytree(BASE, raw, dirs_exist_ok=True)
        for overlay in overlays:
            shutil.copytree(
                overlay, raw, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt", "case.toml")
            )
        return raw

    return make


# --- building releases -----------------------------------------------------------------------------


def _make_raw(root: Path) -> Path:
    raw = _copy_real_base(root / "raw")
    for part in ("organizations", "reforms", "metrics", "glossary"):
        shutil.copytree(BUILD_FIXTURE / part, raw / part)
    return raw


def _make_changelog(root: Path, date: str = RELEASE_DATE) -> Path:
    path = root / "CHANGELOG.md"
    path.write_text(
        f"# Changelog\n\n## [Unreleased]\n\n## [{__version__}] - {date}\n\n- Added things.\n",
        encoding="utf-8",
    )
    return path


def _run_build(raw: Path, out: Path, changelog: Path | None = None) -> Result:
    from dazhou_reforms.cli.build import build

    args = ["--raw", str(raw), "--out", str(out)]
    if changelog is not None:
        args += ["--changelog", str(changelog)]
    return CliRunner().invoke(build, args)


def _build_fixture(root: Path) -> Path:
    raw = _make_raw(root)
    result = _run_build(raw, root / "build", _make_changelog(root))
    assert result.exit_code == 0, result.output
    return root / "build" / __version__


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def make_raw() -> Callable[[Path], Path]:
    """``make_raw(root)``: ``root/raw``, the real sources, sections and vocabularies plus the records
    of ``tests/fixtures/build``."""
    return _make_raw


@pytest.fixture(scope="session")
def make_changelog() -> Callable[..., Path]:
    """``make_changelog(root, date=RELEASE_DATE)``: ``root/CHANGELOG.md`` with an entry for this version."""
    return _make_changelog


@pytest.fixture(scope="session")
def run_build() -> Callable[..., Result]:
    """``run_build(raw, out, changelog=None)``: the result of ``dazhou-reforms build``."""
    return _run_build


@pytest.fixture(scope="session")
def build_fixture() -> Callable[[Path], Path]:
    """``build_fixture(root)``: build ``make_raw(root)`` into ``root/build``; the release folder."""
    return _build_fixture


@pytest.fixture(scope="session")
def read_jsonl() -> Callable[[Path], list[dict[str, Any]]]:
    return _read_jsonl


@pytest.fixture(scope="session")
def folder_bytes() -> Callable[[Path], dict[str, bytes]]:
    """``folder_bytes(folder)``: file name -> bytes of every file in ``folder``."""
    return _folder_bytes


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture tree built once a session: read it, never change it (copy it first).

    At the end of the session the folder must be byte for byte what the build wrote.
    """
    folder = _build_fixture(tmp_path_factory.mktemp("fixture-release"))
    built = _folder_bytes(folder)
    yield folder
    assert _folder_bytes(folder) == built, f"a test changed the shared release in {folder}"


# --- a tiny record set over a made-up article -----------------------------------------------------------

SOURCE_ID = "sample-article"

TITLE = "样例文章标题"
PUBLISHED = "发稿时间:2024-04-10 09:19:13"
LEAD = "  导语说明改革的总体情况。导语第二句没有记录引用。"
HEADING_1 = "一、第一部分标题"
PART_1 = "  推行行业综合许可“一业一证一码”改革,实现“一证准营;全域通用”。总投资达1491亿元;引进11个项目!"
HEADING_2 = "二、第二部分标题"
PART_2 = "  市民政局推出“银发食堂”微改革,每天为老人提供就餐服务。这一句也没有引用?"
BYLINE = "(样例课题组)"
TEXT = (
    "\n\n".join([TITLE, PUBLISHED, LEAD, "  " + HEADING_1, PART_1, "  " + HEADING_2, PART_2, "  " + BYLINE])
    + "\n"
)


def _evidence(quote: str) -> Evidence:
    start = TEXT.index(quote)
    assert TEXT.count(quote) == 1, quote
    return Evidence(source_id=SOURCE_ID, start=start, end=start + len(quote), quote=quote)


def _section(
    section_id: str, ordinal: int, first: str, until: str | None, heading_en: str, anchor: str
) -> Section:
    start = TEXT.index(first)
    end = TEXT.index(until) if until is not None else len(TEXT)
    heading_zh = anchor if anchor in (HEADING_1, HEADING_2) else None
    return Section(
        id=section_id,
        source_id=SOURCE_ID,
        ordinal=ordinal,
        heading_zh=heading_zh,
        heading_en=heading_en,
        start=start,
        end=end,
        evidence=[_evidence(anchor)],
    )


def _vocabulary_entries() -> list[VocabularyEntry]:
    entries = []
    for path in sorted((ROOT / "raw" / "vocabularies").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            fields = {name: entry[name] for name in ("label_en", "label_zh", "definition_en")}
            entries.append(VocabularyEntry(vocabulary=path.stem, code=str(entry["code"]), **fields))
    return entries


def _sample_tables() -> dict[str, list[BaseModel]]:
    """table -> records of the sample article, in TABLES order."""
    source = Source(
        id=SOURCE_ID,
        title_zh=TITLE,
        title_en="A sample article",
        published_at="2024-04-10T09:19:13+08:00",
        authors_zh=["样例课题组"],
        authors_en=["Sample research group"],
        language="zh-Hans",
        place_code="511700",
        text=TEXT,
        text_sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        evidence=[_evidence(TITLE), _evidence(PUBLISHED), _evidence("样例课题组")],
    )
    sections = [
        _section("title", 0, TITLE, "导语说明", "Title and publication line", TITLE),
        _section("lead", 1, "导语说明", HEADING_1, "Lead", "导语说明"),
        _section("part-1", 2, HEADING_1, HEADING_2, "Part 1: the first part", HEADING_1),
        _section("part-2", 3, HEADING_2, BYLINE, "Part 2: the second part", HEADING_2),
        _section("byline", 4, BYLINE, None, "Authors' line", BYLINE),
    ]
    bureau = Organization(
        id="civil-affairs-bureau",
        name_zh="市民政局",
        name_en="Municipal Civil Affairs Bureau",
        kind="government_department",
        place_code="511700",
        evidence=[_evidence("市民政局")],
    )
    reforms = [
        Reform(
            id="overall-strategy",
            name_zh="改革总体情况",
            name_en="Reform overall",
            kind="strategy",
            status="ongoing",
            section="lead",
            domains=["governance"],
            cap_major_topic=20,
            place_code="511700",
            evidence=[_evidence("导语说明改革的总体情况")],
        ),
        Reform(
            id="one-license",
            name_zh="行业综合许可“一业一证一码”改革",
            name_en="One industry, one licence, one code",
            kind="reform",
            status="implemented",
            section="part-1",
            parent_id="overall-strategy",
            problem_zh="许可事项多",
            problem_en="Too many licences",
            measures_zh="一业一证",
            measures_en="One licence per industry",
            outcomes_zh="一证准营",
            outcomes_en="One licence to operate",
            domains=["business_environment"],
            cap_major_topic=15,
            place_code="511700",
            recognitions=[
                Recognition(
                    kind="typical_case",
                    title_zh="样例典型案例",
                    title_en="Sample typical case",
                    year=2023,
                    evidence=[_evidence("全域通用")],
                )
            ],
            evidence=[_evidence("推行行业综合许可“一业一证一码”改革")],
        ),
        Reform(
            id="silver-canteen",
            name_zh="“银发食堂”微改革",
            name_en="Silver-hair canteens",
            kind="micro_reform",
            status="implemented",
            section="part-2",
            domains=["elderly_care", "social_welfare"],
            cap_major_topic=13,
            organization_ids=["civil-affairs-bureau"],
            place_code="511700",
            evidence=[_evidence("推出“银发食堂”微改革,每天为老人提供就餐服务")],
        ),
    ]
    metrics = [
        Metric(
            id="investment-total",
            reform_id="one-license",
            indicator_zh="总投资",
            indicator_en="Total investment",
            value=149100000000.0,
            unit="CNY",
            value_as_stated="1491亿元",
            qualifier="exact",
            status="achieved",
            period_start=2021,
            value_standard=149100000000.0,
            unit_standard="CNY",
            evidence=[_evidence("总投资达1491亿元")],
        ),
        Metric(
            id="projects-count",
            indicator_zh="引进项目数",
            indicator_en="Projects brought in",
            value=11.0,
            unit="count",
            value_as_stated="11个",
            qualifier="exact",
            status="achieved",
            value_standard=11.0,
            unit_standard="count",
            evidence=[_evidence("引进11个项目")],
        ),
    ]
    glossary = [
        GlossaryTerm(
            id="one-license-term",
            term_zh="一证准营",
            term_en="“one licence to operate”",
            explanation_en="A single licence lets a business operate.",
            evidence=[_evidence("一证准营")],
        )
    ]
    return {
        "sources": [source],
        "sections": sections,
        "organizations": [bureau],
        "reforms": reforms,
        "metrics": metrics,
        "glossary": glossary,
        "vocabularies": _vocabulary_entries(),
    }


def _jsonl(records: Sequence[BaseModel]) -> bytes:
    """Canonical JSONL per the release contract, rows sorted by id (vocabularies: as given)."""
    ordered = (
        sorted(records, key=lambda r: getattr(r, "id", ""))
        if records and hasattr(records[0], "id")
        else records
    )
    lines = [
        json.dumps(r.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        + "\n"
        for r in ordered
    ]
    return "".join(lines).encode("utf-8")


def _write_release(
    folder: Path, tables: Mapping[str, Sequence[BaseModel]], extra: Mapping[str, bytes] = {}
) -> Path:
    """``folder`` with ``<table>.jsonl`` for every table, ``extra`` files and ``SHA256SUMS`` of them all."""
    folder.mkdir(parents=True)
    files = {f"{table}.jsonl": _jsonl(records) for table, records in tables.items()} | dict(extra)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The made-up article."""
    return TEXT


@pytest.fixture(scope="session")
def evidence() -> Callable[[str], Evidence]:
    """``evidence(quote)``: the evidence of a quote that occurs once in the made-up article."""
    return _evidence


@pytest.fixture(scope="session")
def sample_tables() -> Callable[[], dict[str, list[BaseModel]]]:
    """``sample_tables()``: a fresh table -> records of the made-up article, in TABLES order."""
    return _sample_tables


@pytest.fixture(scope="session")
def write_release_folder() -> Callable[..., Path]:
    """``write_release_folder(folder, tables, extra={})``: ``folder`` with ``<table>.jsonl`` for every
    table (canonical JSON Lines, rows sorted by id), the ``extra`` files and ``SHA256SUMS`` of them all."""
    return _write_release


# --- hostile inputs: the command in a fresh process, its time and memory measured ---------------------


@dataclass(frozen=True)
class BoundedRun:
    """What one ``python -m dazhou_reforms`` process did: its exit code, output, wall time and peak
    resident memory (``ru_maxrss`` of that one child, from ``os.wait4``)."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


#: The address space a measured child may take at most: a safety net so that a regression fails its
#: test instead of exhausting the machine (the tests assert far lower peaks).
CHILD_ADDRESS_SPACE = 6 * 1024**3

#: Runs the command given in its arguments and writes its peak RSS (kB) to the file $PEAK_RSS_FILE.
#: The measured process must be a child of this small process, not of pytest: on Linux a process
#: starts with the peak RSS of the process it was forked from (that of pytest, some 200 MB).
_MEASURE = """
import os, resource, subprocess, sys
limit = int(os.environ["ADDRESS_SPACE"])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
with open(os.environ["PEAK_RSS_FILE"], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(child.returncode if child.returncode >= 0 else 128 - child.returncode)
"""


def _run_bounded(args: Sequence[str], cwd: Path | None = None, timeout: float = 30.0) -> BoundedRun:
    import dazhou_reforms

    src = str(Path(dazhou_reforms.__file__).parents[1])  # the package under test, wherever it is
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak-rss"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
            "PEAK_RSS_FILE": str(peak),
            "ADDRESS_SPACE": str(CHILD_ADDRESS_SPACE),
        }
        command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "dazhou_reforms", *args]
        start = time.monotonic()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)  # the command and its measuring parent
            process.communicate()
            pytest.fail(f"dazhou-reforms {' '.join(args)} did not finish within {timeout} s")
        seconds = time.monotonic() - start
        assert peak.exists(), stderr.decode("utf-8", "replace")
        return BoundedRun(
            process.returncode,
            stdout.decode("utf-8", "replace"),
            stderr.decode("utf-8", "replace"),
            seconds,
            int(peak.read_text()) / 1024,  # kilobytes on Linux
        )


@pytest.fixture(scope="session")
def run_bounded() -> Callable[..., BoundedRun]:
    """``run_bounded(args, cwd=None, timeout=30.0)``: ``python -m dazhou_reforms *args`` in a fresh
    process (the package under test, address space capped as a safety net), its peak RSS measured;
    the test fails if it runs longer than ``timeout`` seconds. Returns a :class:`BoundedRun`."""
    return _run_bounded
