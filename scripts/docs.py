"""Write (or, with --check, verify) the generated pages of the documentation site:
docs/data-dictionary.md (from the models and raw/vocabularies) and docs/error-codes.md (from the
problem codes). Run from the repository root: python scripts/docs.py [--check]. Exit 1 when --check
finds a stale page."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from dazhou_reforms.release.reference import pages

ROOT = Path(__file__).resolve().parents[1]


def vocabulary_rows(raw: Path = ROOT / "raw") -> list[dict[str, Any]]:
    rows = []
    for path in sorted((raw / "vocabularies").glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("entries", []):
            rows.append({"vocabulary": path.stem, **entry})
    return rows


def generated() -> dict[str, str]:
    return pages(vocabulary_rows())


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, text in generated().items():
        path = ROOT / "docs" / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    verb = "stale (run: python scripts/docs.py)" if check else "written"
    print(
        f"docs: {len(stale)} of {len(generated())} generated pages {verb}"
        + (f": {', '.join(stale)}" if stale else "")
    )
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
