"""autograd.plot: the decision boundary and the training curves, drawn with matplotlib."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure

from autograd import plot
from autograd.data import make_blobs, make_moons


def by_sign(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """A fixed classifier: class 1 below the line y = 0.25, class 0 above."""
    return (ys < 0.25).astype(int)


def legend_texts(ax) -> list[str]:  # type: ignore[no-untyped-def]
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_training_figure_has_the_boundary_and_both_curves() -> None:
    X, y = make_moons(60, noise=0.1, seed=0)
    history = {"loss": [0.9, 0.5, 0.2, 0.1], "accuracy": [0.5, 0.7, 0.9, 1.0]}
    figure = plot.training_figure(by_sign, X, y, history, title="a model")
    assert isinstance(figure, Figure)
    boundary, loss, accuracy = figure.axes
    assert boundary.get_xlabel().startswith("$x_1$") and boundary.get_ylabel().startswith("$x_2$")
    assert legend_texts(boundary) == ["class 0", "class 1", "decision boundary",
                                      "predicted 0", "predicted 1"]
    assert len(boundary.collections) >= 3  # the regions, the boundary line, the samples
    assert loss.get_xlabel() == "step" and "loss" in loss.get_ylabel()
    assert loss.get_yscale() == "log"
    np.testing.assert_array_equal(loss.lines[0].get_ydata(), history["loss"])
    np.testing.assert_array_equal(accuracy.lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(accuracy.lines[0].get_ydata(), [50.0, 70.0, 90.0, 100.0])
    assert accuracy.get_ylabel() == "accuracy (%)"
    assert figure.get_suptitle() == "a model"


def test_three_classes_get_three_colours_in_the_legend() -> None:
    X, y = make_blobs(45, centers=3, seed=1)

    def nearest_centre(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        centres = np.array([X[y == c].mean(axis=0) for c in range(3)])
        d = (xs[:, None] - centres[:, 0]) ** 2 + (ys[:, None] - centres[:, 1]) ** 2
        return np.argmin(d, axis=1)

    figure = Figure()
    plot.decision_boundary(figure.add_subplot(), nearest_centre, X, y)
    assert legend_texts(figure.axes[0])[:3] == ["class 0", "class 1", "class 2"]


def test_bad_shapes_are_refused() -> None:
    figure = Figure()
    with pytest.raises(ValueError, match=r"X must be \(n_samples, 2\)"):
        plot.decision_boundary(figure.add_subplot(), by_sign, np.zeros((5, 3)), np.zeros(5))


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "autograd-scalar\[plot\]"'):
        plot.training_figure(by_sign, np.zeros((2, 2)), np.array([0, 1]), {"loss": [], "accuracy": []})
