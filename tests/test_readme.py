"""The README's Python examples run as written, and print what it says they print.

A Python block followed directly by a ``text`` block prints exactly that text; a
line ``print(...)  # <number>...`` prints that number first (a README that shows
stale output is a defect a test can see: the oracle is the README's own claim).
"""

from __future__ import annotations

import builtins
import contextlib
import io
import itertools
import re
import sys
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text(encoding="utf-8")
FENCES = [(m.group(1), m.group(2), m.start(), m.end())
          for m in re.finditer(r"```(\w*)\n(.*?)```", TEXT, flags=re.S)]
BLOCKS = [code for kind, code, _, _ in FENCES if kind == "python"]
# a python block and the text block right after it (only blank lines between)
SHOWN = {a[1]: b[1] for a, b in itertools.pairwise(FENCES)
         if a[0] == "python" and b[0] == "text" and not TEXT[a[3]:b[2]].strip()}
COMMENTED = re.compile(r"^\s*print\(.*\)\s+#\s*(-?[0-9][0-9.e+-]*)(?=\s*$|[:;,])")  # a number, not a formula


def _run(code: str) -> tuple[str, dict[int, str]]:
    """Run a block; its whole output, and what each ``print`` line printed, by line."""
    by_line: dict[int, str] = {}
    real_print = builtins.print

    def recording_print(*args: Any, **kwargs: Any) -> None:
        line = sys._getframe(1).f_lineno
        buffer = io.StringIO()
        real_print(*args, **{**kwargs, "file": buffer})
        by_line[line] = by_line.get(line, "") + buffer.getvalue()
        real_print(*args, **kwargs)

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = {"__name__": "__readme__", "print": recording_print}
        exec(compile(code, str(README), "exec"), namespace)  # our own README, not user input
    return out.getvalue(), by_line


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs_and_prints_what_it_says(code: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that save files write into a temporary folder
    printed, by_line = _run(code)
    if code in SHOWN:
        got = [line.rstrip() for line in printed.strip("\n").splitlines()]
        assert got == [line.rstrip() for line in SHOWN[code].strip("\n").splitlines()]
    for number, line in enumerate(code.splitlines(), start=1):
        if (claim := COMMENTED.match(line)) is not None:
            assert by_line[number].split()[0].rstrip(",") == claim.group(1), line


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2 and len(SHOWN) >= 4
