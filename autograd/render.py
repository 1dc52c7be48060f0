"""Rendering DOT into SVG and PNG: finding a Graphviz program, and the Drawing it renders.

A system ``dot`` on PATH is used when there is one; otherwise the
``graphviz-pure`` wheel (a Rust port of Graphviz installed with this package,
whose program is named ``graphviz-pure``) renders SVG and PNG.  The DOT source
(``drawing.source``) never needs either.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

__all__ = ["GRAPHVIZ_PURE", "Drawing", "RenderTimeoutError", "Renderer", "RendererNotFoundError",
           "find_renderer", "render_source"]

GRAPHVIZ_PURE = "graphviz-pure==0.2.2"  # the pinned wheel whose command line this module drives


# ----------------------------------------------------------------- renderers
@dataclass(frozen=True)
class Renderer:
    """A Graphviz layout program found on this machine."""

    path: str  # the executable
    name: str  # "dot" (system Graphviz) or "graphviz-pure" (the bundled wheel)
    formats: frozenset[str]  # output formats this module asks it for


_DOT_FORMATS = frozenset({"svg", "png", "pdf", "json"})
_PURE_FORMATS = frozenset({"svg", "png", "json"})  # graphviz-pure renders no PDF


class RendererNotFoundError(graphviz.ExecutableNotFound):
    """No Graphviz program to turn DOT into SVG or PNG (a ``graphviz.ExecutableNotFound``)."""

    def __init__(self, what: str = "render the drawing") -> None:
        RuntimeError.__init__(
            self,
            f"cannot {what}: no Graphviz renderer found. Either install Graphviz so that "
            f"its `dot` program is on PATH (https://graphviz.org/download/), or "
            f"`pip install {GRAPHVIZ_PURE}` (a Graphviz port shipped as a wheel, no "
            f"system package needed). The DOT source needs neither: use "
            f"drawing.source or drawing.save('graph.dot').",
        )


def _system_dot() -> str | None:
    """Graphviz's own ``dot`` when it is on PATH."""
    return shutil.which("dot")


def _bundled_renderer() -> str | None:
    """The ``graphviz-pure`` program: next to this Python (a venv's bin/, Scripts/) or on PATH."""
    names = ("graphviz-pure.exe", "graphviz-pure") if os.name == "nt" else ("graphviz-pure",)
    here = Path(sys.executable).parent
    folders = [here, here / "Scripts", here / "bin", Path(sysconfig.get_path("scripts"))]
    try:  # where pip puts the scripts of a --user install
        folders.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")))
    except KeyError:
        pass
    for folder in folders:
        for name in names:
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which("graphviz-pure")


def find_renderer() -> Renderer | None:
    """The program that will render drawings: a system ``dot`` first, else ``graphviz-pure``.

    Returns None when neither is installed; rendering then raises
    :class:`RendererNotFoundError`, while the DOT source stays available.
    """
    dot = _system_dot()
    if dot is not None:
        return Renderer(dot, "dot", _DOT_FORMATS)
    pure = _bundled_renderer()
    if pure is not None:
        return Renderer(pure, "graphviz-pure", _PURE_FORMATS)
    return None


class RenderTimeoutError(RuntimeError):
    """Graphviz did not lay the drawing out within the time allowed."""


def check_timeout(timeout: Any, who: str) -> None:
    """Refuse a timeout that is not a finite positive number of seconds (or None)."""
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not 0 < timeout < math.inf):
        shown = repr(timeout)
        raise ValueError(f"{who}: timeout must be a positive number of seconds or None, "
                         f"got {shown if len(shown) <= 60 else shown[:59] + '…'}")


def render_source(source: str, fmt: str = "svg", renderer: Renderer | None = None,
                  timeout: float | None = None) -> bytes:
    """Lay out DOT ``source`` and return the output in format ``fmt`` (svg, png, ...).

    Uses ``renderer`` or, by default, :func:`find_renderer`.  With ``timeout``
    (seconds), a layout that takes longer is stopped and
    :class:`RenderTimeoutError` raised (Graphviz can take minutes on graphs
    whose inputs are shared across many levels).
    """
    if renderer is None:
        renderer = find_renderer()
    if renderer is None:
        raise RendererNotFoundError(f"render {fmt.upper()}")
    if fmt not in renderer.formats:
        raise ValueError(
            f"{renderer.name} cannot render {fmt!r} "
            f"(it renders {', '.join(sorted(renderer.formats))})"
            + ("; install Graphviz's dot for PDF" if fmt == "pdf" else "")
        )
    try:
        done = subprocess.run(
            [renderer.path, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RenderTimeoutError(
            f"{renderer.name} did not lay the drawing out within {timeout:g} s; draw a part of "
            "the graph (draw(root, depth=3) or only=[w]) or step through it in the explorer"
        ) from None
    except OSError as err:
        raise RendererNotFoundError(f"run {renderer.path} ({err})") from err
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{renderer.name} failed (exit {done.returncode}): {message}")
    return done.stdout


# ------------------------------------------------------------------ drawing
_IMAGE_SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
_SOURCE_SUFFIXES = {"", ".dot", ".gv"}


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with the renderer :func:`find_renderer` finds.

    ``save(path)`` picks the format from the suffix; in Jupyter a drawing shows
    inline as SVG; ``.source`` is the DOT text.
    """

    timeout: float | None = None
    """Seconds a render may take (None: no limit); see :func:`render_source`."""

    def __repr__(self) -> str:
        # stable text (no memory address) so that notebooks saved with outputs do not
        # change on every run; Jupyter shows the SVG, not this
        return "<autograd Drawing: .save('graph.svg') or .png()/.svg(); .source is the DOT text>"

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The rendered drawing as bytes (as text when ``encoding`` is given)."""
        data = render_source(self.source, format or self.format or "svg", timeout=self.timeout)
        return data.decode(encoding) if encoding is not None else data

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *args: Any,
        outfile: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> str:
        """Save the DOT source, render it next to it (or to ``outfile``); return the output path."""
        fmt = format or self.format or "svg"
        if outfile is not None:
            fmt = format or Path(outfile).suffix.lstrip(".") or fmt
        source_path = super().save(filename, directory=directory)
        target = str(outfile) if outfile is not None else f"{source_path}.{fmt}"
        Path(target).write_bytes(render_source(self.source, fmt, timeout=self.timeout))
        if cleanup:
            os.remove(source_path)
        if view:
            graphviz.view(target)
        return target

    def save(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
    ) -> str:
        """Write the drawing to ``filename``, in the format its suffix names.

        ``.svg`` and ``.png`` are rendered (``.pdf`` too with a system ``dot``);
        ``.dot``/``.gv`` (or no suffix) hold the DOT source, which needs no
        renderer.  Returns the path written.
        """
        if filename is None:
            return str(super().save(None, directory=directory, skip_existing=skip_existing))
        path = Path(directory, filename) if directory is not None else Path(filename)
        suffix = path.suffix.lower()
        if suffix in _SOURCE_SUFFIXES:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.source, encoding="utf-8")
            return str(path)
        fmt = _IMAGE_SUFFIXES.get(suffix)
        if fmt is None:
            raise ValueError(
                f"save: cannot tell the format from the suffix {suffix!r}; use .svg or .png "
                f"(rendered), .dot or .gv (DOT source), or .pdf with a system Graphviz dot"
            )
        data = render_source(self.source, fmt, timeout=self.timeout)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    def svg(self) -> str:
        """The drawing rendered as SVG text."""
        return render_source(self.source, "svg", timeout=self.timeout).decode("utf-8")

    def png(self) -> bytes:
        """The drawing rendered as PNG bytes."""
        return render_source(self.source, "png", timeout=self.timeout)

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        wanted = set(include) if include is not None else {"image/svg+xml"}
        wanted -= set(exclude or ())
        bundle: dict[str, Any] = {}
        try:
            if "image/svg+xml" in wanted:
                bundle["image/svg+xml"] = self.svg()
            if "image/png" in wanted:
                bundle["image/png"] = self.png()
        except RendererNotFoundError as err:
            # A notebook shows this text instead of a traceback; the source stays one call away.
            bundle = {"text/plain": f"{err}\n\n{self.source}"}
        return bundle
