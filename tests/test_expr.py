"""The command line's expression parser: it parses, it never evaluates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.expr import ExpressionError, parse

HOSTILE = [
    "__import__('os').system('echo hacked')", "x.__class__", "().__class__.__bases__[0]",
    "open('/etc/passwd')", "eval('1')", "exec('x=1')", "lambda: 1", "[x for x in y]",
    "{x: 1}", "x[0]", "'text'", "b'bytes'", "f'{x}'", "x if y else z", "x and y", "not x",
    "x == y", "x < 1", "(x := 3)", "*x", "x @ y", "x << 1", "~x", "x ^ y",
    "tanh(x=1)", "tanh", "tanh(x, y)", "sin()", "getattr(x, 'y')", "1j", "True", "None", "...",
    "x; y", "import os", "x = 1", "1e999", "1e-400", "x * 2.5e-999", "9" * 400, "(" * 500 + "x" + ")" * 500,
    "-" * 5000 + "x", "x" * 3000, "", "   ", "\x00", "x\ny", "leaky_relu(x, y)", "elu(x, 'a')",
    "await x", "sum([x])", "x.real", "tanh(x)(y)", "atan2(x)", "clamp(x, 1)", "max()",
    "hardtanh(x, y)", "celu(x, 1, 2)", "softmax(x)", "maximum(x, y, z)", "x % 'a'",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_with_the_documented_error(text: str) -> None:
    with pytest.raises(ExpressionError) as err:
        parse(text)
    assert "\n" not in str(err.value) and str(err.value)


def test_errors_point_at_the_offending_part() -> None:
    with pytest.raises(ExpressionError, match=r"attribute access .* column 7: 'x.__class__'"):
        parse("1.0 + x.__class__")
    with pytest.raises(ExpressionError, match=r"unknown function f .*column 1"):
        parse("f(x)")


def test_accepted_expressions_build_the_graph_they_say() -> None:
    e = parse("tanh(w1*x1 + w2*x2 + b)")
    assert e.variables == ["w1", "x1", "w2", "x2", "b"]
    out, leaves = e.build({"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8814})
    out.backward()
    n = 2 * -3 + 6.8814
    assert out.data == pytest.approx(math.tanh(n), rel=1e-15)
    assert leaves["w1"].grad == pytest.approx((1 - math.tanh(n) ** 2) * 2, rel=1e-14)
    e2 = parse("x**2 + 2**x + abs(-x) + leaky_relu(x, 0.2) + elu(x) - pi + e / +x")
    out2, _ = e2.build({"x": -1.5})
    x = -1.5
    expected = x**2 + 2**x + abs(x) + 0.2 * x + math.expm1(x) - math.pi + math.e / x
    assert out2.data == pytest.approx(expected, rel=1e-14)


def test_a_variable_used_twice_is_one_leaf() -> None:
    out, leaves = parse("x * x").build({"x": 3.0})
    out.backward()
    assert leaves["x"].grad == 6.0


def test_a_variable_without_a_value_is_named() -> None:
    with pytest.raises(ExpressionError, match=r"no value for variables x2, b \(give x2=\.\.\. b=\.\.\.\)"):
        parse("x1 + x2 * b").build({"x1": 1.0})


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_only_ever_raises_the_documented_error(text: str) -> None:
    try:
        e = parse(text)
    except ExpressionError:
        return
    try:
        e.build(dict.fromkeys(e.variables, 0.5))
    except ExpressionError:
        pass
    except (ValueError, ZeroDivisionError, OverflowError) as err:  # the engine's own math errors
        assert str(err)


ALPHABET = st.sampled_from([*"xyz0123456789.+-*/() ", "**", "tanh(", "exp(", "log(", "e", "pi"])


@settings(max_examples=500, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_arithmetic_looking_text_parses_or_is_refused_cleanly(text: str) -> None:
    test_arbitrary_text_only_ever_raises_the_documented_error.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def test_op_nodes_are_labelled_with_the_text_they_came_from() -> None:
    out, _ = parse("tanh(w*x + b)").build({"w": 1.0, "x": 2.0, "b": 0.5})
    assert out.label == "tanh(w*x + b)"
    (inner,) = out.parents
    assert inner.label == "w*x + b"
    assert {p.label for p in inner.parents} == {"w*x", "b"}


def test_the_new_functions_and_operators_build_the_graph_they_say() -> None:
    e = parse("atan2(y, x) + hypot(x, 3) + logaddexp(x, y) + maximum(x, y) - minimum(x, 2)")
    out, _ = e.build({"x": 0.7, "y": -1.2})
    x, y = 0.7, -1.2
    expected = (math.atan2(y, x) + math.hypot(x, 3) + math.log(math.exp(x) + math.exp(y))
                + max(x, y) - min(x, 2))
    assert out.data == pytest.approx(expected, rel=1e-15)
    out2, leaves2 = parse("clamp(x, -1, y) + x % 0.3 + x // 0.3 + max(x, y, 0.5) + logsumexp(x, y)").build(
        {"x": 0.7, "y": 0.5})
    out2.backward()
    x, y = 0.7, 0.5
    assert out2.data == pytest.approx(min(max(x, -1), y) + x % 0.3 + x // 0.3 + max(x, y, 0.5)
                                      + math.log(math.exp(x) + math.exp(y)), rel=1e-15)
    # d/dy: clamp passes it to the upper bound (x > y), logsumexp gives softmax weight
    assert leaves2["y"].grad == pytest.approx(1 + math.exp(y) / (math.exp(x) + math.exp(y)), rel=1e-15)
    out3, _ = parse("hardtanh(x, -2, 2) + celu(x, 0.5) + mish(x) + tan(x) + cbrt(x) + round(x)").build(
        {"x": -0.7})
    x = -0.7
    assert out3.data == pytest.approx(x + 0.5 * math.expm1(x / 0.5) + x * math.tanh(math.log1p(math.exp(x)))
                                      + math.tan(x) - 0.7 ** (1 / 3) - 1.0, rel=1e-14)


def test_where_with_the_wrong_number_of_arguments_names_its_own_form() -> None:
    for text in ("where(x)", "where(x, 1)", "where(x, 1, 2, 3)"):
        with pytest.raises(ExpressionError, match=r"where takes 3 arguments: where\(c, a, b\), a where c"):
            parse(text).build({"x": 1.0})
    with pytest.raises(ExpressionError, match=r"clamp takes 3 arguments: clamp\(x, lo, hi\)"):
        parse("clamp(x)").build({"x": 1.0})


@pytest.mark.parametrize(("text", "zero"), [("1e-400", True), ("-0.5e-330", True), ("0.0", False),
                                             ("0e5", False), ("00.000e-999", False), ("1e-310", False),
                                             ("0x0", False), ("2.5", False)])
def test_a_numeral_that_rounds_to_zero_is_told_apart_from_zero(text: str, zero: bool) -> None:
    """1e-400 was read as 0 (silently, where 1e999 was refused): a numeral with a nonzero
    digit whose float is 0 is refused; 0 written any way, and subnormals, are numbers."""
    from autograd.expr import rounds_to_zero
    value = float(int(text, 16)) if text.startswith("0x") else float(text)
    assert rounds_to_zero(text, value) is zero
