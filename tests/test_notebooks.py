"""The notebooks in notebooks/ run top to bottom on a fresh kernel and are committed with outputs.

Each notebook is executed with nbclient in a temporary working directory, on a
``python3`` kernel that runs this interpreter (so it imports the autograd under
test, whatever other kernels the machine has).  The committed file is also
checked: executed in order, with no errors, and with outputs in the cells
where a fresh run produces them.  To refresh the committed outputs after a
change: ``jupyter execute --inplace notebooks/*.ipynb``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
EXPECTED = [
    "01-expression-graph",
    "02-mixed-activations",
    "03-sigmoid-derivative-pitfall",
    "04-sigmoid-cross-entropy",
    "05-training-mlp",
]
CELL_TIMEOUT = 120  # seconds per cell


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A ``python3`` kernel spec for this interpreter, found before any other."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3",
        "language": "python",
    }))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root))
        yield


def _outputs(cell: nbformat.NotebookNode) -> set[tuple[str, ...]]:
    """What kinds of output a code cell has: streams by name, displays by mime type."""
    kinds: set[tuple[str, ...]] = set()
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            kinds.add(("stream", out.name))
        elif out.output_type in ("display_data", "execute_result"):
            kinds.add((out.output_type, *sorted(out.get("data", {}))))
        else:
            kinds.add((out.output_type,))
    return kinds


def _code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_notebooks_are_there() -> None:
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_committed_with_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown", "a notebook starts with a short introduction"
    cells = _code_cells(nb)
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name} was not executed top to bottom in one run (execution counts {counts})"
    )
    for k, cell in enumerate(cells, start=1):
        kinds = _outputs(cell)
        assert ("error",) not in kinds, f"{path.name}: code cell {k} holds an error"
        assert ("stream", "stderr") not in kinds, f"{path.name}: code cell {k} printed to stderr"
    with_output = sum(1 for c in cells if c.outputs)
    assert with_output >= len(cells) // 2, f"{path.name}: only {with_output} cells have outputs"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_runs_on_a_fresh_kernel(path: Path, tmp_path: Path, kernel_path: None) -> None:
    committed = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{path.name} failed on a fresh kernel:\n{err}", pytrace=False)
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "the notebook left files behind"

    fresh_cells, old_cells = _code_cells(nb), _code_cells(committed)
    assert len(fresh_cells) == len(old_cells)
    stale = []
    for k, (fresh, old) in enumerate(zip(fresh_cells, old_cells), start=1):
        fresh_kinds = _outputs(fresh) - {("stream", "stderr")}
        if fresh_kinds != _outputs(old):
            stale.append(f"cell {k}: committed {sorted(_outputs(old))}, fresh {sorted(fresh_kinds)}")
    assert not stale, (
        f"{path.name}: the committed outputs are stale; re-run "
        f"`jupyter execute --inplace notebooks/{path.name}`\n" + "\n".join(stale)
    )
