"""``.ci/run`` as someone who is not root: it installs no system package, says which tests will be
skipped and why, and goes on to the tests (here stubs: the real venv and test run are not needed)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stub(path: Path, body: str) -> None:
    path.write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def run_ci(tmp_path: Path, uid: str, ci: str | None) -> subprocess.CompletedProcess[str]:
    project = tmp_path / "project"
    shutil.copytree(ROOT / ".ci", project / ".ci")
    shutil.copytree(ROOT / "scripts", project / "scripts")
    tools = tmp_path / "tools"
    tools.mkdir()
    stub(tools / "id", f"echo {uid}")
    stub(tools / "dpkg-query", "exit 1")  # no CJK font
    stub(tools / "apt-get", 'echo "apt-get $*" >> "$LOG"')
    venv = project / "venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("python", "ruff", "mypy"):
        stub(venv / name, f'echo "{name} $*" >> "$LOG"')
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "PYTHONPATH"}}
    env.update(
        PATH=f"{tools}:{env['PATH']}",
        VENV="venv",
        LOG=str(tmp_path / "log"),
        CHROMIUM=str(tmp_path / "no-chromium"),
        CHROMEDRIVER=str(tmp_path / "no-chromedriver"),
    )
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        ["bash", str(project / ".ci" / "run")], capture_output=True, text=True, env=env, timeout=60
    )


def test_not_root_installs_nothing_and_says_what_is_skipped(tmp_path: Path) -> None:
    result = run_ci(tmp_path, "1000", None)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        ".ci/run: not root, so not installing: chromium chromium-driver fonts-wqy-microhei",
        ".ci/run: the browser tests (marker 'browser', tests/release/test_explorer_browser.py) will be "
        "skipped: no chromium/chromedriver",
        ".ci/run: to run them, install as root: sudo .ci/system-packages",
    ]
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "apt-get" not in log
    assert "python -m pytest" in log  # the tests still ran


def test_ci_true_without_root_fails_rather_than_skip(tmp_path: Path) -> None:
    result = run_ci(tmp_path, "1000", "true")
    assert result.returncode == 1
    assert "must run as root to install chromium chromium-driver fonts-wqy-microhei" in result.stderr


def test_root_installs_them(tmp_path: Path) -> None:
    result = run_ci(tmp_path, "0", None)
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei" in log
