"""The engine's modes, each one per thread: graph recording, observers, grad nesting.

* ``no_grad()`` / ``enable_grad()`` switch graph recording off or on;
* ``observe(nodes=..., edges=...)`` registers the hooks that anomaly mode and
  backward traces are built on;
* ``grad_depth()`` counts the ``grad(...)`` calls evaluating their function.

Every mode lives in a :class:`contextvars.ContextVar`, like PyTorch's
thread-local grad mode: a block entered in one thread (or asyncio task) never
changes what another one computes.  A new thread starts with graph recording on
and nothing observing.

The hot paths of :mod:`autograd.nodes` must not pay a context-variable lookup
per op, so this module also keeps a process-wide count of open mode blocks and
tells its watchers whether it is zero ("plain": nobody anywhere is in a mode,
so every thread may take the fast path).  When it is not zero, each op reads
its own thread's mode.  A copy of a context that outlives its block (an
asyncio task started inside ``no_grad()`` and still running after it) follows
its mode only while some mode block is open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Mode", "current", "enable_grad", "grad_depth", "inside_grad", "is_grad_enabled",
           "no_grad", "observe", "watch"]

NodeObserver = Callable[[Any], None]
EdgeObserver = Callable[[Any, int, Any, Any, Any, Any], None]


@dataclass(frozen=True)
class Mode:
    """One thread's modes (immutable: entering a block sets a new one)."""

    grad_enabled: bool = True
    node_observers: tuple[NodeObserver, ...] = ()  # called for every op built
    edge_observers: tuple[EdgeObserver, ...] = ()  # called for every edge a backward pass crosses


DEFAULT = Mode()
_mode: ContextVar[Mode] = ContextVar("autograd.mode", default=DEFAULT)
_depth: ContextVar[int] = ContextVar("autograd.grad_depth", default=0)

_lock = threading.Lock()
_open_blocks = 0  # mode blocks open in any thread
_watchers: list[Callable[[bool], None]] = []


def current() -> Mode:
    """This thread's modes."""
    return _mode.get()


def watch(callback: Callable[[bool], None]) -> None:
    """Call ``callback(plain)`` now and whenever "no mode block is open anywhere" changes."""
    with _lock:
        _watchers.append(callback)
        callback(_open_blocks == 0)


def _opened(delta: int) -> None:
    global _open_blocks
    with _lock:
        before = _open_blocks
        _open_blocks += delta
        if (before == 0) != (_open_blocks == 0):
            for callback in _watchers:
                callback(_open_blocks == 0)


@contextmanager
def _entered(**changes: Any) -> Iterator[None]:
    """Run the block with this thread's modes changed as given (restored on exit)."""
    token = _mode.set(replace(_mode.get(), **changes))
    _opened(+1)
    try:
        yield
    finally:
        _opened(-1)
        _mode.reset(token)


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    if _mode.get().grad_enabled is enabled:  # already so: nothing to switch
        yield
        return
    with _entered(grad_enabled=enabled):
        yield


def no_grad() -> Any:
    """Build no graph inside the block (this thread only): results are constants.

    For parameter updates and inference.  Restores the previous mode on exit.
    A Value computed inside refuses ``backward()``, saying why.
    """
    return _grad_mode(False)


def enable_grad() -> Any:
    """Record graphs inside the block, even within ``no_grad()`` (this thread only)."""
    return _grad_mode(True)


def is_grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread."""
    return _mode.get().grad_enabled


@contextmanager
def observe(nodes: NodeObserver | None = None, edges: EdgeObserver | None = None) -> Iterator[None]:
    """Inside the block, in this thread: call ``nodes(v)`` for every op built and
    ``edges(node, i, parent, upstream, local, contribution)`` for every edge a
    backward pass crosses.

    Anomaly mode and backward traces (:mod:`autograd.anomaly`) are built on
    this; with no observer the engine runs its fast loops untouched.
    """
    mode = _mode.get()
    changes: dict[str, Any] = {}
    if nodes is not None:
        changes["node_observers"] = (*mode.node_observers, nodes)
    if edges is not None:
        changes["edge_observers"] = (*mode.edge_observers, edges)
    if not changes:
        yield
        return
    with _entered(**changes):
        yield


def grad_depth() -> int:
    """How many ``grad(...)`` calls of this thread are evaluating their function."""
    return _depth.get()


@contextmanager
def inside_grad() -> Iterator[None]:
    """Count one more ``grad(...)`` evaluating its function, in this thread."""
    token = _depth.set(_depth.get() + 1)
    try:
        yield
    finally:
        _depth.reset(token)
