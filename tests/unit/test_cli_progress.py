"""The progress line of ``extramile plan``: on a terminal only, rewritten in place, cleared."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extramile._sample import CUSTOMERS, INTERACTIONS
from extramile.cli import main
from extramile.cli.progress import ProgressLine

PLAN_MODULE = importlib.import_module("extramile._plan.plan")
NOW = "2026-09-05T09:30:00-05:00"
CLEARED = "\r" + " " * len("planning: 12 customers") + "\r"
"""What clears the widest line the sample book's progress shows."""


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        super().isatty()  # raises once closed, as a real terminal's stream does
        return True


@pytest.fixture
def book(tmp_path: Path) -> list[str]:
    """The arguments of ``extramile plan`` over the sample book, as CSV."""
    paths = []
    for name, rows in (("customers", CUSTOMERS), ("interactions", INTERACTIONS)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        paths.append(str(path))
    return [
        "plan",
        "--customers",
        paths[0],
        "--interactions",
        paths[1],
        "--now",
        NOW,
        "--format",
        "csv",
    ]


class TestProgressLine:
    def test_rewrites_in_place_and_clears_the_widest(self) -> None:
        """Each count overwrites the last (padded over a longer one); clearing blanks the
        widest line shown, once."""
        stream = io.StringIO()
        line = ProgressLine(stream)
        line(1_000_000)
        line(5)
        line.clear()
        line.clear()
        wide = "planning: 1,000,000 customers"
        expected = f"\r{wide}\r{'planning: 5 customers'.ljust(len(wide))}\r{' ' * len(wide)}\r"
        assert expected == stream.getvalue()

    def test_nothing_shown_nothing_cleared(self) -> None:
        """Clearing a line that showed nothing writes nothing."""
        stream = io.StringIO()
        ProgressLine(stream).clear()
        assert "" == stream.getvalue()

    def test_only_on_a_terminal(self) -> None:
        """A terminal gets a line; a file, or a closed terminal, gets none."""
        closed = Terminal()
        closed.close()
        found = [ProgressLine.on(stream) for stream in (Terminal(), io.StringIO(), closed)]
        assert [True, False, False] == [line is not None for line in found]


class TestOnTheCommandLine:
    def test_on_a_terminal(
        self,
        book: list[str],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """On a terminal, plan's counts are shown on stderr and cleared at the end; the
        output is the same as without."""
        assert 0 == main(book)
        plain = capsys.readouterr()
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 5)
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert 0 == main(book)
        shown = "\rplanning: 5 customers\rplanning: 10 customers\rplanning: 12 customers" + CLEARED
        assert (plain.out, "", shown) == (capsys.readouterr().out, plain.err, terminal.getvalue())

    def test_cleared_before_an_error(
        self, book: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A bad line met after some progress: the line is cleared, then the error shown."""
        customers = tmp_path / "customers.jsonl"
        rows = customers.read_text(encoding="utf-8").splitlines()
        rows.insert(7, '{"id": "c-99", "timezone": "Mars/Base"}')
        customers.write_text("\n".join(rows) + "\n", encoding="utf-8")
        monkeypatch.setattr(PLAN_MODULE, "PROGRESS_EVERY", 5)
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert 2 == main(book)
        wide = "\r" + " " * len("planning: 5 customers") + "\r"
        expected = f"\rplanning: 5 customers{wide}extramile plan: error: {customers}:8: "
        assert terminal.getvalue().startswith(expected)

    @pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
    def test_a_real_terminal(self, book: list[str]) -> None:
        """Run as a program with stderr on a pseudo-terminal: the line is shown there and
        cleared, and standard output holds the CSV alone."""
        import pty  # noqa: PLC0415  # POSIX only

        primary, secondary = pty.openpty()
        program = (
            "import importlib, sys;"
            "importlib.import_module('extramile._plan.plan').PROGRESS_EVERY = 5;"
            "from extramile.cli import main;"
            f"sys.exit(main({book!r}))"
        )
        with subprocess.Popen(
            [sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=secondary
        ) as process:
            os.close(secondary)
            out, _ = process.communicate(timeout=60)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal is closed once the program has ended
                break
            if not chunk:
                break
            shown += chunk
        os.close(primary)
        expected = (
            "\rplanning: 5 customers\rplanning: 10 customers\rplanning: 12 customers" + CLEARED
        )
        assert (0, expected) == (process.returncode, shown.decode())
        assert out.startswith(b"customer_id,issue_id,key,")
