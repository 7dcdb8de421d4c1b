"""Reading the command line's inputs: files, JSON lines, a policy path, ``--now`` and ``--horizon``.

The book is read in one pass a file: the interactions first, held grouped by customer, then
the customers streamed one at a time as :func:`~extramile.plan` asks for them.  Every
problem the user can fix raises :class:`CliError` with a message naming the file and line
(or the policy path); the argument parsers raise :class:`argparse.ArgumentTypeError`, which
argparse turns into a usage error.

Imports: ``extramile._model``, ``extramile._rules``, ``extramile._time``, ``extramile.errors``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final, NamedTuple

from extramile._model import Customer, Interaction
from extramile._rules import FollowUpPolicy
from extramile._time import EARLIEST, LATEST, Elapsed
from extramile.errors import ExtramileError, InvalidPolicyError

__all__ = [
    "STDIN",
    "Book",
    "CliError",
    "Kept",
    "load_policy",
    "parse_horizon",
    "parse_instant",
]

STDIN: Final = "-"
"""The file name that means standard input."""
_HORIZON: Final = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


class CliError(Exception):
    """A problem the user can fix; the message says where."""


# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------


def parse_instant(text: str) -> dt.datetime:
    """An ISO-8601 timestamp with an offset, for ``--now``.

    >>> parse_instant("2026-09-05T14:30Z").isoformat()
    '2026-09-05T14:30:00+00:00'

    Raises:
        argparse.ArgumentTypeError: not a timestamp, no offset, or out of the calendar.
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO-8601 timestamp such as 2026-09-05T09:30-05:00 (got {text!r})"
        ) from None
    if moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"must be timezone-aware: add an offset or Z (got {text!r})"
        )
    try:
        ts = moment.timestamp()
    except (OverflowError, ValueError):
        ts = math.nan
    if not EARLIEST <= ts <= LATEST:
        raise argparse.ArgumentTypeError(f"must lie between the years 2 and 9998 (got {text!r})")
    return moment


def parse_horizon(text: str) -> Elapsed:
    """A horizon such as ``7d``, ``48h``, ``2w`` or ``1d12h``.

    >>> parse_horizon("1d12h")
    Elapsed(hours=36)

    Raises:
        argparse.ArgumentTypeError: not a duration, or longer than a century.
    """
    match = _HORIZON.fullmatch(text.strip())
    if not text.strip() or match is None:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 7d, 48h, 2w or 1d12h (got {text!r})"
        )
    weeks, days, hours, minutes = (int(part or 0) for part in match.groups())
    try:
        return Elapsed(days=7 * weeks + days, hours=hours, minutes=minutes)
    except InvalidPolicyError:
        raise argparse.ArgumentTypeError(
            f"a horizon is at most a century, 36525d (got {text!r})"
        ) from None


# ---------------------------------------------------------------------------------------
# Reading the book
# ---------------------------------------------------------------------------------------


class _Opened(NamedTuple):
    name: str
    """The name messages use: the path, or ``<stdin>``."""
    stream: IO[str]


class _Row(NamedTuple):
    number: int
    """The line number, from 1."""
    fields: dict[str, Any]


class Kept(NamedTuple):
    """The customer kept for ``--explain``, with their interactions."""

    customer: Customer
    history: list[Interaction]


def _open(path: str) -> _Opened:
    if path == STDIN:
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text stream put in its place (by a test, say)
            return _Opened("<stdin>", sys.stdin)
        # Read as files are, whatever the terminal's encoding says.
        return _Opened("<stdin>", io.TextIOWrapper(raw, encoding="utf-8-sig"))
    try:
        # A byte order mark, as some editors write it, is read as none.
        return _Opened(path, Path(path).open(encoding="utf-8-sig"))  # closed by the caller
    except OSError as exc:
        raise CliError(f"{path}: cannot open: {exc.strerror}") from None


def _rows(name: str, stream: IO[str]) -> Iterator[_Row]:
    lines = enumerate(stream, 1)
    number = 0
    while True:
        try:
            number, line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise CliError(
                f"{name}: not UTF-8 text after line {number} ({exc.reason}); save the file as UTF-8"
            ) from None
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"{name}:{number}: malformed JSON: {exc.msg} (column {exc.colno})"
            ) from None
        except RecursionError:
            raise CliError(f"{name}:{number}: malformed JSON: nests too deeply to read") from None
        except ValueError:  # Python reads no integer of more than 4,300 digits
            raise CliError(f"{name}:{number}: malformed JSON: a number too long to read") from None
        if not isinstance(row, dict):
            raise CliError(f"{name}:{number}: expected a JSON object (got {type(row).__name__})")
        yield _Row(number, row)


class Book:
    """The customers file streamed, each customer with their interactions.

    The interactions are read first and held grouped by customer; the customers are read
    one at a time as :func:`~extramile.plan` asks for them.

    Raises:
        CliError: both files on standard input, or a problem in the interactions file,
            an interaction id given twice for one customer included (the customers file
            raises as it is iterated).
    """

    def __init__(
        self,
        customers: str,
        interactions: str | None,
        *,
        keep: str | None = None,
    ) -> None:
        if customers == STDIN and interactions == STDIN:
            raise CliError("--customers and --interactions cannot both be read from stdin")
        self.customers_path = customers
        self.interactions_name = "<none>"
        self.groups: dict[str, list[Interaction]] = {}
        self.first_line: dict[str, int] = {}
        if interactions is not None:
            self._read_interactions(interactions)
        self.keep = keep
        self.kept: Kept | None = None
        self.unknown_zone: set[str] = set()
        self.line = 0
        self.count = 0
        """Customers read so far."""
        self.customers_name = "<stdin>" if customers == STDIN else customers

    def _read_interactions(self, path: str) -> None:
        name, stream = _open(path)
        self.interactions_name = name
        groups = self.groups
        lines: dict[str, list[int]] = {}  # each customer's interactions' lines, in order
        try:
            for number, row in _rows(name, stream):
                try:
                    item = Interaction.from_mapping(row)
                except ExtramileError as exc:
                    raise CliError(f"{name}:{number}: {exc}") from None
                group = groups.get(item.customer_id)
                if group is None:
                    groups[item.customer_id] = [item]
                    lines[item.customer_id] = [number]
                else:
                    group.append(item)
                    lines[item.customer_id].append(number)
        finally:
            if stream is not sys.stdin:
                stream.close()
        self.first_line = {customer: numbers[0] for customer, numbers in lines.items()}
        self._refuse_repeated_ids(lines)

    def _refuse_repeated_ids(self, lines: dict[str, list[int]]) -> None:
        """Refuse an interaction id given twice for one customer, at the first line that
        repeats one: the engine would refuse the customer's history, and blame the
        customers file."""
        repeats: list[tuple[int, int, str, str]] = []
        for customer, group in self.groups.items():
            if len(group) == 1 or len({item.id for item in group}) == len(group):
                continue
            seen: dict[str, int] = {}
            for item, number in zip(group, lines[customer], strict=True):
                first = seen.setdefault(item.id, number)
                if first != number:
                    repeats.append((number, first, item.id, customer))
                    break
        if repeats:
            number, first, ident, customer = min(repeats)
            raise CliError(
                f"{self.interactions_name}:{number}: interaction id {ident!r} of customer"
                f" {customer!r} appears twice (first on line {first})"
            )

    def __iter__(self) -> Iterator[tuple[Customer, list[Interaction]]]:
        name, stream = _open(self.customers_path)
        seen: dict[str, int] = {}
        count = self.count = 0
        try:
            for number, row in _rows(name, stream):
                self.line = number
                try:
                    customer = Customer.from_mapping(row)
                except ExtramileError as exc:
                    raise CliError(f"{name}:{number}: {exc}") from None
                if customer.id in seen:
                    raise CliError(
                        f"{name}:{number}: customer {customer.id!r} appears twice"
                        f" (first on line {seen[customer.id]})"
                    )
                seen[customer.id] = number
                history = self.groups.pop(customer.id, [])
                if customer.timezone is None:
                    self.unknown_zone.add(customer.id)
                if customer.id == self.keep:
                    self.kept = Kept(customer, history)
                count = self.count = count + 1
                yield customer, history
        finally:
            if stream is not sys.stdin:
                stream.close()
        if self.groups:
            orphan = min(self.groups, key=self.first_line.__getitem__)
            raise CliError(
                f"{self.interactions_name}:{self.first_line[orphan]}: interaction for"
                f" customer {orphan!r}, who is not in {name}"
            )


# ---------------------------------------------------------------------------------------
# Loading a policy
# ---------------------------------------------------------------------------------------


def load_policy(spec: str) -> FollowUpPolicy:
    """The policy named by ``MODULE:ATTRIBUTE``: a ``FollowUpPolicy``, or a function
    returning one, looked up from the current directory as ``python -m`` would.

    Raises:
        CliError: the path is malformed, does not import, or names something else.
    """
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise CliError(f"--policy {spec!r}: expected package.module:attribute")
    here = str(Path.cwd())
    if here not in sys.path:  # like `python -m`, find the user's own modules
        sys.path.insert(0, here)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any failure while importing the user's module
        raise CliError(
            f"--policy {spec!r}: cannot import {module_name!r}: {type(exc).__name__}: {exc}"
        ) from None
    try:
        found: object = module
        for part in attribute.split("."):
            found = getattr(found, part)
    except AttributeError:
        raise CliError(f"--policy {spec!r}: {module_name!r} has no {attribute!r}") from None
    if callable(found) and not isinstance(found, FollowUpPolicy):
        try:
            found = found()
        except Exception as exc:  # report any failure of the user's factory
            raise CliError(
                f"--policy {spec!r}: calling {attribute}() raised {type(exc).__name__}: {exc}"
            ) from None
    if not isinstance(found, FollowUpPolicy):
        raise CliError(
            f"--policy {spec!r}: expected a FollowUpPolicy or a function returning one"
            f" (got {type(found).__name__})"
        )
    return found
