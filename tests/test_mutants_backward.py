"""The backward loops, pinned against oracles that do not come from the engine.

Each test states one property of ``autograd/backward.py`` (the float loop, the
data loop with its matrix forms for sibling nodes, the observed and
``create_graph`` sweep, ``gradients`` and the reduction of a batch to a float
input) and checks it against central finite differences, a derivative worked
out by hand, PyTorch where it is installed, or IEEE arithmetic.  They are the
first stage of ``python tools/mutate.py --target backward``: each is fast.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value, functions, modes
from autograd.backward import local_derivatives, masked
from autograd.nn import MLP, Layer

H = 1e-6


def central(f: Callable[[list[Any]], float], xs: Sequence[Any], k: int) -> Any:
    """d f / d xs[k] by central differences (a batch input: every sample at once, each
    sample's output depends on its own input only)."""
    lo, hi = list(xs), list(xs)
    lo[k] = xs[k] - H
    hi[k] = xs[k] + H
    return (np.asarray(f(hi)) - np.asarray(f(lo))) / (2 * H)


def close(got: Any, want: Any, rel: float = 1e-6) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                               rtol=rel, atol=rel)


def graph(v: Sequence[Any]) -> Any:
    """Every shape of rule: product, sum, difference, a general binary rule (/ and **),
    unary rules, sum, dot and max over many inputs, one input used many times."""
    a, b, c, d = v
    s = a * b + c
    t = (s - d) / (1.0 + a * a)
    u = functions.sum([t, a, s]) * 0.5
    w = functions.dot([a, b], [c, d], t)
    m = functions.max([a, b * 0.5, c])
    return (u.tanh() + w.sin() * m - (b ** 2.0) * d + (c * c + 1.0) ** d) + a


POINT = [0.7, -1.3, 0.4, 1.1]


def plain(xs: Sequence[float]) -> float:
    return float(graph([Value(x) for x in xs]).data)


@pytest.mark.parametrize("how", ["backward", "gradients", "observed", "create_graph"])
def test_every_loop_gives_the_central_difference_of_a_graph_with_every_rule_shape(how: str) -> None:
    leaves = [Value(x) for x in POINT]
    out = graph(leaves)
    if how == "backward":
        out.backward()
        got = [x.grad for x in leaves]
    elif how == "gradients":
        got = autograd.gradients(out, leaves)
    elif how == "observed":
        with modes.observe(edges=lambda *edge: None):
            got = autograd.gradients(out, leaves)
    else:
        got = [g.data for g in autograd.gradients(out, leaves, create_graph=True)]
    for k in range(4):
        close(got[k], central(plain, POINT, k))


def test_a_second_pass_adds_exactly_once_more_to_leaves_and_sets_intermediate_nodes() -> None:
    x, y = Value(1.5), Value(-0.5)
    mid = x * y
    out = mid * x + y  # d/dx = 2xy, d/dy = x**2 + 1, d/dmid = x
    x.grad = 10.0  # what a leaf held before is kept and added to
    out.backward()
    assert (x.grad, y.grad, mid.grad) == (10.0 + 2 * 1.5 * -0.5, 1.5**2 + 1, 1.5)
    out.backward()
    assert (x.grad, y.grad, mid.grad) == (10.0 + 2 * (2 * 1.5 * -0.5), 2 * (1.5**2 + 1), 1.5)


def test_constants_get_no_gradient_in_any_loop() -> None:
    for data in (2.0, np.array([2.0, 3.0])):
        x = Value(data)
        c = Value(data, requires_grad=False)
        c.grad = 0.0
        out = x * c + c
        (out if out.data.__class__ is float else out.sum()).backward()
        assert np.all(np.asarray(c.grad) == 0.0)
        close(x.grad, data)  # d(x c + c)/dx = c


def test_a_failed_pass_gives_every_node_back_what_it_held() -> None:
    def boom(x: float) -> float:
        raise ArithmeticError("no derivative")

    bad = autograd.op(lambda x: 2.0 * x, boom)
    x = Value(1.0)
    x.grad = 5.0
    mid = x * 3.0
    mid.grad = 7.0
    with pytest.raises(ArithmeticError):
        (bad(mid) + x).backward()
    assert (x.grad, mid.grad) == (5.0, 7.0)


@pytest.mark.parametrize("how", ["backward", "gradients", "observed"])
def test_a_flat_piece_passes_exactly_zero_even_from_an_infinite_upstream(how: str) -> None:
    """PyTorch's where(): relu, maximum, max and clamp pass 0, not 0 * inf = nan, from a
    pole (sqrt'(0) = inf) to an input on their flat piece; mul, which has no flat piece,
    passes inf * 0 = nan (IEEE), as PyTorch's does."""
    for data in (-1.0, np.array([-1.0, -2.0])):
        x = Value(data)
        pieces = [x.relu().sqrt(), (Value(5.0).maximum(x) - 5.0).sqrt(),
                  (x.minimum(Value(-5.0)) + 5.0).sqrt(),
                  (functions.max([Value(9.0), x]) - 9.0).sqrt(), (x.clamp(0.0, 1.0)).sqrt()]
        for out in pieces:
            root = out if out.data.__class__ is float else out.sum()
            if how == "backward":
                x.grad = 0.0
                root.backward()
                g = x.grad
            elif how == "gradients":
                (g,) = autograd.gradients(root, [x], allow_unused=True)
            else:
                with modes.observe(edges=lambda *edge: None):
                    (g,) = autograd.gradients(root, [x], allow_unused=True)
            assert not np.any(np.isnan(np.asarray(g, dtype=float))), (how, root)
        w = Value(data)
        root = (w * Value(0.0)).sqrt()  # d(w*0)/dw = 0 through sqrt'(0) = inf: nan
        root = root if root.data.__class__ is float else root.sum()
        (g,) = autograd.gradients(root, [w])
        assert np.all(np.isnan(np.asarray(g, dtype=float)))
        root.backward()
        assert np.all(np.isnan(np.asarray(w.grad, dtype=float)))
        u, v = Value(np.zeros_like(data) if isinstance(data, np.ndarray) else 0.0), Value(2.0)
        root = (u.hypot(v) - 2.0).sqrt()  # through a general binary rule too: d/du = u/z = 0
        root = root if root.data.__class__ is float else root.sum()
        root.backward()
        assert np.all(np.isnan(np.asarray(u.grad, dtype=float)))


@pytest.mark.parametrize("how", ["backward", "gradients", "observed"])
def test_a_batch_graph_with_float_weights_gives_the_central_differences(how: str) -> None:
    """Float weights feeding batches get the sum over the samples; batch inputs one
    gradient per sample, whatever mix of float and batch operands each rule has."""
    xs = np.array([0.3, -0.8, 1.7, 0.05])

    def build(v: Sequence[Any]) -> Any:
        w, b, x, c = v
        u = w * x + b            # float * batch, batch + float
        t = x * w - c            # batch * float, batch - float
        s = b - x / (w * w + 1)  # float - batch, batch / float
        p = (x * x + 1.0) ** w   # batch ** float
        q = (w + b) * c          # float only, inside a batch graph
        r = x.tanh() * x + u.sin() * t + s * p + q
        return r.relu() + r * 0.5

    point = [0.9, -0.4, xs, 1.25]

    def f(v: list[Any]) -> Any:
        out = build([Value(p) for p in v])
        return np.asarray(out.data)

    leaves = [Value(p) for p in point]
    out = build(leaves)
    if how == "backward":
        out.sum().backward()
        got = [v.grad for v in leaves]
    elif how == "gradients":
        got = autograd.gradients(out.sum(), leaves)
    else:
        with modes.observe(edges=lambda *edge: None):
            got = autograd.gradients(out.sum(), leaves)
    for k in (0, 1, 3):
        assert np.asarray(got[k]).shape == ()
        close(got[k], np.sum(central(f, point, k)))
    close(got[2], central(f, point, 2))


def _net_loss(net: MLP, X: np.ndarray, y: np.ndarray) -> Value:
    out = net([Value(col) for col in X.T])
    return ((out - y) * (out - y)).mean()


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_a_network_on_a_batch_gives_every_parameter_its_central_difference(activation: str) -> None:
    """The matrix forms of the data loop (a layer's dot nodes as G X^T, W^T G; its
    activations as one rule on a block) against finite differences of the loss."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((7, 3))
    y = rng.standard_normal(7)
    net = MLP(3, [4, 3, 1], activations=[activation, activation, "linear"], seed=2)
    params = net.parameters()
    loss = _net_loss(net, X, y)
    loss.backward()
    got = [p.grad for p in params]
    for p, g in zip(params, got):
        keep = p.data
        p.data = keep + H
        hi = _net_loss(net, X, y).data
        p.data = keep - H
        lo = _net_loss(net, X, y).data
        p.data = keep
        close(g, (hi - lo) / (2 * H), rel=1e-5)


def test_a_layer_gives_its_batch_inputs_their_central_differences() -> None:
    rng = np.random.default_rng(1)
    cols = [rng.standard_normal(6) for _ in range(3)]
    for width in (1, 4):
        layer = Layer(3, width, activation="tanh", seed=3)
        scale = [1.0, -2.0, 0.5, 3.0][:width]

        def f(v: list[Any], layer: Layer = layer, scale: list[float] = scale) -> Any:
            outs = layer.outputs([Value(c) for c in v])
            return np.asarray(functions.sum([o * s for o, s in zip(outs, scale)]).data)

        leaves = [Value(c) for c in cols]
        outs = layer.outputs(leaves)
        total = functions.sum([o * s for o, s in zip(outs, scale)]).sum()
        got = autograd.gradients(total, leaves)
        for k in range(3):
            close(got[k], central(f, cols, k))
        with modes.observe(edges=lambda *edge: None):
            observed = autograd.gradients(total, leaves)
        for a, b in zip(got, observed):
            close(a, b, rel=1e-12)


def test_siblings_used_unevenly_give_the_central_differences() -> None:
    """Neurons of one layer whose outputs are read at different depths, one twice, one
    by a second layer only: the data loop must wait for every sibling's gradient."""
    rng = np.random.default_rng(9)
    cols = [rng.standard_normal(5) for _ in range(2)]
    first = Layer(2, 3, activation="tanh", seed=4)
    second = Layer(3, 2, activation="sigmoid", seed=6)

    def build(v: Sequence[Any]) -> Any:
        h = first.outputs(list(v))
        k = second.outputs(h)
        return (h[0] * h[0] + k[0] * h[1] + k[1]).tanh() + h[2] * 0.25

    def f(v: list[Any]) -> Any:
        return np.asarray(build([Value(c) for c in v]).data)

    leaves = [Value(c) for c in cols]
    out = build(leaves).sum()
    params = first.parameters() + second.parameters()
    got = autograd.gradients(out, leaves + params)
    for k in range(2):
        close(got[k], central(f, cols, k))
    for p, g in zip(params, got[2:]):
        keep = p.data
        p.data = keep + H
        hi = float(np.sum(f(cols)))
        p.data = keep - H
        lo = float(np.sum(f(cols)))
        p.data = keep
        close(g, (hi - lo) / (2 * H), rel=1e-5)


def test_batch_gradients_are_fresh_arrays_that_alias_nothing() -> None:
    """Two inputs that get the same gradient (x + y) get two arrays; none is the seed or
    any data, and writing into one changes no other."""
    x, y = Value(np.array([1.0, 2.0])), Value(np.array([3.0, 4.0]))
    z = x + y
    out = z * 2.0 + x
    seed = np.array([1.0, 1.0])
    gx, gy, gz = autograd.gradients(out, [x, y, z], grad=seed)
    close(gx, [3.0, 3.0])
    close(gy, [2.0, 2.0])
    close(gz, [2.0, 2.0])
    arrays = [gx, gy, gz, seed, x.data, y.data, z.data, out.data]
    for i, a in enumerate(arrays):
        for b in arrays[i + 1:]:
            assert not np.shares_memory(a, b)
    out.backward(seed)
    x2, y2 = Value(np.array([1.0, 2.0])), Value(np.array([3.0, 4.0]))
    (x2 + y2).backward(np.array([1.0, 1.0]))
    assert not np.shares_memory(x2.grad, y2.grad)
    x2.grad += 1.0
    close(y2.grad, [1.0, 1.0])
    close(seed, [1.0, 1.0])


def test_batch_leaves_accumulate_and_float_leaves_get_the_sum_over_samples() -> None:
    x = Value(np.array([1.0, -2.0, 0.5]))
    w = Value(3.0)
    out = (w * x * x).sum()  # d/dx = 2 w x, d/dw = sum x**2
    for k in (1, 2):
        out.backward()
        close(x.grad, k * 2 * 3.0 * np.array([1.0, -2.0, 0.5]))
        assert w.grad.__class__ is float
        close(w.grad, k * (1.0 + 4.0 + 0.25))


def test_gradients_touch_no_grad_and_answer_in_the_shape_asked() -> None:
    x, y, unused = Value(2.0), Value(3.0), Value(1.0)
    out = x * y
    assert autograd.gradients(out, x) == 3.0
    assert autograd.gradients(out, [x, y]) == [3.0, 2.0]
    assert x.grad == 0.0 and y.grad == 0.0 and out.grad == 0.0
    with pytest.raises(ValueError):
        autograd.gradients(out, [x, unused])
    assert autograd.gradients(out, [x, unused], allow_unused=True) == [3.0, 0.0]
    batch = Value(np.array([1.0, 2.0]))
    zero = autograd.gradients(out, batch, allow_unused=True)
    assert isinstance(zero, np.ndarray) and zero.shape == (2,) and not zero.any()
    made = autograd.gradients(out, [x, unused], create_graph=True, allow_unused=True)
    assert all(isinstance(g, Value) for g in made)
    assert [g.data for g in made] == [3.0, 0.0]
    with pytest.raises(TypeError):
        autograd.gradients(out, [x, 2.0])  # type: ignore[list-item]


def test_second_derivatives_by_hand_on_floats_and_batches() -> None:
    """f = x**3 y + sin x: f_xx = 6 x y - sin x, f_xy = 3 x**2."""
    for data in (0.8, np.array([0.8, -1.1, 2.0])):
        x, y = Value(data), Value(1.7)
        f = x ** 3.0 * y + x.sin()
        f = f if f.data.__class__ is float else f.sum()
        fx = autograd.gradients(f, x, create_graph=True)
        assert isinstance(fx, Value)
        close(fx.data, 3 * np.asarray(data) ** 2 * 1.7 + np.cos(data))
        fxx, fxy = autograd.gradients(fx.sum() if fx.data.__class__ is not float else fx, [x, y])
        close(fxx, 6 * np.asarray(data) * 1.7 - np.sin(data))
        close(fxy, np.sum(3 * np.asarray(data) ** 2))


def test_a_float_weight_of_a_batch_gets_a_float_value_under_create_graph() -> None:
    """d/dw sum_i (w x_i)**2 = 2 w sum x_i**2, a float Value; its derivative 2 sum x_i**2."""
    xs = np.array([1.0, 2.0, -1.0])
    w = Value(0.5)
    dw = autograd.gradients((w * Value(xs)) ** 2.0, w, grad=np.ones(3), create_graph=True)
    assert isinstance(dw, Value) and dw.data.__class__ is float
    close(dw.data, 2 * 0.5 * 6.0)
    close(autograd.gradients(dw, w), 12.0)


def test_a_value_seed_is_differentiated_only_under_create_graph() -> None:
    x, s = Value(2.0), Value(3.0)
    g = autograd.gradients(x * x, x, grad=s, create_graph=True)  # 2 x s
    close(g.data, 12.0)
    close(autograd.gradients(g, [x, s]), [6.0, 4.0])
    assert autograd.gradients(x * x, x, grad=s) == 12.0


def test_create_graph_backward_leaves_values_that_differentiate_again() -> None:
    x = Value(1.3)
    (x ** 3.0).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    close(x.grad.data, 3 * 1.3**2)
    close(autograd.gradients(x.grad, x), 6 * 1.3)


def test_the_observer_sees_every_edge_once_with_upstream_times_local() -> None:
    a, b = Value(0.5), Value(-2.0)
    mid = a * b
    out = (mid + a).tanh() * mid
    edges: list[tuple[Any, ...]] = []
    with modes.observe(edges=lambda *edge: edges.append(edge)):
        got = autograd.gradients(out, [a, b])
    pairs = sorted((id(n), i) for n, i, *_ in edges)
    assert len(pairs) == len(set(pairs)) == 2 + 2 + 1 + 2  # out, tanh's add, tanh, mid
    for n, i, p, g, d, c in edges:
        assert n.parents[i] is p
        close(c, g * d, rel=1e-15)
    t = math.tanh(0.5 * -2.0 + 0.5)
    m = 0.5 * -2.0
    # out = tanh(m + a) m: d/da = (1 - t**2)(b + 1) m + t b, d/db = (1 - t**2) a m + t a
    close(got, [(1 - t * t) * (-2.0 + 1) * m + t * -2.0, (1 - t * t) * 0.5 * m + t * 0.5])


def test_local_derivatives_are_the_rules_at_the_data() -> None:
    x, y = Value(3.0), Value(-2.0)
    assert local_derivatives(x * y) == (-2.0, 3.0)
    assert local_derivatives(x) == ()
    close(local_derivatives(y.tanh()), [1 - math.tanh(-2.0) ** 2])
    assert local_derivatives(functions.dot([x], [y], 1.0))[:2] == (-2.0, 3.0)


def test_masked_zeroes_a_contribution_only_where_the_local_derivative_is_zero() -> None:
    assert masked(math.inf, 0.0) == 0.0
    assert masked(math.inf, 2.0) == math.inf
    close(masked(np.array([math.inf, 5.0]), np.array([0.0, 1.0])), [0.0, 5.0])
    v = masked(Value(math.nan), Value(0.0, requires_grad=False))
    assert isinstance(v, Value) and v.data == 0.0
    v = masked(Value(math.nan), 0.0)
    assert isinstance(v, Value) and v.data == 0.0 and not v.requires_grad
    live = Value(0.0)
    kept = Value(math.nan)
    assert masked(kept, live) is kept
    # a finite batch: a flat piece passes +0.0, as float mode's (not -3 * 0 = -0.0); a zero
    # of the other sign through a live piece stays as it is
    out = masked(np.array([-3.0, -3.0, -0.0]) * np.array([0.0, 1.0, 1.0]), np.array([0.0, 1.0, 1.0]))
    assert [(float(c), math.copysign(1.0, c)) for c in out] == [(0.0, 1.0), (-3.0, -1.0),
                                                                 (0.0, -1.0)]
    # a number against a batch's local derivatives (no array of its own to set in place)
    assert masked(-5.0, np.array([0.0, 2.0])).tolist() == [0.0, -5.0]
    assert math.copysign(1.0, masked(-5.0, np.array([0.0, 2.0]))[0]) == 1.0


def test_torch_agrees_on_a_batch_graph_with_flat_pieces() -> None:
    torch = pytest.importorskip("torch")
    xs = np.array([-1.5, -0.2, 0.0, 0.7, 2.5])
    x = Value(xs)
    w = Value(0.8)
    out = ((x * w).relu().sqrt() + x.maximum(Value(0.3)) * w + x.clamp(-1.0, 1.0)).sum()
    gx, gw = autograd.gradients(out, [x, w])
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    tout = ((tx * tw).relu().sqrt() + torch.maximum(tx, torch.tensor(0.3, dtype=torch.float64)) * tw
            + tx.clamp(-1.0, 1.0)).sum()
    tout.backward()
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(gw, tw.grad.item(), rtol=1e-14)


SHAPES: dict[str, tuple[Callable[[Any, Any], Any], Callable[[float, float], tuple[float, float]]]] = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: (1.0 / b, -a / b**2)),
    "maximum": (lambda a, b: a.maximum(b), lambda a, b: (1.0, 0.0) if a > b else (0.0, 1.0)),
    "dot": (lambda a, b: functions.dot([a], [b], 0.0), lambda a, b: (b, a)),
    "tanh": (lambda a, b: a.tanh() * b, lambda a, b: ((1 - math.tanh(a) ** 2) * b, math.tanh(a))),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("where", ["first", "second", "both"])
@pytest.mark.parametrize("how", ["backward", "gradients", "observed", "batch"])
def test_a_node_with_several_consumers_collects_from_each_of_them(shape: str, where: str,
                                                                  how: str) -> None:
    """x feeds the op (as its first input, its second or both) and two other nodes, before
    and after it in the graph: d/dx = the op's local derivatives by hand + 3 + 2x."""
    op, local = SHAPES[shape]
    xv, yv = 1.25, -0.5
    x_data: Any = np.array([xv, xv]) if how == "batch" else xv
    x, y = Value(x_data), Value(yv)
    early = x * 3.0
    node = op(x, y) if where == "first" else (op(y, x) if where == "second" else op(x, x))
    out = early + node + x * x
    if where == "first":
        want = local(xv, yv)[0]
    elif where == "second":
        want = local(yv, xv)[1]
    else:
        want = sum(local(xv, xv))
    want += 3.0 + 2 * xv
    root = out.sum() if how == "batch" else out
    if how in ("backward", "batch"):
        root.backward()
        got = x.grad
        root.backward()  # once more: exactly twice on the leaf
        close(x.grad, 2 * np.asarray(got), rel=0.0)
    elif how == "gradients":
        got = autograd.gradients(root, x)
    else:
        with modes.observe(edges=lambda *edge: None):
            got = autograd.gradients(root, x)
    close(got, np.full(np.shape(x_data), want), rel=1e-12)


@pytest.mark.parametrize("how", ["backward", "gradients"])
def test_gradients_passed_on_unchanged_are_never_added_into(how: str) -> None:
    """s = x + y, t = s + x, out = 2 t + s: d/dt = 2, d/ds = 3, d/dx = 5, d/dy = 3 on every
    sample.  The adds pass one node's gradient array on to others as it is; adding a
    later contribution into it in place would change the first node's gradient."""
    x, y = Value(np.array([1.0, 2.0, 3.0])), Value(np.array([0.5, 0.5, 0.5]))
    s = x + y
    t = s + x
    out = t * 2.0 + s
    nodes = [out, t, s, x, y]
    if how == "backward":
        out.backward(np.ones(3))
        got = [n.grad for n in nodes]
    else:
        got = autograd.gradients(out, nodes, grad=np.ones(3))
    for g, want in zip(got, [1.0, 2.0, 3.0, 5.0, 3.0]):
        np.testing.assert_array_equal(g, np.full(3, want))
    for i, a in enumerate(got):
        for b in got[i + 1:]:
            assert not np.shares_memory(a, b)


@pytest.mark.parametrize("how", ["backward", "gradients", "observed"])
def test_a_float_input_of_a_flat_piece_over_a_batch_gets_the_sum_over_the_samples(how: str) -> None:
    """maximum(w, x_i) passes 1 to w where w wins, 1/2 at a tie, 0 where x_i wins (even from
    an infinite upstream); relu(w x_i) passes x_i where w x_i > 0.  So d/dw of
    sum_i sqrt(maximum(w, x_i) - x_i) + relu(w x_i) is a float: the sum of the pieces."""
    xs = np.array([-1.0, 0.5, 2.0, 3.0])
    w = Value(1.0)
    x = Value(xs)
    out = ((w.maximum(x) - x + 1.0).sqrt() + (w * x).relu()).sum()
    # the winners (-1 and 0.5): 1 / (2 sqrt(1 - x + 1)); relu: x_i where x_i > 0
    want = sum(1.0 / (2 * math.sqrt(2.0 - v)) for v in (-1.0, 0.5)) + (0.5 + 2.0 + 3.0)
    if how == "backward":
        out.backward()
        got = w.grad
    elif how == "gradients":
        got = autograd.gradients(out, w)
    else:
        with modes.observe(edges=lambda *edge: None):
            got = autograd.gradients(out, w)
    assert got.__class__ is float
    close(got, want, rel=1e-13)


def test_a_dot_of_no_weights_passes_its_gradient_to_the_bias() -> None:
    """dot([], [], b) = b: d/db = 1, on floats and batches (no matrix form applies)."""
    for data in (2.0, np.array([1.0, 2.0, 3.0])):
        b = Value(data)
        out = functions.dot([], [], b) * 3.0
        out = out if out.data.__class__ is float else out.sum()
        np.testing.assert_array_equal(autograd.gradients(out, b), np.full(np.shape(data), 3.0))


def test_dots_built_one_by_one_on_the_same_inputs_give_the_central_differences() -> None:
    """Sibling dot nodes that are not the rows of one block (built by separate calls, in
    any order of use) are still evaluated right: d/dw_jk = sum_i g_j x_k, d/dx_k = sum_j w_jk g_j."""
    rng = np.random.default_rng(4)
    cols = [rng.standard_normal(5) for _ in range(2)]
    W = [[0.5, -1.5], [2.0, 0.25], [-0.75, 1.0]]

    def build(v: Sequence[Any], ws: Sequence[Sequence[Any]]) -> Any:
        d = [functions.dot(list(w), list(v), 0.1 * j) for j, w in enumerate(ws)]
        return d[2].tanh() * d[0] + d[1] * d[1] + d[0]

    leaves = [Value(c) for c in cols]
    weights = [[Value(w) for w in row] for row in W]
    out = build(leaves, weights).sum()
    flat = [w for row in weights for w in row]
    got = autograd.gradients(out, leaves + flat)
    for k in range(2):
        close(got[k], central(lambda v: build([Value(c) for c in v], W).data, cols, k))
    for idx, g in enumerate(got[2:]):
        j, k = divmod(idx, 2)

        def f(step: float, j: int = j, k: int = k) -> float:
            ws = [list(row) for row in W]
            ws[j][k] += step
            return float(np.sum(build([Value(c) for c in cols], ws).data))

        close(g, (f(H) - f(-H)) / (2 * H), rel=1e-5)


def test_a_layer_reading_a_constant_and_a_leaf_gives_the_leaf_its_gradient() -> None:
    """backward() computes no gradient for constant inputs (data), but still every other
    input's: here d/dx of sum_j tanh(w_j0 c + w_j1 x + b_j), against central differences."""
    rng = np.random.default_rng(8)
    c_data, x_data = rng.standard_normal(6), rng.standard_normal(6)
    layer = Layer(2, 3, activation="tanh", seed=5)

    def f(v: list[Any]) -> Any:
        c = Value(v[0], requires_grad=False)
        return np.asarray(functions.sum(layer.outputs([c, Value(v[1])])).data)

    c = Value(c_data, requires_grad=False)
    x = Value(x_data)
    functions.sum(layer.outputs([c, x])).sum().backward()
    close(x.grad, central(f, [c_data, x_data], 1))
    assert not np.any(c.grad)


@pytest.mark.parametrize("row", ["neg", "identity", "tanh", "relu", "leaky_relu", "exp"])
def test_one_rule_on_a_block_of_activations_gives_the_central_differences(row: str) -> None:
    """A layer's activations, evaluated together by the data loop as one call of the rule
    on a block (a constant rule like neg's -1 too), against central differences."""
    from autograd import ops

    op = {"neg": ops.NEG, "identity": ops.IDENTITY, "leaky_relu": ops.leaky_relu_op(0.2)}.get(
        row) or ops.UNARY_FUNCTIONS[row]
    rng = np.random.default_rng(12)
    cols = [rng.standard_normal(6) for _ in range(2)]
    W = rng.standard_normal((3, 2)).tolist()
    B = rng.standard_normal(3).tolist()
    scale = [1.0, -2.0, 0.5]

    def build(v: Sequence[Any]) -> Any:
        acts = functions.apply_each(op, functions.dots(W, list(v), B))
        return functions.dot(scale, acts, 0.0)  # one node reads them all: a block's gradient

    leaves = [Value(c) for c in cols]
    got = autograd.gradients(build(leaves).sum(), leaves)
    for k in range(2):
        close(got[k], central(lambda v: build([Value(c) for c in v]).data, cols, k))


@pytest.mark.parametrize("kind", ["dots", "activations"])
def test_a_sibling_whose_second_consumer_comes_later_is_waited_for(kind: str) -> None:
    """root = (2 s1 + s0) + 3 s1 over siblings s0, s1 (a layer's dots, or their tanh): the
    loop reaches s0 when only one of s1's two consumers has passed its gradient on, so
    the siblings must not be evaluated together yet.  d/dx by central differences."""
    rng = np.random.default_rng(21)
    cols = [rng.standard_normal(5) for _ in range(2)]
    W = [[0.5, -1.5], [2.0, 0.25]]
    B = [0.1, -0.3]

    def build(v: Sequence[Any]) -> Any:
        s = functions.dots(W, list(v), B)
        if kind == "activations":
            s = functions.apply_each(autograd.ops.TANH, s)
        return (2.0 * s[1] + s[0]) + s[1] * 3.0  # s1 read as a second input, then a first

    leaves = [Value(c) for c in cols]
    got = autograd.gradients(build(leaves).sum(), leaves)
    for k in range(2):
        close(got[k], central(lambda v: build([Value(c) for c in v]).data, cols, k))


def test_an_op_without_flat_pieces_on_a_block_passes_inf_times_zero_as_nan() -> None:
    """cos'(0) = -sin(0) = -0 times an infinite upstream is nan (IEEE, and PyTorch's): only
    rows with flat pieces mask.  A layer's block of cos activations, read by one node,
    with a seed of inf at the sample where every pre-activation is 0."""
    xs = [Value(np.array([0.0, 1.0])), Value(np.array([0.0, 0.7]))]
    acts = functions.apply_each(autograd.ops.COS, functions.dots([[1.0, 2.0], [0.5, -1.0]], xs,
                                                                 [0.0, 0.0]))
    out = functions.dot([1.0, -2.0], acts, 0.0)
    g0, g1 = autograd.gradients(out, xs, grad=np.array([math.inf, 1.0]))
    assert math.isnan(g0[0]) and math.isnan(g1[0])
    assert math.isfinite(g0[1]) and math.isfinite(g1[1])


def test_a_masked_op_on_a_block_passes_exactly_zero_from_an_infinite_upstream() -> None:
    """relu on a layer's block, read by one node, with a seed of inf at the sample where
    every pre-activation is negative: that sample gets exactly 0 (PyTorch's where()); at
    the others, relu' = 1 where the pre-activation is positive (by hand: 1 w1 - 3 w2)."""
    xs = [Value(np.array([-1.0, 1.0, 2.0]))]
    acts = functions.apply_each(autograd.ops.RELU, functions.dots([[1.0], [2.0]], xs, [0.0, 0.0]))
    out = functions.dot([1.0, -3.0], acts, 0.0)
    (g,) = autograd.gradients(out, xs, grad=np.array([math.inf, 1.0, 2.0]))
    close(g, [0.0, 1.0 - 6.0, 2 * (1.0 - 6.0)], rel=0.0)


@pytest.mark.parametrize("reader", ["sum", "dot"])
def test_separate_dots_read_by_one_node_give_the_central_differences(reader: str) -> None:
    """Dots on the same inputs made by separate calls (not rows of one block), all read by
    one node: evaluated together, in the order they were made, against central differences."""
    rng = np.random.default_rng(14)
    cols = [rng.standard_normal(4) for _ in range(2)]
    W = [[0.5, -1.5], [2.0, 0.25], [-0.75, 1.0]]

    def build(v: Sequence[Any]) -> Any:
        d = [functions.dot(w, list(v), 0.1 * j) for j, w in enumerate(W)]
        return functions.sum(d) if reader == "sum" else functions.dot([1.0, -2.0, 3.0], d, 0.0)

    leaves = [Value(c) for c in cols]
    got = autograd.gradients(build(leaves).sum(), leaves)
    for k in range(2):
        close(got[k], central(lambda v: build([Value(c) for c in v]).data, cols, k))


def test_a_one_input_layer_is_evaluated_in_matrix_form_too(monkeypatch: Any) -> None:
    """The dots of a layer with one input (k = 1) are siblings like any other's."""
    from autograd import backward_data as engine

    sizes: list[int] = []
    dots = engine._dots

    def count(members: Any, *rest: Any) -> bool:
        done = dots(members, *rest)
        if done:
            sizes.append(len(members))
        return done

    monkeypatch.setattr(engine, "_dots", count)
    net = MLP(1, [3, 1], activations=["tanh", "linear"], seed=3)
    net([Value(np.linspace(-1.0, 1.0, 8))]).sum().backward()
    assert sorted(sizes) == [1, 3]


def test_a_batch_reduced_deep_inside_a_float_graph_gives_floats_to_float_leaves() -> None:
    """loss = tanh(2 sum_i w x_i + c) with c a constant: the batch is more than two ops below
    the root, so backward starts on the float loop's preparations and must switch to the
    data loop.  d/dw = (1 - loss**2) 2 sum x_i, a float; the constant keeps grad 0."""
    xs = np.array([0.5, -1.0, 0.25])
    w, c = Value(0.3), Value(0.1, requires_grad=False)
    loss = ((Value(xs) * w).sum() * 2.0 + c).tanh()
    t = math.tanh(2 * 0.3 * xs.sum() + 0.1)
    loss.backward()
    assert w.grad.__class__ is float
    close(w.grad, (1 - t * t) * 2 * xs.sum(), rel=1e-13)
    assert c.grad == 0.0


def test_backward_refuses_a_graph_recorded_under_no_grad() -> None:
    x = Value(2.0)
    with autograd.no_grad():
        y = x * 3.0
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


@pytest.mark.parametrize("before", [None, 1.0, -2.5])
def test_a_leaf_adds_the_pass_to_whatever_it_held(before: Any) -> None:
    """grad None (cleared, as PyTorch's set_to_none) or any number: after a pass it holds
    that number (None as 0) plus d(x**2)/dx = 2x."""
    x = Value(1.5)
    x.grad = before
    (x * x).backward()
    assert x.grad == (before or 0.0) + 3.0


def test_gradients_refuses_a_graph_recorded_under_no_grad() -> None:
    x = Value(2.0)
    with autograd.no_grad():
        y = x * 3.0
    with pytest.raises(RuntimeError, match="no_grad"):
        autograd.gradients(y, x)


@pytest.mark.parametrize("before", [None, 1.0, -2.5])
def test_a_batch_leaf_adds_the_pass_to_whatever_it_held(before: Any) -> None:
    """The data loop's leaves too: None (cleared) or a number, plus d(x**2)/dx = 2x."""
    x = Value(np.array([1.5, -1.0]))
    x.grad = before
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, (before or 0.0) + 2 * np.array([1.5, -1.0]))


ORDERS: dict[str, Callable[[Any, Any], Any]] = {
    # s1 read as a first input between the siblings, as a second input after them (s0 is
    # read as a first input, s0 * 1.5, so that only s1's count is at stake)
    "a-between, b-after": lambda s0, s1: (s1 * 2.0 + s0 * 1.5) + Value(3.0) * s1,
    "a, a between, b after": lambda s0, s1: ((s1 * 2.0 + s1 * 5.0) + s0 * 1.5) + Value(3.0) * s1,
    "a between, a, b after": lambda s0, s1: ((s1 * 2.0 + s0 * 1.5) + s1 * 5.0) + Value(3.0) * s1,
}


@pytest.mark.parametrize("order", sorted(ORDERS))
@pytest.mark.parametrize("kind", ["dots", "activations"])
def test_siblings_read_as_first_and_second_inputs_are_waited_for(order: str, kind: str) -> None:
    """Siblings s0, s1 where s1 is read by several nodes, as a first input (a) and as a
    second one (b), some of them between s1 and s0 in the graph's order: the loop reaches
    s0 while some of s1's readers have not passed their gradient on, and must count every
    reader of either kind.  d/dx by central differences."""
    rng = np.random.default_rng(31)
    cols = [rng.standard_normal(4) for _ in range(2)]
    W = [[0.5, -1.5], [2.0, 0.25]]
    B = [0.1, -0.3]

    def build(v: Sequence[Any]) -> Any:
        s = functions.dots(W, list(v), B)
        if kind == "activations":
            s = functions.apply_each(autograd.ops.TANH, s)
        return ORDERS[order](s[0], s[1])

    leaves = [Value(c) for c in cols]
    got = autograd.gradients(build(leaves).sum(), leaves)
    for k in range(2):
        close(got[k], central(lambda v: build([Value(c) for c in v]).data, cols, k))


def test_a_relu_layer_evaluated_as_a_block_masks_an_infinite_upstream_like_each_sample() -> None:
    """A relu layer whose activations the data loop evaluates together (one block): an
    infinite upstream gradient meets the flat pieces of sample 0.  The batch gradient must
    equal each sample's own float pass (the float loop, which skips flat pieces): the mask
    is read from the local derivatives, not from the products written over them."""
    net = MLP(1, [3, 3, 1], activations=["relu", "relu", "linear"], seed=2)
    data = np.array([-2.0, -0.5, 0.5, 2.0])
    seed = np.array([math.inf, 1.0, 1.0, 1.0])
    x = Value(data)
    (got,) = autograd.gradients(net([x]), [x], grad=seed)
    for i, xi in enumerate(data):
        v = Value(float(xi))
        (want,) = autograd.gradients(net([v]), [v], grad=float(seed[i]))
        assert got[i] == want or (math.isnan(got[i]) and math.isnan(want)), (i, got[i], want)


@pytest.mark.parametrize("row", ["exp", "neg", "identity", "tanh", "sin", "square"])
def test_a_layer_of_any_activation_gives_the_sum_of_per_sample_gradients(row: str) -> None:
    """A layer's activations are evaluated together as one block (the rule called once on
    the block's data). Whatever the rule returns (its own output, as exp's does, a number,
    as neg's and the identity's do, or a fresh array), the weights' gradients equal the sum
    of per-sample float passes, and no node's data is written over."""
    from autograd import layers, ops
    from tests.test_batch_layers import assert_sums, per_sample_grads

    op = {"exp": ops.EXP, "neg": ops.NEG, "identity": ops.IDENTITY, "tanh": ops.TANH,
          "sin": ops.SIN, "square": ops.pow_const_op(2.0)}[row]
    rng = np.random.default_rng(11)
    X = rng.standard_normal((9, 2)) * 0.5
    W = [[Value(float(w)) for w in rng.standard_normal(2)] for _ in range(3)]
    B = [Value(float(b)) for b in rng.standard_normal(3)]
    params = [p for ws in W for p in ws] + B
    # a next layer of two neurons reads them all: each activation has two readers
    W2 = [[Value(float(w)) for w in rng.standard_normal(3)] for _ in range(2)]
    B2 = [Value(0.25), Value(-0.5)]
    params += W2[0] + W2[1] + B2

    def build(xs: list[Value]) -> Value:
        acts = layers.apply_each(op, layers.dots(W, xs, B))
        top = layers.dots(W2, acts, B2)
        return top[0] + 3.0 * top[1]

    singles = per_sample_grads(build, X, params)
    for p in params:
        p.grad = 0.0
    xs = [Value(c.copy()) for c in X.T]
    acts = layers.apply_each(op, layers.dots(W, xs, B))
    top = layers.dots(W2, acts, B2)
    loss = (top[0] + 3.0 * top[1]).sum()
    before = [a.data.copy() for a in acts] + [x.data.copy() for x in xs]
    loss.backward()
    assert_sums(params, singles)
    for kept, now in zip(before, [a.data for a in acts] + [x.data for x in xs]):
        np.testing.assert_array_equal(kept, now)
