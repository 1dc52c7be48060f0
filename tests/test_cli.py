"""The ``autograd`` command: output checked against independent math, errors as one line."""

from __future__ import annotations

import importlib.metadata
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import seeds
from autograd.cli import main
from autograd.data import make_moons, to_batch
from autograd.losses import hinge
from autograd.nn import MLP

NEURON = "tanh(w1*x1 + w2*x2 + b)"
AT = ["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8814"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_grad_prints_the_value_and_every_partial(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", NEURON, "--at", *AT, "--json")
    assert code == 0
    report = json.loads(out)
    n = 2 * -3 + 0 * 1 + 6.8814
    d = 1 - math.tanh(n) ** 2
    assert report["value"] == pytest.approx(math.tanh(n), rel=1e-15)
    expected = {"x1": d * -3, "x2": d * 1, "w1": d * 2, "w2": d * 0, "b": d}
    assert report["gradients"].keys() == expected.keys()
    for name, value in expected.items():
        assert report["gradients"][name] == pytest.approx(value, rel=1e-14, abs=1e-300)


def test_grad_text_check_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", NEURON, "--at", *AT, "--check", "--explain", "w1")
    assert code == 0
    assert "gradcheck: passed" in out and "∂f/∂w1" in out
    assert "FAIL" not in out


def test_check_fails_with_status_1_on_a_non_differentiable_point(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "sqrt(x)", "--at", "x=0", "--check")
    assert code == 1  # an infinite slope cannot be checked: reported, never a crash
    assert "gradcheck: FAILED" in out and "not finite here" in out


def test_expressions_may_start_with_a_minus(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "-x*y", "--at", "x=1", "y=2", "--json")
    assert code == 0
    assert json.loads(out)["gradients"] == {"x": -2.0, "y": -1.0}
    code, out, _ = run(capsys, "grad", "--x", "--at", "x=1", "--json")  # a double negation
    assert code == 0 and json.loads(out)["gradients"] == {"x": 1.0}


def test_json_output_stays_valid_json_for_infinities(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "sqrt(x)", "--at", "x=0", "--json")
    assert code == 0
    assert json.loads(out)["gradients"]["x"] == "inf"  # JSON has no Infinity


def test_grad_writes_the_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    svg, png, dot = tmp_path / "g.svg", tmp_path / "g.png", tmp_path / "g.dot"
    code, _, _ = run(capsys, "grad", "x*y + sin(x)", "--at", "x=1", "y=2",
                     "--svg", str(svg), "--png", str(png), "--dot", str(dot))
    assert code == 0
    assert "<svg" in svg.read_text() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "digraph" in dot.read_text()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["grad", "x.__class__", "--at", "x=1"], "attribute access"),
        (["grad", "__import__('os').system('true')"], "functions can be called"),
        (["grad", "__import__('os')"], "unknown function __import__"),
        (["grad", "x*y", "--at", "x=1"], "no value for variable y"),
        (["grad", "x", "--at", "x=abc"], "not a number"),
        (["grad", "x", "--at", "x=nan"], "finite"),
        (["grad", "x", "--at", "y=1", "x=2"], "no variable y"),
        (["grad", "x", "--at", "x"], "NAME=VALUE"),
        (["grad", "log(x)", "--at", "x=-1"], "log: needs a positive input"),
        (["grad", "1/x", "--at", "x=0"], "div"),
        (["grad", "x", "--at", "x=1", "--explain", "q"], "no variable q"),
        (["grad", "x", "--at", "x=1", "--svg", "out.png"], "must end in .svg"),
        (["grad", "x", "--at", "x=1", "--svg", "no/such/folder/g.svg"], "does not exist"),
        (["grad", "x", "--at", "x=1", "--svg", ""], "empty"),
        (["demo", "--out", "seeds.pdf"], "must end in .svg or .png or .dot"),
        (["train", "--plot", "b.svg"], "must end in .png"),
        (["train", "--save", "p.txt"], "must end in .json"),
        (["train", "--seed", "-1"], "--seed"),
        (["train", "--samples", "1"], "between 2 and 100,000"),
        (["train", "--samples", "100000000"], "between 2 and 100,000"),
        (["grad", "x", "--at", "pi=3"], "constant"),
        (["frobnicate"], "invalid choice"),
        (["train", "--steps", "0"], "between 1 and"),
        (["train", "--activations", "relu", "nope", "linear"], "nope"),
        (["train", "--layers", "4", "3"], "last layer"),
        (["train", "--data", "spirals"], "invalid choice"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys: pytest.CaptureFixture[str], args: list[str],
                                           words: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograd: error: ") and words in lines[0]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.floats(-3, 3, allow_nan=False))
def test_arbitrary_expressions_never_crash(text: str, x: float) -> None:
    code = main(["grad", text, "--at", f"x={x!r}"] if "x" in text else ["grad", text])
    assert code in (0, 1, 2)


@pytest.mark.parametrize("command", [[], ["grad"], ["demo"], ["train"]])
def test_help_everywhere_with_an_example(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0 and "example" in out and "autograd" in out


def test_demo_compares_hand_engine_and_finite_difference(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    out_file = tmp_path / "seeds.svg"
    code, out, _ = run(capsys, "demo", "--out", str(out_file))
    assert code == 0 and "<svg" in out_file.read_text()
    net = seeds.build()
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.split() and line.split()[0] in net.weights}
    assert rows.keys() == net.weights.keys()
    for label, cells in rows.items():
        hand, engine, fd = float(cells[4]), float(cells[5]), float(cells[6])
        assert abs(hand - engine) < 1e-9 and abs(engine - fd) < 1e-8, label
        # the hand column is the product of the three factors printed beside it
        assert hand == pytest.approx(float(cells[1]) * float(cells[2]) * float(cells[3]), abs=2e-6)


def test_the_main_jobs_hint_works_as_printed(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    # `autograd` alone ends with "(add --out graph.svg ..., --html seeds.html ...)"
    code, out, _ = run(capsys)
    hint = out.strip().splitlines()[-1]
    assert code == 0 and "add --out graph.svg" in hint and "--html seeds.html" in hint
    svg, page = tmp_path / "graph.svg", tmp_path / "seeds.html"
    code, out, _ = run(capsys, "--out", str(svg))
    assert code == 0 and "<svg" in svg.read_text()
    code, out, _ = run(capsys, f"--html={page}")
    assert code == 0 and "<html" in page.read_text().lower()


def test_train_reaches_full_accuracy_and_saves(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    params, picture = tmp_path / "p.json", tmp_path / "b.png"
    code, out, err = run(capsys, "train", "--save", str(params), "--plot", str(picture))
    assert code == 0
    assert "final training accuracy: 100.0%" in out
    assert "100/100" in err
    assert json.loads(params.read_text())
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_diverging_training_stops_with_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "train", "--lr", "1e5", "--steps", "30")
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("autograd: error: training diverged")
    assert "Warning" not in err and "Traceback" not in err


def test_train_mixed_activations_on_circles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "train", "--data", "circles", "--layers", "8", "8", "1",
                       "--activations", "tanh", "sigmoid", "linear", "--steps", "200")
    assert code == 0
    accuracy = float(out.split("final training accuracy: ")[1].split("%")[0])
    assert accuracy >= 95.0


def test_module_entry_point_runs_the_main_job() -> None:
    result = subprocess.run([sys.executable, "-m", "autograd"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "w1_11" in result.stdout and "Traceback" not in result.stderr


# ------------------------------------------------------------ numbers given as 0
def first_loss(noise: float = 0.1, seed: int = 1, l2: float = 0.0) -> float:
    """The loss of `autograd train`'s first step, computed here from the same data and model."""
    X, y = make_moons(100, noise=noise, seed=seed)
    model = MLP(2, [16, 16, 1], seed=seed)
    params = model.parameters()
    return (hinge(model(to_batch(X)), 2.0 * y - 1.0) + l2 * sum(p.data**2 for p in params)).data


def train_report(capsys: pytest.CaptureFixture[str], *options: str) -> dict:
    code, out, err = run(capsys, "train", "--steps", "2", "--json", *options)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    ("options", "setting", "loss"),
    [
        (["--l2", "0"], ("l2", 0.0), lambda: first_loss(l2=0.0)),
        ([], ("l2", 1e-4), lambda: first_loss(l2=1e-4)),
        (["--noise", "0"], ("noise", 0.0), lambda: first_loss(noise=0.0, l2=1e-4)),
        (["--seed", "0"], ("seed", 0), lambda: first_loss(seed=0, l2=1e-4)),
    ],
    ids=["l2", "l2-default", "noise", "seed"],
)
def test_options_given_as_zero_are_honoured(capsys: pytest.CaptureFixture[str], options: list[str],
                                            setting: tuple[str, float], loss) -> None:  # type: ignore[no-untyped-def]
    report = train_report(capsys, *options)
    name, value = setting
    assert report[name] == value
    assert report["loss"][0] == pytest.approx(loss(), rel=1e-12)


def test_blobs_with_no_spread_and_an_explicit_learning_rate(capsys: pytest.CaptureFixture[str]) -> None:
    report = train_report(capsys, "--data", "blobs", "--noise", "0", "--lr", "0.01")
    assert report["noise"] == 0.0 and report["lr"] == 0.01


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "--lr", "0"], "argument --lr: '0' must be above 0"),
        (["train", "--optimizer", "adam", "--lr", "0.0"], "argument --lr: '0.0' must be above 0"),
        (["train", "--steps", "0"], "argument --steps: '0' must be between 1 and"),
        (["train", "--samples", "0"], "argument --samples: '0' must be between 2 and"),
        (["train", "--layers", "0", "1"], "argument --layers: '0' must be between 1 and"),
    ],
)
def test_options_given_as_zero_are_refused_naming_the_option(capsys: pytest.CaptureFixture[str],
                                                             args: list[str], words: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("args", "says", "never"), [
    # an unknown option points to the subcommand's own help
    (["grad", "x", "--at", "x=1", "--bogus"], "(see autograd grad --help)", "see autograd --help"),
    (["demo", "--bogus"], "(see autograd demo --help)", "see autograd --help"),
    (["train", "--json", "--bogus"], "see autograd train --help", "see autograd --help"),
    # an expression that ends too soon says where; --expect's errors say they are --expect's
    (["grad", "x+", "--at", "x=1"], "syntax error: invalid syntax at the end of the expression", "Traceback"),
    (["grad", "x", "--at", "x=1", "--expect", "2*"], "--expect: syntax error: invalid syntax at the end",
     "Traceback"),
    # the ranges the messages give are the ranges accepted (--lr 0 and --samples 1 were refused
    # by a second rule after 'from 0' and 'between 1 and ...')
    (["train", "--lr", "-1"], "must be a number above 0, up to 1e6", "from 0 to"),
    (["train", "--samples", "1"], "must be between 2 and 100,000", "at least 2"),
    # a command line cannot pass a callable, and the names are all the names it takes
    (["train", "--layers", "8", "1", "--activations", "foo", "linear"],
     "unknown activation 'foo'; the names: abs, celu", "callable"),
])
def test_messages_say_what_is_accepted_and_where(capsys: pytest.CaptureFixture[str], args: list[str],
                                                  says: str, never: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and says in err + out and never not in err + out


def test_version_takes_nothing_else(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--version", "extra")
    assert code == 2 and "--version takes nothing else" in err and not out


def test_expect_names_the_derivative_as_the_printout_does(capsys: pytest.CaptureFixture[str]) -> None:
    for expression in ("x", "x*x"):  # a leaf output too, whose own label is x
        code, out, _ = run(capsys, "grad", expression, "--at", "x=1", "--expect",
                           "1" if expression == "x" else "2*x")
        assert code == 0 and "∂f/∂x = " in out.splitlines()[-1] and "∂x/∂x" not in out


def test_trains_help_lists_every_activation_name(capsys: pytest.CaptureFixture[str]) -> None:
    from autograd.nn import ACTIVATIONS
    _, out, _ = run(capsys, "train", "--help")
    words = set(out.split())
    assert all(name in words for name in ACTIVATIONS), sorted(set(ACTIVATIONS) - words)


# ------------------------------------------------------------ --at
def test_repeated_at_options_merge(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "x*y + z", "--at", "x=2", "--at", "y=3", "z=0", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["at"] == {"x": 2.0, "y": 3.0, "z": 0.0}
    assert report["gradients"] == {"x": 3.0, "y": 2.0, "z": 1.0}
    code, _, err = run(capsys, "grad", "x*y", "--at", "x=2", "y=3", "--at", "x=4")
    assert code == 2 and "--at: x is given twice" in err


def test_at_before_the_expression_says_to_put_it_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "grad", "--at", "x=1", "x*2")
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert "EXPR is missing" in line and "put EXPR first" in line and " -- " in line
    code, out, _ = run(capsys, "grad", "--json", "--at", "x=1", "--", "x*2")
    assert code == 0 and json.loads(out)["gradients"] == {"x": 2.0}  # -- ends the list
    code, _, err = run(capsys, "grad")
    assert code == 2 and "EXPR is missing" in err


# ------------------------------------------------------------ --json errors
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["grad", "x", "--at", "x=abc"], "--at x: 'abc' is not a number"),
        (["grad", "x*y", "--at", "x=1"], "no value for variable y"),
        (["grad", "log(x)", "--at", "x=-1"], "log: needs a positive input"),
        (["grad", "--at", "x=1", "x"], "EXPR is missing"),
        (["grad", "x", "--at", "x=1", "--svg", "g.png"], "must end in .svg"),
        (["train", "--lr", "0"], "argument --lr"),
        (["train", "--layers", "4", "3"], "last layer"),
        (["train", "--lr", "1e5", "--steps", "30"], "training diverged"),
        (["grad", "x", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_with_json_errors_are_json_on_stderr(capsys: pytest.CaptureFixture[str], args: list[str],
                                             words: str) -> None:
    code, out, err = run(capsys, *args, "--json")
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    report = json.loads(line)
    assert words in report["error"] and report["status"] == 2
    assert not report["error"].startswith("autograd: error")


def test_json_after_double_dash_is_not_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "grad", "--at", "x=abc", "--", "x")
    assert code == 2 and err.startswith("autograd: error: ")


# ------------------------------------------------------------ --version
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"autograd-scalar {importlib.metadata.version('autograd-scalar')}"
    result = subprocess.run([sys.executable, "-m", "autograd", "--version"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.strip() == out.strip()


def test_version_without_installed_metadata(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"autograd-scalar {autograd.__version__}"


# ------------------------------------------------------------ progress bar and plot
def test_train_shows_a_tqdm_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "train", "--steps", "20")
    assert code == 0
    bar = err.replace("\r", "\n").strip().splitlines()[-1]
    # tqdm's own format: description, percentage, count, rate and the postfix
    assert bar.startswith("training: 100%") and "20/20" in bar and "step/s" in bar
    assert "loss=" in bar and "accuracy=" in bar


def test_tqdm_settings_and_json_hide_the_bar(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "train", "--steps", "5", "--json")
    assert code == 0 and err == ""
    # tqdm reads its TQDM_* settings when it is imported: a fresh process
    monkeypatch.setenv("TQDM_DISABLE", "1")
    result = subprocess.run([sys.executable, "-m", "autograd", "train", "--steps", "5"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and "final training accuracy" in result.stdout
    assert result.stderr.startswith("training MLP") and "step/s" not in result.stderr


def test_plot_without_matplotlib_names_the_extra_before_training(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    picture = tmp_path / "b.png"
    code, out, err = run(capsys, "train", "--plot", str(picture), "--steps", "100000")
    assert code == 2 and out == "" and not picture.exists()
    (line,) = err.strip().splitlines()  # refused at once: no training line, no progress bar
    assert line == ('autograd: error: --plot needs matplotlib, which is not installed: '
                    'pip install "autograd-scalar[plot]"')
    code, _, err = run(capsys, "train", "--plot", str(picture), "--json")
    assert code == 2 and "autograd-scalar[plot]" in json.loads(err)["error"]


def test_plot_writes_a_figure_with_the_boundary_and_the_curves(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    picture = tmp_path / "b.png"
    code, out, _ = run(capsys, "train", "--data", "blobs", "--steps", "30", "--plot", str(picture))
    assert code == 0 and f"to {picture}" in out
    pixels = imread(picture)
    assert pixels.shape[0] >= 500 and pixels.shape[1] >= 1000  # 12 x 5.5 inches at 100 dpi
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 50  # not a blank image


# ------------------------------------------------ --expect, --latex (formula checks)
def test_expect_proves_a_formula_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "sigmoid(w*x)", "--at", "w=0.5", "x=2", "--wrt", "w",
                       "--expect", "sigmoid(w*x)*(1 - sigmoid(w*x))*x")
    assert code == 0
    assert "∂f/∂w = sigmoid(w*x)*(1 - sigmoid(w*x))*x: proved equal" in out


def test_expect_a_wrong_formula_exits_1_with_a_counterexample(
        capsys: pytest.CaptureFixture[str]) -> None:
    # σ' fed the pre-activation: the seed's classic mistake
    code, out, _ = run(capsys, "grad", "sigmoid(w*x)", "--at", "w=0.5", "x=2", "--wrt", "w",
                       "--expect", "w*x*(1 - w*x)*x", "--json")
    assert code == 1
    report = json.loads(out)["expect"]
    assert report["verdict"] == "wrong" and report["ok"] is False
    c = report["counterexample"]
    s = 1 / (1 + math.exp(-1.0))
    assert c["point"] == {"w": 0.5, "x": 2.0}
    assert c["formula"] == pytest.approx(1.0 * 0.0 * 2.0, abs=1e-15)
    assert c["engine"] == pytest.approx(s * (1 - s) * 2, rel=1e-12)
    assert c["finite_difference"] == pytest.approx(s * (1 - s) * 2, rel=1e-6)


def test_expect_takes_the_table_s_kink_notation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "relu(w*x)", "--at", "w=0.5", "x=2", "--wrt", "x",
                       "--expect", "(1 if w*x > 0 else 0)*w")
    assert code == 0 and "proved equal" in out


def test_expect_needs_wrt_when_there_are_several_variables(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "grad", "x*y", "--at", "x=1", "y=2", "--expect", "y")
    assert code == 2 and "--wrt NAME" in err
    code, out, _ = run(capsys, "grad", "x**3", "--at", "x=2", "--expect", "3*x**2")
    assert code == 0 and "proved equal" in out  # one variable: it is the one
    code, _, err = run(capsys, "grad", "x*y", "--at", "x=1", "y=2", "--wrt", "q", "--expect", "y")
    assert code == 2 and "no variable q" in err
    code, _, err = run(capsys, "grad", "x*y", "--at", "x=1", "y=2", "--wrt", "x",
                       "--expect", "y.real")
    assert code == 2 and "attribute access is not allowed" in err


def test_latex_prints_the_chain_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "tanh(w*x)", "--at", "w=0.5", "x=2", "--wrt", "w", "--latex")
    assert code == 0
    assert (r"\frac{\partial f}{\partial w} = \frac{\partial f}{\partial \left(w \cdot x\right)}"
            r" \cdot \frac{\partial \left(w \cdot x\right)}{\partial w}") in out
    assert r"1 - \tanh\left(w \cdot x\right)^{2}" in out
    code, out, _ = run(capsys, "grad", "x*y", "--at", "x=1", "y=2", "--latex", "--json")
    assert code == 0 and set(json.loads(out)["latex"]) == {"x", "y"}  # every variable


class _Failing:
    """A stdout whose writes fail as a full disk's, or as a pipe whose reader has gone."""

    def __init__(self, error: OSError) -> None:
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_not_a_traceback() -> None:
    """`autograd grad x --at x=1 > /dev/full` printed a traceback (OSError: No space left
    on device) from the print in cmd_grad."""
    for extra in ([], ["--json"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "autograd", "grad", "x", "--at", "x=1", *extra],
                                  stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and "No space left on device" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_does_not_report_success(monkeypatch: pytest.MonkeyPatch) -> None:
    """`autograd grad ... --check | head -1` exited 0 when head closed the pipe first,
    though the check failed: a closed pipe now gives 141, as a program ended by SIGPIPE."""
    import errno
    monkeypatch.setattr(sys, "stdout", _Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    assert main(["grad", "x**2 + y", "--at", "x=1e10", "y=3", "--check"]) == 141
    monkeypatch.setattr(sys, "stdout", _Failing(OSError(errno.ENOSPC, "No space left on device")))
    assert main(["grad", "x", "--at", "x=1"]) == 2


def test_values_that_round_to_zero_are_refused_and_overflow_is_inf(
        capsys: pytest.CaptureFixture[str]) -> None:
    """--at x=1e-400 became x = 0 (where x=1e400 was refused); --expect 10**400 was
    evaluated as nan (float's OverflowError), not the inf the engine's nodes hold."""
    code, _, err = run(capsys, "grad", "x", "--at", "x=1e-400")
    assert code == 2 and "too small for a float64" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "grad", "x", "--at", "x=1e-310")
    assert code == 0 and "f = 1e-310" in out
    code, out, _ = run(capsys, "grad", "x", "--at", "x=2", "--expect", "10**400")
    assert code == 1 and "the formula gives   inf" in out


@pytest.mark.parametrize(("args", "message"), [
    (["grad", "x", "--at", "x=1", "--png", "a.png", "--png", "b.png"], "--png is given twice"),
    (["train", "--steps", "3", "--steps", "4"], "--steps is given twice"),
    (["train", "--layers", "4", "1", "--layers", "2", "1"], "--layers is given twice"),
    (["train", "--steps", "1e9"], "'1e9' must be between 1 and 100,000"),
    (["train", "--steps", "2.5"], "'2.5' is not a whole number"),
    (["grad", "if + 1"], "'if' is a Python keyword, not a variable name"),
    (["grad", "x", "--at", "x=1", "--svg", "/proc/a.svg"], "--svg /proc/a.svg: cannot write it"),
])
def test_small_mistakes_get_messages_that_say_what_is_wrong(
        capsys: pytest.CaptureFixture[str], args: list[str], message: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A second --png silently won; 1e9 steps was 'not a whole number'; 'if + 1' was an
    'invalid syntax at column 1: i'; a path the system refuses did not name its option."""
    if args[-1] == "/proc/a.svg" and not Path("/proc").is_dir():
        pytest.skip("needs /proc")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_a_whole_number_written_as_a_float_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "train", "--steps", "2e0", "--samples", "1e1", "--json")
    report = json.loads(out)
    assert code == 0 and report["steps"] == 2 and report["samples"] == 10
