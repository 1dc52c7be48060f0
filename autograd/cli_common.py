"""What the command line's commands share.

The usage error (one line on standard error, exit status 2), output files
checked before any work is done, numbers JSON can hold, and the drawings and
explorer pages the commands write, bounded in size and layout time.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _output_path(flag: str, path: str | None, suffixes: tuple[str, ...]) -> Path | None:
    """Check an output file before any work is done: suffix, folder, not a folder."""
    if path is None:
        return None
    if not path.strip():
        raise UsageError(f"{flag}: the file name is empty")
    if not path.isprintable():  # it is echoed in "wrote ...": no escape codes on a terminal
        raise UsageError(f"{flag} {path}: the file name contains a control character")
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise UsageError(f"{flag} {path}: the file name must end in {' or '.join(suffixes)}")
    try:
        if target.is_dir():
            raise UsageError(f"{flag} {path}: is a folder")
        if target.is_fifo() or target.is_socket():  # opening it would wait for a reader
            raise UsageError(f"{flag} {path}: is a {'named pipe' if target.is_fifo() else 'socket'}, "
                             "not a file; give the name of a file to write")
        folder = target.parent
        if not folder.is_dir():
            raise UsageError(f"{flag} {path}: the folder {str(folder)!r} does not exist")
    except OSError as err:  # e.g. a file name longer than the file system allows
        raise UsageError(f"{flag} {path}: {err.strerror or err}") from None
    return target


def _json_number(x: Any) -> Any:
    """JSON has no inf or nan: they are written as the strings "inf", "-inf", "nan"."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _json_number(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_number(v) for v in x]
    return x


# Drawings and explorer pages the command line writes: at most this many Values,
# laid out within this many seconds (Graphviz can take minutes on graphs whose
# inputs are shared across many levels; the error then says what to do).
DRAW_MAX_NODES = 300
RENDER_SECONDS = 5.0


def _cannot_write(flag: str, path: Path, err: OSError) -> UsageError:
    """The one error line for an output file the system refused (/proc/a.svg)."""
    return UsageError(f"{flag} {path}: cannot write it: {err.strerror or err}")


def _too_large(flag: str, root: Any, err: Exception) -> UsageError:
    """The command line's own words for a graph it will not draw (the Python errors name
    draw()'s options, which the command line does not have)."""
    from autograd.render import RenderTimeoutError

    if isinstance(err, RenderTimeoutError):
        why = f"Graphviz did not lay it out within {RENDER_SECONDS:g} s"
    else:
        from autograd.graph import Graph

        why = f"the graph has {len(Graph(root).nodes)} Values, more than {DRAW_MAX_NODES}"
    return UsageError(f"{flag}: {why}, the command line's bound for a drawing; leave {flag} out "
                      "(the numbers are printed anyway), or draw a part of the graph from Python: "
                      "autograd.draw(f, depth=3)")


def _save_drawing(root: Any, path: Path, flag: str) -> None:
    from autograd.render import RenderTimeoutError
    from autograd.viz import GraphTooLargeError, draw

    try:
        draw(root, chain=True, max_nodes=DRAW_MAX_NODES, timeout=RENDER_SECONDS).save(path)
    except OSError as err:
        raise _cannot_write(flag, path, err) from None
    except (GraphTooLargeError, RenderTimeoutError) as err:
        raise _too_large(flag, root, err) from None


def _save_explorer(root: Any, path: Path, flag: str = "--html") -> None:
    from autograd.explorer import explore
    from autograd.render import RenderTimeoutError
    from autograd.viz import GraphTooLargeError

    try:
        explore(root, timeout=RENDER_SECONDS).save(path)
    except OSError as err:
        raise _cannot_write(flag, path, err) from None
    except (GraphTooLargeError, RenderTimeoutError) as err:
        raise _too_large(flag, root, err) from None
