"""Batch mode asks glibc's malloc, once, to keep freed arrays for reuse (autograd._memory):
only at the first batch Value, never under AUTOGRAD_MALLOC=system, and with no effect on
any number a computation gives."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys

import pytest

_PROBE = """
import numpy as np
from autograd import _memory, Value
before = _memory.configured
Value(1.5) * Value(2.0)           # float mode: not yet
floats = _memory.configured
x = Value(np.array([1.0, 2.0]))  # the first batch Value
print(before, floats, _memory.configured)
"""


def _run(env_value: str | None) -> list[str]:
    env = dict(os.environ)
    env.pop("AUTOGRAD_MALLOC", None)
    if env_value is not None:
        env["AUTOGRAD_MALLOC"] = env_value
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         env=env, check=True)
    return out.stdout.split()


def _glibc() -> bool:
    try:
        return hasattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), "mallopt")
    except OSError:
        return False


def test_the_first_batch_value_configures_malloc_and_float_mode_does_not() -> None:
    before, floats, after = _run(None)
    assert (before, floats) == ("None", "None")
    if not _glibc():
        pytest.skip("not glibc: nothing to configure")
    assert after == "True"


def test_autograd_malloc_system_leaves_malloc_alone() -> None:
    assert _run("system") == ["None", "None", "False"]


def test_configuring_happens_once_even_from_many_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from autograd import _memory

    calls = []
    monkeypatch.setattr(_memory, "_done", False)
    monkeypatch.setattr(_memory, "_configure", lambda: calls.append(1) or True)
    threads = [threading.Thread(target=_memory.keep_freed_memory) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
