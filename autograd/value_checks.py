"""The forward pass's checks and their error messages, off the engine's fast path.

An op's domain (``log: needs x > 0, got -1.0 (label 'x')``), a batch result
that is nan where no input is, an overflow turned into +-inf, a forward
function's own error restated with the op and its inputs, and
:func:`describe`, which writes a node for such messages.  The node builders
of :mod:`autograd.nodes` call these only when a row has a domain or a
forward fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd._math import (
    ieee_arithmetic,
)
from autograd.ops import Op
from autograd.value_data import fmt_data

if TYPE_CHECKING:
    from autograd.value import Value


def describe(node: Value, sample: int | None = None) -> str:
    """``-2.0 (x)``: a node's value and, when it has one, its name, for error messages."""
    from autograd.graph import display_name  # only on the error path

    data = node.data
    if sample is not None and data.__class__ is not float:
        text = f"{float(data[sample])!r} at sample {sample}"  # type: ignore[index]
    else:
        text = fmt_data(data)
    if node.label:
        label = node.label if len(node.label) <= 60 else node.label[:59] + "…"
        return f"{text} (label {label!r})"
    if node._row is not None:
        return f"{text} ({display_name(node)})"
    return text


def _check_domain(op: Op, args: Sequence[Value]) -> bool:
    """Refuse inputs outside the op's domain; a nan input passes (nan propagates).

    Inside a rule rebuilt with IEEE results (``_math._ieee``) they pass too, and
    the answer is True: the forward is then numpy's (inf at a pole, nan outside).
    """
    for dom in op.domain:
        xs = [a.data for a in args]
        with np.errstate(invalid="ignore"):
            ok = dom.ok(*xs)
        if ok is True or ok is np.True_:
            continue
        if not isinstance(ok, np.ndarray) and any(isinstance(x, np.ndarray) for x in xs):
            ok = np.full(np.broadcast(*xs).shape, bool(ok))  # a number fails every sample
        if isinstance(ok, np.ndarray):
            ok = ok | _any_nan(xs)
            if ok.all():
                continue
            if ieee_arithmetic():
                return True
            raise dom.error(f"{op.name}: needs {dom.needs}, got "
                            f"{_inputs(args, int(np.argmin(ok)))}")
        if any(x != x for x in xs):
            continue
        if ieee_arithmetic():
            return True
        raise dom.error(f"{op.name}: needs {dom.needs}, got {_inputs(args)}")
    return False


def _any_nan(xs: Sequence[Any]) -> Any:
    """Per sample: does any of the inputs hold nan there."""
    found: Any = False
    for x in xs:
        found = found | np.isnan(x)
    return found


# Rows whose forward is float arithmetic: inf - inf or 0 * inf give nan quietly, in
# float mode as in numpy; and pow's and hypot's slopes as rows (built by create_graph),
# which are nan where the slope is (in y at a negative base; at hypot's origin), as float
# mode's are.  Every other row refuses a nan it makes from numbers.
_ARITHMETIC = frozenset({"add", "sub", "mul", "div", "neg", "identity", "sum", "dot",
                         "pow_dx", "pow_dy", "hypot_dx", "hypot_dy"})


def _overflowed(op: Op, xs: Sequence[Any]) -> Any:
    """The row's value where float arithmetic raised OverflowError (or where an IEEE
    result is asked for outside the domain): its forward on a one-sample batch, so
    that an overflow is +-inf in float mode as in batch mode."""
    with np.errstate(all="ignore"):
        out = op.forward(*[np.array([x], dtype=np.float64) for x in xs])
    return float(np.asarray(out)[0])


def _refuse_new_nan(op: Op, args: Sequence[Value], data: Any) -> None:
    """A batch result nan where no input is nan: the op is undefined there.

    Float mode raises there (Python's math refuses, e.g. sin(inf)); so does a
    batch, naming the first such sample.
    """
    if op.name in _ARITHMETIC or not isinstance(data, np.ndarray) or op.param != op.param:
        return  # (a nan parameter, x**nan's, is a nan input: nan propagates)
    least = np.minimum.reduce(data, axis=None)  # nan if any sample is: one read, no array
    if least == least:
        return
    bad = np.isnan(data) & ~_any_nan([a.data for a in args])
    if bad.any():
        raise ValueError(f"{op.name}: undefined (not a number) for {_inputs(args, int(np.argmax(bad)))}")


def _inputs(args: Sequence[Value], sample: int | None = None) -> str:
    # "1.0 and 0.0 (label 'd')": the inputs in order, without names that could be
    # mistaken for the user's own variables
    return " and ".join(describe(a, sample) for a in args)


def _forward_failed(op: Op, args: Sequence[Value], err: Exception) -> Exception:
    reason = "the result does not fit in a float64" if isinstance(err, OverflowError) else str(err)
    return type(err)(f"{op.name}: {reason}, for {_inputs(args)}")
