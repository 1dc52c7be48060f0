"""Modes are per thread, and backward passes in separate threads give sequential results.

Each scenario runs the same work in two threads at once and compares with the
results of running it alone; a mode set in one thread (no_grad, anomaly mode,
a trace, a running grad()) must never change what the other computes.
Barriers make the threads overlap for real: each waits inside its mode until
the other is working.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import autograd
from autograd import Value, grad


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    """Switch threads every 10 µs (the default is 5 ms), so that they interleave inside passes."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def _run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads at once; re-raise the first error; return their results."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            results[k] = jobs[k]()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


def _train_steps(n: int) -> list[float]:
    """A few gradient steps of a small model; the gradients it saw, in order."""
    w = Value(0.5, label="w")
    seen = []
    for k in range(n):
        loss = autograd.sum([((w * (j % 7 - 3.0 + k)).tanh() - 0.25) ** 2 for j in range(40)])
        w.grad = 0.0
        loss.backward()
        seen.append(w.grad)
        w.data -= 0.01 * w.grad
    return seen


def test_no_grad_in_one_thread_leaves_recording_on_in_another() -> None:
    expected = _train_steps(100)
    inside = threading.Event()
    done = threading.Event()

    def idle_in_no_grad() -> bool:
        with autograd.no_grad():
            inside.set()
            done.wait(30)
            return autograd.is_grad_enabled()

    def train() -> list[float]:
        inside.wait(30)
        try:
            return _train_steps(100)
        finally:
            done.set()

    enabled_there, got = _run_together(idle_in_no_grad, train)
    assert enabled_there is False
    assert got == expected  # every graph recorded, every gradient the sequential one


def test_backward_passes_on_separate_graphs_run_side_by_side() -> None:
    expected = [_train_steps(100), _train_steps(100)]
    got = _run_together(lambda: _train_steps(100), lambda: _train_steps(100))
    assert got == expected


def test_graphs_sharing_parameters_in_two_threads_give_every_contribution() -> None:
    w = Value(0.3, label="w")
    b = Value(-0.2, label="b")
    xs = [0.1 * k - 1.0 for k in range(20)]
    n_passes = 200

    def work() -> None:
        for k in range(n_passes):
            x = xs[k % len(xs)]
            terms = [(w * (x + j) + b).sigmoid() * (w * b) for j in range(20)]  # w used often
            autograd.sum(terms).backward()

    _run_together(work, work)
    w_twice, b_twice = w.grad, b.grad
    w.grad = b.grad = 0.0
    work()
    work()
    # the same additions in some order: equal up to the order of float additions
    assert w_twice == pytest.approx(w.grad, rel=1e-12)
    assert b_twice == pytest.approx(b.grad, rel=1e-12)


def test_anomaly_mode_in_one_thread_does_not_raise_in_another() -> None:
    inside = threading.Event()
    done = threading.Event()

    def watch() -> None:
        with autograd.detect_anomaly():
            inside.set()
            done.wait(30)

    def overflow() -> float:
        inside.wait(30)
        try:
            return (Value(1e308) * 10.0).data  # inf, as floats do: not an anomaly here
        finally:
            done.set()

    _, value = _run_together(watch, overflow)
    assert value == math.inf


def test_a_trace_records_only_its_own_threads_steps() -> None:
    inside = threading.Event()
    done = threading.Event()

    def trace() -> int:
        x = Value(3.0, label="x")
        with autograd.trace_backward() as t:
            inside.set()
            done.wait(30)
            (x * x).backward()
        return len(t)

    def other() -> None:
        inside.wait(30)
        try:
            _train_steps(50)
        finally:
            done.set()

    steps, _ = _run_together(trace, other)
    assert steps == 2  # the two uses of x in x * x, nothing from the other thread


def test_grad_inside_grad_in_one_thread_is_not_nested_in_another() -> None:
    inside = threading.Event()
    done = threading.Event()

    def outer() -> float:
        def f(x: Value) -> Value:
            inside.set()
            done.wait(30)
            return x * x

        return grad(f)(2.0)

    def plain() -> float:
        inside.wait(30)
        try:
            return grad(lambda x: x**3)(2.0)
        finally:
            done.set()

    outer_result, plain_result = _run_together(outer, plain)
    assert outer_result == 4.0
    assert type(plain_result) is float and plain_result == 12.0


def test_a_backward_inside_a_pass_is_still_refused_in_the_same_thread() -> None:
    x = Value(2.0)
    y = x * x

    def again(*_: object) -> None:
        y.backward()

    with pytest.raises(RuntimeError, match="another one is running in the same thread"):
        with autograd.modes.observe(edges=again):
            y.backward()
