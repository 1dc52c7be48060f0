"""The engine: ``Value`` nodes, the backward pass, and higher-order gradients.

Node layout.  A Value is one object with ``__slots__``: its data, its grad, its
label, the op that made it (a row of :mod:`autograd.ops`) and its parents in
``_a``/``_b`` (two slots rather than a tuple, so a node is a single container
object: the cyclic garbage collector's work grows with the number of container
objects, and a graph holds no reference cycles, so it is freed by reference
counting the moment it is dropped).  An op with many inputs keeps them as a
tuple in ``_a``.  ``_n`` is scratch space for the backward pass (see
``_count_consumers``); it is zero whenever no backward pass is running.

Gradients accumulate like PyTorch's on leaves (Values no op made): a second
``backward()`` adds the same amount again.  An intermediate node's ``grad``
is *set* by each pass to that pass's gradient, so it never feeds an earlier
pass's gradient into a later one (micrograd's second backward counts 3x).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Union

import numpy as np

from autograd import ops
from autograd.ops import Op

Data = Union[float, np.ndarray]
Operand = Union["Value", int, float, np.ndarray]

_grad_enabled = True
# Called for every edge of a backward pass when not empty (anomaly mode and
# backward traces register here); the fast loop runs only when it is empty.
_edge_observers: list[Callable[..., None]] = []
# Called for every op built while not empty (anomaly mode's forward check).
_node_observers: list[Callable[[Value], None]] = []
# True when ops may take the plain path: recording the graph, nobody watching.
_plain = True


def _update_plain() -> None:
    global _plain
    _plain = _grad_enabled and not _node_observers


def _to_data(data: Any, what: str = "Value") -> Data:
    """Turn user data into a float or a 1-D float64 array, or raise TypeError."""
    if data.__class__ is float:
        return data
    if isinstance(data, np.ndarray):
        if data.ndim == 0 and data.dtype.kind in "biuf":
            return float(data)
        if data.ndim != 1:
            raise TypeError(
                f"{what}: a batch must be a 1-D array (one entry per sample), "
                f"got an array of shape {data.shape}"
            )
        if data.dtype.kind not in "biuf":
            raise TypeError(f"{what}: a batch must hold real numbers, got dtype {data.dtype}")
        if data.shape[0] == 0:
            raise ValueError(f"{what}: a batch must hold at least one sample")
        return np.array(data, dtype=np.float64)  # a copy: the graph owns its data
    if isinstance(data, (numbers.Real, np.bool_)):
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(f"{what}: {data!r} is too large for a float64") from None
    hint = " (use numpy.asarray(...) for a batch)" if isinstance(data, (list, tuple)) else ""
    raise TypeError(
        f"{what} data must be a real number (int, float, bool, numpy scalar) or a 1-D "
        f"numpy array, not {type(data).__name__}{hint}"
    )


def _zeros_like(data: Data) -> Data:
    return 0.0 if data.__class__ is float else np.zeros_like(data)


class Value:
    """A scalar (or a batch of scalars) in a computation graph.

    >>> x = Value(2.0, label="x")
    >>> y = (x * x + 1.0).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.000363
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_n", "__weakref__")
    # numpy arrays and scalars defer to Value's reflected operators, so that
    # ``labels * v`` is a batch Value, not an object array of Values.
    __array_ufunc__ = None

    data: Data
    grad: Any
    label: str
    _op: Op | None
    _a: Any
    _b: Any
    _n: int

    def __init__(self, data: Any, label: str = "") -> None:
        """A leaf: ``data`` is a real number (stored as float) or a 1-D array (a batch)."""
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, not {type(label).__name__}")
        self.data = _to_data(data)
        self.grad = _zeros_like(self.data)
        self.label = label
        self._op = None
        self._a = None
        self._b = None
        self._n = 0

    # ------------------------------------------------------------ structure
    @property
    def op(self) -> str:
        """Name of the op that made this node, ``""`` for a leaf."""
        return "" if self._op is None else self._op.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in argument order."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:
            return a
        return (a,) if self._b is None else (a, self._b)

    @property
    def is_leaf(self) -> bool:
        """True for a Value no op made (an input, a parameter, a constant)."""
        return self._op is None

    @property
    def is_batch(self) -> bool:
        """True when ``data`` is a batch (a 1-D array, one entry per sample)."""
        return self.data.__class__ is not float

    def __repr__(self) -> str:
        parts = [_fmt(self.data), f"grad={_fmt(self.grad)}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        # Deliberately refused: float(v) is what math.sin(v) and friends call, and
        # a float silently cuts the graph (the gradient through it would be 0).
        raise TypeError(
            f"a Value {('(label ' + repr(self.label) + ') ') if self.label else ''}is not "
            "converted to float implicitly, because a plain float cuts the graph: use "
            "v.sin(), autograd.sin(v), ... to stay in the graph, or v.item() / v.data "
            "for the number itself"
        )

    def item(self) -> float:
        """The data as a Python float (like ``tensor.item()``); a batch raises TypeError."""
        if self.data.__class__ is not float:
            raise TypeError(f"item(): Value {self.label!r} holds a batch, not one number")
        return self.data

    # ------------------------------------------------------------ backward
    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Compute d(self)/d(node) for every node of the graph into ``node.grad``.

        ``grad`` seeds the output (1.0 by default; ones for a batch).  Leaves
        accumulate; intermediate nodes get this pass's gradient.  With
        ``create_graph=True`` the gradients are Values that can be
        differentiated again.
        """
        seed = _seed(self, grad, create_graph)
        with _one_pass(self):
            if not create_graph and not _edge_observers:
                batched, leaves = _count_consumers(self, zero_intermediate=True)
                if not batched:
                    _backward_fast(self, seed, leaves)
                    return
            else:
                _count_consumers(self, zero_intermediate=True)
            grads = _run_general(self, seed, create_graph)
        for node, g in grads.items():
            if node._op is None:
                prev = node.grad
                node.grad = g if _is_zero(prev) else prev + g
            else:
                node.grad = g

    def zero_grad(self) -> None:
        """Set ``grad`` to zero on this node and on every node it was computed from."""
        for node in topological_order(self):
            node.grad = _zeros_like(node.data)

    def draw(self, **options: Any) -> Any:
        """The drawing of this node's graph (see :func:`autograd.viz.draw`)."""
        from autograd.viz import draw  # the drawing tools build on the engine, not in it

        return draw(self, **options)

    # --------------------------------------------------------- unary ops
    def exp(self) -> Value:
        """e**self."""
        return _apply1(ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm (the input must be positive)."""
        return _apply1(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root (the input must be non-negative)."""
        return _apply1(ops.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _apply1(ops.TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e**-x)."""
        return _apply1(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(x, 0); its derivative at 0 is taken as 0."""
        return _apply1(ops.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope * x otherwise."""
        return _apply1(ops.leaky_relu_op(_param(slope, "leaky_relu", "slope")), self)

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, alpha * (e**x - 1) otherwise."""
        return _apply1(ops.elu_op(_param(alpha, "elu", "alpha")), self)

    def softplus(self) -> Value:
        """log(1 + e**x), computed without overflow."""
        return _apply1(ops.SOFTPLUS, self)

    def silu(self) -> Value:
        """x * sigmoid(x) (also called swish)."""
        return _apply1(ops.SILU, self)

    def gelu(self) -> Value:
        """Exact GELU, x * Phi(x) with Phi the standard normal CDF (not the tanh form)."""
        return _apply1(ops.GELU, self)

    def sin(self) -> Value:
        """Sine."""
        return _apply1(ops.SIN, self)

    def cos(self) -> Value:
        """Cosine."""
        return _apply1(ops.COS, self)

    def erf(self) -> Value:
        """Error function."""
        return _apply1(ops.ERF, self)

    def sum(self) -> Value:
        """Sum over the samples of a batch (a float Value is returned as is)."""
        return self if self.data.__class__ is float else _apply1(ops.BATCH_SUM, self)

    def mean(self) -> Value:
        """Mean over the samples of a batch (a float Value is returned as is)."""
        return self if self.data.__class__ is float else _apply1(ops.BATCH_MEAN, self)

    def __neg__(self) -> Value:
        return _apply1(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _apply1(ops.ABS, self)

    def __pow__(self, other: Operand) -> Value:
        if other.__class__ is Value:
            return _apply2(ops.POW, self, other)
        if _is_scalar(other):
            return _apply1(ops.pow_const_op(float(other)), self)
        return _apply2(ops.POW, self, other)

    def __rpow__(self, other: Operand) -> Value:
        if _is_scalar(other) and float(other) > 0.0:
            return _apply1(ops.exp_base_op(float(other)), self)
        return _apply2(ops.POW, other, self)

    # binary dunders are made from the table below the class
    __add__: Callable[[Value, Operand], Value]
    __radd__: Callable[[Value, Operand], Value]
    __sub__: Callable[[Value, Operand], Value]
    __rsub__: Callable[[Value, Operand], Value]
    __mul__: Callable[[Value, Operand], Value]
    __rmul__: Callable[[Value, Operand], Value]
    __truediv__: Callable[[Value, Operand], Value]
    __rtruediv__: Callable[[Value, Operand], Value]


_new = object.__new__


def _fmt(x: Any) -> str:
    if x.__class__ is float:
        return repr(x)
    if isinstance(x, np.ndarray):
        return f"<batch of {x.shape[0]}: mean {x.mean():.4g}, min {x.min():.4g}, max {x.max():.4g}>"
    return repr(x)


def _is_scalar(x: Any) -> bool:
    return x.__class__ in (int, float, bool) or isinstance(x, (numbers.Real, np.bool_))


def _is_zero(x: Any) -> bool:
    return x.__class__ is float and x == 0.0


def _param(x: Any, op: str, name: str) -> float:
    if not _is_scalar(x) or not math.isfinite(float(x)):
        raise TypeError(f"{op}: {name} must be a finite real number, got {x!r}")
    return float(x)


def _lift(x: Any) -> Value | None:
    """Wrap a number or array as a constant leaf; None when it is not one."""
    if x.__class__ is Value:
        return x
    if _is_scalar(x) or isinstance(x, np.ndarray):
        return Value(x)
    return None


def _node(data: Data, op: Op, a: Any, b: Value | None) -> Value:
    v = _new(Value)
    v.data = data
    v.grad = 0.0 if data.__class__ is float else np.zeros_like(data)
    v.label = ""
    v._n = 0
    if _grad_enabled:
        v._op = op
        v._a = a
        v._b = b
    else:
        v._op = None
        v._a = None
        v._b = None
    if _node_observers:
        for observe in _node_observers:
            observe(v if _grad_enabled else _node_for_report(data, op, a, b))
    return v


def _node_for_report(data: Data, op: Op, a: Any, b: Value | None) -> Value:
    """A node with its op and parents, built only to describe an op under no_grad."""
    v = _new(Value)
    v.data, v.grad, v.label, v._n, v._op, v._a, v._b = data, 0.0, "", 0, op, a, b
    return v


# ---------------------------------------------------------------- forward
def describe(node: Value, sample: int | None = None) -> str:
    """``value (label 'x')``: how error messages and reports name a node."""
    data = node.data
    if sample is not None and data.__class__ is not float:
        text = f"{float(data[sample])!r} at sample {sample}"  # type: ignore[index]
    else:
        text = _fmt(data)
    return f"{text} (label {node.label!r})" if node.label else text


def _check_domain(op: Op, args: Sequence[Value]) -> None:
    for dom in op.domain:
        ok = dom.ok(*[a.data for a in args])
        if ok is True or ok is np.True_:
            continue
        sample = None
        if isinstance(ok, np.ndarray):
            if ok.all():
                continue
            sample = int(np.argmin(ok))
        raise dom.error(f"{op.name}: needs {dom.needs}, got {_inputs(args, sample)}")


def _inputs(args: Sequence[Value], sample: int | None = None) -> str:
    # "1.0 and 0.0 (label 'd')": the inputs in order, without names that could be
    # mistaken for the user's own variables
    return " and ".join(describe(a, sample) for a in args)


def _forward_failed(op: Op, args: Sequence[Value], err: Exception) -> Exception:
    reason = "the result does not fit in a float64" if isinstance(err, OverflowError) else str(err)
    return type(err)(f"{op.name}: {reason}, for {_inputs(args)}")


def _apply1(op: Op, a: Value) -> Value:
    if op.domain:
        _check_domain(op, (a,))
    x = a.data
    try:
        if x.__class__ is float:
            data = op.forward(x)
        else:
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                data = op.forward(x)
    except (ArithmeticError, ValueError) as err:  # e.g. sin(inf): math domain error
        raise _forward_failed(op, (a,), err) from None
    return _node(data, op, a, None)


def _apply2(op: Op, a: Any, b: Any) -> Value:
    if a.__class__ is not Value:
        a = _lift(a)
    if b.__class__ is not Value:
        b = _lift(b)
    if a is None or b is None:
        return NotImplemented
    x = a.data
    y = b.data
    if x.__class__ is not float and y.__class__ is not float and x.shape != y.shape:
        labels = f" (labels {a.label!r} and {b.label!r})" if a.label or b.label else ""
        raise ValueError(f"{op.name}: batches of different sizes, {x.shape[0]} and {y.shape[0]}{labels}")
    if op.domain:
        _check_domain(op, (a, b))
    try:
        if x.__class__ is float and y.__class__ is float:
            data = op.forward(x, y)
        else:
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                data = op.forward(x, y)
    except (ArithmeticError, ValueError) as err:
        raise _forward_failed(op, (a, b), err) from None
    return _node(data, op, a, b)


def _binary_methods(op: Op) -> tuple[Callable[..., Value], Callable[..., Value]]:
    """``__op__`` and ``__rop__`` for a binary row of the table.

    The common case (two float Values) is handled inline: it is the hot path of
    every network, and one Python call per op is what keeps the engine fast.
    """
    forward = op.forward
    domain = op.domain

    def method(self: Value, other: Any) -> Value:
        if _plain and other.__class__ is Value:
            x = self.data
            y = other.data
            if x.__class__ is float and y.__class__ is float and not domain:
                v = _new(Value)
                v.data = forward(x, y)
                v.grad = 0.0
                v.label = ""
                v._n = 0
                v._op = op
                v._a = self
                v._b = other
                return v
        return _apply2(op, self, other)

    def reflected(self: Value, other: Any) -> Value:
        return _apply2(op, other, self)

    dunder = {"add": "add", "sub": "sub", "mul": "mul", "div": "truediv"}[op.name]
    method.__name__, reflected.__name__ = f"__{dunder}__", f"__r{dunder}__"
    method.__qualname__, reflected.__qualname__ = f"Value.__{dunder}__", f"Value.__r{dunder}__"
    article = "an" if op.name == "add" else "a"
    method.__doc__ = f"self {op.symbol} other, recorded as {article} {op.name!r} node."
    reflected.__doc__ = f"other {op.symbol} self, for a number (or array) on the left."
    return method, reflected


Value.__add__, Value.__radd__ = _binary_methods(ops.ADD)
Value.__sub__, Value.__rsub__ = _binary_methods(ops.SUB)
Value.__mul__, Value.__rmul__ = _binary_methods(ops.MUL)
Value.__truediv__, Value.__rtruediv__ = _binary_methods(ops.DIV)


def apply_nary(op: Op, args: Sequence[Any]) -> Value:
    """Build an op of many inputs (``sum``, ``dot``); numbers become constants."""
    nodes = []
    for x in args:
        v = _lift(x)
        if v is None:
            raise TypeError(f"{op.name}: inputs must be Values or numbers, not {type(x).__name__}")
        nodes.append(v)
    if not nodes:
        raise ValueError(f"{op.name}: needs at least one input")
    sizes = {v.data.shape[0] for v in nodes if v.data.__class__ is not float}  # type: ignore[union-attr]
    if len(sizes) > 1:
        raise ValueError(f"{op.name}: batches of different sizes {sorted(sizes)}")
    data = op.forward([v.data for v in nodes])
    return _node(data, op, tuple(nodes), None)


# ---------------------------------------------------------------- backward
def _seed(root: Value, grad: Any, create_graph: bool) -> Any:
    """The gradient the pass starts from, in the shape of the output's data.

    A number seeds every sample of a batch output; a Value seed is kept as a
    Value only when the gradients are to be differentiated (create_graph).
    """
    if grad is None:
        return 1.0 if root.data.__class__ is float else np.ones_like(root.data)
    if isinstance(grad, Value):
        if create_graph:
            _seed(root, grad.data, False)  # the same shape check
            return grad
        grad = grad.data
    seed = _to_data(grad, "backward grad")
    if seed.__class__ is not float:
        if root.data.__class__ is float or seed.shape != root.data.shape:  # type: ignore[union-attr]
            raise ValueError(
                f"backward: grad of shape {np.shape(seed)} does not match the output's "
                f"data of shape {np.shape(root.data)}"
            )
    elif root.data.__class__ is not float:
        seed = np.full_like(root.data, seed)
    return seed


_passes_running = 0


@contextmanager
def _one_pass(root: Value) -> Iterator[None]:
    """Run one backward pass: never inside another, and leave ``_n`` all zero.

    The consumer counts live on the nodes, so a pass started from inside a
    running one (an observer calling backward) would see the outer pass's
    counts; it is refused with a clear error instead of giving wrong numbers.
    """
    global _passes_running
    if _passes_running:
        raise RuntimeError(
            "backward: a backward pass cannot start while another one is running "
            "(e.g. from an observer); run it after the first pass has finished"
        )
    _passes_running += 1
    try:
        yield
    except BaseException:
        _reset_counts(root)  # interrupted: counting or running left counts set
        raise
    finally:
        _passes_running -= 1


def _backward_fast(root: Value, seed: Data, leaves: list[Value]) -> None:
    """The float loop into ``.grad``, with each leaf's earlier gradient kept aside.

    Each leaf collects this pass's gradient from zero and adds it to what it
    held once at the end, so k passes give exactly k times one pass (bit for
    bit), however many uses a leaf has.  If the pass fails, leaves get back
    what they held.
    """
    held = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    try:
        _run_fast(root, seed)
    except BaseException:
        for leaf, before in zip(leaves, held):
            leaf.grad = before
        raise
    for leaf, before in zip(leaves, held):
        if before != 0.0:
            leaf.grad = before + leaf.grad


def _count_consumers(root: Value, zero_intermediate: bool) -> tuple[bool, list[Value]]:
    """First pass: set each node's ``_n`` to the number of edges into it.

    An edge counts once per use, so ``x * x`` gives x a count of 2.  The second
    pass visits a node when its count drops back to zero, that is after every
    node computed from it has passed its gradient on: a reverse topological
    order without recursion, sets or dicts.  Returns whether a leaf holds a
    batch (batches enter a graph only through leaves) and the leaves.
    """
    batched = False
    leaves = []
    stack = [root]
    pop = stack.pop
    push = stack.append
    while stack:
        n = pop()
        a = n._a
        if a is None:
            leaves.append(n)
            if n.data.__class__ is not float:
                batched = True
            continue
        if zero_intermediate:
            n.grad = 0.0
        if a.__class__ is tuple:
            for p in a:
                if p._n == 0:
                    push(p)
                p._n += 1
        else:
            if a._n == 0:
                push(a)
            a._n += 1
            b = n._b
            if b is not None:
                if b._n == 0:
                    push(b)
                b._n += 1
    return batched, leaves


def _reset_counts(root: Value) -> None:
    """Restore every ``_n`` to zero after a backward pass was interrupted."""
    seen = {id(root)}
    stack = [root]
    while stack:
        n = stack.pop()
        n._n = 0
        for p in n.parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)


def _run_fast(root: Value, seed: Data) -> None:
    """Backward over float data into ``.grad``: the loop every training step runs."""
    root.grad = seed
    stack = [root]
    pop = stack.pop
    push = stack.append
    while stack:
        n = pop()
        op = n._op
        if op is None:
            continue
        g = n.grad
        a = n._a
        arity = op.arity
        if arity == 2:
            b = n._b
            const = op.constant
            if const is None:
                da, db = op.local(a.data, b.data, n.data)
            else:
                da, db = const
            a.grad += g * da
            b.grad += g * db
            k = a._n - 1
            a._n = k
            if not k:
                push(a)
            k = b._n - 1
            b._n = k
            if not k:
                push(b)
        elif arity == 1:
            a.grad += g * op.local(a.data, n.data)
            k = a._n - 1
            a._n = k
            if not k:
                push(a)
        else:
            for p, d in zip(a, op.local([p.data for p in a], n.data)):
                p.grad += g * d
                p._n -= 1
                if p._n == 0:
                    push(p)


def _locals(op: Op, inputs: Sequence[Any], out: Any) -> Sequence[Any]:
    """The op's local derivatives, one per input, from the table's rule."""
    if op.arity == 2:
        return op.local(inputs[0], inputs[1], out)
    if op.arity == 1:
        return (op.local(inputs[0], out),)
    return op.local(inputs, out)


def _reduce_to(node: Value, contribution: Any) -> Any:
    """A float node that fed a batch gets the sum of its per-sample gradients."""
    if node.data.__class__ is float:
        if isinstance(contribution, np.ndarray):
            return float(np.sum(contribution))
        if isinstance(contribution, Value) and contribution.data.__class__ is not float:
            return contribution.sum()
    return contribution


def _run_general(root: Value, seed: Any, create_graph: bool) -> dict[Value, Any]:
    """Backward into a dict, for batches, ``create_graph`` and observed passes.

    Expects ``_count_consumers(root)`` to have run.  With ``create_graph`` the
    rules are evaluated on the Values themselves, so the gradients are graphs.
    """
    if create_graph and not isinstance(seed, Value):
        seed = Value(seed)
    grads: dict[Value, Any] = {root: seed}
    stack = [root]
    observers = tuple(_edge_observers)
    while stack:
        n = stack.pop()
        op = n._op
        if op is None:
            continue
        g = grads[n]
        parents = n.parents
        if create_graph:
            local = _locals(op, parents, n)
        else:
            local = _locals(op, [p.data for p in parents], n.data)
        for i, (p, d) in enumerate(zip(parents, local)):
            c = g if (d.__class__ is float and d == 1.0) else g * d
            c = _reduce_to(p, c)
            for observe in observers:
                observe(n, i, p, g, d, c)
            prev = grads.get(p)
            grads[p] = c if prev is None else prev + c
            p._n -= 1
            if p._n == 0:
                stack.append(p)
    return grads


def gradients(
    output: Value,
    inputs: Value | Sequence[Value],
    grad: Any = None,
    create_graph: bool = False,
) -> Any:
    """d(output)/d(input) for each input, without touching any ``.grad``.

    Returns one gradient per input (a single one when ``inputs`` is a Value):
    floats (or arrays for batches), or Values when ``create_graph=True`` so the
    gradients can be differentiated again.  An input the output does not depend
    on gets 0.
    """
    single = isinstance(inputs, Value)
    wanted: Sequence[Any] = (inputs,) if single else tuple(inputs)  # type: ignore[arg-type]
    for w in wanted:
        if not isinstance(w, Value):
            raise TypeError(f"gradients: inputs must be Values, not {type(w).__name__}")
    if not isinstance(output, Value):
        raise TypeError(f"gradients: output must be a Value, not {type(output).__name__}")
    seed = _seed(output, grad, create_graph)
    with _one_pass(output):
        _count_consumers(output, zero_intermediate=False)
        grads = _run_general(output, seed, create_graph)
    result = []
    for w in wanted:
        g = grads.get(w)
        if g is None:
            g = _zeros_like(w.data)
            if create_graph:
                g = Value(g)
        result.append(g)
    return result[0] if single else result


# ---------------------------------------------------------------- graph walks
def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs before the nodes made from them."""
    order: list[Value] = []
    seen = {id(root)}
    stack: list[tuple[Value, Iterator[Value]]] = [(root, iter(root.parents))]
    while stack:
        node, it = stack[-1]
        for p in it:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(p.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def zero_grad(*values: Value | Iterable[Value]) -> None:
    """Zero the grads of the given Values and of every node they were computed from."""
    for v in values:
        for node in [v] if isinstance(v, Value) else v:
            node.zero_grad()


# ---------------------------------------------------------------- modes
@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = enabled
    _update_plain()
    try:
        yield
    finally:
        _grad_enabled = previous
        _update_plain()


def no_grad() -> AbstractContextManager[None]:
    """Build no graph inside the block: results are constants (leaves).

    For parameter updates and inference.  Restores the previous mode on exit.
    """
    return _grad_mode(False)


def enable_grad() -> AbstractContextManager[None]:
    """Record graphs inside the block, even within ``no_grad()`` (restored on exit)."""
    return _grad_mode(True)


def is_grad_enabled() -> bool:
    """False inside ``no_grad()``."""
    return _grad_enabled


# ---------------------------------------------------------------- for tools
def apply(op: Op, *args: Any) -> Value:
    """Build a node of ``op`` (a row like those of :mod:`autograd.ops`) on ``args``.

    This is how user-defined ops (``autograd.op``) enter graphs: they are
    checked, recorded and differentiated exactly like the built-in ones.
    """
    if op.arity == 1:
        if len(args) != 1:
            raise TypeError(f"{op.name}: takes 1 input, got {len(args)}")
        a = _lift(args[0])
        if a is None:
            raise TypeError(
                f"{op.name}: input must be a Value or a number, not {type(args[0]).__name__}"
            )
        return _apply1(op, a)
    if op.arity == 2:
        if len(args) != 2:
            raise TypeError(f"{op.name}: takes 2 inputs, got {len(args)}")
        result = _apply2(op, args[0], args[1])
        if result is NotImplemented:
            raise TypeError(f"{op.name}: inputs must be Values or numbers")
        return result
    return apply_nary(op, args)


def op_of(node: Value) -> Op | None:
    """The table row that made ``node`` (None for a leaf)."""
    return node._op


def local_derivatives(node: Value) -> tuple[Any, ...]:
    """d(node)/d(parent) for each parent, evaluated at the graph's current data.

    These are the factors the chain rule multiplies along every edge; a leaf
    has none.
    """
    op = node._op
    if op is None:
        return ()
    return tuple(_locals(op, [p.data for p in node.parents], node.data))


EdgeObserver = Callable[[Value, int, Value, Any, Any, Any], None]
NodeObserver = Callable[[Value], None]


@contextmanager
def observe(nodes: NodeObserver | None = None, edges: EdgeObserver | None = None) -> Iterator[None]:
    """Call ``nodes(v)`` for every op built and ``edges(node, i, parent, upstream,
    local, contribution)`` for every edge a backward pass crosses, inside the block.

    The tools of :mod:`autograd.anomaly` (anomaly mode, backward traces) are
    built on this; with no observer the engine runs its fast loops untouched.
    """
    if nodes is not None:
        _node_observers.append(nodes)
        _update_plain()
    if edges is not None:
        _edge_observers.append(edges)
    try:
        yield
    finally:
        if nodes is not None:
            _node_observers.remove(nodes)
            _update_plain()
        if edges is not None:
            _edge_observers.remove(edges)
