"""Numbers and tables as text, the same way in every report.

Reports (gradcheck, check, locate, explain, the backward trace, the command
line) format numbers with :func:`fmt`, factors of a product with
:func:`factor` and tables with :func:`table`; user text they echo goes through
:func:`clean` first, so that it can never forge lines or terminal escapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["clean", "factor", "fmt", "number", "table"]


def fmt(x: Any, digits: int = 6) -> str:
    """A number, a batch or a Value's data as short text."""
    if hasattr(x, "data") and not isinstance(x, np.ndarray):  # a Value
        x = x.data
    if x is None:
        return "-"
    if isinstance(x, np.ndarray):
        if x.shape == ():
            return fmt(float(x), digits)
        if x.shape[0] <= 4:
            return "[" + ", ".join(fmt(float(v), digits) for v in x) + "]"
        return f"<batch of {x.shape[0]}: mean {x.mean():.{digits}g}>"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, float, np.floating, np.integer)):
        v = float(x)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = f"{v:.{digits}g}"
        return "0" if text == "-0" else text
    return str(x)


def number(x: Any, spec: str = ".4g") -> str:
    """Data or a grad formatted with ``spec`` as drawings and trees show it: a batch
    by its size, mean and range, ``-0`` as ``0``."""
    if hasattr(x, "data") and not isinstance(x, np.ndarray):  # a gradient built with create_graph
        x = x.data
    if isinstance(x, np.ndarray):
        return (f"{x.shape[0]} samples: mean {format(float(x.mean()), spec)}, "
                f"min {format(float(x.min()), spec)}, max {format(float(x.max()), spec)}")
    return format(float(x) + 0.0, spec)  # + 0.0 turns -0.0 into 0.0


def factor(x: Any, digits: int = 6) -> str:
    """A number as a factor of a product: negatives in parentheses."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns, a header and a rule under it."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def clean(text: str, limit: int = 200) -> str:
    """User text made safe to echo on one line: control characters shown escaped
    (a newline as ``\\n``, an escape code as ``\\x1b``), and long text shortened."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
