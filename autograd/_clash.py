"""Telling when HIPS autograd shares this package's folder.

PyPI's ``autograd`` (HIPS autograd) and ``autograd-scalar`` (this package)
both install a package named ``autograd``; pip puts the second one's files
over the first's in the same folder, and uninstalling either removes the
shared ``autograd/__init__.py``.  What then fails is an import, with a message
about a missing name.  The checks here name the cause and the commands that
recover.  They cost a few ``stat`` calls: importing this module runs
:func:`check_folder` on its own folder, and ``autograd/__init__.py`` imports
it first thing.
"""

from __future__ import annotations

import os
from typing import Any

RECOVER = "pip uninstall -y autograd autograd-scalar && pip install autograd-scalar"
"""The commands that leave this package alone in the environment (README: the name clash)."""

HIPS_FILES = ("numpy", "builtins.py", "tracer.py", "differential_operators.py")
"""Files and folders that HIPS autograd installs into ``autograd/`` and this package never has."""


def hips_files(folder: str) -> list[str]:
    """The HIPS autograd files present in ``folder`` (an ``autograd`` package folder)."""
    return [name for name in HIPS_FILES if os.path.exists(os.path.join(folder, name))]


def message(cause: str) -> str:
    """The one-line explanation of a broken install, with the commands that fix it."""
    return (f"{cause}. HIPS autograd (PyPI 'autograd') and autograd-scalar both install a "
            f"package named 'autograd' and cannot share an environment. To keep "
            f"autograd-scalar: {RECOVER} (to keep HIPS autograd instead: "
            f"pip uninstall -y autograd autograd-scalar && pip install autograd)")


def check_folder(folder: str) -> None:
    """Raise ImportError when HIPS autograd's files lie beside this package's in ``folder``."""
    found = hips_files(folder)
    if found:
        shown = ", ".join(f"autograd/{name}" for name in found)
        raise ImportError(message(f"HIPS autograd's files ({shown}) are installed in the same "
                                  f"folder as this package, {folder}"), name="autograd")


def installed_package_problem(package: Any) -> str | None:
    """Why the imported ``autograd`` package is not this one, or None when it is.

    Catches what ``autograd/__init__.py`` cannot, since its own code is then
    gone: HIPS autograd's ``__init__.py`` installed over ours, or no
    ``__init__.py`` left at all after one of the two was uninstalled.
    """
    if getattr(package, "Value", None) is not None:
        return None
    where = getattr(package, "__file__", None)
    if where is None:
        folder = next(iter(getattr(package, "__path__", [])), "?")
        return message(f"{folder} has no __init__.py (removed when HIPS autograd or "
                       f"autograd-scalar was uninstalled), so 'from autograd import Value' fails")
    return message(f"{where} is HIPS autograd's, installed over this package's, "
                   f"so 'from autograd import Value' fails")


check_folder(os.path.dirname(os.path.abspath(__file__)))  # on import: see autograd/__init__.py
