"""The package's import graph: no cycles, OR-Tools only under coverage/solve, and the solver's parts in layers.

Read from the source with the standard library's `ast`, nothing imported:
every `import` and `from ... import` counts, at module level or inside a
function (a late import hides a cycle from Python, not from the design).
Imports under `if TYPE_CHECKING:` never run; they count inside coverage/solve
only, where the parts must not know their callers even by type. `from
package import name` points at the submodule when `name` is one, else at
the package; importing a submodule also runs the packages above it (their
`__init__`), so those count too, except the importer's own parent packages.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coverage"

# Cycles outside coverage/solve that predate this test, each with why it is there. The test fails when
# a new one appears, and when one of these is gone (so the list stays true).
KNOWN_CYCLES: dict[frozenset[str], str] = {}

# coverage/solve, bottom up: a module imports only modules of earlier layers (none of its own layer, none
# later), so no part imports the parts built from it or whoever calls it. gaps_why (explanations of a
# roster's gaps, no model) and the package's __init__ (re-exports) stand outside the layers.
SOLVE_LAYERS = [
    ("scope", "size", "polish"),  # what each agent may work, what a model would weigh, a roster's channels polished: no solver
    ("data",),  # the model's inputs as plain data
    ("rulebook",),  # hard rules under labels (explain's assumptions)
    ("variables",),  # made once, read after
    ("rules", "objective", "kept"),  # parts built from (model, data, variables); the kept roster a re-plan starts from
    ("aggregate", "model"),  # the headcount relaxation and the roster model, composed
    ("runner",),  # the one place a search runs
    ("first_counts",),  # first headcounts by construction, checked by a search
    ("first_prices",),  # what a flexible run saves against a roster, and the moves that take and drop runs
    ("first_chains",),  # ejection chains: moves of several agents at once, priced as first_prices prices runs
    ("first_runs",),  # a first roster of flexible runs by construction (its residual is first_counts')
    ("explain", "staged", "coarse", "neighbourhoods"),  # searches over built models
    ("search",),  # solve(): the direct model or the stages first
]
SOLVE_OUTSIDE_LAYERS = {"coverage.solve", "coverage.solve.gaps_why"}


@dataclass(frozen=True)
class Import:
    target: str
    line: int
    type_only: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(module: str) -> list[Import]:
    """Every import a module makes (any module, inside the package or not), with its line."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    type_only = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno, node.lineno in type_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                found.append(Import(target, node.lineno, node.lineno in type_only))
    return found


def graph(*, type_only: bool, within: str = "coverage") -> dict[str, set[str]]:
    """Module -> the package's modules it imports (only those under `within`)."""
    nodes = [m for m in MODULES if m == within or m.startswith(within + ".")]
    return {
        m: {
            target
            for i in imports_of(m)
            if type_only or not i.type_only
            for target in [i.target, *packages_run_by(m, i.target)]
            if target in nodes
        }
        for m in nodes
    }


def packages_run_by(importer: str, target: str) -> list[str]:
    """The packages whose `__init__` Python runs to import `target`: those above it, less the importer's own."""
    parts = target.split(".")
    above = [".".join(parts[:k]) for k in range(1, len(parts))]
    return [p for p in above if p in MODULES and not (importer == p or importer.startswith(p + "."))]


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges[v]:
                found.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def path_in(edges: dict[str, set[str]], component: frozenset[str]) -> str:
    """One cycle through the component, as 'a -> b -> a', for the failure message."""
    start = min(component)
    trail, seen = [start], {start}
    while True:
        following = sorted(w for w in edges[trail[-1]] if w in component)
        back = [w for w in following if w in seen]
        if back:
            return " -> ".join(trail[trail.index(back[0]) :] + [back[0]])
        trail.append(following[0])
        seen.add(following[0])


def test_the_graph_sees_imports_at_module_level_inside_functions_and_for_types_only() -> None:
    """The walker itself, on modules whose imports we know."""
    staged = imports_of("coverage.solve.staged")
    assert Import("coverage.solve.runner", next(i.line for i in staged if i.target == "coverage.solve.runner"), False) in staged
    cli = [i for i in imports_of("coverage.cli") if i.target == "coverage.figures"]
    assert cli and not any(i.type_only for i in cli)  # imported inside the plot commands only
    plots_hires = [i for i in imports_of("coverage.plots.hires") if i.target == "coverage.hires"]
    assert plots_hires and all(i.type_only for i in plots_hires)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert packages_run_by("coverage.availability", "coverage.config.schema") == ["coverage.config"]
    assert packages_run_by("coverage.config.teamsheet", "coverage.config.schema") == []


def test_no_import_cycle_in_the_package() -> None:
    edges = graph(type_only=False)
    found = set(cycles(edges))
    new = [path_in(edges, c) for c in found - KNOWN_CYCLES.keys()]
    gone = [" and ".join(sorted(c)) for c in KNOWN_CYCLES.keys() - found]
    assert not new, f"import cycles: {new}"
    assert not gone, f"no longer a cycle, take it off KNOWN_CYCLES: {gone}"


def test_no_import_cycle_in_the_solver_even_for_type_hints() -> None:
    edges = graph(type_only=True, within="coverage.solve")
    assert [path_in(edges, c) for c in cycles(edges)] == []


def test_each_part_of_the_solver_imports_only_the_layers_below_it() -> None:
    layer = {f"coverage.solve.{name}": k for k, names in enumerate(SOLVE_LAYERS) for name in names}
    solve_modules = {m for m in MODULES if m.startswith("coverage.solve.")} | {"coverage.solve"}
    assert solve_modules == layer.keys() | SOLVE_OUTSIDE_LAYERS, "a new module in coverage/solve: give it a layer"
    wrong = [
        f"{module}:{i.line} imports {i.target}"
        for module in layer
        for i in imports_of(module)
        if i.target in solve_modules and (i.target not in layer or layer[i.target] >= layer[module])
    ]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith("coverage.solve")))
def test_only_the_solver_imports_ortools(module: str) -> None:
    assert [i.line for i in imports_of(module) if i.target.split(".")[0] == "ortools"] == []


def test_every_search_goes_through_the_runner() -> None:
    """One runner: settings, progress, Ctrl-C and time limits live in coverage/solve/runner.py alone."""
    makers = [m for m, path in MODULES.items() if "CpSolver()" in path.read_text()]
    assert makers == ["coverage.solve.runner"]


# Private names imported from another module, each with why; the test fails on a new one and when one is gone.
KNOWN_PRIVATE_IMPORTS = {
    (
        "tests/solve/test_size.py",
        "coverage.solve.size._cgroup_room",
    ): "the cgroup reader tested on a fake /sys tree (coverage/solve is another issue's)",
}


def private_imports(path: Path) -> list[tuple[int, str]]:
    """(line, "module.name") for each `from coverage.X import _name` in the file: a private helper borrowed across modules."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "coverage" and not node.level:
            found += [
                (node.lineno, f"{node.module}.{alias.name}")
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


def test_private_imports_finds_a_borrowed_helper(tmp_path: Path) -> None:
    source = tmp_path / "borrower.py"
    source.write_text("from coverage.gaps import Coverage, _number\nfrom coverage import __version__\nfrom ._x import y\n")
    assert private_imports(source) == [(1, "coverage.gaps._number")]


def test_no_module_borrows_another_modules_private_names() -> None:
    """One home per concept: a helper two modules need is public in one of them, not imported as `_name`."""
    root = PACKAGE.parent
    found = {
        (path.relative_to(root).as_posix(), name): line
        for folder in ("coverage", "benchmarks", "tests")
        for path in sorted((root / folder).rglob("*.py"))
        for line, name in private_imports(path)
    }
    new = [f"{file}:{line}: {name}" for (file, name), line in found.items() if (file, name) not in KNOWN_PRIVATE_IMPORTS]
    gone = [f"{file}: {name}" for file, name in KNOWN_PRIVATE_IMPORTS.keys() - found.keys()]
    assert not new, f"private names imported from another module: {new}"
    assert not gone, f"no longer imported, take it off KNOWN_PRIVATE_IMPORTS: {gone}"


REPORT_SIDE = (
    "coverage.report",
    "coverage.htmlreport",
    "coverage.hiresreport",
    "coverage.figures",
    "coverage.plots",
    "coverage.exports",
    "coverage.cli",
    "coverage.hiringspec",
)


def test_hiring_returns_data_and_the_report_side_writes_it() -> None:
    """coverage.hires finds hires; writing, plotting and reading command-line specs are the report's and the CLI's (no cycle back)."""
    reaches = [
        f"{i.line}: {i.target}"
        for i in imports_of("coverage.hires")
        if any(i.target == side or i.target.startswith(side + ".") for side in REPORT_SIDE)
    ]
    assert reaches == []
    assert {i.target for i in imports_of("coverage.hiresreport")} >= {"coverage.hires", "coverage.report"}
