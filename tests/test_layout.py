"""The shape of the code, as the README's "How it is built" section states it.

Each module holds one job in about 400 lines or fewer, the README's map names
every module, and no two modules import each other at load (a cycle at module
load makes the import order matter and hides which module is the lower one).
Imports inside functions (tools imported when called) and under
``TYPE_CHECKING`` are not loads, so they may point upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

import autograd

ROOT = Path(__file__).resolve().parent.parent  # the README
# the package as imported: the source tree, or the installed wheel when CI tests that
PACKAGE = Path(autograd.__file__).resolve().parent
MAX_LINES = 410


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _load_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports when it is loaded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.If):
                if not _is_type_checking(stmt.test):
                    visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                visit(stmt.body)
                for handler in stmt.handlers:
                    visit(handler.body)
            elif isinstance(stmt, ast.Import):
                found.update(a.name for a in stmt.names if a.name in modules)
            elif isinstance(stmt, ast.ImportFrom):
                base = stmt.module or ""
                if stmt.level:
                    up = package.split(".")[: len(package.split(".")) - stmt.level + 1]
                    base = ".".join([*up, base] if base else up)
                for alias in stmt.names:
                    sub = f"{base}.{alias.name}"
                    if sub in modules:
                        found.add(sub)  # `from autograd import modes`: the submodule
                    elif base in modules:
                        found.add(base)

    visit(tree.body)
    found.discard(name)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (node -> the nodes it imports) as a list of nodes, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                stack.pop()
                state[path.pop()] = 2
            elif state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            elif dep not in state:
                state[dep] = 1
                path.append(dep)
                stack.append(iter(sorted(graph.get(dep, ()))))
    return None


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_no_module_imports_itself_back_at_load() -> None:
    modules = _modules()
    graph = {name: _load_imports(name, path, modules) for name, path in modules.items()}
    # the package's __init__ gathers the public names: no module below it may load it
    loads_init = sorted(n for n, deps in graph.items() if "autograd" in deps and n != "autograd")
    assert not loads_init, f"these modules load the package's __init__: {loads_init}"
    assert "autograd.nodes" in graph["autograd.value"]  # the finder sees real imports
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle at load: " + " -> ".join(cycle or [])


def test_every_module_reads_in_one_sitting() -> None:
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_readme_map_names_every_module() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## How it is built"):]
    section = section[: section.index("\n## ", 1)]
    missing = []
    for path in _modules().values():
        shown = str(path.relative_to(PACKAGE))
        if f"`{shown}`" not in section:
            missing.append(shown)
    assert not missing, f"the README's 'How it is built' map does not name {missing}"


def _map_rows() -> dict[str, int]:
    """Each module file named in the README's map, and the row that names it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## How it is built"):]
    rows: dict[str, int] = {}
    for number, line in enumerate(section.splitlines()):
        if line.startswith("| `"):
            first = line.split("|")[1]
            for name in first.split("`")[1::2]:
                rows.setdefault(name, number)
    return rows


def test_a_module_loads_only_the_modules_above_it_in_the_map() -> None:
    modules = _modules()
    rows = _map_rows()
    row_of = {name: rows.get(str(path.relative_to(PACKAGE))) for name, path in modules.items()}
    wrong = []
    for name, path in modules.items():
        if name == "autograd":
            continue
        for dep in _load_imports(name, path, modules):
            if row_of[name] is not None and row_of[dep] is not None and row_of[dep] > row_of[name]:
                wrong.append(f"{path.relative_to(PACKAGE)} loads {modules[dep].relative_to(PACKAGE)}")
    assert not wrong, "the map puts these below the module that loads them: " + "; ".join(wrong)
