"""``autograd train``: an MLP trained on a 2-D toy data set, within bounds.

The network's size and the work of training are bounded (:data:`MAX_PARAMETERS`,
:data:`MAX_WORK`); a progress bar on standard error; the trained parameters
saved as JSON and the decision boundary plotted, on request.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.cli_common import UsageError, _cannot_write, _json_number, _output_path

# Networks `autograd train` builds: at most this many parameters, and this much work in
# all, counted as parameters x (samples + SAMPLES_PER_STEP) x steps: each parameter
# costs a step about what this many samples cost it (its update and its nodes: measured
# 4.3 us a parameter a step, 0.38 ns a parameter a sample, in batch mode), so the
# bound is about 40 s of training whatever the mix (2 samples took 0.3 s a step at
# 96,000 parameters, which a bound on parameters x samples x steps let run 70 minutes).
MAX_PARAMETERS = 100_000
MAX_LAYERS = 100
SAMPLES_PER_STEP = 10_000
MAX_WORK = 1e11


PLOT_EXTRA = 'pip install "autograd-scalar[plot]"'


def _check_plotting(flag: str) -> None:
    """Refuse ``flag`` before any work when matplotlib is missing, naming the extra to install."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(f"{flag} needs matplotlib, which is not installed: {PLOT_EXTRA}") from None


def cmd_train(args: argparse.Namespace) -> int:
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
    if args.layers and len(args.layers) > MAX_LAYERS:
        raise UsageError(f"--layers: {len(args.layers):,} layers, more than {MAX_LAYERS}; "
                         "this is a scalar engine for learning, use fewer layers")
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
    work = n_params * (args.samples + SAMPLES_PER_STEP) * args.steps
    if work > MAX_WORK:
        raise UsageError(f"--layers/--samples/--steps: {n_params:,} parameters x "
                         f"({args.samples:,} samples + {SAMPLES_PER_STEP:,} for each step's own "
                         f"work) x {args.steps:,} steps is {work:.2g}, more than the "
                         f"{MAX_WORK:.0e} this command runs (about 40 s); lower one of them")
    acts = list(args.activations) if args.activations else ["relu"] * (len(layers) - 1) + ["linear"]
    if len(acts) != len(layers):
        raise UsageError(f"--activations: give one per layer ({len(layers)}), got {len(acts)}")
    unknown = [a for a in acts if a not in nn.ACTIVATIONS]
    if unknown:  # (nn's own message offers a callable too, which a command line cannot pass)
        raise UsageError(f"--activations: unknown activation {unknown[0]!r}; the names: "
                         f"{', '.join(sorted(nn.ACTIVATIONS))}")
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
            raise _cannot_write("--save", save_path, err) from None
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
            raise _cannot_write("--plot", plot_path, err) from None
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

    if classes == 2:
        return (np.asarray(out.data) > 0).astype(np.int64)
    return np.argmax(np.vstack([np.asarray(v.data) for v in out]), axis=0)
