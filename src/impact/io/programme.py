"""Reading the programme configuration (``programme.toml``) and its resolved copy in a processed
folder (``programme.json``)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from impact.errors import InputError
from impact.programme import Programme, ReferenceSpec

__all__ = [
    "PROGRAMME_FILE",
    "PROGRAMME_JSON",
    "find_programme",
    "programme_for",
    "read_programme",
    "read_programme_json",
]

#: the configuration's file name in a raw folder
PROGRAMME_FILE = "programme.toml"
#: the resolved configuration in a processed folder
PROGRAMME_JSON = "programme.json"


def find_programme(raw_dir: str | Path, programme: str | Path | None = None) -> Path | None:
    """The configuration to use: ``programme`` if given (it must exist), else ``RAW_DIR/programme.toml``
    when there is one, else None."""
    if programme is not None:
        path = Path(programme)
        if not path.is_file():
            raise InputError(f"{path}: programme configuration not found")
        return path
    path = Path(raw_dir) / PROGRAMME_FILE
    return path if path.is_file() else None


def read_programme(path: str | Path) -> Programme:
    """Read and check a ``programme.toml``; reference file paths are resolved relative to it.

    Errors (:class:`~impact.errors.InputError`) name the file and the key or line.
    """
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML ({e})") from None
    prog = Programme.from_dict(doc, source=path.name)
    ref = prog.reference
    resolved = {}
    for key in ("min_wage", "cpi", "cpi_monthly"):
        value = getattr(ref, key)
        if value:
            file = (path.parent / value).resolve()
            if not file.is_file():
                raise InputError(f"{path.name}: reference.{key} = {value!r}: file not found ({file})")
            resolved[key] = str(file)
    return Programme(**{**prog.__dict__, "reference": ReferenceSpec(**resolved)})


def read_programme_json(processed_dir: str | Path) -> Programme:
    """The resolved configuration of a processed folder (an empty one for folders made without)."""
    path = Path(processed_dir) / PROGRAMME_JSON
    if not path.is_file():
        return Programme()
    try:
        return Programme.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a programme.json written by impact clean ({e})") from None


def programme_for(raw_dir: str | Path, programme: str | Path | Programme | None = None) -> Programme:
    """The configuration to clean ``raw_dir`` with: ``programme`` itself (a :class:`Programme`), the
    file it names, ``RAW_DIR/programme.toml``, or — when there is none — an empty configuration
    (every cohort is then described from the data)."""
    if isinstance(programme, Programme):
        return programme
    path = find_programme(raw_dir, programme)
    return read_programme(path) if path is not None else Programme()
