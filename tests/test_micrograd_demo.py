"""micrograd's demo notebook runs on this engine with only its imports renamed.

``DEMO_CELLS`` carries the code cells of micrograd's ``demo.ipynb``
(github.com/karpathy/micrograd, MIT licence) as they are, minus their
outputs; nothing is fetched at test time.  The test renames ``micrograd`` to
``autograd`` in the imports, drops the IPython magic (the plot goes to the
non-interactive Agg backend instead of ``%matplotlib inline``), runs the cells
in one namespace in order, and checks what micrograd's own run shows: a
2-16-16-1 network of 337 parameters with ReLU hidden layers and a linear
output that reaches 100% training accuracy.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import numpy as np
import pytest

DEMO_CELLS = [
    """\
import random
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
""",
    """\
from micrograd.engine import Value
from micrograd.nn import Neuron, Layer, MLP
""",
    """\
np.random.seed(1337)
random.seed(1337)
""",
    """\
# make up a dataset

from sklearn.datasets import make_moons, make_blobs
X, y = make_moons(n_samples=100, noise=0.1)

y = y*2 - 1 # make y be -1 or 1
# visualize in 2D
plt.figure(figsize=(5,5))
plt.scatter(X[:,0], X[:,1], c=y, s=20, cmap='jet')
""",
    """\
# initialize a model
model = MLP(2, [16, 16, 1]) # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))
""",
    """\
# loss function
def loss(batch_size=None):

    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = [list(map(Value, xrow)) for xrow in Xb]

    # forward the model to get scores
    scores = list(map(model, inputs))

    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

total_loss, acc = loss()
print(total_loss, acc)
""",
    """\
# optimization
for k in range(100):

    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad

    if k % 1 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
""",
    """\
# visualize decision boundary

h = 0.25
x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
xx, yy = np.meshgrid(np.arange(x_min, x_max, h),
                     np.arange(y_min, y_max, h))
Xmesh = np.c_[xx.ravel(), yy.ravel()]
inputs = [list(map(Value, xrow)) for xrow in Xmesh]
scores = list(map(model, inputs))
Z = np.array([s.data < 0 for s in scores])
Z = Z.reshape(xx.shape)

fig = plt.figure()
plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral, alpha=0.8)
plt.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=plt.cm.Spectral)
plt.xlim(xx.min(), xx.max())
plt.ylim(yy.min(), yy.max())
""",
]


def port(cell: str) -> str:
    """micrograd's cell as a user moving to this engine writes it: imports renamed, no magics."""
    code = re.sub(r"\bmicrograd\b", "autograd", cell)
    return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("%"))


@pytest.fixture
def global_random_state() -> Iterator[None]:
    """The demo seeds Python's and numpy's global generators: restore them afterwards."""
    py_state, np_state = random.getstate(), np.random.get_state()
    yield
    random.setstate(py_state)
    np.random.set_state(np_state)


def test_the_port_renames_only_the_imports() -> None:
    assert port(DEMO_CELLS[1]).splitlines() == ["from autograd.engine import Value",
                                                "from autograd.nn import Neuron, Layer, MLP"]
    assert "%matplotlib" not in port(DEMO_CELLS[0])


def test_micrograd_demo_runs_unchanged_and_reaches_full_accuracy(
    global_random_state: None, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn", reason="the demo's data set comes from scikit-learn (test extra)")
    matplotlib = pytest.importorskip("matplotlib", reason="the demo plots with matplotlib (test extra)")
    matplotlib.use("Agg")  # instead of %matplotlib inline: no display needed
    import matplotlib.pyplot as plt

    from autograd.engine import Value

    namespace: dict[str, object] = {"__name__": "__demo__"}
    try:
        for k, cell in enumerate(DEMO_CELLS):
            exec(compile(port(cell), f"<micrograd demo cell {k + 1}>", "exec"), namespace)
        figures = plt.get_fignums()
    finally:
        plt.close("all")
    out = capsys.readouterr().out

    model = namespace["model"]
    assert isinstance(namespace["total_loss"], Value)
    assert len(model.parameters()) == 337  # type: ignore[attr-defined]
    assert "number of parameters 337" in out
    assert model.activations == ["relu", "relu", "linear"]  # type: ignore[attr-defined]
    # micrograd's run ends at 100%; so does this one, and the trained model scores
    # every sample right (the printed accuracy is the one before the last update)
    assert out.strip().splitlines()[-1].endswith("accuracy 100.0%")
    assert namespace["acc"] == 1.0
    X, y = namespace["X"], namespace["y"]
    final = [model([Value(a), Value(b)]).data for a, b in X]  # type: ignore[attr-defined,operator,misc]
    assert np.all((np.array(final) > 0) == (np.asarray(y) > 0))
    # the decision-boundary cell ran: a contour over the whole mesh, and two figures
    Z = namespace["Z"]
    assert Z.shape == namespace["xx"].shape and Z.any() and not Z.all()  # type: ignore[attr-defined]
    assert len(figures) == 2
