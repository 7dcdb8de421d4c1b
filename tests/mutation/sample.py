"""A seeded sample of single-point mutants of the time package and of placement, run
against their tests: how many do the tests notice (kill)?

Not part of the test suite nor of CI (``tests/conftest.py`` keeps pytest out of this
folder).  Run it from the repository's root, with the interpreter of the project's
virtual environment::

    python tests/mutation/sample.py --seed 15 --count 120 --jobs 2

Each mutant changes one thing in one module of ``src/extramile/_time/`` or
``src/extramile/_engine/{placement,search,fit}.py``: a comparison flipped (``<`` and
``<=``, ``>`` and ``>=``, ``==`` and ``!=``), ``+`` and ``-`` swapped, an integer
constant moved by one, ``and`` and ``or`` swapped, ``return X`` made ``return None``, or a
statement of a function deleted (made ``pass``).  Lines marked ``pragma: no cover`` and
f-strings are left alone.  A mutant is applied to a copy of ``src/`` in a temporary
folder (never to the worktree's own sources), and the module's fast tests run against
that copy (``PYTHONPATH``), stopping at the first failure, with few derandomised
Hypothesis examples (:mod:`quick_hypothesis`).  Failing tests kill the mutant; a run past
its time limit is a timeout (reported apart, and counted as killed: a hang is noticed).

Mutants that cannot change behaviour are listed, with the reason, in
:mod:`equivalent`; they are reported as equivalent and left out of the kill rate.

Imports: ``ast`` and the standard library only (it reads the sources as text).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from equivalent import EQUIVALENT

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "src/extramile"
HERE_IN_ROOT = "tests/mutation"

TIME_MODULES = (
    "_time/calendar.py",
    "_time/durations.py",
    "_time/intervals.py",
    "_time/schedule.py",
    "_time/weekly.py",
    "_time/window.py",
    "_time/zones.py",
)
ENGINE_MODULES = ("_engine/placement.py", "_engine/search.py", "_engine/fit.py")

# The fast tests of each group, quickest first so that -x stops early.
TIME_TESTS = (
    "tests/unit/test_window.py",
    "tests/unit/test_weekly.py",
    "tests/unit/test_time.py",
    "tests/unit/test_tz.py",
    "tests/unit/test_zoneinfo.py",
    "tests/unit/test_mutation_gaps.py",
    "tests/scenarios/test_starter_policy.py",
    "tests/property/test_time_properties.py",
)
ENGINE_TESTS = (
    "tests/unit/test_placement.py",
    "tests/unit/test_mutation_gaps.py",
    "tests/unit/test_engine.py",
    "tests/scenarios/test_calling_windows.py",
    "tests/scenarios/test_starter_policy.py",
    "tests/scenarios/test_retries.py",
    "tests/property/test_placement_properties.py",
)

_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Add: "+",
    ast.Sub: "-",
    ast.And: "and",
    ast.Or: "or",
}

Path_ = tuple[tuple[str, int | None], ...]
"""Where a node lies in its module's tree: (field, index in a list field or None)."""


@dataclass(frozen=True)
class Mutant:
    """One single-point change to one module."""

    module: str
    """The module's path under ``src/extramile``."""
    line: int
    qualname: str
    kind: str
    """compare, arith, constant, boolop, return or delete."""
    where: Path_
    arg: object
    """What the change needs: an operator's index, a new value."""
    before: str
    after: str
    ident: str = ""
    """A name that does not depend on line numbers (for the list of equivalents)."""

    def describe(self) -> str:
        """``_time/window.py:52 (parse_clock) `a < b` -> `a <= b```."""
        return f"{self.module}:{self.line} ({self.qualname}) `{self.before}` -> `{self.after}`"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _locate(tree: ast.AST, where: Path_) -> tuple[ast.AST, str, int | None]:
    """The parent of the node at ``where``, and the field (and index) it is held in."""
    parent = tree
    for name, index in where[:-1]:
        value = getattr(parent, name)
        parent = value[index] if index is not None else value
    name, index = where[-1]
    return parent, name, index


def _get(tree: ast.AST, where: Path_) -> ast.AST:
    parent, name, index = _locate(tree, where)
    value = getattr(parent, name)
    node: ast.AST = value[index] if index is not None else value
    return node


def _put(tree: ast.AST, where: Path_, node: ast.AST) -> None:
    parent, name, index = _locate(tree, where)
    if index is None:
        setattr(parent, name, node)
    else:
        getattr(parent, name)[index] = node


def _changed(node: ast.AST, kind: str, arg: object) -> ast.AST:
    """``node`` (a fresh copy of the original) with the mutation applied."""
    if kind == "compare":
        assert isinstance(node, ast.Compare)
        assert isinstance(arg, int)
        node.ops[arg] = _FLIPS[type(node.ops[arg])]()
    elif kind == "arith":
        assert isinstance(node, (ast.BinOp, ast.AugAssign))
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif kind == "boolop":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "constant":
        assert isinstance(arg, (int, float))
        if arg < 0:  # as the parser reads "-1"
            return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-arg))
        return ast.Constant(value=arg)
    elif kind == "return":
        return ast.Return(value=ast.Constant(value=None))
    elif kind == "delete":
        return ast.Pass()
    return node


def _no_cover_lines(source: str) -> set[int]:
    return {n for n, text in enumerate(source.splitlines(), 1) if "pragma: no cover" in text}


def _is_docstring(body: list[ast.stmt], index: int) -> bool:
    node = body[index]
    return (
        index == 0
        and isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _candidates(node: ast.AST) -> Iterator[tuple[str, object]]:
    """The mutations of one node: (kind, argument)."""
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in _FLIPS:
                yield "compare", index
    elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, (ast.Add, ast.Sub)):
        operands = (node.left, node.right) if isinstance(node, ast.BinOp) else (node.value,)
        # text joined with + would only raise: no mutant worth the name
        if not any(isinstance(o, (ast.JoinedStr, ast.Constant)) and _is_text(o) for o in operands):
            yield "arith", None
    elif isinstance(node, ast.BoolOp):
        yield "boolop", None
    elif isinstance(node, ast.Constant) and not isinstance(node.value, bool):
        value = node.value
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            yield "constant", value + 1
            yield "constant", value - 1
    elif isinstance(node, ast.Return) and node.value is not None:
        returned = node.value
        if not (isinstance(returned, ast.Constant) and returned.value is None):
            yield "return", None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    )


def _skipped_field(node: ast.AST, name: str) -> bool:
    """Fields no mutation goes into: annotations, ``__all__``, ``if TYPE_CHECKING``."""
    if name in {"annotation", "returns", "type_comment", "decorator_list"}:
        return True
    if isinstance(node, ast.Assign) and name == "value":
        return any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    return False


def mutants_of(module: str, source: str) -> list[Mutant]:
    """Every mutant of one module, in source order."""
    tree = ast.parse(source)
    no_cover = _no_cover_lines(source)
    found: list[Mutant] = []

    def visit(node: ast.AST, where: Path_, names: tuple[str, ...], in_function: bool) -> None:
        if isinstance(node, ast.JoinedStr) or getattr(node, "lineno", 0) in no_cover:
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = (*names, node.name)
            in_function = in_function or not isinstance(node, ast.ClassDef)
        test = node.test if isinstance(node, ast.If) else None
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return
        if where:
            for kind, arg in _candidates(node):
                found.append(_mutant(module, source, node, where, names, kind, arg))
        for name, value in ast.iter_fields(node):
            if _skipped_field(node, name):
                continue
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if not isinstance(item, ast.AST):
                        continue
                    if (
                        in_function
                        and isinstance(item, ast.stmt)
                        and _deletable(value, index)
                        and getattr(item, "lineno", 0) not in no_cover
                    ):
                        found.append(
                            _mutant(module, source, item, (*where, (name, index)), names, "delete")
                        )
                    visit(item, (*where, (name, index)), names, in_function)
            elif isinstance(value, ast.AST):
                visit(value, (*where, (name, None)), names, in_function)

    visit(tree, (), (), in_function=False)
    seen: Counter[str] = Counter()
    named = []
    for mutant in found:
        where = f"{mutant.module}::{mutant.qualname}::{mutant.kind}"
        base = f"{where}::{mutant.before} => {mutant.after}"
        seen[base] += 1
        ident = base if seen[base] == 1 else f"{base} #{seen[base]}"
        named.append(Mutant(**{**mutant.__dict__, "ident": ident}))
    return named


def _deletable(body: list[ast.AST], index: int) -> bool:
    """Whether deleting a function's statement is a mutant worth running: not a
    docstring, ``pass``, a nested definition, an import, or a function's last return
    (``return None`` covers it)."""
    node = body[index]
    if isinstance(
        node,
        (
            ast.Pass,
            ast.FunctionDef,
            ast.AsyncFunctionDef,
            ast.ClassDef,
            ast.Import,
            ast.ImportFrom,
            ast.Global,
            ast.Nonlocal,
        ),
    ):
        return False
    if _is_docstring(body, index):  # type: ignore[arg-type]  # a body: statements
        return False
    return not (isinstance(node, ast.Return) and index == len(body) - 1)


def _mutant(  # noqa: PLR0917  # a private helper of mutants_of(), called in two places
    module: str,
    source: str,
    node: ast.AST,
    where: Path_,
    names: tuple[str, ...],
    kind: str,
    arg: object = None,
) -> Mutant:
    before = ast.get_source_segment(source, node) or ast.unparse(node)
    if kind == "delete":
        before = before.splitlines()[0] + (" ..." if "\n" in before else "")
    after = ast.unparse(_changed(_copy(node), kind, arg))
    return Mutant(
        module=module,
        line=getattr(node, "lineno", 0),
        qualname=".".join(names) or "<module>",
        kind=kind,
        where=where,
        arg=arg,
        before=_short(before),
        after=_short(after),
    )


def _copy(node: ast.AST) -> ast.AST:
    copied: ast.AST = copy.deepcopy(node)
    return copied


def mutated_source(mutant: Mutant, source: str) -> str:
    """The module's source with ``mutant`` applied (written back by ``ast.unparse``)."""
    tree = ast.parse(source)
    _put(tree, mutant.where, _changed(_get(tree, mutant.where), mutant.kind, mutant.arg))
    ast.fix_missing_locations(tree)
    text = ast.unparse(tree)
    if ast.dump(ast.parse(text)) != ast.dump(tree):
        raise ValueError(f"the unparsed source does not read back: {mutant.describe()}")
    return text


# -- running -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the tests made of one mutant."""

    mutant: Mutant
    status: str
    """killed, survived, timeout, equivalent or invalid."""
    seconds: float = 0.0
    failed: str = ""
    """The first line that names a failing test, for a killed mutant."""


@dataclass
class Workspace:
    """A copy of ``src/`` in a temporary folder, one for each job."""

    root: Path
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, parent: Path, number: int) -> Workspace:
        """Copy the sources, the tests and the configuration, as they are now: what
        changes in the worktree while the sample runs changes nothing here."""
        root = parent / f"job-{number}"
        skip = shutil.ignore_patterns("__pycache__", ".hypothesis")
        for folder in ("src", "tests"):
            shutil.copytree(ROOT / folder, root / folder, ignore=skip)
        shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
        return cls(root)

    def path(self, module: str) -> Path:
        return self.root / PACKAGE / module

    def run(self, tests: tuple[str, ...], timeout: float, max_examples: int) -> tuple[str, str]:
        """Run ``tests`` against this copy: (passed, failed or timeout; a failing line)."""
        env = dict(os.environ)
        env.update(
            PYTHONPATH=os.pathsep.join([str(self.root / "src"), str(self.root / HERE_IN_ROOT)]),
            PYTHONDONTWRITEBYTECODE="1",
            MUTATION_MAX_EXAMPLES=str(max_examples),
        )
        env.pop("CI", None)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "--no-header",
            "-p",
            "no:randomly",
            "-p",
            "quick_hypothesis",
            *(t for t in tests if (self.root / t).exists()),
        ]
        process = subprocess.Popen(
            command,
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        _RUNNING.add(process)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end(process)
            process.communicate()
            return "timeout", ""
        finally:
            _RUNNING.discard(process)
        if process.returncode == 0:
            return "passed", ""
        failing = next(
            (line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))),
            output.strip().splitlines()[-1] if output.strip() else f"exit {process.returncode}",
        )
        return "failed", _short(failing, 160)


_RUNNING: set[subprocess.Popen[str]] = set()
"""The test runs under way, to end if the script is stopped."""
_STOPPING = threading.Event()


def _end(process: subprocess.Popen[str]) -> None:
    """End a test run this script started, and whatever it started (its own session)."""
    with contextlib.suppress(ProcessLookupError):  # it has just ended by itself
        os.killpg(process.pid, signal.SIGKILL)


def tests_for(module: str) -> tuple[str, ...]:
    return TIME_TESTS if module.startswith("_time/") else ENGINE_TESTS


def run_mutant(
    space: Workspace, mutant: Mutant, timeouts: dict[str, float], max_examples: int
) -> Outcome:
    if mutant.ident in EQUIVALENT:
        return Outcome(mutant, "equivalent")
    original = space.sources.setdefault(mutant.module, space.path(mutant.module).read_text())
    try:
        text = mutated_source(mutant, original)
    except ValueError:
        return Outcome(mutant, "invalid")
    tests = tests_for(mutant.module)
    started = time.monotonic()
    space.path(mutant.module).write_text(text)
    try:
        result, failing = space.run(tests, timeouts[tests[0]], max_examples)
    finally:
        space.path(mutant.module).write_text(original)
    seconds = time.monotonic() - started
    status = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[result]
    return Outcome(mutant, status, seconds, failing)


def all_mutants(modules: tuple[str, ...]) -> list[Mutant]:
    found: list[Mutant] = []
    for module in modules:
        found.extend(mutants_of(module, (ROOT / PACKAGE / module).read_text()))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=15, help="the sample's seed (default 15)")
    parser.add_argument("--count", type=int, default=120, help="mutants in the sample")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (1 or 2)")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=20,
        help="at most this many Hypothesis examples a property test (default 20)",
    )
    parser.add_argument(
        "--module",
        action="append",
        help="a module under src/extramile to mutate (repeat; default: _time/ and placement)",
    )
    parser.add_argument(
        "--only",
        action="append",
        help="run only the sampled mutants whose description or id contains this text (repeat)",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the sample (and equivalents), run nothing"
    )
    parser.add_argument(
        "--all", action="store_true", help="every mutant rather than a sample of --count"
    )
    args = parser.parse_args(argv)

    modules = tuple(args.module or (*TIME_MODULES, *ENGINE_MODULES))
    everything = all_mutants(modules)
    unknown = set(EQUIVALENT) - {m.ident for m in everything}
    if args.all or args.count >= len(everything):
        sample = everything
    else:
        sample = sorted(everything, key=lambda m: _draw(args.seed, m))[: args.count]
        sample.sort(key=lambda m: (m.module, m.line, m.ident))
    if args.only:
        sample = [m for m in sample if any(t in m.describe() or t in m.ident for t in args.only)]
    print(
        f"{len(everything)} mutants in {len(modules)} modules; sample of {len(sample)}"
        f" (seed {args.seed})"
    )
    if unknown:
        print(f"note: {len(unknown)} listed equivalent mutants no longer exist:")
        for ident in sorted(unknown):
            print(f"  {ident}")
    if args.list:
        for mutant in sample:
            mark = "  [equivalent]" if mutant.ident in EQUIVALENT else ""
            print(f"{mutant.describe()}{mark}")
        return 0

    signal.signal(signal.SIGTERM, _stop)
    with tempfile.TemporaryDirectory(prefix="extramile-mutation-") as folder:
        jobs = max(1, args.jobs)
        spaces = [Workspace.make(Path(folder), n) for n in range(jobs)]
        timeouts = _baseline(spaces[0], modules, args.max_examples)
        outcomes = _run_all(spaces, sample, timeouts, args.max_examples)
    return _report(outcomes, args.seed)


def _stop(signum: int, frame: object) -> None:
    """Stopped: leave by an exception, so that the temporary folder is removed."""
    raise SystemExit(f"stopped by signal {signum}")


def _draw(seed: int, mutant: Mutant) -> str:
    """A mutant's place in the seeded draw: a hash of the seed and its id, so that a
    change elsewhere in the sources leaves the rest of the sample as it was."""
    return hashlib.sha256(f"{seed}:{mutant.ident}".encode()).hexdigest()


def _baseline(space: Workspace, modules: tuple[str, ...], max_examples: int) -> dict[str, float]:
    """Each group's tests pass on the unchanged copy; their time limit for a mutant."""
    timeouts: dict[str, float] = {}
    for tests in {tests_for(m) for m in modules}:
        started = time.monotonic()
        result, failing = space.run(tests, 900, max_examples)
        seconds = time.monotonic() - started
        if result != "passed":
            raise SystemExit(f"the tests fail without any mutant ({result}): {failing}")
        print(f"baseline: {len(tests)} test files pass in {seconds:.1f} s")
        timeouts[tests[0]] = max(60.0, 4 * seconds)
    return timeouts


def _run_all(
    spaces: list[Workspace], sample: list[Mutant], timeouts: dict[str, float], max_examples: int
) -> list[Outcome]:
    todo: queue.Queue[tuple[int, Mutant]] = queue.Queue()
    for number, mutant in enumerate(sample):
        todo.put((number, mutant))
    results: dict[int, Outcome] = {}
    lock = threading.Lock()

    def work(space: Workspace) -> None:
        while not _STOPPING.is_set():
            try:
                number, mutant = todo.get_nowait()
            except queue.Empty:
                return
            outcome = run_mutant(space, mutant, timeouts, max_examples)
            with lock:
                results[number] = outcome
                print(
                    f"[{len(results):3d}/{len(sample)}] {outcome.status:10s}"
                    f" {outcome.seconds:5.1f} s  {mutant.describe()}",
                    flush=True,
                )

    threads = [threading.Thread(target=work, args=(space,)) for space in spaces]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        _STOPPING.set()
        for process in list(_RUNNING):
            _end(process)
        for thread in threads:
            thread.join()
        raise
    return [results[n] for n in sorted(results)]


def _report(outcomes: list[Outcome], seed: int) -> int:
    counts = Counter(o.status for o in outcomes)
    judged = counts["killed"] + counts["survived"] + counts["timeout"]
    rate = (counts["killed"] + counts["timeout"]) / judged if judged else 1.0
    print()
    print(
        f"seed {seed}: {len(outcomes)} mutants: {counts['killed']} killed,"
        f" {counts['survived']} survived, {counts['timeout']} timeouts,"
        f" {counts['equivalent']} equivalent, {counts['invalid']} invalid"
    )
    print(f"kill rate (timeouts count as killed; equivalents left out): {rate:.1%}")
    for status in ("survived", "equivalent", "invalid"):
        listed = [o for o in outcomes if o.status == status]
        if listed:
            print(f"\n{status}:")
            for outcome in listed:
                print(f"  {outcome.mutant.describe()}")
                if status == "survived":
                    print(f"      id: {outcome.mutant.ident}")
                else:
                    print(f"      {EQUIVALENT.get(outcome.mutant.ident, '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
