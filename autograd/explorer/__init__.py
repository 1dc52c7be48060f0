"""The graph explorer: step through the forward and backward pass of your own graph.

``explore(root)`` (or ``root.explore()``) returns an :class:`Explorer`.
``save("graph.html")`` writes one self-contained page (script, style, layout
and data inlined; it loads nothing from the network and works from
``file://``); in Jupyter the explorer shows inline in a sandboxed iframe.

On the page the learner steps forward through the topological order (each
step shows how a node's value came from its inputs), then backward through the
reverse order (each step shows, on every edge into the current node, local
derivative × upstream gradient = contribution, and the inputs' gradients
filling in), clicks a node for its rule and its chain-rule breakdown
(:func:`autograd.explain`), and practises: gradients hidden, the learner types
∂root/∂node and the page says whether it is right.

Every number comes from one :class:`autograd.graph.Graph` built per call: data
as recorded, gradients from ``graph.gradients()``, local derivatives from
``graph.local(node)``.  No ``.grad`` is read or written, so the page is right
before ``backward()`` was ever called.

Layout is by Graphviz (the renderer :func:`autograd.viz.draw` uses), asked for
positions only (``-Tjson``): no user text goes into Graphviz, and the page's
script writes every label with ``textContent``.  The graph is embedded as JSON
with ``<``, ``>`` and ``&`` escaped, and a Content-Security-Policy lets only the
page's own script (by its hash) run and nothing be fetched.

The page's model is built by :mod:`autograd.explorer.model`, its layout by
:mod:`autograd.explorer.layout`; the page's script and style are
``explorer.js`` and ``explorer.css``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from autograd.explorer.model import MAX_EXPLAINED, MAX_LAID_OUT, MAX_UNFOLDED, _model
from autograd.graph import Graph
from autograd.render import RenderTimeoutError, check_timeout
from autograd.value import Value

__all__ = ["MAX_EXPLAINED", "MAX_LAID_OUT", "MAX_UNFOLDED", "TOLERANCE", "Explorer", "explore"]

TOLERANCE = (1e-3, 1e-6)
"""Practice mode accepts an answer within 0.1% of the engine's value, or 1e-6 of it near 0."""


def explore(root: Value, *, fold: bool | None = None, title: str | None = None,
            tolerance: tuple[float, float] = TOLERANCE, timeout: float | None = None) -> Explorer:
    """The explorer of the graph that computed ``root`` (see :class:`Explorer`).

    ``fold``: open with every neuron (a ``dot`` node and its activation) folded
    into one box; by default a graph of more than :data:`MAX_UNFOLDED` Values
    opens folded.  ``title`` names the page (default: the root's name).
    ``tolerance`` is practice mode's (relative, absolute) tolerance.
    ``timeout`` (seconds) bounds Graphviz's layout of the page.
    """
    return Explorer(root, fold=fold, title=title, tolerance=tolerance, timeout=timeout)


class Explorer:
    """An interactive page of one graph: ``save(path)`` or show it in Jupyter.

    Built once from one :class:`~autograd.graph.Graph`; the page it writes is
    fixed, later changes to the graph's data are not seen.  ``model`` is the
    data the page shows (a dict that serialises to JSON).
    """

    def __init__(self, root: Value, *, fold: bool | None = None, title: str | None = None,
                 tolerance: tuple[float, float] = TOLERANCE, timeout: float | None = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explore: root must be a Value, not {type(root).__name__}")
        rel, tol_abs = tolerance
        if not (rel >= 0 and tol_abs >= 0 and math.isfinite(rel) and math.isfinite(tol_abs)):
            raise ValueError(f"explore: tolerance must be two finite numbers >= 0, got {tolerance!r}")
        check_timeout(timeout, "explore")
        graph = Graph(root)  # the one walk; every number below is read from it
        batch = [(n, n.data) for n in graph.nodes if isinstance(n.data, np.ndarray)]
        if batch:
            raise ValueError(
                f"explore: the graph holds batches ({graph.name(batch[0][0])!r} has "
                f"{batch[0][1].shape[0]} samples); the explorer shows one sample: build "
                f"the graph from float Values, e.g. model([Value(v) for v in X[i]])")
        self.root = root
        try:
            self.model = _model(graph, fold, title, (float(rel), float(tol_abs)), timeout)
        except RenderTimeoutError:  # (its own advice would be to open the explorer)
            raise RenderTimeoutError(
                f"explore: Graphviz did not lay the page out within {timeout:g} s; the explorer "
                f"lays out all {len(graph.nodes)} Values, so explore a smaller graph, or see this "
                "one with draw(root, depth=3) or tree(root)") from None

    # ------------------------------------------------------------ output
    def html(self) -> str:
        """The whole page as text (one self-contained HTML document)."""
        return _page(self.model)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the page to ``path`` (an ``.html`` file); returns the path written."""
        target = Path(path)
        target.write_text(self.html(), encoding="utf-8")
        return str(target)

    def _repr_html_(self) -> str:
        # Sandboxed: the page's script runs, but in an opaque origin that cannot
        # reach the notebook's page, cookies or kernel.
        doc = html.escape(self.html(), quote=True)
        return (f'<iframe sandbox="allow-scripts" srcdoc="{doc}" title="autograd explorer" '
                f'style="width: 100%; height: 680px; border: 1px solid #c8ccd2; '
                f'border-radius: 4px;"></iframe>')

    def __repr__(self) -> str:
        m = self.model
        return (f"<autograd Explorer of {m['title']!r}: {len(m['nodes'])} values, "
                f"{len(m['neurons'])} neurons; .save('graph.html') writes the page>")


# ---------------------------------------------------------------- the page
def _asset(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _json_for_html(model: dict[str, Any]) -> str:
    """JSON that cannot end its <script> element or open markup: < > & as \\u escapes."""
    text = json.dumps(model, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _page(model: dict[str, Any]) -> str:
    script = _asset("explorer.js")
    style = _asset("explorer.css")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    # Nothing may be fetched; only this script (by its hash) may run.
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           f"img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")
    title = html.escape(f"{model['title']} · autograd explorer", quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f"<style>\n{style}</style>\n</head>\n<body>\n"
        '<noscript>The explorer needs JavaScript.</noscript>\n'
        f'<script type="application/json" id="model">{_json_for_html(model)}</script>\n'
        f"<script>{script}</script>\n"
        "</body>\n</html>\n"
    )
