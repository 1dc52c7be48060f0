"""Tests for autograd.nn: modules, activations, init, JSON state, training."""

from __future__ import annotations

import itertools
import json
import math
import random

import numpy as np
import pytest

from autograd import seeds
from autograd.data import make_circles, make_moons, to_batch, to_values
from autograd.engine import Value
from autograd.functions import dot
from autograd.losses import binary_cross_entropy_with_logits, hinge
from autograd.nn import ACTIVATIONS, MLP, Layer, Neuron, resolve_activation
from autograd.optim import SGD, Adam

MIXED = ["tanh", "sigmoid", "relu"]


def set_weights(model: MLP, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
    """Copy (out, in) weight matrices and bias vectors into the model."""
    for layer, W, b in zip(model.layers, weights, biases):
        for j, n in enumerate(layer.neurons):
            for i, w in enumerate(n.w):
                w.data = float(W[j, i])
            n.b.data = float(b[j])


def random_weights(sizes: list[int], seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for nin, nout in itertools.pairwise(sizes):
        Ws.append(rng.uniform(-1, 1, size=(nout, nin)))
        bs.append(rng.uniform(-1, 1, size=nout))
    return Ws, bs


# ------------------------------------------------------------ construction
def test_unknown_activation_lists_valid_names() -> None:
    with pytest.raises(ValueError) as err:
        MLP(2, [3, 1], activations=["tanh", "sigmoidd"])
    msg = str(err.value)
    assert "'sigmoidd'" in msg
    for name in ["linear", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "softplus",
                 "silu", "gelu"]:
        assert name in msg
    with pytest.raises(ValueError, match="valid names"):
        Neuron(2, activation="swish")
    with pytest.raises(ValueError, match="valid names"):
        Layer(2, 2, activation="Tanh")


def test_bad_sizes_and_activation_count() -> None:
    with pytest.raises(ValueError, match="activations"):
        MLP(2, [3, 1], activations=["tanh"])
    with pytest.raises(ValueError, match="positive int"):
        MLP(2, [0, 1])
    with pytest.raises(ValueError, match="at least one"):
        MLP(2, [])
    with pytest.raises(TypeError):
        Neuron(2, activation=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expects 2 inputs"):
        MLP(2, [1])([1.0, 2.0, 3.0])


def test_every_engine_activation_is_available_by_name() -> None:
    from autograd.ops import UNARY_FUNCTIONS

    for name in ["tanh", "sigmoid", "relu", "leaky_relu", "elu", "softplus", "silu", "gelu"]:
        assert name in ACTIVATIONS
        assert name in UNARY_FUNCTIONS or name in ("leaky_relu", "elu")
    x = Value(-0.7)
    for name, fn in ACTIVATIONS.items():
        n = Neuron(1, activation=name, seed=0)
        n.w[0].data, n.b.data = 1.0, 0.0
        assert n([x]).data == pytest.approx(fn(Value(-0.7)).data, abs=0.0)


def test_callable_activation_and_none() -> None:
    def halve(v: Value) -> Value:
        return v * 0.5

    n = Neuron(2, activation=halve, seed=3)
    assert n.activation == "halve"
    out = n([1.0, 2.0])
    pre = n.w[0].data * 1.0 + n.w[1].data * 2.0 + n.b.data
    assert out.data == pytest.approx(0.5 * pre)
    assert resolve_activation(None)[0] == "linear"
    leaky = MLP(1, [1], activations=lambda v: v.leaky_relu(0.2), seed=0)
    assert leaky.activations == ["<lambda>"]


def test_default_activations_relu_hidden_linear_output_as_in_micrograd() -> None:
    assert MLP(2, [4, 4, 1]).activations == ["relu", "relu", "linear"]
    assert MLP(2, [4, 1], activations="relu").activations == ["relu", "relu"]
    assert MLP(2, [4, 1], activations=[None, "tanh"]).activations == ["linear", "tanh"]
    mg_nn = pytest.importorskip("micrograd.nn")
    for ours, theirs in zip(MLP(2, [16, 16, 1]).layers, mg_nn.MLP(2, [16, 16, 1]).layers):
        assert [n.nonlin for n in ours.neurons] == [n.nonlin for n in theirs.neurons]


def test_micrograd_constructors() -> None:
    """Neuron(nin, nonlin=True) is ReLU, nonlin=False linear; Layer passes its keywords on."""
    assert Neuron(2).activation == "relu" and Neuron(2).nonlin
    assert Neuron(2, nonlin=False).activation == "linear" and not Neuron(2, False).nonlin
    assert Neuron(2, nonlin=False)([1.0, 2.0]).op == "dot"
    assert Neuron(2)([1.0, 2.0]).op == "relu"
    assert Layer(2, 3).activation == "relu"
    assert Layer(2, 3, nonlin=False).activation == "linear"
    assert [n.nonlin for n in Layer(2, 3, nonlin=False).neurons] == [False] * 3
    assert Layer(2, 3, activation="tanh", seed=0).activation == "tanh"
    assert Neuron(2, nonlin=True, activation="sigmoid").activation == "sigmoid"


def test_nonlin_takes_a_bool_and_does_not_contradict_activation() -> None:
    with pytest.raises(TypeError, match=r"Neuron: nonlin must be True \(ReLU\) or False \(linear\), "
                                        r"got 'gelu'; for that activation write activation='gelu'"):
        Neuron(4, "gelu")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Layer: nonlin must be True"):
        Layer(3, 2, "tanh")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"nonlin=False \(linear\) contradicts activation='tanh'"):
        Neuron(2, nonlin=False, activation="tanh")
    assert Neuron(2, nonlin=False, activation="linear").activation == "linear"


def test_a_one_neuron_layer_returns_a_value_as_in_micrograd() -> None:
    one = Layer(2, 1, seed=0)
    out = one([1.0, -1.0])
    assert isinstance(out, Value)
    assert isinstance(Layer(2, 3, seed=0)([1.0, -1.0]), list)
    assert isinstance(one.outputs([1.0, -1.0]), list)  # always a list
    # a lone Value feeds a one-input layer, so one-neuron layers chain
    nxt = Layer(1, 2, seed=0)
    assert [v.data for v in nxt(out)] == [v.data for v in nxt([out])]
    net = MLP(2, [1, 3, 1], seed=0)
    assert isinstance(net([0.5, 0.25]), Value)
    with pytest.raises(ValueError, match="Layer expects 2 inputs, got 1"):
        one(Value(1.0))
    with pytest.raises(TypeError, match="Neuron expects a list of 2 inputs"):
        Neuron(2)(None)  # type: ignore[arg-type]


def test_random_seed_reproduces_a_network_built_without_seed() -> None:
    """As in micrograd (and PyTorch's manual_seed), the global generator drives seed=None."""
    state = random.getstate()
    try:
        random.seed(1337)
        a = MLP(2, [16, 16, 1])
        random.seed(1337)
        b = MLP(2, [16, 16, 1])
        c = MLP(2, [16, 16, 1])
    finally:
        random.setstate(state)
    assert a.state_dict() == b.state_dict() != c.state_dict()


def test_neuron_is_one_dot_node_then_activation() -> None:
    n = Neuron(3, activation="sigmoid", seed=1)
    out = n([1.0, 2.0, 3.0])
    assert out.op == "sigmoid"
    (pre,) = out.parents
    assert pre.op == "dot"
    assert Neuron(3, activation="linear", seed=1)([1.0, 2.0, 3.0]).op == "dot"


def test_parameters_names_and_labels() -> None:
    net = MLP(2, [3, 2, 1], activations=MIXED, seed=0)
    named = net.named_parameters()
    assert len(named) == net.num_parameters() == (2 * 3 + 3) + (3 * 2 + 2) + (2 + 1)
    names = [n for n, _ in named]
    assert len(set(names)) == len(names)
    assert names[:4] == ["L0.n0.w0", "L0.n0.w1", "L0.n0.b", "L0.n1.w0"]
    assert names[-1] == "L2.n0.b"
    assert [p for _, p in named] == net.parameters()
    assert all(p.label == n for n, p in named)


def test_zero_grad() -> None:
    net = MLP(2, [3, 1], seed=0)
    net([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_repr_shows_layers_and_activations() -> None:
    net = MLP(2, [3, 2, 1], activations=MIXED, seed=0)
    text = repr(net)
    assert "MLP(2 inputs, 20 parameters)" in text
    assert "Layer(2 -> 3, activation=tanh)" in text
    assert "Layer(3 -> 2, activation=sigmoid)" in text
    assert "Layer(2 -> 1, activation=relu)" in text
    assert net.summary() == "MLP(2 -> 3 tanh -> 2 sigmoid -> 1 relu)"
    assert repr(Neuron(4, activation="gelu")) == "Neuron(4 inputs, activation=gelu)"


# ------------------------------------------------------------ init
def test_seeded_init_is_reproducible_and_uses_no_global_rng() -> None:
    py_state = random.getstate()
    np_state = np.random.get_state()
    a = MLP(3, [5, 4, 1], seed=42)
    b = MLP(3, [5, 4, 1], seed=42)
    c = MLP(3, [5, 4, 1], seed=43)
    assert random.getstate() == py_state
    assert np.random.get_state()[1].tolist() == np_state[1].tolist()
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    # a seed given to a Neuron / Layer works the same way
    assert Neuron(3, seed=7).state_dict() == Neuron(3, seed=7).state_dict()
    assert Layer(3, 2, seed=7).state_dict() == Layer(3, 2, seed=7).state_dict()


@pytest.mark.parametrize(
    ("activation", "gain"),
    [("relu", math.sqrt(2.0)), ("tanh", 5.0 / 3.0), ("sigmoid", 1.0), ("linear", 1.0)],
)
def test_init_scheme(activation: str, gain: float) -> None:
    """Weights uniform(+-gain*sqrt(3/nin)) (variance gain**2/nin), biases uniform(+-1/sqrt(nin))."""
    layer = Layer(64, 400, activation=activation, seed=0)
    w = np.array([w.data for n in layer.neurons for w in n.w])
    b = np.array([n.b.data for n in layer.neurons])
    w_bound = gain * math.sqrt(3.0 / 64)
    assert np.all(np.abs(w) <= w_bound) and np.abs(w).max() > 0.99 * w_bound
    assert w.var() == pytest.approx(gain**2 / 64, rel=0.05)
    assert np.all(np.abs(b) <= 1.0 / 8.0) and np.abs(b).max() > 0.9 / 8.0
    # a callable gets gain 1
    n = Neuron(64, activation=lambda v: v.relu(), seed=0)
    assert max(abs(w.data) for w in n.w) <= math.sqrt(3.0 / 64)


# ------------------------------------------------------------ oracles
def test_seed_network_matches_the_hand_derivation() -> None:
    """The seeds' 2-3-2-1 tanh/sigmoid/relu network: nn gives the seeds' gradients."""
    net = MLP(2, [3, 2, 1], activations=list(seeds.ACTIVATIONS), seed=0)
    Ws = [np.array([row[:-1] for row in layer]) for layer in seeds.WEIGHTS]
    bs = [np.array([row[-1] for row in layer]) for layer in seeds.WEIGHTS]
    set_weights(net, Ws, bs)
    out = net(list(seeds.INPUTS))
    loss = 0.5 * (out - seeds.TARGET) ** 2
    loss.backward()
    hand = seeds.derive_by_hand()
    assert loss.data == pytest.approx(hand.loss, rel=1e-14)
    for k, layer in enumerate(net.layers, start=1):
        for j, n in enumerate(layer.neurons, start=1):
            for i, w in enumerate(n.w, start=1):
                assert w.grad == pytest.approx(hand.gradients[f"w{k}_{i}{j}"], rel=1e-12,
                                               abs=1e-15)
            assert n.b.grad == pytest.approx(hand.gradients[f"b{k}_{j}"], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    "acts",
    [
        ["tanh", "sigmoid", "relu", "linear"],
        ["relu", "tanh", "sigmoid", "sigmoid"],
        ["leaky_relu", "elu", "softplus", "linear"],
        ["silu", "gelu", "tanh", "sigmoid"],
    ],
)
def test_mlp_forward_and_gradients_match_torch(acts: list[str]) -> None:
    torch = pytest.importorskip("torch")
    sizes = [3, 5, 4, 3, 2]
    Ws, bs = random_weights(sizes, seed=len(acts[0]))
    net = MLP(3, sizes[1:], activations=acts, seed=0)
    set_weights(net, Ws, bs)
    fns = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
           "linear": lambda t: t, "leaky_relu": torch.nn.functional.leaky_relu,
           "elu": torch.nn.functional.elu, "softplus": torch.nn.functional.softplus,
           "silu": torch.nn.functional.silu, "gelu": torch.nn.functional.gelu}
    tW = [torch.tensor(W, requires_grad=True) for W in Ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    X = np.random.default_rng(5).normal(size=(4, 3))
    total = None
    t_total = torch.zeros((), dtype=torch.float64)
    for row in X:
        out = net(list(row))
        s = out[0] * out[0] + 3.0 * out[1]
        total = s if total is None else total + s
        h = torch.tensor(row)
        for W, b, a in zip(tW, tb, acts):
            h = fns[a](W @ h + b)
        t_total = t_total + h[0] * h[0] + 3.0 * h[1]
    assert total is not None
    total.backward()
    t_total.backward()
    assert total.data == pytest.approx(t_total.item(), rel=1e-12)
    for layer, W, b in zip(net.layers, tW, tb):
        gW = np.array([[w.grad for w in n.w] for n in layer.neurons])
        gb = np.array([n.b.grad for n in layer.neurons])
        np.testing.assert_allclose(gW, W.grad.numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(gb, b.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_mlp_matches_micrograd_on_the_demo_loss() -> None:
    """micrograd's own MLP with the same weights gives the same max-margin loss and grads."""
    mg_nn = pytest.importorskip("micrograd.nn")
    mg = mg_nn.MLP(2, [4, 4, 1])  # ReLU hidden layers, linear output
    net = MLP(2, [4, 4, 1], seed=0)  # the same by default
    for ours, layer in zip(net.layers, mg.layers):
        for n_ours, n_mg in zip(ours.neurons, layer.neurons):
            for w_ours, w_mg in zip(n_ours.w, n_mg.w):
                w_ours.data = w_mg.data
            n_ours.b.data = n_mg.b.data = 0.1  # micrograd starts biases at 0
    X, y = make_moons(20, noise=0.1, seed=0)
    ys = 2 * y - 1
    mg_loss = sum((1 + -yi * mg(list(map(float, x)))).relu() for x, yi in zip(X, ys)) * (1.0 / 20)
    mg_loss.backward()
    loss = hinge([net(x) for x in to_values(X)], ys)
    loss.backward()
    assert loss.data == pytest.approx(mg_loss.data, rel=1e-12)
    for a, b in zip(net.parameters(), mg.parameters()):
        assert a.grad == pytest.approx(b.grad, rel=1e-9, abs=1e-12)


def test_batch_inputs_give_the_per_sample_results() -> None:
    net = MLP(2, [6, 5, 1], activations=MIXED, seed=3)
    X, y = make_circles(30, noise=0.05, seed=1)
    per_sample = [net(x) for x in to_values(X)]
    loss = binary_cross_entropy_with_logits(per_sample, y)
    loss.backward()
    grads = [p.grad for p in net.parameters()]
    net.zero_grad()
    batch_out = net(to_batch(X))
    np.testing.assert_allclose(batch_out.data, [v.data for v in per_sample], rtol=1e-13)
    batch_loss = binary_cross_entropy_with_logits(batch_out, y)
    batch_loss.backward()
    assert batch_loss.data == pytest.approx(loss.data, rel=1e-12)
    np.testing.assert_allclose([p.grad for p in net.parameters()], grads, rtol=1e-9,
                               atol=1e-14)


# ------------------------------------------------------------ JSON state
def test_save_load_round_trip(tmp_path) -> None:
    net = MLP(2, [4, 3, 1], activations=["tanh", "sigmoid", "relu"], seed=1)
    path = tmp_path / "net.json"
    net.save(path)
    document = json.loads(path.read_text())  # plain JSON, readable by anything
    assert document["model"] == {"type": "MLP", "nin": 2, "sizes": [4, 3, 1],
                                 "activations": ["tanh", "sigmoid", "relu"]}
    assert set(document["parameters"]) == {n for n, _ in net.named_parameters()}
    other = MLP(2, [4, 3, 1], activations=["tanh", "sigmoid", "relu"], seed=2)
    assert other.state_dict() != net.state_dict()
    other.load(path)
    assert other.state_dict() == net.state_dict()  # floats survive JSON exactly
    x = [0.3, -0.8]
    assert other(x).data == net(x).data


@pytest.mark.parametrize("make", [lambda s: Neuron(3, activation="elu", seed=s),
                                  lambda s: Layer(3, 2, activation="gelu", seed=s)])
def test_neuron_and_layer_save_and_load(tmp_path, make) -> None:  # type: ignore[no-untyped-def]
    a, b = make(1), make(2)
    a.save(tmp_path / "m.json")
    b.load(tmp_path / "m.json")
    assert a.state_dict() == b.state_dict()
    with pytest.raises(ValueError, match="different model"):
        MLP(3, [2]).load(tmp_path / "m.json")


def test_load_rejects_a_file_for_another_model(tmp_path) -> None:
    path = tmp_path / "net.json"
    MLP(2, [4, 1], activations=["tanh", "linear"], seed=1).save(path)
    wrong_size = MLP(2, [5, 1], activations=["tanh", "linear"], seed=1)
    before = wrong_size.state_dict()
    with pytest.raises(ValueError, match="different model"):
        wrong_size.load(path)
    assert wrong_size.state_dict() == before  # nothing half-loaded
    with pytest.raises(ValueError, match="different model"):
        MLP(2, [4, 1], activations=["relu", "linear"]).load(path)
    with pytest.raises(ValueError, match="different model"):
        MLP(3, [4, 1], activations=["tanh", "linear"]).load(path)


def test_load_state_dict_names_missing_and_unexpected(tmp_path) -> None:
    net = MLP(2, [2, 1], seed=0)
    state = net.state_dict()
    state.pop("L0.n0.w0")
    state["L9.n0.w0"] = 1.0
    with pytest.raises(ValueError, match=r"1 missing parameter\(s\) \('L0.n0.w0'\).*"
                                         r"1 unexpected parameter\(s\) \('L9.n0.w0'\)"):
        net.load_state_dict(state)
    # a hand-edited file with a renamed parameter
    path = tmp_path / "net.json"
    net.save(path)
    document = json.loads(path.read_text())
    document["parameters"]["L0.n0.bias"] = document["parameters"].pop("L0.n0.b")
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"missing.*L0\.n0\.b.*unexpected.*L0\.n0\.bias"):
        net.load(path)
    document["parameters"]["L0.n0.b"] = "zero"
    del document["parameters"]["L0.n0.bias"]
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match="must be a finite number"):
        net.load(path)


def test_load_rejects_non_json_and_foreign_json(tmp_path) -> None:
    net = MLP(2, [1], seed=0)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x80\x04\x95 pickle-ish")
    with pytest.raises((ValueError, UnicodeDecodeError)):
        net.load(bad)
    bad.write_text('{"weights": [1, 2, 3]}')
    with pytest.raises(ValueError, match=r"not a model file"):
        net.load(bad)


def test_save_refuses_non_finite_parameters(tmp_path) -> None:
    net = MLP(2, [1], seed=0)
    net.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match="not finite"):
        net.save(tmp_path / "x.json")


# ------------------------------------------------------------ training
def test_micrograd_demo_reaches_full_training_accuracy() -> None:
    """micrograd's demo: 2-16-16-1 ReLU MLP, 100 moons, max-margin + L2 1e-4, SGD schedule."""
    X, y = make_moons(100, noise=0.1, seed=0)
    ys = 2.0 * y - 1.0
    model = MLP(2, [16, 16, 1], activations=["relu", "relu", "linear"], seed=0)
    params = model.parameters()
    opt = SGD(params, lr=1.0)
    inputs = to_values(X)
    for k in range(100):
        scores = [model(x) for x in inputs]
        loss = hinge(scores, ys) + 1e-4 * dot(params, params)
        opt.zero_grad()
        loss.backward()
        opt.lr = 1.0 - 0.9 * k / 100
        opt.step()
    scores = [model(x).data for x in inputs]
    accuracy = np.mean((np.array(scores) > 0) == (ys > 0))
    assert accuracy == 1.0, f"training accuracy {accuracy}"


def test_micrograd_demo_in_batch_mode() -> None:
    """The same training, with the 100 samples as one batch: the same network results."""
    X, y = make_moons(100, noise=0.1, seed=0)
    ys = 2.0 * y - 1.0
    model = MLP(2, [16, 16, 1], activations=["relu", "relu", "linear"], seed=0)
    params = model.parameters()
    opt = SGD(params, lr=1.0)
    inputs = to_batch(X)
    for k in range(100):
        loss = hinge(model(inputs), ys) + 1e-4 * dot(params, params)
        opt.zero_grad()
        loss.backward()
        opt.lr = 1.0 - 0.9 * k / 100
        opt.step()
    accuracy = np.mean((model(inputs).data > 0) == (ys > 0))
    assert accuracy == 1.0


def test_mixed_tanh_sigmoid_relu_network_trains_on_circles() -> None:
    X, y = make_circles(100, noise=0.05, factor=0.5, seed=0)
    model = MLP(2, [8, 8, 8, 1], activations=["tanh", "sigmoid", "relu", "linear"], seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    inputs = to_batch(X)
    first = None
    for _ in range(150):
        loss = binary_cross_entropy_with_logits(model(inputs), y)
        first = loss.data if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    accuracy = np.mean((model(inputs).data > 0) == (y == 1))
    assert loss.data < 0.5 * first
    assert accuracy >= 0.95, f"training accuracy {accuracy}"
