"""The README's quickstart runs, and shows what it prints."""

from __future__ import annotations

import doctest
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
