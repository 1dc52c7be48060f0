"""``python -m autograd``: the command line (see :mod:`autograd.cli`)."""

from autograd.cli import main

raise SystemExit(main())
