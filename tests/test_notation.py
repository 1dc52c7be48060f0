"""Formulas in the graph's names (autograd.notation), and the LaTeX of explanations and SymPy.

Oracles: Python's own parser (a substituted formula parses to the tree of the
formula with the names put in), matplotlib's mathtext (a LaTeX parser that needs
no TeX installation: every LaTeX string must parse), and a brace/\\left-\\right
balance check that needs nothing.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

import pytest

import autograd
from autograd import Value, explain, notation, seeds
from autograd.notation import ATOM, OPAQUE, latex_formula, latex_name, substitute
from autograd.symbolic import latex, to_sympy


def mathtext_parses(source: str) -> None:
    """``source`` compiles as math (matplotlib's mathtext; no LaTeX installation needed)."""
    mathtext = pytest.importorskip("matplotlib.mathtext", reason="the mathtext check needs matplotlib")
    mathtext.MathTextParser("path").parse(f"${source}$")


def balanced(source: str) -> bool:
    """Braces balance, and every \\left has its \\right (a check that needs nothing)."""
    depth = 0
    for c in re.sub(r"\\[{}]", "", source):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0 and source.count("\\left") == source.count("\\right")


def check_latex(source: str) -> None:
    assert balanced(source), source
    mathtext_parses(source)


# ------------------------------------------------------------------ text
@pytest.mark.parametrize(("formula", "names", "expected"), [
    ("2*x", {"x": ("y - target", OPAQUE)}, "2*(y - target)"),
    ("1 - tanh(x)**2", {"x": ("y - target", OPAQUE)}, "1 - tanh(y - target)**2"),
    ("sigmoid(x)*(1 - sigmoid(x))", {"x": ("w*x", 2)}, "sigmoid(w*x)*(1 - sigmoid(w*x))"),
    ("y", {"x": ("a", ATOM), "y": ("b + c", 1)}, "b + c"),
    ("-x/y**2", {"x": ("a + b", 1), "y": ("c*d", 2)}, "-(a + b)/(c*d)**2"),
    ("y*x**(y-1)", {"x": ("a", ATOM), "y": ("-0.5", 3)}, "-0.5*a**(-0.5 - 1)"),
    ("x*y", {"x": ("a", ATOM), "y": ("-0.5", 3)}, "a*(-0.5)"),  # a negative right operand
    ("1 if x > 0 else 0", {"x": ("a - b", 1)}, "1 if a - b > 0 else 0"),
    ("t'(z)", {"z": ("t(x)", ATOM)}, "t'(t(x))"),  # not Python: words replaced as they stand
    ("x_i", {"x": ("a", ATOM)}, "x_i"),  # only whole words
    ("-(x // y)", {"x": ("a + b", 1), "y": ("c", ATOM)}, "-((a + b) // c)"),  # mod's d/dy
    ("x % y*2", {"x": ("a*b", 2), "y": ("c", ATOM)}, "a*b % c*2"),
])
def test_substitute_puts_the_names_in_with_the_parentheses_needed(
        formula: str, names: dict[str, tuple[str, int]], expected: str) -> None:
    assert substitute(formula, names) == expected


def test_the_rules_of_clamp_and_max_name_their_inputs_in_text_and_latex() -> None:
    x, lo, hi = Value(0.3, label="x"), Value(-1.0, label="lo1"), Value(1.0, label="hi")
    g = autograd.Graph(x.clamp(lo, hi))
    assert [g.rule(g.root, i) for i in range(3)] == [
        "1 if lo1 <= x <= hi else 0", "1 if x < lo1 < hi else 0",
        "1 if x > hi else 1 if lo1 > hi else 0"]
    m = autograd.max([x, lo, hi])
    g = autograd.Graph(m)
    assert g.rule(m, 1) == "1 if lo1 is the largest (1/k for a k-way tie) else 0"
    assert g.rule_latex(m, 1).startswith(r"\mathrm{1\ if\ }\mathrm{lo}_{1}\mathrm{\ is\ the")
    s = autograd.logsumexp([x, hi])
    assert autograd.Graph(s).rule(s, 0) == "exp(x - logsumexp(x, hi))"


def test_a_substituted_formula_parses_to_the_formula_with_the_names_put_in() -> None:
    formula = "sigmoid(x)*(1 + x*(1 - sigmoid(x))) - y**-z/(x - y)"
    names = {"x": ("a + b", 1), "y": ("c*d", 2), "z": ("-e", 3)}
    text = substitute(formula, names)
    expected = ast.parse(formula, mode="eval")

    class Put(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in names:
                return ast.parse(names[node.id][0], mode="eval").body
            return node

    assert ast.dump(ast.parse(text, mode="eval")) == ast.dump(Put().visit(expected))


@pytest.mark.parametrize(("name", "expected"), [
    ("w1_11", "w^{1}_{11}"), ("a2_1", "a^{2}_{1}"), ("x1", "x_{1}"), ("x", "x"),
    ("alpha", r"\alpha"), ("target", r"\mathrm{target}"), ("y_hat", r"y_{\mathrm{hat}}"),
    ("w*x", r"w \cdot x"), ("0.5", "0.5"), ("1e-05", r"1 \cdot 10^{-5}"),
    ("(y - target)^2", r"\left(y - \mathrm{target}\right)^{2}"), ("log p", r"\mathrm{log\ p}"),
])
def test_latex_names_follow_the_seeds_notation(name: str, expected: str) -> None:
    assert latex_name(name) == expected
    check_latex(expected)


# ------------------------------------------------------------------ LaTeX that compiles
@lru_cache(maxsize=1)
def _labelled_graphs() -> list[tuple[Value, Value]]:
    net = seeds.build()
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    cube_x = Value(2.0, label="x")
    sq = cube_x * cube_x
    sq.label = "x*x"
    cube = sq * cube_x
    cube.label = "f"
    z = Value(0.8, label="z")
    p = z.sigmoid()
    p.label = "p"
    log_p = p.log()
    log_p.label = "log p"
    one_minus = 1 - p
    one_minus.label = "1 - p"
    log_q = one_minus.log()
    log_q.label = "log(1 - p)"
    L = -(1.0 * log_p + 0.0 * log_q)
    L.label = "L"
    u = Value(0.3, label="u")
    v = Value(-1.7, label="v_2")
    every = autograd.sum([
        u.relu(), abs(u), u.leaky_relu(0.2), u.elu(0.7), u**3, 2.0**u, u.gelu(), u.silu(),
        u.softplus(), u.erf(), u.sqrt(), u.exp(), u.log(), u.sin(), u.cos(), u / v, u**v * 1e-5,
        -u, autograd.dot([u, v], [v, u], 0.1), (u * v).tanh(),
    ])
    weights = ["w1_11", "b1_1", "w2_21", "w3_11", "b3_1"]  # one weight and bias per layer
    return ([(net.loss, net.weights[label]) for label in weights]
            + [((w * x).sigmoid(), w), (cube, cube_x), (L, z), (every, u), (every, v)])


@pytest.mark.parametrize("case", range(len(_labelled_graphs())))
def test_every_line_of_an_explanation_s_latex_compiles(case: int) -> None:
    root, wrt = _labelled_graphs()[case]
    source = explain(root, wrt).latex()
    assert source.lines
    for line in source.lines:
        check_latex(line)
    assert balanced(str(source))
    assert source._repr_latex_().startswith("$$")


def test_the_seeds_weight_in_latex_is_the_seed_answer_with_its_numbers() -> None:
    net = seeds.build()
    first = explain(net.loss, net.weights["w1_11"]).latex().lines[0]
    assert first == (r"\frac{\partial E}{\partial w^{1}_{11}} = "
                     r"\frac{\partial E}{\partial o^{1}_{1}} \cdot "
                     r"\frac{\partial o^{1}_{1}}{\partial a^{1}_{1}} \cdot "
                     r"\frac{\partial a^{1}_{1}}{\partial w^{1}_{11}} = "
                     r"0.0775762 \cdot 0.486917 \cdot 0.5 = 0.0188866")


def test_sympy_results_show_typeset_with_the_same_names() -> None:
    w, o = Value(0.4, label="w1_11"), Value(0.5, label="o0_1")
    b = Value(0.1, label="b1_1")
    a = (w * o + b).tanh().sigmoid()
    expr = to_sympy(a)
    source = latex(expr)
    assert "w^{1}_{11}" in source and r"\sigma" in source and r"\tanh" in source
    check_latex(source)
    assert expr._repr_latex_().startswith("$")  # Jupyter shows it typeset
    grad = autograd.symbolic_grad(a, w)
    check_latex(latex(grad))
    assert latex(a) == source  # a Value: its graph's expression


def test_a_local_partial_that_holds_an_input_fixed_is_marked_in_latex() -> None:
    x = Value(2.0, label="x")
    sq = x * x
    sq.label = "x*x"
    f = sq * x
    f.label = "f"
    source = explain(f, x).latex()
    assert r"\left(\frac{\partial f}{\partial x}\right)_{x \cdot x} = x \cdot x = 4" in source.lines
    assert source.lines[0].startswith(r"\frac{\partial f}{\partial x} = ")
    assert notation.latex_partial("f", "x") == r"\frac{\partial f}{\partial x}"


def test_latex_formula_typesets_the_table_s_rules() -> None:
    assert latex_formula("sigmoid(x)*(1 - sigmoid(x))", {"x": ("a", ATOM)}) == (
        r"\sigma\left(a\right) \cdot \left(1 - \sigma\left(a\right)\right)")
    assert latex_formula("1/(2*sqrt(x))", {"x": ("a", ATOM)}) == r"\frac{1}{2 \cdot \sqrt{a}}"
    check_latex(latex_formula("t'(z)"))  # free text: upright, escaped
