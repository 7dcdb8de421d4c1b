"""The README's quickstart runs, and shows what it prints."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"


class TestReadme:
    def test_quickstart_runs(self) -> None:
        """Every example in README.md gives the output shown."""
        result = doctest.testfile(
            str(README),
            module_relative=False,
            optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        )
        assert (0, True) == (result.failed, result.attempted >= 5)

    def test_test_command_is_present(self) -> None:
        """The command CI runs verbatim is still in the README."""
        command = (
            "python -m venv .venv && . .venv/bin/activate && "
            "python -m pip install -e '.[test]' && python -m coverage run -m pytest"
            " && python -m coverage report"
        )
        assert command in README.read_text(encoding="utf-8").splitlines()


PYPROJECT = README.parent / "pyproject.toml"
CONTRIBUTING = README.parent / "CONTRIBUTING.md"


def _minor(pattern: str, text: str) -> list[int]:
    return [int(minor) for minor in re.findall(pattern, text, flags=re.MULTILINE)]


class TestPythonVersions:
    """README.md names the Python versions pyproject.toml declares."""

    def test_classifiers_run_from_the_lowest_version(self) -> None:
        """The version classifiers are every minor version from requires-python's lowest,
        and the type checker and the linter target that lowest version."""
        text = PYPROJECT.read_text(encoding="utf-8")
        (lowest,) = _minor(r'^requires-python = ">=3\.(\d+)"$', text)
        minors = _minor(r'^    "Programming Language :: Python :: 3\.(\d+)",$', text)
        targets = (
            _minor(r'^python_version = "3\.(\d+)"$', text),
            _minor(r'^target-version = "py3(\d+)"$', text),
        )
        assert (list(range(lowest, lowest + len(minors))), ([lowest], [lowest])) == (
            minors,
            targets,
        )
        assert len(minors) >= 2

    def test_readme_names_the_same_versions(self) -> None:
        """README.md says the lowest version and lists every classifier's, and no line of
        it (or of CONTRIBUTING.md) that speaks of Python names another version."""
        text = PYPROJECT.read_text(encoding="utf-8")
        (lowest,) = _minor(r'^requires-python = ">=3\.(\d+)"$', text)
        minors = _minor(r'^    "Programming Language :: Python :: 3\.(\d+)",$', text)
        readme = README.read_text(encoding="utf-8")
        *first, last = (f"3.{minor}" for minor in minors)
        expected = (
            f"It needs Python 3.{lowest} or newer,"
            f" and supports Python {', '.join(first)} and {last}: "
        )
        named = {
            int(minor)
            for page in (readme, CONTRIBUTING.read_text(encoding="utf-8"))
            for line in page.splitlines()
            if "Python" in line
            for minor in re.findall(r"\b3\.(\d+)\b", line)
        }
        said = any(line.startswith(expected) for line in readme.splitlines())
        assert (True, set()) == (said, named - set(minors))
