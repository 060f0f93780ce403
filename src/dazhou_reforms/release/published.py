"""Whether a release folder is published: a release is published once it is tracked in git.

``build`` writes ``build/<version>/``; committing it publishes it, and from then on it is never
rewritten. Until then it is a *draft*, which ``build --replace-draft`` may replace. Git says which:
``git ls-files build/<version>`` lists the files of it that git tracks (committed, or staged to be).
Where git cannot say (git is not installed, the folder is not in a git checkout, git fails), the
status is ``unknown`` and the reason says why: nothing is assumed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

#: Seconds git may take to answer before its answer is "unknown".
GIT_TIMEOUT = 30.0

Status = Literal["published", "draft", "unknown"]


@dataclass(frozen=True)
class Publication:
    """What git says of a release folder: ``published`` (some file of it is tracked), ``draft`` (in a
    git checkout, no file of it tracked) or ``unknown`` (``reason`` says why git cannot tell)."""

    status: Status
    reason: str = ""

    def explain(self, folder: Path) -> str:
        """One sentence for a report."""
        name = folder.as_posix()
        if self.status == "published":
            return f"{name} is published: its files are tracked in git."
        if self.status == "draft":
            return f"{name} is a draft: no file of it is tracked in git, so it was never published."
        return f"Whether {name} was published cannot be known here: {self.reason}."


def _git(arguments: list[str], cwd: Path) -> tuple[int, bytes, str] | str:
    """git's exit status, output and first line of error output, or why it could not be run."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
            check=False,
        )
    except FileNotFoundError:
        return "git is not installed (or not on PATH)"
    except subprocess.TimeoutExpired:
        return f"git did not answer within {GIT_TIMEOUT:g} seconds"
    except OSError as error:
        return f"git could not be run ({error.strerror or error})"
    errors = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return done.returncode, done.stdout, errors[0][:200] if errors else ""


def publication(folder: Path) -> Publication:
    """Whether ``folder`` (a release folder, ``build/<version>``) is published, a draft, or unknown."""
    parent = folder.parent
    if not parent.is_dir():
        return Publication("unknown", f"{parent.as_posix()} is not a folder")
    inside = _git(["rev-parse", "--is-inside-work-tree"], parent)
    if isinstance(inside, str):
        return Publication("unknown", inside)
    status, output, error = inside
    if status != 0 and error and "not a git repository" not in error:
        return Publication("unknown", f"git cannot read the checkout of {parent.as_posix()} ({error})")
    if status != 0 or output.strip() != b"true":
        return Publication("unknown", f"{parent.as_posix()} is not in a git checkout")
    listed = _git(["ls-files", "-z", "--", folder.name], parent)
    if isinstance(listed, str):
        return Publication("unknown", listed)
    status, output, error = listed
    if status != 0:
        return Publication("unknown", f"git ls-files failed ({error or f'exit status {status}'})")
    return Publication("published" if output else "draft")
