"""Commented TOML templates of new records, generated from the models (so they never drift).

Every field a curator writes is there, in model order, with its description and, for coded
fields, the allowed codes: required fields with an empty value to fill in, optional ones commented
out. Fields the reader derives (evidence offsets, a metric's standard value) are left out; every
evidence entry names its ``source_id``.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from dazhou_reforms.schema.field_descriptions import description_of
from dazhou_reforms.schema.models import TABLES, Evidence, Recognition
from dazhou_reforms.schema.vocabularies import VOCABULARIES

#: Record kinds `new` makes, and their tables.
KINDS = {"reform": "reforms", "metric": "metrics", "organization": "organizations"}
#: The id ``new`` gives a record when none is asked for: ``<kind>-<n>`` (reform-1). A record that
#: still has it was not given a real id (``check`` warns: ``placeholder-id``).
PLACEHOLDER_ID = re.compile(rf"^(?:{'|'.join(KINDS)})-[0-9]+$")


def toml_string(text: str) -> str:
    """A TOML basic string of ``text`` (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def placeholder_id(kind: str, number: int) -> str:
    """The placeholder id ``number`` of ``kind`` (see :data:`PLACEHOLDER_ID`)."""
    return f"{kind}-{number}"


#: Fields the reader fills in (read.toml_tree): never written by hand.
DERIVED = {"metrics": {"value_standard", "unit_standard"}}
#: Fields a new record never has: a record is withdrawn later, by hand (raw/README.md).
NOT_NEW = {"evidence", "recognitions", "id", "withdrawn", "withdrawn_reason"}
#: Sensible values to start from: every record of the article is about Dazhou.
DEFAULTS: dict[str, str] = {"place_code": '"511700"'}
WIDTH = 100


def _literal_codes(annotation: Any) -> tuple[Any, ...] | None:
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    for arg in get_args(annotation):
        found = _literal_codes(arg)
        if found is not None:
            return found
    return None


def vocabulary_of(annotation: Any) -> str | None:
    codes = _literal_codes(annotation)
    for name, allowed in VOCABULARIES.items():
        if codes is not None and tuple(codes) == tuple(allowed):
            return name
    return None


def _base(annotation: Any) -> Any:
    """The type under ``Annotated[...]`` and ``... | None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _base(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return _base(next(arg for arg in get_args(annotation) if arg is not type(None)))
    return annotation


def _placeholder(annotation: Any) -> str:
    """An empty value of the field's type, to be replaced: "", [""], 0."""
    base = _base(annotation)
    if get_origin(base) is tuple:
        return '[""]'
    codes = _literal_codes(base)
    if codes is not None:
        return "0" if isinstance(codes[0], int) else '""'
    return "0" if base in (int, float) else '""'


def _labels(raw: Path | None, vocabulary: str) -> dict[str, str]:
    if raw is None:
        return {}
    path = raw / "vocabularies" / f"{vocabulary}.toml"
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("entries", [])
    except (OSError, ValueError):
        return {}
    return {str(e.get("code")): str(e.get("label_en")) for e in entries if isinstance(e, dict)}


def _wrap(text: str, prefix: str = "# ") -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(prefix) + len(line) + 1 + len(word) > WIDTH:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(prefix + line)
    return lines


def _comment(model: type[BaseModel], name: str, annotation: Any, raw: Path | None) -> list[str]:
    text = description_of(model.__name__, name) or ""
    vocabulary = vocabulary_of(annotation)
    if vocabulary is not None:
        labels = _labels(raw, vocabulary)
        codes = [
            f"{code} ({labels[str(code)]})" if str(code) in labels else str(code)
            for code in VOCABULARIES[vocabulary]
        ]
        text += " Codes: " + ", ".join(codes) + "."
    return _wrap(text)


def _fields(model: type[BaseModel], table: str, raw: Path | None, prefix: str = "") -> list[str]:
    out: list[str] = []
    for name, info in model.model_fields.items():
        if name in DERIVED.get(table, set()) or name in NOT_NEW:
            continue
        value = DEFAULTS.get(name, _placeholder(info.annotation))
        out.append("")
        out.extend(_comment(model, name, info.annotation, raw))
        required = info.is_required()
        out.append(f"{'' if required else '# '}{prefix}{name} = {value}")
    return out


EVIDENCE_HELP = (
    "Evidence: quotes copied exactly from raw/sources/<source_id>.txt (the article's ASCII , : ; ( ) "
    "included), each with the source_id of the text it quotes (always written, whatever the number "
    "of sources); the reader finds each quote and fills in start and end. A quote that occurs more "
    "than once needs `start = N` for the occurrence meant. A record may quote several sources."
)


def source_ids(raw: Path | None) -> list[str]:
    """The ids of the sources of a raw/ tree (``sources/<id>.toml``), sorted."""
    folder = (raw or Path("raw")) / "sources"
    try:
        return sorted(path.stem for path in folder.glob("*.toml") if not path.name.startswith("."))
    except OSError:
        return []


def _evidence_lines(raw: Path | None, source: str | None) -> list[str]:
    """The evidence help, the sources to choose from, and one entry to fill in."""
    known = source_ids(raw)
    chosen = source if source is not None else (known[0] if len(known) == 1 else "")
    lines = ["", *_wrap(EVIDENCE_HELP)]
    if source is None and len(known) > 1:
        lines += _wrap("Sources: " + ", ".join(known) + ".")
    return [*lines, "evidence = [", f'  {{ source_id = "{chosen}", quote = "" }},', "]"]


def render_template(kind: str, record_id: str, raw: Path | None = None, source: str | None = None) -> str:
    """The TOML text of a new record of ``kind`` (reform, metric, organization) with ``record_id``;
    its evidence names ``source`` (default: the tree's one source, or none to choose among several)."""
    table = KINDS[kind]
    model = TABLES[table]
    path = ((raw or Path("raw")) / table / f"{record_id}.toml").as_posix()  # where `new` writes it
    head = [
        f"# A new {kind} ({model.__doc__ or ''}".rstrip() + ")",
        "# Fill in every field that is not commented out; uncomment the optional ones you need and delete",
        "# the rest. Conventions: raw/README.md. Then check the record:",
        f"#   dazhou-reforms validate {path}",
        "",
        *_wrap(f"{description_of(model.__name__, 'id')} The file name is the id: rename both together."),
        f'id = "{record_id}"',
    ]
    lines = head + _fields(model, table, raw)
    lines += _evidence_lines(raw, source)
    entry = lines[-2].strip().rstrip(",")  # the record's evidence entry, as written above
    if "recognitions" in model.model_fields:
        lines += [
            "",
            "# Recognitions (awards, selections) the article reports, one [[recognitions]] table each;",
            "# they must come after every other field. Uncomment for each one:",
            "# [[recognitions]]",
        ]
        for line in _fields(Recognition, "recognitions", raw):
            lines.append(line if line.startswith("#") or not line else f"# {line}")
        lines.append(f"# evidence = [{entry}]")
    assert {"source_id", "quote"} <= set(Evidence.model_fields)  # the evidence shape written above
    return "\n".join(lines) + "\n"
