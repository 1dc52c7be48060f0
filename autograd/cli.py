"""The ``autograd`` command (also ``python -m autograd``).

    autograd grad "tanh(w1*x1 + w2*x2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814
    autograd demo --out seeds.svg
    autograd train --data moons --layers 16 16 1 --activations relu relu linear

Errors are one line on standard error with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from autograd import seeds

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


# ------------------------------------------------------------------ grad
def _assignments(items: Sequence[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
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

    expression = parse(args.expression)
    at = _assignments(args.at or [])
    for name in at:
        if name in CONSTANTS:
            raise UsageError(f"--at: {name} is a constant ({CONSTANTS[name]!r}) and cannot be set")
        if name not in expression.variables:
            raise UsageError(f"--at: the expression has no variable {name} "
                             f"(its variables: {', '.join(expression.variables) or 'none'})")
    out, leaves = expression.build(at)
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
        from autograd.verify import gradcheck

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
        out.label = out.label or "f"
        explanation = explain(out, leaves[args.explain])
        report["explain"] = {
            "text": str(explanation),
            "total": explanation.total,
            "paths": [[{"factor": f.name, "op": f.op, "value": f.value} for f in p.factors]
                      for p in explanation.paths],
        }
        text += ["", str(explanation)]
    for flag, fmt in (("svg", "svg"), ("png", "png"), ("dot", "dot")):
        path = getattr(args, flag)
        if path:
            _save_drawing(out, path, fmt)
            text.append(f"wrote {path}")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print("\n".join(text))
    return status


def _save_drawing(root: Any, path: str, fmt: str) -> None:
    from autograd.viz import draw

    suffix = Path(path).suffix.lower()
    if suffix != f".{fmt}":
        raise UsageError(f"--{fmt} {path}: the file name must end in .{fmt}")
    try:
        draw(root, chain=True, max_nodes=2000).save(path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None


# ------------------------------------------------------------------ demo
def cmd_demo(args: argparse.Namespace) -> int:
    """The seeds' three-layer network: hand-derived chain rule vs engine vs finite difference."""
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
    if args.out:
        _save_drawing(net.loss, args.out, "svg")
        print(f"wrote the computation graph to {args.out}")
    else:
        print("(add --out graph.svg to write the computation graph)")
    return 0


# ------------------------------------------------------------------ train
def _progress(step: int, steps: int, loss: float, acc: float, start: float) -> None:
    width = 30
    done = int(width * step / steps)
    line = (f"[{'#' * done}{'.' * (width - done)}] step {step:>{len(str(steps))}}/{steps}  "
            f"loss {loss:.4f}  accuracy {acc:6.1%}  {time.perf_counter() - start:5.1f}s")
    if sys.stderr.isatty():
        end = "\n" if step == steps else ""
        print("\r" + line, end=end, file=sys.stderr, flush=True)
    elif step == steps or step % max(1, steps // 10) == 0:
        print(line, file=sys.stderr, flush=True)


def cmd_train(args: argparse.Namespace) -> int:
    import numpy as np

    from autograd import data, losses, nn, optim
    from autograd.engine import Value, no_grad
    from autograd.functions import sum as vsum

    if args.steps < 1 or args.samples < 2:
        raise UsageError("--steps must be at least 1 and --samples at least 2")
    if args.data == "blobs":  # --noise is the spread of each blob
        X, y = data.make_blobs(n_samples=args.samples, centers=3, seed=args.seed,
                               cluster_std=1.0 if args.noise is None else args.noise)
    else:
        make = data.make_moons if args.data == "moons" else data.make_circles
        X, y = make(n_samples=args.samples, noise=0.1 if args.noise is None else args.noise,
                    seed=args.seed)
    classes = int(y.max()) + 1
    layers = list(args.layers) if args.layers else [16, 16, 1 if classes == 2 else classes]
    want_out = 1 if classes == 2 else classes
    if layers[-1] != want_out:
        raise UsageError(f"--layers: the last layer must have {want_out} neuron(s) for "
                         f"{classes} classes, got {layers[-1]}")
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
    opt: optim.Optimizer = (optim.Adam(params, lr=args.lr or 0.05) if args.optimizer == "adam"
                            else optim.SGD(params, lr=args.lr or sgd_lr))
    base_lr = opt.lr
    print(f"training {model.summary()} on {args.samples} {args.data} points "
          f"({args.optimizer}, {args.steps} steps)", file=sys.stderr)

    def predict(xs: Sequence[Any]) -> Any:
        out = model(xs)
        if classes == 2:
            return (np.asarray(out.data) > 0).astype(np.int64)
        return np.argmax(np.vstack([np.asarray(v.data) for v in out]), axis=0)

    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        out = model(inputs)
        if classes == 2:
            data_loss = losses.hinge(out, signs)
        else:
            data_loss = losses.cross_entropy(out, y)
        loss = data_loss + args.l2 * vsum([p * p for p in params])
        opt.zero_grad()
        loss.backward()
        if args.optimizer == "sgd":
            opt.lr = base_lr * (1.0 - 0.9 * (step - 1) / args.steps)  # micrograd's schedule
        opt.step()
        with no_grad():
            acc = float(np.mean(predict(inputs) == y))
        _progress(step, args.steps, float(loss.data), acc, start)
    with no_grad():
        correct = int(np.sum(predict(inputs) == y))
    print(f"final training accuracy: {correct / len(y):.1%} ({correct}/{len(y)})")
    if args.save:
        try:
            model.save(args.save)
        except OSError as err:
            raise UsageError(f"cannot write {args.save}: {err.strerror or err}") from None
        print(f"saved the parameters to {args.save}")
    if args.plot:
        from autograd.picture import decision_boundary, save_png

        if not args.plot.lower().endswith(".png"):
            raise UsageError(f"--plot {args.plot}: the file name must end in .png")
        with no_grad():
            image = decision_boundary(lambda gx, gy: predict([Value(gx), Value(gy)]), X, y)
        try:
            save_png(args.plot, image)
        except OSError as err:
            raise UsageError(f"cannot write {args.plot}: {err.strerror or err}") from None
        print(f"wrote the decision boundary to {args.plot}")
    return 0


# ------------------------------------------------------------------ parser
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line's argument parser."""
    parser = _Parser(
        prog="autograd",
        description="A scalar autograd engine for learning and checking backpropagation.",
        epilog="examples:\n  " + "\n  ".join(EXAMPLES.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="{grad,demo,train}")

    g = sub.add_parser(
        "grad", help="value and every partial derivative of an expression",
        description="Print the value of EXPR and its partial derivative with respect to every "
                    "variable. EXPR uses Python's arithmetic (+ - * / ** and parentheses), "
                    "numbers, variable names, the constants pi and e, and the functions "
                    "abs cos elu erf exp gelu leaky_relu log relu sigmoid silu sin softplus "
                    "sqrt tanh. It is parsed, never evaluated.",
        epilog=f"example:\n  {EXAMPLES['grad']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("expression", metavar="EXPR", help="the expression, quoted")
    g.add_argument("--at", nargs="+", metavar="NAME=VALUE", help="the value of each variable")
    g.add_argument("--check", action="store_true",
                   help="compare every derivative with a central finite difference")
    g.add_argument("--explain", metavar="NAME", help="chain-rule breakdown of df/dNAME")
    g.add_argument("--svg", metavar="FILE", help="write the graph (with chain-rule labels) as SVG")
    g.add_argument("--png", metavar="FILE", help="write the graph as PNG")
    g.add_argument("--dot", metavar="FILE", help="write the graph's DOT source")
    g.add_argument("--json", action="store_true", help="machine-readable output")
    g.set_defaults(run=cmd_grad)

    d = sub.add_parser(
        "demo", help="the seeds' three-layer network (tanh, sigmoid, relu), checked by hand",
        description="Backpropagation through the seeds' network with a tanh, a sigmoid and a "
                    "ReLU layer and the R2 loss: for each weight, the chain rule derived by hand "
                    "(dE/do * do/da * da/dw), the engine's gradient and a central difference.",
        epilog=f"example:\n  {EXAMPLES['demo']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("--out", metavar="FILE.svg", help="write the computation graph as SVG")
    d.set_defaults(run=cmd_demo)

    t = sub.add_parser(
        "train", help="train an MLP on a 2-D toy data set",
        description="Train a multi-layer perceptron (batch mode: one graph for all samples) on "
                    "moons, circles or blobs; two classes use the max-margin loss, more use "
                    "softmax cross-entropy; plus an L2 penalty.",
        epilog=f"example:\n  {EXAMPLES['train']}", formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--data", choices=["moons", "circles", "blobs"], default="moons")
    t.add_argument("--samples", type=_positive_int, default=100)
    t.add_argument("--noise", type=_number,
                   help="noise of moons and circles (default 0.1), spread of blobs (default 1.0)")
    t.add_argument("--layers", type=_positive_int, nargs="+", metavar="N",
                   help="neurons per layer, the last is the output (default 16 16 1)")
    t.add_argument("--activations", nargs="+", metavar="NAME",
                   help="one per layer: tanh sigmoid relu linear leaky_relu elu softplus silu gelu "
                        "(default relu ... linear)")
    t.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    t.add_argument("--lr", type=_number, help="learning rate (default for sgd, with micrograd's "
                                               "decay: 1.0, or 0.05 for blobs; for adam 0.05)")
    t.add_argument("--l2", type=_number, default=1e-4, help="L2 penalty (default 1e-4)")
    t.add_argument("--steps", type=_positive_int, default=100)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--save", metavar="FILE.json", help="save the trained parameters as JSON")
    t.add_argument("--plot", metavar="FILE.png", help="save a decision-boundary picture")
    t.set_defaults(run=cmd_train)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``autograd`` and ``python -m autograd``; returns the exit status."""
    from autograd.expr import ExpressionError

    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list or ["demo"])  # no command: the main job
        return int(args.run(args))
    except (UsageError, ExpressionError) as err:
        print(f"autograd: error: {err}", file=sys.stderr)
        return 2
    except (ValueError, ArithmeticError, TypeError) as err:
        print(f"autograd: error: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:  # e.g. no renderer for --svg/--png (the message says how to get one)
        print(f"autograd: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. head, which stopped reading
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("autograd: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
