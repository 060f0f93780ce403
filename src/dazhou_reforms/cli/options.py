"""Options shared by several ``dazhou-reforms`` subcommands."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

if TYPE_CHECKING:  # the release reader is imported by the commands that read releases, when run
    from importlib.resources.abc import Traversable

    from pydantic import TypeAdapter

    from dazhou_reforms.problems.problem import Problem
    from dazhou_reforms.release.folder import Release

#: Exit status of a command whose data (a release, raw/) has problems or cannot be read.
EXIT_BAD_DATA = 1

#: ``--raw DIR``: the raw/ tree of hand-written records (default ``raw``).
raw_dir_option = click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path, readable=False),  # the reader reports what cannot be read
    default=Path("raw"),
    show_default=True,
    help="The raw/ tree of hand-written records.",
)


def packaged() -> Traversable | None:
    """The releases shipped in the installed package, if it ships any."""
    from dazhou_reforms.release.folder import packaged_root

    root = packaged_root()
    return root if root.is_dir() else None


def find_release(spec: str, build_dir: Path = Path("build")) -> Release:
    """The release a command-line argument names; :class:`click.BadParameter` when there is none."""
    from dazhou_reforms.release.folder import SUMS_NAME, VERSION, Release, available_releases

    if VERSION.match(spec):
        releases = {release.name: release for release in available_releases(build_dir, packaged())}
        if spec in releases:
            return releases[spec]
        known = ", ".join(releases) or "none"
        raise click.BadParameter(
            f"no release {spec} in {build_dir.as_posix()}/ or the installed package (available: {known}); "
            "give a version or the path of a release folder"
        )
    path = Path(spec)
    if not path.is_dir():
        raise click.BadParameter(f"{spec} is neither a version number nor a folder")
    sums = path / SUMS_NAME
    if not sums.is_file():
        what = (
            f"its {SUMS_NAME} is not a regular file"
            if sums.exists() or sums.is_symlink()
            else f"it has no {SUMS_NAME}"
        )
        raise click.BadParameter(f"{spec} is not a release folder: {what}")
    return Release(path.name, path, path.as_posix())


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    from pydantic import ConfigDict, TypeAdapter

    return TypeAdapter(annotation, config=ConfigDict(strict=True, regex_engine="rust-regex"))


def is_valid(annotation: Any, value: object) -> bool:
    """Whether ``value`` is valid as the models take a field of type ``annotation`` (a type of
    :mod:`dazhou_reforms.schema.models`: ``Text``, ``RecordId``, ``PublishedAt``)."""
    from pydantic import ValidationError

    try:
        _adapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True


def check_text(value: str | None, option: str) -> None:
    """:class:`click.BadParameter` unless ``value`` (when given) is text as the models take it
    (``models.Text``: one line, a visible character, no white space at an end)."""
    from dazhou_reforms.read.model_errors import text_rule_message
    from dazhou_reforms.schema.models import Text

    if value is not None and not is_valid(Text, value):
        raise click.BadParameter(f"{text_rule_message(value)} (one line of visible text)", param_hint=option)


#: What an id is, for a usage error.
ID_RULE = (
    "lowercase ASCII words of a-z and 0-9 joined by single hyphens, starting with a letter, "
    "at most 64 characters (e.g. dazhou-work-report-2024)"
)


def is_record_id(value: str) -> bool:
    """Whether ``value`` is an id as the models take it (``models.RecordId``)."""
    from dazhou_reforms.schema.models import RecordId

    return is_valid(RecordId, value)


def check_id(value: str, option: str = "--id") -> None:
    """:class:`click.BadParameter` unless ``value`` is a record id (``models.RecordId``)."""
    if not is_record_id(value):
        raise click.BadParameter(ID_RULE, param_hint=option)


class ProblemCounts(NamedTuple):
    """How many problems of each kind were listed."""

    errors: int
    warnings: int
    information: int


def echo_problems(problems: Iterable[Problem]) -> ProblemCounts:
    """List ``problems`` on standard error, file:line first (information too), and count them."""
    from dazhou_reforms.problems.codes import is_error, is_warning
    from dazhou_reforms.problems.problem import sort_key

    errors = warnings = information = 0
    for problem in sorted(problems, key=sort_key):
        click.echo(problem.to_text(), err=True)
        if is_error(problem):
            errors += 1
        elif is_warning(problem.code):
            warnings += 1
        else:
            information += 1
    return ProblemCounts(errors, warnings, information)
