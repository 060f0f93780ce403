"""The vocabulary entries of raw/vocabularies/ against the codes the schema allows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import PurePosixPath

from dazhou_reforms.check.reporter import Reporter, Tables
from dazhou_reforms.problems import codes
from dazhou_reforms.problems.origins import Origin
from dazhou_reforms.schema.models import VocabularyEntry
from dazhou_reforms.schema.vocabularies import VOCABULARIES


def _file_of(name: str, files: Mapping[str, Origin]) -> str | None:
    """The file of vocabulary ``name``, as the origins given name it: its own (a raw tree names
    where a missing one should be), else beside another vocabulary's TOML file, else the file
    that gave the vocabularies (a vocabularies.jsonl), else none."""
    if name in files:
        return files[name].file
    others = sorted(origin.file for origin in files.values())
    for other in others:
        if other.endswith(".toml"):
            return str(PurePosixPath(other).with_name(f"{name}.toml"))
    return others[0] if others else None


def check_vocabularies(tables: Tables, report: Reporter, files: Mapping[str, Origin]) -> None:
    """Each vocabulary lists exactly the codes the schema allows; ``files``: vocabulary -> where it
    was read (or, for a raw tree, where its file should be)."""
    entries = [e for e in tables.get("vocabularies", ()) if isinstance(e, VocabularyEntry)]
    for name, allowed in VOCABULARIES.items():
        have = [e.code for e in entries if e.vocabulary == name]
        want = [str(code) for code in allowed]
        file = _file_of(name, files)
        missing = [code for code in want if code not in have]
        extra = [code for code in have if code not in want]
        duplicated = sorted(code for code, count in Counter(have).items() if count > 1)
        if missing or extra or duplicated:
            report.problems.append(
                codes.VOCABULARY_DRIFT.problem(
                    f"vocabulary `{name}` does not list exactly the codes the schema allows",
                    expected=", ".join(want),
                    found=", ".join(have) or "no entries",
                    hint="; ".join(
                        filter(
                            None,
                            [
                                f"add entries for {missing}" if missing else "",
                                f"remove {extra} or add them to schema/vocabularies.py" if extra else "",
                                f"remove duplicate entries for {duplicated}" if duplicated else "",
                            ],
                        )
                    ),
                    file=file,
                )
            )
    for name in sorted({e.vocabulary for e in entries} - set(VOCABULARIES)):
        origin = files.get(name)
        report.problems.append(
            codes.VOCABULARY_DRIFT.problem(
                f"unknown vocabulary `{name}`",
                origin.file if origin else None,
                expected="one of " + ", ".join(VOCABULARIES),
                found=name,
                hint="vocabularies are declared in src/dazhou_reforms/schema/vocabularies.py",
            )
        )
