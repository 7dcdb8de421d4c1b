"""The starter policy as ``extramile plan`` makes it: ``--timezone`` and ``--holidays``.

Without ``--policy``, the command plans with :func:`~extramile.starter_policy`, whose staff
work Monday to Friday 09:00-17:00.  ``--timezone`` says where (default UTC) and
``--holidays`` which days they are off, as a calendar of the optional ``holidays`` package
(``US``, or ``US-CA`` for a country and one of its subdivisions).  The calendar is made
without years: it works out each year's holidays the first time a date of that year is
asked about, so a plan at any ``--now`` and any ``--horizon`` sees the right ones.

The two parsers are argparse types: a bad value is a usage error (exit status 2) naming it.

Imports: ``extramile.cli.reading``, ``extramile._rules``, ``extramile._starter``,
``extramile._time``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Container
from typing import Final

from extramile._rules import FollowUpPolicy
from extramile._starter import starter_policy
from extramile._time import known_zone
from extramile.cli.reading import CliError, load_policy

__all__ = [
    "INSTALL_HOLIDAYS",
    "add_holidays_option",
    "parse_holidays",
    "parse_timezone",
    "policy_from",
    "starter_from",
]

INSTALL_HOLIDAYS: Final = "pip install 'extramile[holidays]'"
"""What to run when ``--holidays`` is given without the ``holidays`` package."""


def parse_timezone(text: str) -> str:
    """An IANA timezone name, for ``--timezone``.

    >>> parse_timezone("America/Chicago")
    'America/Chicago'

    Raises:
        argparse.ArgumentTypeError: a name the zone database does not know.
    """
    name = text.strip()
    if not known_zone(name):
        raise argparse.ArgumentTypeError(
            f"unknown timezone {text!r}: expected an IANA name such as America/Chicago"
        )
    return name


def parse_holidays(text: str) -> Container[dt.date]:
    """A country's holidays, or a subdivision's, for ``--holidays``: ``US``, ``US-CA``.

    The codes are those of the ``holidays`` package (ISO 3166 country codes, and each
    country's subdivision codes), in any case.

    Raises:
        argparse.ArgumentTypeError: the ``holidays`` package is not installed, or the
            country or the subdivision is not one it knows.
    """
    try:
        import holidays  # noqa: PLC0415  # optional: only --holidays needs it
    except ImportError:
        raise argparse.ArgumentTypeError(
            f"{text!r} needs the holidays package: {INSTALL_HOLIDAYS}"
        ) from None
    country_text, dash, subdivision_text = text.strip().partition("-")
    supported: dict[str, list[str]] = holidays.list_supported_countries()
    country = country_text.upper()
    if country not in supported:
        raise argparse.ArgumentTypeError(
            f"unknown country {country_text!r} in {text!r}: expected a country code of the"
            " holidays package, such as US or DE, optionally with a subdivision (US-CA)"
        )
    if dash and not subdivision_text:
        raise argparse.ArgumentTypeError(
            f"no subdivision after the dash in {text!r}: expected such as US-CA, or US alone"
        )
    subdivision: str | None = None
    if subdivision_text:
        codes = supported[country]
        subdivision = next(
            (code for code in codes if code.upper() == subdivision_text.upper()), subdivision_text
        )
    try:
        calendar: Container[dt.date] = holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:  # a subdivision the country does not have
        known = ", ".join(supported[country]) or "none"
        raise argparse.ArgumentTypeError(
            f"unknown subdivision {subdivision_text!r} of {country} in {text!r}"
            f" (its subdivisions: {known})"
        ) from None
    return calendar


def starter_from(timezone: str | None, holidays: Container[dt.date] | None) -> FollowUpPolicy:
    """The starter policy with its staff in ``timezone`` (default UTC), off on ``holidays``.

    >>> starter_from("Europe/Paris", None).schedule.timezone
    'Europe/Paris'
    """
    return starter_policy(company_timezone=timezone or "UTC", holidays=holidays)


def add_holidays_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--holidays``, the starter policy's staff holidays, to a command."""
    parser.add_argument(
        "--holidays",
        type=parse_holidays,
        metavar="CODE",
        help="the starter policy's staff holidays, from the holidays package: a country, or"
        " a country and subdivision, such as US or US-CA (default none); for the starter"
        " policy only, so refused with --policy",
    )


def policy_from(
    policy: str | None,
    timezone: str | None,
    holidays: Container[dt.date] | None,
    *,
    timezone_is_staff: bool = True,
) -> FollowUpPolicy:
    """The policy a command runs: ``--policy``'s, or the starter policy with its staff in
    ``--timezone`` and off on ``--holidays``.

    ``timezone_is_staff`` is False for a command whose ``--timezone`` has a meaning of its
    own beside a ``--policy`` (the report's week), so that it is not refused there.

    Raises:
        CliError: ``--holidays`` (or a staff ``--timezone``) together with ``--policy``,
            whose own schedule sets them; or the policy path does not load.
    """
    if policy is None:
        return starter_from(timezone, holidays)
    given = (
        "--timezone"
        if timezone is not None and timezone_is_staff
        else "--holidays"
        if holidays is not None
        else None
    )
    if given is not None:
        raise CliError(
            f"{given} sets the starter policy's staff hours; a --policy brings its own"
            " schedule: set them there"
        )
    return load_policy(policy)
