"""Tests for autograd.optim: a few steps against torch.optim from identical params and grads."""

from __future__ import annotations

import numpy as np
import pytest

from autograd.engine import Value
from autograd.nn import MLP
from autograd.optim import SGD, Adam, AdamW

INIT = [0.5, -1.25, 2.0, 0.0, -0.3]
STEPS = 6


def grads_at(step: int, data: list[float]) -> list[float]:
    """A gradient sequence that depends on the parameters, like a real loss's."""
    return [np.sin(3.0 * d + step) + 0.1 * d * d for d in data]


def run_ours(make, steps: int = STEPS) -> np.ndarray:
    params = [Value(x) for x in INIT]
    opt = make(params)
    for k in range(steps):
        opt.zero_grad()
        for p, g in zip(params, grads_at(k, [p.data for p in params])):
            p.grad += g
        opt.step()
    return np.array([p.data for p in params])


def run_torch(make, steps: int = STEPS) -> np.ndarray:
    torch = pytest.importorskip("torch")
    t = torch.tensor(INIT, dtype=torch.float64, requires_grad=True)
    opt = make([t])
    for k in range(steps):
        opt.zero_grad()
        t.grad = torch.tensor(grads_at(k, t.detach().tolist()), dtype=torch.float64)
        opt.step()
    return t.detach().numpy()


SGD_CASES = [
    {"lr": 0.1},
    {"lr": 0.1, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
    {"lr": 0.2, "weight_decay": 0.5},
]


@pytest.mark.parametrize("kwargs", SGD_CASES)
def test_sgd_matches_torch(kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    ours = run_ours(lambda ps: SGD(ps, **kwargs))
    theirs = run_torch(lambda ps: torch.optim.SGD(ps, **kwargs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)


ADAM_CASES = [
    {},
    {"lr": 0.1},
    {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6},
    {"lr": 0.05, "weight_decay": 0.1},
]


@pytest.mark.parametrize("kwargs", ADAM_CASES)
def test_adam_matches_torch(kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    ours = run_ours(lambda ps: Adam(ps, **kwargs))
    theirs = run_torch(lambda ps: torch.optim.Adam(ps, **kwargs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kwargs", [{}, {"lr": 0.05, "weight_decay": 0.3}])
def test_adamw_matches_torch(kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    ours = run_ours(lambda ps: AdamW(ps, **kwargs))
    theirs = run_torch(lambda ps: torch.optim.AdamW(ps, **kwargs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


def test_changing_lr_between_steps_matches_torch_schedule() -> None:
    torch = pytest.importorskip("torch")
    params = [Value(x) for x in INIT]
    opt = SGD(params, lr=1.0, momentum=0.5)
    t = torch.tensor(INIT, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.SGD([t], lr=1.0, momentum=0.5)
    for k in range(5):
        lr = 1.0 - 0.9 * k / 100
        opt.zero_grad()
        for p, g in zip(params, grads_at(k, [p.data for p in params])):
            p.grad = g
        opt.lr = lr
        opt.step()
        t.grad = torch.tensor(grads_at(k, t.detach().tolist()), dtype=torch.float64)
        for group in topt.param_groups:
            group["lr"] = lr
        topt.step()
    np.testing.assert_allclose([p.data for p in params], t.detach().numpy(), rtol=1e-14)


def test_plain_sgd_by_hand() -> None:
    p = Value(1.0)
    p.grad = 0.5
    SGD([p], lr=0.1).step()
    assert p.data == 1.0 - 0.1 * 0.5


def test_step_builds_no_graph_and_zero_grad_clears() -> None:
    a, b = Value(2.0), Value(-1.0)
    loss = a * b + a * a
    loss.backward()
    opt = Adam([a, b], lr=0.1)
    opt.step()
    assert a.is_leaf and b.is_leaf
    assert isinstance(a.data, float) and isinstance(b.data, float)
    opt.zero_grad()
    assert a.grad == 0.0 and b.grad == 0.0


def test_gradient_made_with_create_graph_is_read_as_its_data() -> None:
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    SGD([x], lr=0.1).step()
    assert x.data == pytest.approx(3.0 - 0.1 * 6.0)


def test_bad_arguments() -> None:
    p = Value(1.0)
    with pytest.raises(ValueError, match="listed twice"):
        SGD([p, p], lr=0.1)
    with pytest.raises(ValueError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="must be Values"):
        SGD([1.0], lr=0.1)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="lr"):
        SGD([p], lr=-1.0)
    with pytest.raises(ValueError, match="betas"):
        Adam([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="nesterov"):
        SGD([p], lr=0.1, nesterov=True)


# ------------------------------------------------------------ zero_grad(set_to_none=True)
def test_zero_grad_set_to_none() -> None:
    params = [Value(1.0), Value(np.array([1.0, 2.0]))]
    for p in params:
        p.grad = 5.0
    opt = SGD(params, lr=0.1)
    opt.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in params)
    opt.zero_grad()
    assert params[0].grad == 0.0 and np.array_equal(params[1].grad, [0.0, 0.0])
    net = MLP(2, [3, 1], seed=0)
    net.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: Adam(ps, lr=0.05),
                                  lambda ps: AdamW(ps, lr=0.05)])
def test_step_leaves_parameters_without_a_gradient_alone(make) -> None:  # type: ignore[no-untyped-def]
    params = [Value(1.0), Value(2.0)]
    opt = make(params)
    opt.zero_grad(set_to_none=True)
    params[0].grad = 0.5
    opt.step()
    assert params[0].data != 1.0 and params[1].data == 2.0


TORCH_MAKERS = {
    "sgd-momentum": (lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
                     lambda torch, ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01)),
    "adam": (lambda ps: Adam(ps, lr=0.05, weight_decay=0.1),
             lambda torch, ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1)),
    "adamw": (lambda ps: AdamW(ps, lr=0.05), lambda torch, ps: torch.optim.AdamW(ps, lr=0.05)),
}


@pytest.mark.parametrize("name", TORCH_MAKERS)
def test_skipped_parameters_match_torch_set_to_none(name: str) -> None:
    """Some parameters get no gradient on some steps: their state waits, as in torch.optim."""
    torch = pytest.importorskip("torch")
    ours_make, torch_make = TORCH_MAKERS[name]
    skip = {0: {1}, 1: {0, 3}, 3: {1, 2}, 4: {4}}  # step -> parameters without a gradient
    params = [Value(x) for x in INIT]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in INIT]
    ours, theirs = ours_make(params), torch_make(torch, tensors)
    for k in range(STEPS):
        ours.zero_grad(set_to_none=True)
        theirs.zero_grad(set_to_none=True)
        grads = grads_at(k, [p.data for p in params])
        for i, (p, t, g) in enumerate(zip(params, tensors, grads)):
            if i not in skip.get(k, ()):
                p.grad = float(g)
                t.grad = torch.tensor(float(g), dtype=torch.float64)
        ours.step()
        theirs.step()
    np.testing.assert_allclose([p.data for p in params], [t.item() for t in tensors],
                               rtol=1e-14, atol=1e-15)


def test_backward_after_set_to_none_starts_from_zero() -> None:
    w, x = Value(2.0), Value(3.0)
    opt = SGD([w], lr=0.1)
    (w * x).backward()
    opt.zero_grad(set_to_none=True)
    (w * x).backward()
    assert w.grad == 3.0
