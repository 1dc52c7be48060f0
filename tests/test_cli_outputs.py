"""The command line's outputs and its formula option, as a hostile or careless user
meets them: each case once gave a wrong verdict, a traceback, a hang or exit 0."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from autograd.cli import main
from tests.test_cli_bounds import _one_line, run


@pytest.mark.parametrize(("expression", "formula"), [
    ("x*(2*3)", "6"),                 # d/dx 6x = 6
    ("x**(1/2)", "0.5/sqrt(x)"),      # d/dx sqrt(x)
    ("x*sin(2) + 2*3", "sin(2)"),     # a function of a number: a constant too
    ("exp(x*(1 + 1))", "2*exp(2*x)"),
])
def test_a_constant_part_of_the_expression_is_not_taken_for_a_variable(
    capsys: pytest.CaptureFixture[str], expression: str, formula: str
) -> None:
    """2*3 was kept in the graph as a leaf that could be moved, so --expect drew random
    values for "2" and called a right formula WRONG (exit 1)."""
    code, out, _ = run(capsys, "grad", expression, "--at", "x=1.5", "--wrt", "x",
                       "--expect", formula)
    assert code == 0 and "proved equal" in out, out
    assert next(line for line in out.splitlines() if line.startswith("∂f/∂")).startswith("∂f/∂x =")
    assert "∂f/∂2" not in out and "∂f/∂1" not in out


@pytest.mark.parametrize("formula", ["x > 0", "(x > 0) * 2", "where(x > 0, 1, 0)"])
def test_a_comparison_as_a_number_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], formula: str
) -> None:
    """"x > 0" leaked SymPy's "unsupported operand type(s) for -: 'StrictGreaterThan'";
    where(x > 0, 1, 0) read the relation as a nonzero number and was "proved"
    (the random points then disagreed)."""
    code, _, err = run(capsys, "grad", "x", "--at", "x=1", "--wrt", "x", "--expect", formula)
    assert code == 2 and "a comparison is a condition, not a number" in _one_line(err)


def test_a_comparison_as_a_test_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "relu(x)", "--at", "x=1", "--wrt", "x", "--expect",
                       "1 if x > 0 else 0")
    assert code == 0 and "proved equal" in out


def test_wrt_alone_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "grad", "x*y", "--at", "x=1", "y=2", "--wrt", "x")
    assert code == 2 and "--expect or --latex" in _one_line(err)


def test_a_closed_standard_output_is_one_error_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`autograd grad x --at x=1 >&-` (Python's sys.stdout is then None) gave an
    AttributeError traceback."""
    monkeypatch.setattr(sys, "stdout", None)
    code = main(["grad", "x", "--at", "x=1"])
    assert code == 2 and "standard output is closed" in _one_line(capsys.readouterr().err)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["grad", "--help"]])
def test_help_into_a_full_disk_is_an_error(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    """argparse drops the OSError of its own write, so these exited 0."""
    full = open("/dev/full", "w")
    monkeypatch.setattr(sys, "stdout", full)
    code = main(args)
    monkeypatch.undo()
    try:
        full.close()
    except OSError:  # what main could not write is still in its buffer
        pass
    assert code == 2 and "cannot write the output" in _one_line(capsys.readouterr().err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("args", [["grad", "x*x", "--at", "x=1", "--svg", "{}.svg"],
                                  ["grad", "x*x", "--at", "x=1", "--html", "{}.html"],
                                  ["demo", "--out", "{}.dot"],
                                  ["train", "--steps", "1", "--save", "{}.json"]])
def test_a_named_pipe_as_output_is_refused_not_waited_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    """Opening a FIFO that no program reads blocks forever."""
    suffix = next(a for a in args if "{}" in a).split(".")[-1]
    pipe = tmp_path / f"out.{suffix}"
    os.mkfifo(pipe)
    code, _, err = run(capsys, *[str(pipe) if "{}" in a else a for a in args])
    assert code == 2 and "is a named pipe, not a file" in _one_line(err)


def test_a_json_error_is_bounded_in_length(capsys: pytest.CaptureFixture[str]) -> None:
    """Text errors were cut at 2,000 characters; --json printed a 120 kB one."""
    code, _, err = run(capsys, "grad", "x", "--json", "--at", "x=" + "1" * 120_000)
    assert code == 2 and len(err) < 2200
    assert json.loads(err)["error"].endswith("…")


def test_training_time_is_bounded_whatever_the_mix(capsys: pytest.CaptureFixture[str]) -> None:
    """2 samples through 96,000 parameters took 0.3 s a step, and a bound on parameters x
    samples x steps let 10,000 steps (70 minutes) run; 5,000 layers echoed 60 kB."""
    code, _, err = run(capsys, "train", "--samples", "2", "--layers", "310", "310", "1",
                       "--steps", "10000")
    assert code == 2 and "for each step's own work" in _one_line(err)
    code, _, err = run(capsys, "train", "--layers", *["1"] * 5000)
    assert code == 2 and "5,000 layers, more than 100" in _one_line(err) and len(err) < 200


@pytest.mark.parametrize("option", ["--noise", "--l2"])
def test_a_number_that_rounds_to_zero_is_refused(capsys: pytest.CaptureFixture[str],
                                                 option: str) -> None:
    """--noise 1e-400 silently trained with 0 (the expression and --at refuse 1e-400)."""
    code, _, err = run(capsys, "train", "--steps", "1", option, "1e-400")
    assert code == 2 and "rounds to 0" in _one_line(err)


def test_a_formula_starting_with_minus_gets_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "grad", "cos(x)", "--at", "x=1", "--wrt", "x", "--expect", "-sin(x)")
    assert code == 2 and "written --expect=-sin(x)" in _one_line(err)
    code, out, _ = run(capsys, "grad", "cos(x)", "--at", "x=1", "--wrt", "x", "--expect=-sin(x)")
    assert code == 0 and "proved equal" in out
