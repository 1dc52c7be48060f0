"""Side-by-side benchmark of this engine and micrograd 0.1.0, in one run.

    python benchmarks/bench.py            # full run, prints a markdown table
    python benchmarks/bench.py --quick    # fewer repeats

Every case runs in its own fresh process (so one engine's garbage, imports or
collector state cannot slow the other), with Python's cyclic garbage collector
on, as users run it, and again with it off.  Times are medians over repeats,
interleaved: each round runs every case once, in a fresh process, and a cell
is the median over all rounds' steps (3 rounds of 7 demo steps; --quick: 1 of 5).

Cases
  demo     micrograd's demo training step: MLP 2-16-16-1 (ReLU) on 100 two-moons
           points, max-margin loss + 1e-4 L2, forward + backward + SGD update.
           * micrograd            its own engine.Value and nn.MLP
           * autograd (+,* graph) this engine, the same graph node for node
                                  (each neuron a chain of scalar * and +)
           * autograd nn.MLP      this engine's nn.MLP (one `dot` node a neuron)
           * autograd batch       one graph for all 100 samples (batch mode)
  chain    a deep chain x = x * c + d of N nodes: time and peak bytes per node
  sum      a wide sum of N values with Python's sum(): time and bytes per node
  scale    batch mode at 10**2 .. 10**5 samples, forward + backward (gradients
           cleared first, no update), for micrograd's demo network (2-16-16-1,
           ReLU, hinge + L2) and the seeds' network (2 -> 3 tanh -> 2 sigmoid ->
           1 relu, R2 loss), built the same way at batch size:
           * autograd batch              nn.MLP on one Value per input feature
                                         (constants made once by data.to_batch:
                                         data, like PyTorch's input tensors)
           * PyTorch same scalar graph   scalar parameters (0-d tensors), one 1-D
                                         tensor of samples per input, each neuron
                                         b + w1*x1 + ... as in micrograd
           * PyTorch weight matrices     one weight matrix and bias vector per layer
           float64 everywhere; one thread (torch.set_num_threads(1), and every
           case runs with OMP/OPENBLAS/MKL_NUM_THREADS=1, numpy's BLAS included).
           The PyTorch rows are skipped, with a note, when PyTorch is absent.
           As in a training loop, a step's graph lives until the next step
           has built its own.  Repeats are interleaved: each round runs every
           case once in a fresh process (3 steps and at least 0.3 s of warm-up,
           then the timed steps), and the table shows the median over all
           rounds' steps, the minimum in brackets.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ------------------------------------------------------------------ data
def moons(n: int = 100, seed: int = 1) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with noise, labels +-1 (plain floats for both engines)."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = rng.uniform(0.0, math.pi)
        if i < n // 2:
            x, y, label = math.cos(t), math.sin(t), 1.0
        else:
            x, y, label = 1.0 - math.cos(t), 0.5 - math.sin(t), -1.0
        xs.append([x + rng.gauss(0.0, 0.1), y + rng.gauss(0.0, 0.1)])
        ys.append(label)
    return xs, ys


def init_weights(seed: int = 1337) -> list[tuple[list[float], float]]:
    """The same initial weights for every engine: (weights, bias) per neuron."""
    rng = random.Random(seed)
    neurons = []
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        for _ in range(nout):
            neurons.append(([rng.uniform(-1.0, 1.0) for _ in range(nin)], 0.0))
    return neurons


# ------------------------------------------------------------ demo step
def _finish_step(data_loss: Any, params: list[Any], k: int) -> float:
    """The rest of micrograd's demo step, the same for every engine: L2, backward, SGD."""
    total = data_loss + 1e-4 * sum(p * p for p in params)
    for p in params:
        p.grad = 0.0
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in params:
        p.data -= lr * p.grad
    return float(total.data)


def _per_sample_step(Value: Any, model: Callable[[list[Any]], Any], params: list[Any]
                     ) -> Callable[[int], float]:
    """micrograd's demo step, written once for every engine with one graph per sample."""
    xs, ys = moons()

    def step(k: int) -> float:
        inputs = [list(map(Value, row)) for row in xs]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
        return _finish_step(sum(losses) * (1.0 / len(losses)), params, k)

    return step


def _set_weights(neurons: list[Any]) -> None:
    for neuron, (w, b) in zip(neurons, init_weights()):
        for p, v in zip(neuron.w, w):
            p.data = v
        neuron.b.data = b


def demo_micrograd() -> Callable[[int], float]:
    from micrograd.engine import Value  # type: ignore[import-not-found]
    from micrograd.nn import MLP  # type: ignore[import-not-found]

    model = MLP(2, [16, 16, 1])
    _set_weights([n for layer in model.layers for n in layer.neurons])
    return _per_sample_step(Value, model, model.parameters())


def demo_autograd_graph() -> Callable[[int], float]:
    """This engine with micrograd's graph shape: neurons as chains of * and +."""
    from autograd import Value

    layers: list[list[tuple[list[Any], Any]]] = []
    it = iter(init_weights())
    for nout in (16, 16, 1):
        layers.append([
            ([Value(w) for w in ws], Value(b)) for ws, b in (next(it) for _ in range(nout))
        ])
    params = [p for layer in layers for ws, b in layer for p in [*ws, b]]

    def model(x: list[Any]) -> Any:
        for i, layer in enumerate(layers):
            out = []
            for ws, b in layer:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if i < len(layers) - 1 else act)
            x = out
        return x[0]

    return _per_sample_step(Value, model, params)


def _our_mlp() -> Any:
    from autograd.nn import MLP

    model = MLP(2, [16, 16, 1], activations=["relu", "relu", "linear"])
    _set_weights([n for layer in model.layers for n in layer.neurons])
    return model


def demo_autograd_nn() -> Callable[[int], float]:
    from autograd import Value

    model = _our_mlp()
    return _per_sample_step(Value, model, model.parameters())


def demo_autograd_batch() -> Callable[[int], float]:
    import numpy as np

    from autograd import Value

    model = _our_mlp()
    params = model.parameters()
    xs, ys = moons()
    columns = np.array(xs).T
    labels = np.array(ys)

    def step(k: int) -> float:
        inputs = [Value(c) for c in columns]  # one Value per feature, holding the batch
        scores = model(inputs)
        return _finish_step((1 + -labels * scores).relu().mean(), params, k)

    return step


DEMO = {
    "micrograd": demo_micrograd,
    "autograd (+,* graph)": demo_autograd_graph,
    "autograd nn.MLP": demo_autograd_nn,
    "autograd batch": demo_autograd_batch,
}


# ----------------------------------------------------- batch mode at scale
SIZES = (100, 1_000, 10_000, 100_000)
SCALE_NETS = {
    "demo": "micrograd's demo network (MLP 2-16-16-1, ReLU, hinge + 1e-4 L2)",
    "seeds": "the seeds' network (2 -> 3 tanh -> 2 sigmoid -> 1 relu, R2 loss)",
}


def _scale_layers(net: str) -> tuple[list[list[tuple[list[float], float]]], list[str]]:
    """Each layer's (weights, bias) per neuron and its activation, for every engine."""
    if net == "demo":
        it = iter(init_weights())
        sizes = (16, 16, 1)
        layers = [[next(it) for _ in range(size)] for size in sizes]
        return layers, ["relu", "relu", "linear"]
    from autograd import seeds

    layers = [[(list(row[:-1]), row[-1]) for row in rows] for rows in seeds.WEIGHTS]
    return layers, list(seeds.ACTIVATIONS)


def _scale_data(net: str, n: int) -> tuple[list[list[float]], list[float]]:
    """n samples: the inputs (one row per sample) and the targets (labels +-1 for the demo)."""
    if net == "demo":
        return moons(n)
    rng = random.Random(2)
    xs = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in range(n)]
    return xs, [rng.uniform(0.0, 0.5) for _ in range(n)]


def scale_autograd(net: str, n: int) -> Callable[[], Any]:
    import numpy as np

    from autograd.data import to_batch
    from autograd.nn import MLP

    layers, acts = _scale_layers(net)
    model = MLP(2, [len(layer) for layer in layers], activations=acts)
    for layer, rows in zip(model.layers, layers):
        for neuron, (ws, b) in zip(layer.neurons, rows):
            for p, w in zip(neuron.w, ws):
                p.data = w
            neuron.b.data = b
    params = model.parameters()
    xs, ys = _scale_data(net, n)
    # one Value per input feature, holding all samples; data, made once, as PyTorch's
    # input tensors are
    inputs = to_batch(np.array(xs), requires_grad=False)
    targets = np.array(ys)

    def step() -> float:
        out = model(inputs)
        if net == "demo":
            loss = (1 + -targets * out).relu().mean() + 1e-4 * sum(p * p for p in params)
        else:
            loss = (0.5 * (out - targets) ** 2).mean()
        for p in params:
            p.grad = 0.0
        loss.backward()
        return loss

    return step


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


def _torch_activation(torch: Any, name: str) -> Callable[[Any], Any]:
    return {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
            "linear": lambda t: t}[name]


def _torch_loss(net: str, out: Any, targets: Any, l2: Any) -> Any:
    if net == "demo":
        return (1 + -targets * out).relu().mean() + 1e-4 * l2
    return (0.5 * (out - targets) ** 2).mean()


def scale_torch_scalar(net: str, n: int) -> Callable[[], Any]:
    """PyTorch on the scalar graph: 0-d parameters, 1-D tensors of samples, neurons as b + w*x + ..."""
    torch = _torch()
    f64 = torch.float64
    layers, acts = _scale_layers(net)
    params: list[Any] = []
    model = []
    for rows in layers:
        neurons = []
        for ws, b in rows:
            tw = [torch.tensor(w, dtype=f64, requires_grad=True) for w in ws]
            tb = torch.tensor(b, dtype=f64, requires_grad=True)
            params += [*tw, tb]
            neurons.append((tw, tb))
        model.append(neurons)
    phis = [_torch_activation(torch, a) for a in acts]
    xs, ys = _scale_data(net, n)
    columns = [torch.tensor(c, dtype=f64) for c in zip(*xs)]
    targets = torch.tensor(ys, dtype=f64)

    def step() -> float:
        x = columns
        for neurons, phi in zip(model, phis):
            x = [phi(sum((wi * xi for wi, xi in zip(ws, x)), b)) for ws, b in neurons]
        l2 = sum(p * p for p in params) if net == "demo" else None
        loss = _torch_loss(net, x[0], targets, l2)
        for p in params:
            p.grad = None
        loss.backward()
        return loss

    return step


def scale_torch_matrices(net: str, n: int) -> Callable[[], Any]:
    """PyTorch as it is usually written: a weight matrix and a bias vector per layer."""
    torch = _torch()
    f64 = torch.float64
    layers, acts = _scale_layers(net)
    weights = [torch.tensor([ws for ws, _ in rows], dtype=f64, requires_grad=True) for rows in layers]
    biases = [torch.tensor([b for _, b in rows], dtype=f64, requires_grad=True) for rows in layers]
    params = weights + biases
    phis = [_torch_activation(torch, a) for a in acts]
    xs, ys = _scale_data(net, n)
    inputs = torch.tensor(xs, dtype=f64)  # samples x features
    targets = torch.tensor(ys, dtype=f64)

    def step() -> float:
        h = inputs
        for w, b, phi in zip(weights, biases, phis):
            h = phi(h @ w.T + b)
        l2 = sum((p * p).sum() for p in params) if net == "demo" else None
        loss = _torch_loss(net, h[:, 0], targets, l2)
        for p in params:
            p.grad = None
        loss.backward()
        return loss

    return step


SCALE = {
    "autograd batch": scale_autograd,
    "PyTorch same scalar graph": scale_torch_scalar,
    "PyTorch weight matrices": scale_torch_matrices,
}


def scale_peak(net: str, n: int) -> dict[str, Any]:
    """tracemalloc's peak over one step of the batch engine (its graph built and backpropagated)."""
    step = scale_autograd(net, n)
    step()  # warm up; its graph is dropped at once
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    loss = step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del loss
    return {"peak_bytes": peak - before, "batch_bytes": 8 * n}


# ------------------------------------------------------- chain and sum
def _value_class(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.engine import Value  # type: ignore[import-not-found]

        return Value
    from autograd import Value

    return Value


def graph_chain(engine: str, n: int) -> Any:
    Value = _value_class(engine)
    x = Value(0.5)
    y = x
    for _ in range(n // 2):  # two nodes per step (+ constants, made by both engines)
        y = y * 0.999 + 0.001
    return y


def graph_sum(engine: str, n: int) -> Any:
    Value = _value_class(engine)
    return sum(Value(i * 1e-3) for i in range(n))


def count_nodes(root: Any) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        v = stack.pop()
        parents = v.parents if hasattr(v, "parents") else v._prev
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


# ------------------------------------------------------------- one case
def run_scale(net: str, engine: str, n: int, repeats: int) -> dict[str, Any]:
    sys.path.insert(0, ROOT)
    if engine == "memory":
        return scale_peak(net, n)
    step = SCALE[engine](net, n)
    # As in a training loop, a step's graph (its loss) lives until the next step has
    # built its own: `loss = step()` releases the previous one after the call.
    loss = step()
    first = float(loss.item() if hasattr(loss, "item") else loss.data)
    warm = time.perf_counter() + 0.3  # warm up (allocators settle over the first steps)
    for _ in range(3):
        loss = step()
    while time.perf_counter() < warm:
        loss = step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    return {"times": times, "loss": first}


def run_case(case: str, engine: str, collector: bool, repeats: int) -> dict[str, Any]:
    sys.path.insert(0, ROOT)
    if engine == "micrograd":
        sys.setrecursionlimit(200_000)  # its topological sort is recursive; ours never needs this
    if not collector:
        gc.disable()
    if case == "demo":
        step = DEMO[engine]()
        step(0)  # warm up
        times = []
        for k in range(1, repeats + 1):
            t0 = time.perf_counter()
            step(k)
            times.append(time.perf_counter() - t0)
        return {"seconds": statistics.median(times), "times": times}
    n = 20_000
    build = graph_chain if case == "chain" else graph_sum
    engine_name = "micrograd" if engine == "micrograd" else "autograd"
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        root = build(engine_name, n)
        root.backward()
        times.append(time.perf_counter() - t0)
        del root
    tracemalloc.start()
    root = build(engine_name, n)
    root.backward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nodes = count_nodes(root)
    return {"seconds": statistics.median(times), "nodes": nodes,
            "ns_per_node": statistics.median(times) / nodes * 1e9, "bytes_per_node": peak / nodes}


ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def in_subprocess(*case: Any) -> dict[str, Any]:
    """Run one case in a fresh process (numpy's and PyTorch's thread pools limited to one thread)."""
    cmd = [sys.executable, __file__, "--one", json.dumps(case)]
    env = {**os.environ, **ONE_THREAD}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def scale_tables(rounds: int, quick: bool, sizes: tuple[int, ...]) -> None:
    import importlib.util

    engines = list(SCALE)
    if importlib.util.find_spec("torch") is None:
        engines = engines[:1]
        print("\n(PyTorch is not installed: its rows are skipped; `pip install torch` adds them)")
    times: dict[tuple[str, str, int], list[float]] = {}
    for _ in range(rounds):  # interleaved: every case once per round, each in a fresh process
        for net in SCALE_NETS:
            for n in sizes:
                repeats = (3 if quick else 5) if n >= 100_000 else (5 if quick else 15)
                for engine in engines:
                    r = in_subprocess("scale", net, engine, n, repeats)
                    times.setdefault((net, engine, n), []).extend(r["times"])
    for net, title in SCALE_NETS.items():
        print(f"\nbatch mode at scale: {title}, forward + backward, ms/step "
              "(median over all repeats; min in brackets)\n")
        head = "| samples | " + " | ".join(engines)
        rule = "|---:|" + "---:|" * len(engines)
        if len(engines) == 3:
            head += " | × ahead of same graph | ÷ weight matrices"
            rule += "---:|---:|"
        print(head + " |")
        print(rule)
        for n in sizes:
            med = {e: statistics.median(times[net, e, n]) for e in engines}
            cells = [f"{med[e] * 1e3:.2f} ({min(times[net, e, n]) * 1e3:.2f})" for e in engines]
            if len(engines) == 3:
                ours = med["autograd batch"]
                cells += [f"{med['PyTorch same scalar graph'] / ours:.1f}×",
                          f"{ours / med['PyTorch weight matrices']:.2f}"]
            print(f"| {n:,} | " + " | ".join(cells) + " |")
    peak = in_subprocess("scale", "demo", "memory", sizes[-1], 1)
    print(f"\ntracemalloc peak of one batch step of micrograd's demo network at {sizes[-1]:,} "
          f"samples: {peak['peak_bytes'] / 2**20:.1f} MiB "
          f"({peak['peak_bytes'] / peak['batch_bytes']:.0f} arrays of one sample per entry)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--only", choices=["micrograd", "scale"],
                        help="run only the micrograd comparison or only the batch tables")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="batch sizes of the scale tables (default: %(default)s)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        case = json.loads(args.one)
        if case[0] == "scale":
            print(json.dumps(run_scale(*case[1:])))
        else:
            print(json.dumps(run_case(*case)))
        return
    repeats = 5 if args.quick else 15
    rounds = 1 if args.quick else 3
    import platform

    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{rounds} interleaved round(s), each case in its own process")
    if args.only != "scale":
        micrograd_tables(repeats if args.quick else 7, rounds)
    if args.only != "micrograd":
        scale_tables(1 if args.quick else 3, args.quick, tuple(args.sizes))


def micrograd_tables(repeats: int, rounds: int) -> None:
    """The demo step, interleaved: each round runs every engine once in a fresh process,
    collector on and off; a cell is the median over all rounds' steps (one slow process,
    a page-reclaim storm or a neighbour's burst, moves it by a step, not a whole row)."""
    print("\ndemo step (MLP 2-16-16-1, 100 moons, max-margin + L2, forward+backward+update)\n")
    print("| engine | GC on: ms/step | × micrograd | GC off: ms/step | × micrograd |")
    print("|---|---:|---:|---:|---:|")
    steps: dict[tuple[str, bool], list[float]] = {}
    for _ in range(rounds):
        for engine in DEMO:
            for collector in (True, False):
                r = in_subprocess("demo", engine, collector, repeats)
                steps.setdefault((engine, collector), []).extend(r["times"])
    base = {c: statistics.median(steps["micrograd", c]) for c in (True, False)}
    for engine in DEMO:
        cells = []
        for collector in (True, False):
            seconds = statistics.median(steps[engine, collector])
            cells += [f"{seconds * 1e3:.1f}", f"{base[collector] / seconds:.1f}×"]
        print(f"| {engine} | " + " | ".join(cells) + " |")
    for case, title in (("chain", "deep chain x = x*c + d"), ("sum", "wide sum(values)")):
        print(f"\n{title}, 20,000 nodes, build + backward (GC on)\n")
        print("| engine | ns/node | × micrograd | peak bytes/node | ÷ micrograd |")
        print("|---|---:|---:|---:|---:|")
        ref: dict[str, float] = {}
        for engine in ("micrograd", "autograd"):
            r = in_subprocess(case, engine, True, repeats)
            if engine == "micrograd":
                ref = r
            print(f"| {engine} | {r['ns_per_node']:.0f} | {ref['ns_per_node'] / r['ns_per_node']:.1f}× "
                  f"| {r['bytes_per_node']:.0f} | {r['bytes_per_node'] / ref['bytes_per_node']:.2f} |")


if __name__ == "__main__":
    main()
