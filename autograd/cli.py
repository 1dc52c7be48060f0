"""The ``autograd`` command (also ``python -m autograd``).

    autograd grad "tanh(w1*x1 + w2*x2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814
    autograd demo --out seeds.svg
    autograd train --data moons --layers 16 16 1 --activations relu relu linear

Errors are one line on standard error with exit status 2, never a traceback;
with ``--json`` that line is a JSON object, ``{"error": "..."}``.

The commands live in :mod:`autograd.cli_grad` and :mod:`autograd.cli_train`
(``demo`` is here), what they share in :mod:`autograd.cli_common`; this
module holds the parser and :func:`main`.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np

from autograd import nn, seeds
from autograd.cli_common import (  # noqa: F401 - DRAW_MAX_NODES, RENDER_SECONDS: read here by tests
    DRAW_MAX_NODES,
    RENDER_SECONDS,
    UsageError,
    _fmt,
    _output_path,
    _save_drawing,
    _save_explorer,
)
from autograd.cli_grad import cmd_grad
from autograd.cli_train import MAX_PARAMETERS, MAX_WORK, PLOT_EXTRA, cmd_train  # noqa: F401


def _expression_functions() -> tuple[str, ...]:
    from autograd.expr import FUNCTIONS  # imported when the parser is built, like parse()

    return FUNCTIONS

EXAMPLES = {
    "grad": 'autograd grad "tanh(w1*x1 + w2*x2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814 --check',
    "demo": "autograd demo --out seeds.svg",
    "train": "autograd train --data circles --layers 8 8 1 --activations tanh sigmoid linear "
             "--steps 200 --plot boundary.png",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse drops an OSError here, so --help into a full disk exited 0; main says it
        if message:
            (file or sys.stdout).write(message)
            (file or sys.stdout).flush()


# ------------------------------------------------------------------ demo
def cmd_demo(args: argparse.Namespace) -> int:
    """The seeds' three-layer network: hand-derived chain rule vs engine vs finite difference."""
    out_path = _output_path("--out", args.out, (".svg", ".png", ".dot"))
    html_path = _output_path("--html", args.html, (".html",))
    net = seeds.build()
    net.loss.backward()
    hand = seeds.derive_by_hand()
    print("The seeds' network: 2 inputs -> 3 tanh -> 2 sigmoid -> 1 relu, "
          "R2 loss E = 1/2 (y - target)^2")
    print(f"E = {_fmt(net.loss.data)}")  # type: ignore[arg-type]
    print("By hand (plain floats, the seed's formula): dE/dw = dE/do * do/da * da/dw\n")
    head = (f"{'weight':<7} {'dE/do':>11} {'do/da':>11} {'da/dw':>11} {'by hand':>14} "
            f"{'engine':>14} {'central diff':>14} {'|hand-engine|':>13}")
    print(head)
    print("-" * len(head))
    worst_engine = worst_fd = 0.0
    for label, w in net.weights.items():
        neuron = hand.neuron_of[label]
        fd = seeds.central_difference(label)
        diff = abs(hand.gradients[label] - w.grad)
        worst_engine = max(worst_engine, diff)
        worst_fd = max(worst_fd, abs(w.grad - fd))
        print(f"{label:<7} {hand.dE_do[neuron]:>11.6f} {hand.do_da[neuron]:>11.6f} "
              f"{hand.da_dw[label]:>11.6f} {hand.gradients[label]:>14.10f} {w.grad:>14.10f} "
              f"{fd:>14.10f} {diff:>13.1e}")
    print(f"\nlargest |hand - engine| = {worst_engine:.1e}, "
          f"largest |engine - central difference| = {worst_fd:.1e}")
    if out_path is not None:
        _save_drawing(net.loss, out_path, "--out")
        print(f"wrote the computation graph to {out_path}")
    elif html_path is None:
        print("(add --out graph.svg to write the computation graph, --html seeds.html to explore it)")
    if html_path is not None:
        _save_explorer(net.loss, html_path)
        print(f"wrote the graph explorer to {html_path} (open it in a browser)")
    return 0


# ------------------------------------------------------------------ parser
class _Once(argparse.Action):
    """An option given once: a second ``--png b.png`` is an error, not the silent winner."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        given: set[str] = namespace.__dict__.setdefault("_given_once", set())
        if self.dest in given:
            parser.error(f"{option_string} is given twice")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


def _whole(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            try:  # 1e3 is a whole number too, written as a float
                number = float(text)
            except ValueError:
                number = math.nan
            if not number.is_integer():
                raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
            value = int(number)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} must be between {low} and {high:,}")
        return value

    return parse


_positive_int = _whole(1, 100_000)
_samples = _whole(2, 100_000)  # (a split into two classes needs two points)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not 0 <= value <= 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number from 0 to 1e6")
    from autograd.expr import rounds_to_zero

    if rounds_to_zero(text, value):  # 1e-400 is not 0: a number means what it says
        raise argparse.ArgumentTypeError(f"{text!r} is too small for a float (it rounds to 0)")
    return value


def _positive_number(text: str) -> float:
    try:
        value = _number(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number above 0, up to 1e6") from None
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0 (0 would not train), up to 1e6")
    return value


def version() -> str:
    """This package's version: from the installed distribution, else from the source tree."""
    try:
        return importlib.metadata.version("autograd-scalar")
    except importlib.metadata.PackageNotFoundError:
        from autograd import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    """The command line's argument parser."""
    parser = _Parser(
        prog="autograd",
        description="A scalar autograd engine for learning and checking backpropagation.",
        epilog="examples:\n  " + "\n  ".join(EXAMPLES.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"autograd-scalar {version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="{grad,demo,train}")

    g = sub.add_parser(
        "grad", help="value and every partial derivative of an expression",
        description="Print the value of EXPR and its partial derivative with respect to every "
                    "variable. EXPR uses Python's arithmetic (+ - * / ** % // and parentheses), "
                    "numbers, variable names, the constants pi and e, and the functions "
                    f"{' '.join(_expression_functions())}. It is parsed, never evaluated.",
        epilog=f"example:\n  {EXAMPLES['grad']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("expression", metavar="EXPR", nargs="?", help="the expression, quoted")
    g.add_argument("--at", nargs="+", action="extend", metavar="NAME=VALUE",
                   help="the value of each variable (after EXPR; may be repeated)")
    g.add_argument("--check", action="store_true",
                   help="compare every derivative with a central finite difference")
    g.add_argument("--explain", action=_Once, metavar="NAME", help="chain-rule breakdown of df/dNAME")
    g.add_argument("--wrt", action=_Once, metavar="NAME", help="the variable of --expect and --latex")
    g.add_argument("--expect", action=_Once, metavar="FORMULA",
                   help="your df/dNAME as a formula in the same language (1 if x > 0 else 0 for "
                        "a kink): proved equal, wrong with a counterexample (exit status 1), or "
                        "equal at random points")
    g.add_argument("--latex", action="store_true",
                   help="the chain rule of df/dNAME in LaTeX (for --wrt or --explain NAME, "
                        "else every variable)")
    g.add_argument("--svg", action=_Once,
                   metavar="FILE", help="write the graph (with chain-rule labels) as SVG")
    g.add_argument("--png", action=_Once, metavar="FILE", help="write the graph as PNG")
    g.add_argument("--dot", action=_Once, metavar="FILE", help="write the graph's DOT source")
    g.add_argument("--html", action=_Once,
                   metavar="FILE", help="write the graph explorer: step through forward "
                                        "and backward in a browser")
    g.add_argument("--json", action="store_true",
                   help="machine-readable output; errors as JSON on standard error")
    g.set_defaults(run=cmd_grad)

    d = sub.add_parser(
        "demo", help="the seeds' three-layer network (tanh, sigmoid, relu), checked by hand",
        description="Backpropagation through the seeds' network with a tanh, a sigmoid and a "
                    "ReLU layer and the R2 loss: for each weight, the chain rule derived by hand "
                    "(dE/do * do/da * da/dw), the engine's gradient and a central difference.",
        epilog=f"example:\n  {EXAMPLES['demo']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("--out", action=_Once,
                   metavar="FILE", help="write the computation graph (.svg, .png or .dot)")
    d.add_argument("--html", action=_Once,
                   metavar="FILE", help="write the graph explorer (an .html page to step "
                                        "through the derivation)")
    d.set_defaults(run=cmd_demo)

    t = sub.add_parser(
        "train", help="train an MLP on a 2-D toy data set",
        description="Train a multi-layer perceptron (batch mode: one graph for all samples) on "
                    "moons, circles or blobs; two classes use the max-margin loss, more use "
                    "softmax cross-entropy; plus an L2 penalty. A progress bar (tqdm) on "
                    "standard error shows the loss and accuracy; TQDM_DISABLE=1 hides it.",
        epilog=f"example:\n  {EXAMPLES['train']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--data", action=_Once, choices=["moons", "circles", "blobs"], default="moons",
                   help="the data set (default moons)")
    t.add_argument("--samples", action=_Once, type=_samples, default=100, help="data points (default 100)")
    t.add_argument("--noise", action=_Once, type=_number,
                   help="noise of moons and circles (default 0.1), spread of blobs (default 1.0)")
    t.add_argument("--layers", action=_Once, type=_positive_int, nargs="+", metavar="N",
                   help="neurons per layer, the last is the output (default 16 16 1)")
    t.add_argument("--activations", action=_Once, nargs="+", metavar="NAME",
                   help=f"one per layer, of: {' '.join(sorted(nn.ACTIVATIONS))} "
                        "(default relu ... linear)")
    t.add_argument("--optimizer", action=_Once, choices=["sgd", "adam"], default="sgd", help="(default sgd)")
    t.add_argument("--lr", action=_Once,
                   type=_positive_number, help="learning rate (default for sgd, with micrograd's "
                                               "decay: 1.0, or 0.05 for blobs; for adam 0.05)")
    t.add_argument("--l2", action=_Once, type=_number, default=1e-4, help="L2 penalty (default 1e-4)")
    t.add_argument("--steps", action=_Once,
                   type=_positive_int, default=100, help="training steps (default 100)")
    t.add_argument("--seed", action=_Once, type=_whole(0, 2**32 - 1), default=1,
                   help="seed of the data and the initial weights (default 1)")
    t.add_argument("--save", action=_Once, metavar="FILE.json", help="save the trained parameters as JSON")
    t.add_argument("--plot", action=_Once, metavar="FILE.png",
                   help="save the decision boundary and the loss and accuracy curves "
                        f"(needs matplotlib: {PLOT_EXTRA})")
    t.add_argument("--json", action="store_true",
                   help="print a JSON report (settings, loss and accuracy per step) instead of text, "
                        "and no progress bar; errors as JSON on standard error")
    t.set_defaults(run=cmd_train)
    return parser


_GRAD_OPTIONS = ("-h", "--help", "--at", "--check", "--explain", "--svg", "--png", "--dot", "--html",
                 "--json", "--wrt", "--expect", "--latex")


def _looks_negative(text: str) -> bool:
    """An expression such as "-x*y" or "--x" that argparse would take for an option."""
    return text.startswith("-") and text.split("=")[0] not in _GRAD_OPTIONS


def _wants_json(args: Sequence[str]) -> bool:
    """Whether ``--json`` is among the options (words after a ``--`` are not options)."""
    options = args[: args.index("--")] if "--" in args else args
    return "--json" in options


def _error(message: str, as_json: bool, status: int = 2) -> int:
    """Report an error on standard error (one line, or one JSON object) and return ``status``.

    User text in the message (an expression, a name, a file name) is escaped:
    a newline or a terminal escape code shows as ``\\n`` or ``\\x1b`` and cannot
    forge output lines.
    """
    from autograd.text import clean

    if as_json:  # (JSON escapes every control character itself)
        short = message if len(message) <= 2000 else message[:1999] + "…"
        print(json.dumps({"error": short, "status": status}), file=sys.stderr)
    else:
        print(f"autograd: error: {clean(message, limit=2000)}", file=sys.stderr)
    return status


def _installation_problem() -> str | None:
    """Why the ``autograd`` package imported here is not (all) this one, or None.

    HIPS autograd installed over this package replaces ``autograd/__init__.py``
    (or leaves none when one of the two is uninstalled); the command line, whose
    own modules are still there, says so instead of failing on a missing name.
    """
    try:
        import autograd
        from autograd import _clash  # raises when HIPS autograd's files share the folder
    except ImportError as err:
        return str(err)
    return _clash.installed_package_problem(autograd)


_DEMO_OPTIONS = ("--out", "--html")  # `autograd --out graph.svg` is the demo's, as its hint says


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``autograd`` and ``python -m autograd``; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(args_list)
    if sys.stdout is None:  # started with its standard output closed (`>&-`)
        return _error("the standard output is closed, so nothing could be written; "
                      "redirect it to a file or /dev/null instead", as_json)
    problem = _installation_problem()
    if problem is not None:
        return _error(problem, as_json)
    from autograd.expr import ExpressionError

    if len(args_list) > 1 and args_list[0] == "grad" and _looks_negative(args_list[1]):
        # "-x*y" would be read as an option; a leading space keeps it an expression
        args_list[1] = " " + args_list[1]
    if args_list[:1] == ["--version"] and len(args_list) > 1:
        return _error(f"--version takes nothing else, got {' '.join(args_list[1:])!r}", as_json)
    if not args_list or args_list[0].split("=")[0] in _DEMO_OPTIONS:
        args_list.insert(0, "demo")  # no command: the main job, and its options alone
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # infinities and nans are reported in the output, not as Python or numpy warnings
            warnings.simplefilter("ignore")
            status = int(args.run(args))
        sys.stdout.flush()  # (a write that fails at exit would be a traceback of its own)
        return status
    except (UsageError, ExpressionError) as err:
        command = args_list[0] if args_list[0] in EXAMPLES else None
        text = str(err)
        if command is not None and text.endswith("(see autograd --help)"):  # an unknown option
            text = text[:-len("(see autograd --help)")] + f"(see autograd {command} --help)"
        for flag in ("--expect", "--explain", "--wrt"):
            if text.startswith(f"argument {flag}: expected one argument"):  # "-sin(x)" is an option
                text += f"; a value starting with '-' is written {flag}=-sin(x)"
        return _error(text, as_json)
    except (ValueError, ArithmeticError, TypeError) as err:
        return _error(str(err), as_json)
    except RuntimeError as err:  # e.g. no renderer for --svg/--png (the message says how to get one)
        return _error(str(err), as_json)
    except BrokenPipeError:  # output piped into e.g. head, which stopped reading
        sys.stdout = open(os.devnull, "w")
        # the status a program ended by SIGPIPE gives (128 + 13): not 0, which would say
        # that a check whose result was not read had passed
        return 141
    except OSError as err:  # the output cannot be written (a full disk: /dev/full)
        sys.stdout = open(os.devnull, "w")
        return _error(f"cannot write the output: {err.strerror or err}", as_json)
    except KeyboardInterrupt:
        if as_json:
            return _error("interrupted", as_json, 130)
        print("autograd: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
