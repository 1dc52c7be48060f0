"""HIPS autograd (PyPI 'autograd') in this package's folder is named as the cause, with the fix.

The layouts pip leaves are rebuilt in a temporary folder from a copy of this
package: HIPS autograd's files beside ours, HIPS autograd's __init__.py over
ours, and no __init__.py at all.  Each is imported in a fresh interpreter.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd import _clash

PACKAGE = Path(autograd.__file__).resolve().parent
FIX = "pip uninstall -y autograd autograd-scalar && pip install autograd-scalar"


def layout(tmp_path: Path, hips_files: bool = False, init: str | None = "ours") -> Path:
    """A folder holding a copy of this package, changed the way pip leaves it."""
    root = tmp_path / "site"
    shutil.copytree(PACKAGE, root / "autograd", ignore=shutil.ignore_patterns("__pycache__"))
    if hips_files:
        (root / "autograd" / "numpy").mkdir()
        (root / "autograd" / "numpy" / "__init__.py").write_text("")
        (root / "autograd" / "builtins.py").write_text("")
    if init is None:
        (root / "autograd" / "__init__.py").unlink()
    elif init == "hips":
        (root / "autograd" / "__init__.py").write_text('"""A stand-in for HIPS autograd\'s."""\n')
    return root


def other_packages(tmp_path: Path) -> Path:
    """The installed packages but no autograd: links to every entry of site-packages but those.

    A folder without ``__init__.py`` is only a namespace portion, which any
    installed ``autograd`` would win over; the interpreter must see no other.
    """
    folder = tmp_path / "others"
    if folder.exists():
        return folder
    folder.mkdir()
    for site_packages in {Path(p) for p in site.getsitepackages()}:
        for entry in site_packages.iterdir():
            lower = entry.name.lower()
            if not (lower.startswith(("autograd", "__editable__")) or lower.endswith(".pth")
                    or (folder / entry.name).exists()):
                (folder / entry.name).symlink_to(entry)
    return folder


def python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that sees ``root``'s autograd and no other."""
    path = os.pathsep.join([str(root), str(other_packages(root.parent))])
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run([sys.executable, "-S", "-c", code], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


CLI = "from autograd.cli import main; raise SystemExit(main(['grad', 'x*x', '--at', 'x=3']))"


def test_the_fix_is_the_readme_s() -> None:
    assert _clash.RECOVER == FIX
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "pip uninstall -y autograd autograd-scalar" in readme and "pip install autograd-scalar" in readme


def test_check_folder(tmp_path: Path) -> None:
    _clash.check_folder(str(tmp_path))  # nothing of HIPS autograd's: no error
    (tmp_path / "builtins.py").write_text("")
    (tmp_path / "numpy").mkdir()
    with pytest.raises(ImportError) as err:
        _clash.check_folder(str(tmp_path))
    text = str(err.value)
    assert "autograd/numpy, autograd/builtins.py" in text and "HIPS autograd" in text and FIX in text
    assert "\n" not in text


def test_an_intact_copy_imports(tmp_path: Path) -> None:
    root = layout(tmp_path)
    result = python(root, "import autograd; print(autograd.__file__); print(autograd.Value(2.0) * 3)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(root))  # the copy, not the project


def test_hips_files_beside_ours_fail_the_import_naming_the_cause(tmp_path: Path) -> None:
    result = python(layout(tmp_path, hips_files=True), "import autograd")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: HIPS autograd's files (autograd/numpy, autograd/builtins.py)")
    assert FIX in last


def test_hips_init_over_ours_is_named_by_the_command_line(tmp_path: Path) -> None:
    root = layout(tmp_path, hips_files=True, init="hips")
    plain = python(root, "from autograd import Value")  # HIPS's own __init__ runs: not ours to word
    assert plain.returncode == 1 and "cannot import name 'Value'" in plain.stderr
    result = python(root, CLI)
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("autograd: error: HIPS autograd's files") and FIX in line


def test_no_init_left_is_named_by_the_command_line(tmp_path: Path) -> None:
    result = python(layout(tmp_path, init=None), CLI)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "has no __init__.py" in line and FIX in line


def test_hips_init_without_its_files_is_named_too(tmp_path: Path) -> None:
    result = python(layout(tmp_path, init="hips"), CLI)
    assert result.returncode == 2
    assert "is HIPS autograd's, installed over this package's" in result.stderr and FIX in result.stderr
