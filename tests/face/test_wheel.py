"""The built wheel ships every release: installed into a fresh virtual environment, the loaders
work from outside the repository. A missing package-data rule fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from dazhou_reforms import __version__

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (built,) = dist.glob("*.whl")
    return built


def test_wheel_contains_every_release(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    releases = sorted(p.name for p in (ROOT / "build").iterdir() if p.is_dir())
    assert releases
    for version in releases:
        for file in (ROOT / "build" / version).iterdir():
            assert f"dazhou_reforms/releases/{version}/{file.name}" in names
    assert "dazhou_reforms/py.typed" in names


def test_installed_wheel_loads_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    # Without PYTHONPATH, which may point at a source checkout: the package must come from the wheel.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # Dependencies (pydantic, pyarrow, click) come from this test run's environment, appended after
    # the fresh environment's own site-packages; the package itself only from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    code = (
        "import json, dazhou_reforms as d; "
        "r = d.load_reforms(); m = d.load_metrics(); t = d.load_table('metrics'); "
        "print(json.dumps([d.__file__, d.available_versions(), len(r), len(m), t.num_rows]))"
    )
    result = subprocess.run(
        [str(python), "-c", code], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
    )
    file, versions, reforms, metrics, rows = json.loads(result.stdout)
    assert file.startswith(str(venv))
    assert versions[-1] == __version__
    assert reforms > 0 and metrics == rows > 0
    cli = subprocess.run(
        [str(venv / "bin" / "dazhou-reforms"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert cli.stdout.strip() == f"dazhou-reforms, version {__version__}"


def test_staging_folders_of_interrupted_builds_are_never_packaged(tmp_path: Path) -> None:
    """A build killed mid-write leaves build/.<version>.partial-*/: neither the wheel nor the sdist
    may ship it (the wheel would install it as a release folder)."""
    import shutil
    import tarfile

    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md", ".gitignore"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "build", project / "build")
    staging = project / "build" / f".{__version__}.partial-abcd_123"
    staging.mkdir()
    (staging / "reforms.jsonl").write_text("{}\n", encoding="utf-8")
    dist = tmp_path / "dist"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--sdist",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(project),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    in_wheel = zipfile.ZipFile(wheel).namelist()
    with tarfile.open(sdist) as archive:
        in_sdist = archive.getnames()
    assert [name for name in in_wheel + in_sdist if "partial" in name] == []
    for file in (ROOT / "build" / __version__).iterdir():
        assert f"dazhou_reforms/releases/{__version__}/{file.name}" in in_wheel
        assert any(name.endswith(f"/build/{__version__}/{file.name}") for name in in_sdist)
