"""The ``autograd`` command (also ``python -m autograd``).

    autograd grad "tanh(w1*x1 + w2*x2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814
    autograd demo --out seeds.svg
    autograd train --data moons --layers 16 16 1 --activations relu relu linear

Errors are one line on standard error with exit status 2, never a traceback;
with ``--json`` that line is a JSON object, ``{"error": "..."}``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import math
import os
import sys
import unicodedata
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from autograd import seeds


def _expression_functions() -> tuple[str, ...]:
    from autograd.expr import FUNCTIONS  # imported when the parser is built, like parse()

    return FUNCTIONS

EXAMPLES = {
    "grad": 'autograd grad "tanh(w1*x1 + w2*x2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814 --check',
    "demo": "autograd demo --out seeds.svg",
    "train": "autograd train --data circles --layers 8 8 1 --activations tanh sigmoid linear "
             "--steps 200 --plot boundary.png",
}


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _output_path(flag: str, path: str | None, suffixes: tuple[str, ...]) -> Path | None:
    """Check an output file before any work is done: suffix, folder, not a folder."""
    if path is None:
        return None
    if not path.strip():
        raise UsageError(f"{flag}: the file name is empty")
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise UsageError(f"{flag} {path}: the file name must end in {' or '.join(suffixes)}")
    try:
        if target.is_dir():
            raise UsageError(f"{flag} {path}: is a folder")
        folder = target.parent
        if not folder.is_dir():
            raise UsageError(f"{flag} {path}: the folder {str(folder)!r} does not exist")
    except OSError as err:  # e.g. a file name longer than the file system allows
        raise UsageError(f"{flag} {path}: {err.strerror or err}") from None
    return target


def _json_number(x: Any) -> Any:
    """JSON has no inf or nan: they are written as the strings "inf", "-inf", "nan"."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _json_number(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_number(v) for v in x]
    return x


# ------------------------------------------------------------------ grad
def _assignments(items: Sequence[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads the expression's names
        if not sep or not name or not text.strip():
            raise UsageError(f"--at takes NAME=VALUE pairs, got {item!r}")
        if not name.isidentifier():
            raise UsageError(f"--at: {name!r} is not a variable name")
        try:
            value = float(text)  # float() parses a number; it evaluates nothing
        except ValueError:
            raise UsageError(f"--at {name}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--at {name}: the value must be finite, got {text!r}")
        if name in values:
            raise UsageError(f"--at: {name} is given twice")
        values[name] = value
    return values


def cmd_grad(args: argparse.Namespace) -> int:
    from autograd.expr import CONSTANTS, parse

    if args.expression is None:
        if args.at:  # --at took every word after it, the expression too
            raise UsageError("EXPR is missing: --at reads every word after it, so put EXPR first "
                             "(autograd grad EXPR --at NAME=VALUE ...) or end the --at list with -- "
                             "(autograd grad --at NAME=VALUE ... -- EXPR)")
        raise UsageError("grad: EXPR is missing (see autograd grad --help)")
    outputs = {fmt: _output_path(f"--{fmt}", getattr(args, fmt), (f".{fmt}",))
               for fmt in ("svg", "png", "dot")}
    html_path = _output_path("--html", args.html, (".html",))
    expression = parse(args.expression)
    at = _assignments(args.at or [])
    for name in at:
        if name in CONSTANTS:
            raise UsageError(f"--at: {name} is a constant ({CONSTANTS[name]!r}) and cannot be set")
        if name not in expression.variables:
            raise UsageError(f"--at: the expression has no variable {name} "
                             f"(its variables: {', '.join(expression.variables) or 'none'})")
    out, leaves = expression.build(at)
    if not out.is_leaf:  # the output node is named f, like the printout
        out.label = "f"
    out.backward()
    report: dict[str, Any] = {
        "expression": expression.text,
        "at": at,
        "value": out.data,
        "gradients": {name: leaf.grad for name, leaf in leaves.items()},
    }
    text = [f"f = {expression.text}", f"f = {_fmt(out.data)}"]  # type: ignore[arg-type]
    text += [f"∂f/∂{name} = {_fmt(leaf.grad)}" for name, leaf in leaves.items()]
    status = 0
    if args.check:
        from autograd.gradchecks import gradcheck

        if not leaves:
            raise UsageError("--check: the expression has no variables to check")
        result = gradcheck(out, list(leaves.values()), raise_exception=False)
        report["check"] = {
            "ok": result.ok,
            "rows": [{"input": r.input, "analytic": r.analytic, "numeric": r.numeric,
                      "abs_err": r.abs_err, "rel_err": r.rel_err, "status": r.status}
                     for r in result.rows],
        }
        text += ["", str(result)]
        status = 0 if result.ok else 1
    if args.explain:
        from autograd.chain import explain

        if args.explain not in leaves:
            raise UsageError(f"--explain: the expression has no variable {args.explain} "
                             f"(its variables: {', '.join(leaves) or 'none'})")
        explanation = explain(out, leaves[args.explain])
        report["explain"] = {
            "text": str(explanation),
            "total": explanation.total,
            "paths": [[{"factor": f.name, "op": f.op, "value": f.value} for f in p.factors]
                      for p in explanation.paths],
        }
        text += ["", str(explanation)]
    if args.expect is not None or args.latex:
        status = max(status, _formula_options(args, out, leaves, report, text))
    for path in outputs.values():
        if path is not None:
            _save_drawing(out, path)
            text.append(f"wrote {path}")
    if html_path is not None:
        _save_explorer(out, html_path)
        text.append(f"wrote {html_path}")
    if args.json:
        print(json.dumps(_json_number(report), indent=2, allow_nan=False))
    else:
        print("\n".join(text))
    return status


# Networks `autograd train` builds: at most this many parameters, and this many
# parameter-sample-steps in all (about a minute of work).
MAX_PARAMETERS = 100_000
MAX_WORK = 2e9

# Drawings and explorer pages the command line writes: at most this many Values,
# laid out within this many seconds (Graphviz can take minutes on graphs whose
# inputs are shared across many levels; the error then says what to do).
DRAW_MAX_NODES = 300
RENDER_SECONDS = 5.0


def _formula_options(args: argparse.Namespace, out: Any, leaves: dict[str, Any],
                     report: dict[str, Any], text: list[str]) -> int:
    """--expect FORMULA (for --wrt NAME) checked as a formula; --latex: the chain rule in LaTeX."""
    from autograd.chain import explain
    from autograd.symbolic import check_formula

    for name in (args.wrt, args.explain if args.latex else None):
        if name is not None and name not in leaves:
            raise UsageError(f"--wrt: the expression has no variable {name} "
                             f"(its variables: {', '.join(leaves) or 'none'})")
    wrt = args.wrt
    if wrt is None and args.expect is not None:
        if len(leaves) != 1:
            raise UsageError("--expect: say which derivative the formula is with --wrt NAME "
                             f"(the variables: {', '.join(leaves) or 'none'})")
        wrt = next(iter(leaves))
    status = 0
    if args.expect is not None:
        result = check_formula(out, leaves[wrt], args.expect)
        c = result.counterexample
        report["expect"] = {
            "wrt": wrt, "formula": result.formula, "verdict": result.verdict, "ok": result.ok,
            "points": result.points, "reason": result.reason,
            "counterexample": None if c is None else {
                "where": c.where, "point": c.point, "formula": c.formula, "engine": c.engine,
                "finite_difference": c.numeric},
        }
        text += ["", str(result)]
        status = 0 if result.ok else 1
    if args.latex:
        names = [n for n in (wrt, args.explain) if n is not None] or list(leaves)
        report["latex"] = {}
        for name in dict.fromkeys(names):
            source = str(explain(out, leaves[name]).latex())
            report["latex"][name] = source
            text += ["", source]
    return status


def _save_drawing(root: Any, path: Path) -> None:
    from autograd.viz import draw

    try:
        draw(root, chain=True, max_nodes=DRAW_MAX_NODES, timeout=RENDER_SECONDS).save(path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None


def _save_explorer(root: Any, path: Path) -> None:
    from autograd.explorer import explore

    try:
        explore(root, timeout=RENDER_SECONDS).save(path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None


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
        _save_drawing(net.loss, out_path)
        print(f"wrote the computation graph to {out_path}")
    elif html_path is None:
        print("(add --out graph.svg to write the computation graph, --html seeds.html to explore it)")
    if html_path is not None:
        _save_explorer(net.loss, html_path)
        print(f"wrote the graph explorer to {html_path} (open it in a browser)")
    return 0


# ------------------------------------------------------------------ train
PLOT_EXTRA = 'pip install "autograd-scalar[plot]"'


def _check_plotting(flag: str) -> None:
    """Refuse ``flag`` before any work when matplotlib is missing, naming the extra to install."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(f"{flag} needs matplotlib, which is not installed: {PLOT_EXTRA}") from None


def cmd_train(args: argparse.Namespace) -> int:
    import numpy as np
    from tqdm import tqdm

    from autograd import data, losses, nn, optim
    from autograd.functions import sum as vsum
    from autograd.modes import no_grad
    from autograd.value import Value

    save_path = _output_path("--save", args.save, (".json",))
    plot_path = _output_path("--plot", args.plot, (".png",))
    if plot_path is not None:
        _check_plotting("--plot")
    if args.samples < 2:
        raise UsageError(f"--samples: at least 2 samples are needed, got {args.samples}")
    if args.data == "blobs":  # --noise is the spread of each blob
        noise = 1.0 if args.noise is None else args.noise
        X, y = data.make_blobs(n_samples=args.samples, centers=3, seed=args.seed, cluster_std=noise)
    else:
        noise = 0.1 if args.noise is None else args.noise
        make = data.make_moons if args.data == "moons" else data.make_circles
        X, y = make(n_samples=args.samples, noise=noise, seed=args.seed)
    classes = int(y.max()) + 1
    layers = list(args.layers) if args.layers else [16, 16, 1 if classes == 2 else classes]
    want_out = 1 if classes == 2 else classes
    if layers[-1] != want_out:
        raise UsageError(f"--layers: the last layer must have {want_out} neuron(s) for "
                         f"{classes} classes, got {layers[-1]}")
    sizes = [2, *layers]
    n_params = sum((nin + 1) * nout for nin, nout in itertools.pairwise(sizes))
    if n_params > MAX_PARAMETERS:
        raise UsageError(f"--layers {' '.join(map(str, layers))}: the network would have "
                         f"{n_params:,} parameters, more than {MAX_PARAMETERS:,}; this is a "
                         "scalar engine for learning, use fewer or narrower layers")
    work = n_params * args.samples * args.steps
    if work > MAX_WORK:
        raise UsageError(f"--layers/--samples/--steps: {n_params:,} parameters x "
                         f"{args.samples:,} samples x {args.steps:,} steps is more than "
                         f"{MAX_WORK:.0e} parameter updates; lower one of them")
    acts = list(args.activations) if args.activations else ["relu"] * (len(layers) - 1) + ["linear"]
    if len(acts) != len(layers):
        raise UsageError(f"--activations: give one per layer ({len(layers)}), got {len(acts)}")
    try:
        model = nn.MLP(2, layers, activations=acts, seed=args.seed)
    except ValueError as err:
        raise UsageError(str(err)) from None
    params = model.parameters()
    inputs = [Value(column) for column in X.T]  # batch mode: one Value per feature
    signs = 2.0 * y - 1.0
    # defaults: micrograd's lr 1.0 (decaying) for the max-margin loss; softmax
    # cross-entropy on the wider blobs diverges there, 0.05 trains
    sgd_lr = 1.0 if classes == 2 else 0.05
    lr = args.lr if args.lr is not None else (0.05 if args.optimizer == "adam" else sgd_lr)
    opt: optim.Optimizer = (optim.Adam(params, lr=lr) if args.optimizer == "adam"
                            else optim.SGD(params, lr=lr))
    if not args.json:
        print(f"training {model.summary()} on {args.samples} {args.data} points "
              f"({args.optimizer}, lr {lr:g}, {args.steps} steps)", file=sys.stderr)

    def predict(xs: Sequence[Any]) -> Any:
        return _classes_of(model(xs), classes)

    def train_step(step: int) -> tuple[float, float]:
        out = model(inputs)
        if classes == 2:
            data_loss = losses.hinge(out, signs)
        else:
            data_loss = losses.cross_entropy(out, y)
        loss = data_loss + args.l2 * vsum([p * p for p in params])
        with no_grad():  # the accuracy of the scores the loss was computed from
            acc = float(np.mean(_classes_of(out, classes) == y))
        opt.zero_grad()
        loss.backward()
        if args.optimizer == "sgd":
            opt.lr = lr * (1.0 - 0.9 * (step - 1) / args.steps)  # micrograd's schedule
        opt.step()
        return loss.item(), acc

    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    # the bar goes to standard error; --json keeps stderr for errors, and a disable=
    # passed only then lets tqdm's own settings (TQDM_DISABLE=1, TQDM_MININTERVAL, ...) work
    quiet: dict[str, Any] = {"disable": True} if args.json else {}
    with tqdm(range(1, args.steps + 1), desc="training", unit="step", file=sys.stderr,
              dynamic_ncols=True, **quiet) as bar:
        for step in bar:
            with np.errstate(all="ignore"):  # divergence is reported below, not as numpy warnings
                loss, acc = train_step(step)
            if not math.isfinite(loss):
                raise UsageError(f"training diverged: the loss is {loss} at step {step}; "
                                 "try a smaller --lr")
            history["loss"].append(loss)
            history["accuracy"].append(acc)
            bar.set_postfix({"loss": f"{loss:.4g}", "accuracy": f"{acc:.1%}"}, refresh=False)
    with no_grad():
        correct = int(np.sum(predict(inputs) == y))
    final_accuracy = correct / len(y)
    lines = [f"final training accuracy: {final_accuracy:.1%} ({correct}/{len(y)})"]
    if save_path is not None:
        try:
            model.save(save_path)
        except OSError as err:
            raise UsageError(f"cannot write {save_path}: {err.strerror or err}") from None
        lines.append(f"saved the parameters to {save_path}")
    if plot_path is not None:
        from autograd.plot import training_figure

        def grid_classes(gx: Any, gy: Any) -> Any:
            with no_grad():
                return predict([Value(gx), Value(gy)])

        figure = training_figure(grid_classes, X, y, history,
                                 title=f"{model.summary()} on {args.data}")
        try:
            figure.savefig(plot_path, dpi=100)
        except OSError as err:
            raise UsageError(f"cannot write {plot_path}: {err.strerror or err}") from None
        lines.append(f"wrote the decision boundary and the training curves to {plot_path}")
    if args.json:
        report = {
            "model": model.config(), "data": args.data, "samples": args.samples, "noise": noise,
            "optimizer": args.optimizer, "lr": lr, "l2": args.l2, "steps": args.steps,
            "seed": args.seed, "loss": history["loss"], "accuracy": history["accuracy"],
            "final_accuracy": final_accuracy,
            "save": None if save_path is None else str(save_path),
            "plot": None if plot_path is None else str(plot_path),
        }
        print(json.dumps(_json_number(report), allow_nan=False))
    else:
        print("\n".join(lines))
    return 0


def _classes_of(out: Any, classes: int) -> Any:
    """The predicted class of every sample from the network's output (one Value or a list)."""
    import numpy as np

    if classes == 2:
        return (np.asarray(out.data) > 0).astype(np.int64)
    return np.argmax(np.vstack([np.asarray(v.data) for v in out]), axis=0)


# ------------------------------------------------------------------ parser
def _whole(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} must be between {low} and {high:,}")
        return value

    return parse


_positive_int = _whole(1, 100_000)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not 0 <= value <= 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number from 0 to 1e6")
    return value


def _positive_number(text: str) -> float:
    value = _number(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0 (0 would not train)")
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
    g.add_argument("--explain", metavar="NAME", help="chain-rule breakdown of df/dNAME")
    g.add_argument("--wrt", metavar="NAME", help="the variable of --expect and --latex")
    g.add_argument("--expect", metavar="FORMULA",
                   help="your df/dNAME as a formula in the same language (1 if x > 0 else 0 for "
                        "a kink): proved equal, wrong with a counterexample (exit status 1), or "
                        "equal at random points")
    g.add_argument("--latex", action="store_true",
                   help="the chain rule of df/dNAME in LaTeX (for --wrt or --explain NAME, "
                        "else every variable)")
    g.add_argument("--svg", metavar="FILE", help="write the graph (with chain-rule labels) as SVG")
    g.add_argument("--png", metavar="FILE", help="write the graph as PNG")
    g.add_argument("--dot", metavar="FILE", help="write the graph's DOT source")
    g.add_argument("--html", metavar="FILE", help="write the graph explorer: step through forward "
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
    d.add_argument("--out", metavar="FILE", help="write the computation graph (.svg, .png or .dot)")
    d.add_argument("--html", metavar="FILE", help="write the graph explorer (an .html page to step "
                                                  "through the derivation)")
    d.set_defaults(run=cmd_demo)

    t = sub.add_parser(
        "train", help="train an MLP on a 2-D toy data set",
        description="Train a multi-layer perceptron (batch mode: one graph for all samples) on "
                    "moons, circles or blobs; two classes use the max-margin loss, more use "
                    "softmax cross-entropy; plus an L2 penalty. A progress bar (tqdm) on "
                    "standard error shows the loss and accuracy; TQDM_DISABLE=1 hides it.",
        epilog=f"example:\n  {EXAMPLES['train']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--data", choices=["moons", "circles", "blobs"], default="moons",
                   help="the data set (default moons)")
    t.add_argument("--samples", type=_positive_int, default=100, help="data points (default 100)")
    t.add_argument("--noise", type=_number,
                   help="noise of moons and circles (default 0.1), spread of blobs (default 1.0)")
    t.add_argument("--layers", type=_positive_int, nargs="+", metavar="N",
                   help="neurons per layer, the last is the output (default 16 16 1)")
    t.add_argument("--activations", nargs="+", metavar="NAME",
                   help="one per layer: tanh sigmoid relu linear leaky_relu elu softplus silu gelu "
                        "(default relu ... linear)")
    t.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="(default sgd)")
    t.add_argument("--lr", type=_positive_number, help="learning rate (default for sgd, with micrograd's "
                                               "decay: 1.0, or 0.05 for blobs; for adam 0.05)")
    t.add_argument("--l2", type=_number, default=1e-4, help="L2 penalty (default 1e-4)")
    t.add_argument("--steps", type=_positive_int, default=100, help="training steps (default 100)")
    t.add_argument("--seed", type=_whole(0, 2**32 - 1), default=1,
                   help="seed of the data and the initial weights (default 1)")
    t.add_argument("--save", metavar="FILE.json", help="save the trained parameters as JSON")
    t.add_argument("--plot", metavar="FILE.png",
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

    if as_json:
        print(json.dumps({"error": message, "status": status}), file=sys.stderr)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``autograd`` and ``python -m autograd``; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(args_list)
    problem = _installation_problem()
    if problem is not None:
        return _error(problem, as_json)
    from autograd.expr import ExpressionError

    if len(args_list) > 1 and args_list[0] == "grad" and _looks_negative(args_list[1]):
        # "-x*y" would be read as an option; a leading space keeps it an expression
        args_list[1] = " " + args_list[1]
    parser = build_parser()
    try:
        args = parser.parse_args(args_list or ["demo"])  # no command: the main job
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # infinities and nans are reported in the output, not as Python or numpy warnings
            warnings.simplefilter("ignore")
            return int(args.run(args))
    except (UsageError, ExpressionError) as err:
        return _error(str(err), as_json)
    except (ValueError, ArithmeticError, TypeError) as err:
        return _error(str(err), as_json)
    except RuntimeError as err:  # e.g. no renderer for --svg/--png (the message says how to get one)
        return _error(str(err), as_json)
    except BrokenPipeError:  # output piped into e.g. head, which stopped reading
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        if as_json:
            return _error("interrupted", as_json, 130)
        print("autograd: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
