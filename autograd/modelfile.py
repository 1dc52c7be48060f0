"""Model files: the JSON that ``nn`` modules save and load, read strictly and within bounds.

A file is refused, with a ``ValueError`` naming the file and the field, when
it is not a regular file (a folder, a FIFO, ``/dev/zero``), is larger than
:data:`MAX_BYTES`, is not UTF-8, is not strict JSON (duplicate keys,
``NaN``/``Infinity``, numbers that overflow or underflow a float64, integers
of more than 20 digits, nesting deeper than the format has), or does not have
the format's fields with the right types.  Nothing is read before those
checks pass, so a failed load changes nothing.
"""

from __future__ import annotations

import json
import math
import os
import stat
from typing import Any

__all__ = ["FORMAT", "MAX_BYTES", "VERSION", "read", "write"]

FORMAT = "autograd.nn"
VERSION = 1
MAX_BYTES = 64 * 2**20
"""Model files larger than this are refused (a 10⁶-parameter network takes about 30 MB)."""

_MAX_DEPTH = 8  # the format nests 3 deep: document, model/parameters, lists of sizes


def write(path: str | os.PathLike[str], model: dict[str, Any], parameters: dict[str, float]) -> None:
    """Write ``{"format", "version", "model", "parameters"}`` as JSON to ``path``."""
    bad = [name for name, x in parameters.items() if not math.isfinite(x)]
    if bad:
        raise ValueError(f"save: parameters are not finite: {', '.join(map(repr, bad[:5]))}")
    document = {"format": FORMAT, "version": VERSION, "model": model, "parameters": parameters}
    text = json.dumps(document, indent=1, allow_nan=False)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, float]]:
    """The (model, parameters) of a model file, checked as the module's text says."""
    source = repr(os.fspath(path))
    raw = _read_bytes(path, source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{source} is not a model file: not UTF-8 text (byte {err.start})") from None
    _check_depth(text, source)
    try:
        document = json.loads(
            text,
            object_pairs_hook=lambda pairs: _no_duplicates(pairs, source),
            parse_constant=lambda name: _refuse(source, f"{name} is not a number JSON allows"),
            parse_int=lambda digits: _integer(digits, source),
            parse_float=lambda digits: _float(digits, source),
        )
    except json.JSONDecodeError as err:
        raise ValueError(f"{source} is not a model file: invalid JSON ({err.msg} at line "
                         f"{err.lineno}, column {err.colno})") from None
    if not isinstance(document, dict):
        raise ValueError(f"{source} is not a model file: the document must be a JSON object")
    if document.get("format") != FORMAT:
        raise ValueError(f"{source} is not a model file: field 'format' must be {FORMAT!r}, "
                         f"got {_short(document.get('format'))}")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"{source}: field 'version' must be an integer, got {_short(version)}")
    if version != VERSION:
        raise ValueError(f"{source}: field 'version' is {version}; this autograd reads version "
                         f"{VERSION}")
    model = document.get("model")
    if not isinstance(model, dict):
        raise ValueError(f"{source}: field 'model' must be an object, got {_short(model)}")
    parameters = document.get("parameters")
    if not isinstance(parameters, dict):
        raise ValueError(f"{source}: field 'parameters' must be an object of name: number, "
                         f"got {_short(parameters)}")
    extra = sorted(set(document) - {"format", "version", "model", "parameters"})
    if extra:
        raise ValueError(f"{source}: unknown field(s) {', '.join(map(_short, extra[:5]))}"
                         f"{', ...' if len(extra) > 5 else ''}")
    for name, x in parameters.items():
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            raise ValueError(f"{source}: field 'parameters', {name!r} must be a finite number, "
                             f"got {_short(x)}")
    return model, {name: float(x) for name, x in parameters.items()}


def _read_bytes(path: str | os.PathLike[str], source: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    except OSError as err:
        raise ValueError(f"cannot read {source}: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ValueError(f"cannot read {source}: it is {kind}")
        if info.st_size > MAX_BYTES:
            raise ValueError(f"{source} is too large for a model file ({info.st_size:,} bytes, "
                             f"at most {MAX_BYTES:,})")
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as err:
        raise ValueError(f"cannot read {source}: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"{source} is too large for a model file (more than {MAX_BYTES:,} bytes)")
    return raw


def _check_depth(text: str, source: str) -> None:
    """Refuse nesting deeper than the format has, before the parser recurses into it."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > _MAX_DEPTH:
                raise ValueError(f"{source} is not a model file: JSON nested more than "
                                 f"{_MAX_DEPTH} levels deep")
        elif c in "]}":
            depth -= 1


def _no_duplicates(pairs: list[tuple[str, Any]], source: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"{source}: key {key!r} appears twice")
        seen[key] = value
    return seen


def _refuse(source: str, why: str) -> Any:
    raise ValueError(f"{source} is not a model file: {why}")


def _integer(digits: str, source: str) -> int:
    if len(digits.lstrip("-")) > 20:
        _refuse(source, f"the integer {digits[:12]}… has {len(digits.lstrip('-'))} digits")
    return int(digits)


def _float(digits: str, source: str) -> float:
    x = float(digits)
    if not math.isfinite(x):
        _refuse(source, f"the number {digits[:24]} overflows a float64")
    if x == 0.0 and any(c in "123456789" for c in digits.lower().split("e")[0]):
        _refuse(source, f"the number {digits[:24]} underflows to 0 in a float64")
    return x


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:39] + "…"
