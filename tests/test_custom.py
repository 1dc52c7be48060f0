"""User-defined ops: forward + hand-written derivative from the input, the output or both.

Oracles: PyTorch (skipped when absent), sympy, and numpy formulas written here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.backward import gradients
from autograd.chain import explain
from autograd.custom import CustomOp, op
from autograd.gradchecks import gradcheck, gradgradcheck


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


SIG_INPUT = op(_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), uses="input", name="sig_in")
SIG_OUTPUT = op(_sigmoid, lambda z: z * (1 - z), uses="output", name="sig_out")
SIG_BOTH = op(_sigmoid, lambda x, z: z * (1 - z) + 0 * x, uses="both", name="sig_both")


@settings(max_examples=30, deadline=None)
@given(st.floats(-4, 4), st.floats(-2, 2))
def test_the_three_ways_of_writing_a_derivative_agree_with_torch(a: float, b: float) -> None:
    torch = pytest.importorskip("torch")
    ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    (torch.sigmoid(ta * tb) * tb).backward()
    for custom in (SIG_INPUT, SIG_OUTPUT, SIG_BOTH):
        x, w = Value(a), Value(b)
        out = custom(x * w) * w
        out.backward()
        assert out.op == "mul" and out.parents[0].op == custom.name
        assert x.grad == pytest.approx(ta.grad.item(), rel=1e-12, abs=1e-300)
        assert w.grad == pytest.approx(tb.grad.item(), rel=1e-12, abs=1e-300)


def test_decorator_form_and_repr() -> None:
    @op(derivative=lambda x: math.cos(x) * 2.0)
    def double_sin(x: float) -> float:
        return 2.0 * math.sin(x)

    assert isinstance(double_sin, CustomOp)
    assert double_sin.name == "double_sin"
    assert "input" in repr(double_sin)
    x = Value(0.3, label="x")
    y = double_sin(x)
    y.backward()
    assert y.data == pytest.approx(2 * math.sin(0.3), rel=1e-15)
    assert x.grad == pytest.approx(2 * math.cos(0.3), rel=1e-15)
    assert double_sin(0.3).data == pytest.approx(2 * math.sin(0.3))  # numbers become constants


def test_a_two_input_op_against_sympy() -> None:
    xs, ys = sp.symbols("x y")
    expr = xs * sp.exp(ys) + ys**2
    f = op(lambda x, y: x * math.exp(y) + y * y,
           lambda x, y: (math.exp(y), x * math.exp(y) + 2 * y), name="f2")
    assert f.row.arity == 2
    x, y = Value(0.4), Value(-0.7)
    out = f(x, y)
    gx, gy = gradients(out, [x, y])
    point = {xs: 0.4, ys: -0.7}
    assert gx == pytest.approx(float(sp.diff(expr, xs).subs(point)), rel=1e-12)
    assert gy == pytest.approx(float(sp.diff(expr, ys).subs(point)), rel=1e-12)
    assert gradcheck(lambda x, y: f(x, y), [x, y]).ok


def test_a_forward_written_with_math_runs_on_batches_sample_by_sample() -> None:
    x = Value(np.array([-1.0, 0.0, 2.0]), label="x")
    y = SIG_OUTPUT(x)
    expected = 1.0 / (1.0 + np.exp(-np.array([-1.0, 0.0, 2.0])))
    np.testing.assert_allclose(y.data, expected, rtol=1e-15)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, expected * (1 - expected), rtol=1e-14)
    x2 = Value(np.array([-1.0, 0.0, 2.0]))
    SIG_INPUT(x2).sum().backward()  # derivative written with math, fed arrays
    np.testing.assert_allclose(x2.grad, expected * (1 - expected), rtol=1e-14)


def test_second_derivative_of_an_arithmetic_rule_against_sympy() -> None:
    s = sp.symbols("s")
    sig = 1 / (1 + sp.exp(-s))
    x = Value(0.9)
    (g,) = gradients(SIG_OUTPUT(x), [x], create_graph=True)
    (h,) = gradients(g, [x])
    assert h == pytest.approx(float(sp.diff(sig, s, 2).subs(s, 0.9)), rel=1e-12)
    assert gradgradcheck(lambda x: SIG_OUTPUT(x) * x, [x]).ok


def test_misuse_is_reported_when_the_op_is_defined() -> None:
    with pytest.raises(ValueError, match="uses"):
        op(math.tanh, lambda x: 1 - x * x, uses="pre-activation")
    with pytest.raises(TypeError, match="uses='both'"):
        op(math.tanh, lambda z: 1 - z * z, uses="both")
    with pytest.raises(TypeError, match="derivative"):
        op(math.tanh)
    bad_pair = op(lambda x, y: x * y, lambda x, y: y, name="bad_pair")
    with pytest.raises(TypeError, match=r"\(dz/dx, dz/dy\)"):
        bad_pair(Value(1.0), Value(2.0)).backward()


def test_formula_and_kink_options() -> None:
    hinge = op(lambda x: max(x, 0.0) * 2.0, lambda x: 2.0 if x > 0 else 0.0,
               name="hinge2", formula="2 if x > 0 else 0", kink=lambda x: x == 0.0)
    assert hinge.row.formula == ("2 if x > 0 else 0",)
    result = gradcheck(lambda x: hinge(x), [Value(0.0, label="x")])
    assert result.rows[0].status == "kink"
    default = op(math.tanh, lambda z: 1 - z * z, uses="output", name="t")
    assert default.row.formula == ("t'(z)",)
    x = Value(0.2, label="x")
    explained = explain(default(x), x)
    (factor,) = explained.paths[0].factors
    assert factor.op == "t" and factor.formula == "t'(t(x))"  # z: the op's output, by its name
    assert factor.value == pytest.approx(1 - math.tanh(0.2) ** 2, rel=1e-15)


def test_two_input_ops_work_on_batches_and_bad_results_name_the_op() -> None:
    import numpy as np

    f = op(lambda x, y: x * y, lambda x, y: (y, x), name="times")
    a, b = Value(np.array([1.0, 2.0])), Value(np.array([3.0, 4.0]))
    f(a, b).sum().backward()
    assert list(a.grad) == [3.0, 4.0] and list(b.grad) == [1.0, 2.0]
    with pytest.raises(TypeError, match="op 'words': forward: returned str"):
        op(lambda x: "no", lambda x: 1.0, name="words")(Value(1.0))
    with pytest.raises(TypeError, match="op 'nothing': derivative: returned NoneType"):
        op(lambda x: x, lambda x: None, name="nothing")(Value(1.0)).backward()


@pytest.mark.parametrize("name", ["sq\x1b]0;hi\x07", "two\nlines", "x" * 101])
def test_an_op_name_every_tool_would_print_must_be_printable_and_short(name: str) -> None:
    """A name with an escape code reached the terminal through locate, check and gradcheck."""
    import math

    import autograd

    with pytest.raises(ValueError, match="op: the name must be printable text"):
        autograd.op(math.sin, math.cos, name=name)
