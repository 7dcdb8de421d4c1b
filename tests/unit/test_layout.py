"""The layout of ``src/extramile``: small modules, imports that run one way, stated jobs.

The checks read the source with :mod:`ast`; nothing is imported.  What they enforce is the
"Layout" section of STYLE.md and docs/explanation/architecture.md:

* no module is over :data:`MAX_LINES` lines;
* the graph of imports between the library's modules has no cycle.  Every import counts,
  wherever it is written: at the top, inside a function, under ``if TYPE_CHECKING``.
  Importing a package means importing its ``__init__``; importing ``extramile._x.y`` is an
  edge to ``extramile._x.y`` alone (the parent packages Python runs first are not counted,
  so a package ``__init__`` that imports its own submodules, the faces' normal work, makes
  no cycle unless a submodule imports the face back);
* a module inside a package never imports the face (the ``__init__``) of its own package or
  of a package above it: it imports the sibling module that defines the name;
* every module other than ``__init__.py`` and ``__main__.py`` opens with a docstring that
  states its job and has a line starting ``Imports:`` naming what of the library it may use.

The helpers take the source root as an argument, so the checks are tested on small trees
written to a temporary directory as well as run on the library.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

#: The library's source: ``src/extramile``.
SRC = Path(__file__).parents[2] / "src" / "extramile"

#: The most lines a module may have.
MAX_LINES = 600


class Module(NamedTuple):
    """One module of the library, as the layout checks see it."""

    name: str  # dotted, e.g. "extramile._time.zones"; a package is its __init__
    path: Path
    is_package: bool  # an __init__.py
    tree: ast.Module
    lines: int


class Import(NamedTuple):
    """One edge of the import graph: ``source`` imports ``target`` at ``line``."""

    source: str
    target: str
    line: int
    via_face: bool  # a ``from PACKAGE import name`` where ``name`` is not a submodule


def modules(root: Path) -> dict[str, Module]:
    """Every module under ``root`` (a package directory), by dotted name."""
    found: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        text = path.read_text(encoding="utf-8")
        name = ".".join(parts)
        found[name] = Module(
            name, path, is_package, ast.parse(text, str(path)), len(text.splitlines())
        )
    return found


def _package_of(module: Module) -> str:
    """The package whose namespace ``module`` lives in (itself, for a package)."""
    return module.name if module.is_package else module.name.rpartition(".")[0]


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from ... import`` statement names."""
    if node.level == 0:
        return node.module or ""
    base = _package_of(module).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _known(name: str, known: Mapping[str, Module]) -> str | None:
    """The longest prefix of ``name`` that is a module of the library, if any."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imports(module: Module, known: Mapping[str, Module]) -> Iterator[Import]:
    """The library modules that ``module`` imports, anywhere in its text."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name, known)
                if target is not None:
                    yield Import(module.name, target, node.lineno, via_face=False)
        elif isinstance(node, ast.ImportFrom):
            named = _resolve(module, node)
            target = _known(named, known)
            if target is None:
                continue
            for alias in node.names:
                submodule = f"{named}.{alias.name}"
                if submodule in known:
                    yield Import(module.name, submodule, node.lineno, via_face=False)
                else:
                    face = known[target].is_package
                    yield Import(module.name, target, node.lineno, via_face=face)


def graph(known: Mapping[str, Module]) -> dict[str, set[str]]:
    """Each module's set of imported library modules (self-imports left out)."""
    edges: dict[str, set[str]] = {name: set() for name in known}
    for module in known.values():
        for edge in imports(module, known):
            if edge.target != edge.source:
                edges[module.name].add(edge.target)
    return edges


def _strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of ``edges``, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def _shortest_cycle(start: str, within: set[str], edges: Mapping[str, Iterable[str]]) -> list[str]:
    """A shortest import cycle from ``start`` back to it, through modules of ``within``."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(edges.get(node, ())):
            if nxt not in within:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"{start} is on no cycle")  # pragma: no cover - SCCs have cycles


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One import cycle for each knot of modules that import one another.

    Each cycle is the list of modules along it, starting and ending with the knot's first
    module by name: ``["a", "b", "a"]`` says that ``a`` imports ``b`` and ``b`` imports ``a``.
    """
    knots = [component for component in _strongly_connected(edges) if len(component) > 1]
    return sorted(_shortest_cycle(knot[0], set(knot), edges) for knot in knots)


class Oversized(NamedTuple):
    """A module over the limit, and its length."""

    module: str
    lines: int


class FaceImport(NamedTuple):
    """``module`` imports the package ``face`` at ``line``, rather than a sibling module."""

    module: str
    face: str
    line: int


def oversized(known: Mapping[str, Module], limit: int = MAX_LINES) -> list[Oversized]:
    """The modules over ``limit`` lines, with their lengths."""
    return sorted(Oversized(m.name, m.lines) for m in known.values() if m.lines > limit)


def face_imports(known: Mapping[str, Module]) -> list[FaceImport]:
    """Where a module imports its own package's face, or that of a package above it."""
    found: list[FaceImport] = []
    for module in known.values():
        own = _package_of(module)
        ancestors = {".".join(own.split(".")[:i]) for i in range(1, own.count(".") + 2)}
        if module.is_package:
            ancestors.discard(module.name)
        found.extend(
            FaceImport(module.name, edge.target, edge.line)
            for edge in imports(module, known)
            if edge.target in ancestors
        )
    return sorted(set(found))


def _states_imports(module: Module) -> bool:
    docstring = ast.get_docstring(module.tree)
    return docstring is not None and any(
        line.strip().startswith("Imports:") for line in docstring.splitlines()
    )


def undocumented(known: Mapping[str, Module]) -> list[str]:
    """The modules (not ``__init__`` or ``__main__``) with no docstring line ``Imports:``."""
    return sorted(
        m.name
        for m in known.values()
        if not m.is_package and m.path.name != "__main__.py" and not _states_imports(m)
    )


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write a package ``pkg`` of ``files`` (relative path to text) under ``root``."""
    package = root / "pkg"
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


DOC = '"""A job.\n\nImports: nothing.\n"""\n'


# The library.


class TestModuleSize:
    def test_no_module_is_over_the_limit(self) -> None:
        """No module of extramile is over 600 lines (the offenders are listed)."""
        assert [] == oversized(modules(SRC))


class TestImportGraph:
    def test_there_is_no_import_cycle(self) -> None:
        """No chain of imports between extramile's modules leads back where it began."""
        assert [] == cycles(graph(modules(SRC)))

    def test_the_graph_reaches_the_library(self) -> None:
        """The public face imports the package faces, so the graph is not empty by mistake."""
        edges = graph(modules(SRC))
        assert {"extramile._time", "extramile._engine", "extramile.errors"} <= edges["extramile"]


class TestFaces:
    def test_no_module_imports_its_own_package_face(self) -> None:
        """Inside a package, modules import their siblings, never the package's __init__."""
        assert [] == face_imports(modules(SRC))


class TestDocstrings:
    def test_every_module_states_its_job_and_imports(self) -> None:
        """Every module opens with a docstring that has a line starting ``Imports:``."""
        assert [] == undocumented(modules(SRC))


# The checks themselves, on small trees.


class TestChecksOnSmallTrees:
    def test_module_names(self, tmp_path: Path) -> None:
        """A package is named by its directory, a module by its dotted path."""
        root = write_tree(tmp_path, {"__init__.py": "", "_t/__init__.py": "", "_t/z.py": ""})
        assert ["pkg", "pkg._t", "pkg._t.z"] == sorted(modules(root))

    def test_long_module(self, tmp_path: Path) -> None:
        """A module of 601 lines is listed with its length; one of 600 is not."""
        root = write_tree(tmp_path, {"a.py": "x = 1\n" * 601, "b.py": "x = 1\n" * 600})
        assert [("pkg.a", 601)] == oversized(modules(root))

    def test_cycle_through_a_function_level_import(self, tmp_path: Path) -> None:
        """An import inside a function still closes a cycle, reported as its modules."""
        root = write_tree(
            tmp_path,
            {
                "__init__.py": "",
                "a.py": "from pkg.b import f\n",
                "b.py": "def f():\n    from pkg.c import g\n",
                "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n",
            },
        )
        assert [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]] == cycles(graph(modules(root)))

    def test_face_importing_its_submodules_is_no_cycle(self, tmp_path: Path) -> None:
        """A package __init__ re-exporting its modules, relative or absolute, is no cycle."""
        root = write_tree(
            tmp_path,
            {
                "__init__.py": "from pkg._t import Z\nfrom pkg import _t\n",
                "_t/__init__.py": "from pkg._t.z import Z\nfrom . import y\n",
                "_t/z.py": "from pkg._t.y import Y\nZ = Y\n",
                "_t/y.py": "Y = 1\n",
            },
        )
        known = modules(root)
        expected = {
            "pkg": {"pkg._t"},
            "pkg._t": {"pkg._t.y", "pkg._t.z"},
            "pkg._t.y": set(),
            "pkg._t.z": {"pkg._t.y"},
        }
        assert (expected, []) == (graph(known), cycles(graph(known)))

    def test_submodule_importing_its_face(self, tmp_path: Path) -> None:
        """A module importing its own package's face is flagged, and closes a cycle."""
        root = write_tree(
            tmp_path,
            {
                "__init__.py": "",
                "_t/__init__.py": "from pkg._t.z import Z\nfrom pkg._t.y import Y\n",
                "_t/z.py": "from pkg._t import Y\nZ = Y\n",
                "_t/y.py": "from . import Q\nY = 1\n",
                "other.py": "from pkg._t import Z\n",
            },
        )
        known = modules(root)
        expected = (
            [("pkg._t.y", "pkg._t", 1), ("pkg._t.z", "pkg._t", 1)],
            [["pkg._t", "pkg._t.y", "pkg._t"]],
        )
        assert expected == (face_imports(known), cycles(graph(known)))

    def test_sibling_module_import_is_not_a_face_import(self, tmp_path: Path) -> None:
        """``from pkg._t import z`` names the sibling module, not a name of the face."""
        root = write_tree(
            tmp_path,
            {"_t/__init__.py": "", "_t/z.py": "", "_t/y.py": "from pkg._t import z\n"},
        )
        assert [] == face_imports(modules(root))

    def test_top_face_import_from_a_top_module(self, tmp_path: Path) -> None:
        """A top-level module importing a name from the library's own __init__ is flagged."""
        root = write_tree(
            tmp_path, {"__init__.py": "from pkg.r import R\n", "r.py": "import pkg\nR = 1\n"}
        )
        assert [("pkg.r", "pkg", 1)] == face_imports(modules(root))

    @pytest.mark.parametrize(
        ("name", "text", "expected"),
        [
            ("stated.py", DOC, []),
            ("indented.py", '"""A job.\n\n    Imports: ``errors``.\n"""\n', []),
            ("no_line.py", '"""A job."""\n', ["pkg.no_line"]),
            ("no_docstring.py", "# Imports: nothing.\nx = 1\n", ["pkg.no_docstring"]),
            ("__main__.py", "", []),
            ("__init__.py", "", []),
        ],
    )
    def test_docstring_states_imports(
        self, tmp_path: Path, name: str, text: str, expected: list[str]
    ) -> None:
        """A module's docstring must have an ``Imports:`` line; faces and __main__ need not."""
        assert expected == undocumented(modules(write_tree(tmp_path, {name: text})))
