"""micrograd's import path: ``from autograd.engine import Value``.

Code written for micrograd (``from micrograd.engine import Value``) runs here
with ``micrograd`` replaced by ``autograd``.  The engine itself lives in
:mod:`autograd.value` (the node), :mod:`autograd.nodes` (how ops build it), :mod:`autograd.backward`
(the backward pass) and :mod:`autograd.modes` (per-thread modes).
"""

from autograd.value import Value

__all__ = ["Value"]
