"""Test settings shared by every module.

Under CI (the ``CI`` environment variable set, as ``.ci/run`` sets it) hypothesis
draws its examples from a fixed seed, so a run of CI is reproducible: what
passed on a developer's machine with ``CI=1`` passes there.  Without it every
run draws new examples, which is how the property tests keep exploring.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
