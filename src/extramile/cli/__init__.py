"""The command line, ``extramile demo``, ``extramile plan`` and ``extramile report``: the
package face.

The CLI is the only part of the library that reads files, standard input, the clock or the
environment, and the only one that prints.  It is split by job:

- :mod:`~extramile.cli.reading`: opening files, JSON-lines rows, the streamed :class:`Book`,
  loading a policy by ``MODULE:ATTRIBUTE``, parsing ``--now`` and ``--horizon``;
- :mod:`~extramile.cli.rendering`: an agenda and a report as a table, JSON or CSV;
- :mod:`~extramile.cli.describe`: ``extramile policy describe``, a policy for review;
- :mod:`~extramile.cli.pages`: an agenda and a report as an HTML page, in the look of
  :mod:`~extramile.cli.page_parts`;
- :mod:`~extramile.cli.report`: ``extramile report``;
- :mod:`~extramile.cli.starter`: the starter policy ``extramile plan`` makes, with the staff
  timezone of ``--timezone`` and the holidays of ``--holidays``;
- :mod:`~extramile.cli.progress`: the progress line shown on a terminal while planning;
- :mod:`~extramile.cli.commands`: the argument parser, the other commands and :func:`main`.

Imports: ``extramile.cli.commands``, ``extramile.cli.describe``, ``extramile.cli.reading``,
``extramile.cli.rendering``.
"""

from __future__ import annotations

from extramile.cli.commands import EXIT_USAGE, main, run_demo, run_plan
from extramile.cli.reading import Book, CliError
from extramile.cli.rendering import CSV_COLUMNS, render_agenda, render_report

__all__ = [
    "CSV_COLUMNS",
    "EXIT_USAGE",
    "Book",
    "CliError",
    "main",
    "render_agenda",
    "render_report",
    "run_demo",
    "run_plan",
]
