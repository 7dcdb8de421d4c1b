"""The progress line ``extramile plan`` shows on a terminal while it plans.

:func:`~extramile.plan` calls its ``progress`` callback with the count of customers done
(every thousand, and once at the end); :class:`ProgressLine` is that callback for the
command line: it rewrites one line of standard error in place and clears it when planning
ends, so that the terminal is left as it was.  It is made only when standard error is a
terminal: a redirected or piped standard error never receives a byte of it.

Imports: nothing of the library.
"""

from __future__ import annotations

from typing import IO

__all__ = ["ProgressLine"]


class ProgressLine:
    """A line on a terminal, rewritten with each count of customers planned.

    >>> import io
    >>> stream = io.StringIO()
    >>> line = ProgressLine(stream)
    >>> line(1000)
    >>> line(12345)
    >>> line.clear()
    >>> stream.getvalue()
    '\\rplanning: 1,000 customers\\rplanning: 12,345 customers\\r                          \\r'
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.width = 0
        """The widest line written since the last clear (0: nothing to clear)."""

    @classmethod
    def on(cls, stream: IO[str]) -> ProgressLine | None:
        """A progress line on ``stream`` if it is a terminal, else ``None``."""
        try:
            terminal = stream.isatty()
        except (AttributeError, ValueError):  # no isatty, or a closed stream
            terminal = False
        return cls(stream) if terminal else None

    def __call__(self, done: int) -> None:
        """Show ``done`` customers planned, over whatever the line showed before."""
        text = f"planning: {done:,} customers"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def clear(self) -> None:
        """Blank the line and put the cursor back at its start, if anything was shown."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
