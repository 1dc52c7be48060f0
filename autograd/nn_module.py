"""``Module``, the base of :mod:`autograd.nn`'s networks: parameters, their names and their state.

Parameters in a fixed order with dotted names, ``zero_grad``, the state as
``{name: value}``, and model files (the JSON of :mod:`autograd.modelfile`,
never pickle) saved and loaded, a failed load changing nothing.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from autograd import modelfile
from autograd.engine import Value


class Module:
    """Base class: something with parameters (Values updated by training)."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs in a fixed order; names are dotted paths."""
        return []

    def parameters(self) -> list[Value]:
        """The parameters, in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set every parameter's gradient to zero (gradients accumulate), or to None.

        ``set_to_none=True`` is PyTorch's ``Module.zero_grad`` default; an
        optimizer's ``step()`` skips a parameter whose gradient is None.
        """
        for p in self.parameters():
            p.grad = None if set_to_none else 0.0

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    def _label_parameters(self) -> None:
        # Labels are what drawings and error messages show: the dotted names.
        for name, p in self.named_parameters():
            p.label = name

    # ------------------------------------------------------------ state
    def config(self) -> dict[str, Any]:
        """The architecture, as saved next to the parameters in a JSON file."""
        return {"type": type(self).__name__}

    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` for every parameter (plain floats)."""
        return {name: float(p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, Any], source: str = "state") -> None:
        """Set every parameter from ``{name: value}``; the names must match exactly.

        Nothing is changed unless every name matches and every value is a
        finite number.
        """
        if not isinstance(state, dict):
            raise ValueError(f"{source}: parameters must be a JSON object of name: number")
        own = self.named_parameters()
        names = {name for name, _ in own}
        missing = [name for name, _ in own if name not in state]
        unexpected = [name for name in state if name not in names]
        if missing or unexpected:
            parts = [f"{source} does not match the model {self.summary()}:"]
            if missing:
                parts.append(f"{len(missing)} missing parameter(s) ({_some(missing)})")
            if unexpected:
                parts.append(f"{len(unexpected)} unexpected parameter(s) ({_some(unexpected)})")
            raise ValueError(" ".join(parts))
        values = []
        for name, p in own:
            x = state[name]
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
                raise ValueError(f"{source}: parameter {modelfile._short(name)} must be a finite "
                                 f"number, got {modelfile._short(x)}")
            values.append((p, float(x)))
        for p, x in values:
            p.data = x

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and the parameters to a JSON file (never pickle)."""
        modelfile.write(path, self.config(), self.state_dict())

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters saved by :meth:`save` into this model.

        Raises ValueError, naming the file and the field, when the file is not
        a model file (see :mod:`autograd.modelfile`: regular files of at most
        64 MB of strict JSON) or was written for another architecture (other
        sizes, activations or parameter names).  A failed load changes nothing.
        """
        saved, parameters = modelfile.read(path)
        source = repr(os.fspath(path))
        mine = self.config()
        if saved != mine:
            fields = [k for k in mine if saved.get(k) != mine[k]] + [k for k in saved if k not in mine]
            what = "; ".join(f"{modelfile._short(k)}: file {modelfile._short(saved.get(k))}, "
                             f"model {modelfile._short(mine.get(k)) if k in mine else '(no such field)'}"
                             for k in fields[:5])
            raise ValueError(f"{source} was saved from a different model ({what})")
        self.load_state_dict(parameters, source)

    def summary(self) -> str:
        """A one-line description (the repr's first line)."""
        return type(self).__name__


def _some(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(modelfile._short(n) for n in names[:limit])
    return shown + (", ..." if len(names) > limit else "")
