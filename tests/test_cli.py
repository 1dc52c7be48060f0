"""The ``autograd`` command: output checked against independent math, errors as one line."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import seeds
from autograd.cli import main

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
        (["train", "--samples", "1"], "at least 2 samples"),
        (["train", "--samples", "100000000"], "between 1 and 100,000"),
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


def test_train_reaches_full_accuracy_and_saves(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    params, picture = tmp_path / "p.json", tmp_path / "b.png"
    code, out, err = run(capsys, "train", "--save", str(params), "--plot", str(picture))
    assert code == 0
    assert "final training accuracy: 100.0%" in out
    assert "step 100/100" in err
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
