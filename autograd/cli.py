"""The ``autograd`` command."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from autograd import seeds


def demo() -> int:
    """The seeds' three-layer network: every weight's gradient beside its finite difference."""
    net = seeds.build()
    net.loss.backward()
    hand = seeds.derive_by_hand()
    print("The seeds' network: 2 inputs -> 3 tanh -> 2 sigmoid -> 1 relu, R2 loss "
          "E = 1/2 (y - target)^2")
    print(f"E = {net.loss.data:.10g}\n")
    header = f"{'weight':<8} {'engine dE/dw':>16} {'by hand':>16} {'central diff':>16} {'|engine-fd|':>12}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for label, w in net.weights.items():
        fd = seeds.central_difference(label)
        err = abs(w.grad - fd)
        worst = max(worst, err)
        print(f"{label:<8} {w.grad:>16.10f} {hand.gradients[label]:>16.10f} {fd:>16.10f} {err:>12.2e}")
    print(f"\nlargest |engine - finite difference| = {worst:.2e}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``autograd`` and ``python -m autograd``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print("usage: autograd [demo]\n\nRuns the seeds' three-layer network (tanh, sigmoid, "
              "relu) and prints every weight's gradient beside its finite difference.")
        return 0
    if args and args[0] != "demo":
        print(f"autograd: error: unknown command {args[0]!r} (try: autograd demo)", file=sys.stderr)
        return 2
    return demo()
