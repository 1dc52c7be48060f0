"""Pictures of a trained 2-D classifier with matplotlib (the ``plot`` extra).

    pip install "autograd-scalar[plot]"

:func:`training_figure` draws what ``autograd train --plot FILE.png`` saves:
the decision boundary over the samples, and the loss and accuracy curves of
the training run.  :func:`decision_boundary` draws the first panel into any
matplotlib ``Axes``.  Figures are made with ``matplotlib.figure.Figure``, not
pyplot: nothing depends on a display or changes pyplot's global state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# class colours (ColorBrewer): strong for the samples, light for the regions
POINT_COLOURS = ["#2171b5", "#d94801", "#238b45", "#6a51a3", "#cb181d", "#525252"]
REGION_COLOURS = ["#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1", "#d9d9d9"]

Predict = Callable[[np.ndarray, np.ndarray], Any]


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(
            'autograd.plot needs matplotlib: pip install "autograd-scalar[plot]"'
        ) from None


def decision_boundary(
    ax: Axes,
    predict: Predict,
    X: np.ndarray,
    y: np.ndarray,
    resolution: int = 300,
    margin: float = 0.5,
) -> None:
    """Draw a 2-D classifier into ``ax``: regions by predicted class, the boundary, the samples.

    ``predict(xs, ys)`` gets the coordinates of a grid (two 1-D arrays) and
    returns the predicted class (0, 1, ...) of every grid point.  ``X`` is
    ``(n_samples, 2)``, ``y`` the class of each sample.  The axes get labels,
    a title and a legend.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(f"decision_boundary: X must be (n_samples, 2) and y (n_samples,), "
                         f"got {X.shape} and {y.shape}")
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    Z = np.asarray(predict(gx.ravel(), gy.ravel()), dtype=np.int64).reshape(gx.shape)
    classes = int(max(y.max(), Z.max())) + 1
    k = len(POINT_COLOURS)
    # regions cell by cell (no interpolation between class numbers), then the
    # boundary as the edge of every class's region
    ax.pcolormesh(gx, gy, Z, shading="nearest", vmin=-0.5, vmax=classes - 0.5,
                  cmap=ListedColormap([REGION_COLOURS[c % k] for c in range(classes)]))
    for c in range(classes):
        inside = (Z == c).astype(np.float64)
        if 0 < inside.sum() < inside.size:
            ax.contour(gx, gy, inside, levels=[0.5], colors="#252525", linewidths=1.2)
    for c in range(classes):
        mine = y == c
        if mine.any():
            ax.scatter(X[mine, 0], X[mine, 1], s=28, color=POINT_COLOURS[c % k],
                       edgecolors="white", linewidths=0.7, label=f"class {c}", zorder=3)
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="#252525", linewidth=1.2, label="decision boundary"))
    handles += [Patch(color=REGION_COLOURS[c % k], label=f"predicted {c}") for c in range(classes)]
    ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.9)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$ (first feature)")
    ax.set_ylabel("$x_2$ (second feature)")
    ax.set_title("decision boundary on the training samples")


def training_figure(
    predict: Predict,
    X: np.ndarray,
    y: np.ndarray,
    history: Mapping[str, Sequence[float]],
    title: str = "",
) -> Figure:
    """A figure with the decision boundary (left) and the loss and accuracy curves (right).

    ``history`` maps ``"loss"`` and ``"accuracy"`` (a fraction from 0 to 1)
    to one value per training step.  Save it with ``figure.savefig(path)``.
    """
    _require_matplotlib()
    from matplotlib.figure import Figure

    loss = np.asarray(history["loss"], dtype=np.float64)
    accuracy = 100.0 * np.asarray(history["accuracy"], dtype=np.float64)
    steps = np.arange(1, len(loss) + 1)
    figure = Figure(figsize=(12, 5.5), layout="constrained")
    grid = figure.add_gridspec(2, 2, width_ratios=[1.25, 1])
    decision_boundary(figure.add_subplot(grid[:, 0]), predict, X, y)

    ax_loss = figure.add_subplot(grid[0, 1])
    ax_loss.plot(steps, loss, color="#08519c", linewidth=1.5, label="training loss")
    if len(loss) and np.all(loss > 0):
        ax_loss.set_yscale("log")
        ax_loss.set_ylabel("loss (log scale)")
    else:
        ax_loss.set_ylabel("loss")
    ax_loss.set_xlabel("step")
    ax_loss.set_title("loss")
    ax_loss.grid(True, which="both", alpha=0.3)
    ax_loss.legend(loc="upper right", fontsize="small")

    ax_acc = figure.add_subplot(grid[1, 1], sharex=ax_loss)
    ax_acc.plot(steps, accuracy, color="#a63603", linewidth=1.5, label="training accuracy")
    ax_acc.set_ylim(min(50.0, float(accuracy.min()) - 5.0) if len(accuracy) else 0.0, 102.0)
    ax_acc.set_xlabel("step")
    ax_acc.set_ylabel("accuracy (%)")
    ax_acc.set_title("accuracy")
    ax_acc.grid(True, alpha=0.3)
    ax_acc.legend(loc="lower right", fontsize="small")
    if title:
        figure.suptitle(title)
    return figure
