"""The starter policy as ``extramile plan`` makes it: ``--timezone`` and ``--holidays``.

Without ``--policy``, the command plans with :func:`~extramile.starter_policy`, whose staff
work Monday to Friday 09:00-17:00.  ``--timezone`` says where (default UTC) and
``--holidays`` which days they are off, as a calendar of the optional ``holidays`` package
(``US``, or ``US-CA`` for a country and one of its subdivisions).  The calendar is made
without years: it works out each year's holidays the first time a date of that year is
asked about, so a plan at any ``--now`` and any ``--horizon`` sees the right ones.

The two parsers are argparse types: a bad value is a usage error (exit status 2) naming it.

Imports: ``extramile._rules``, ``extramile._starter``, ``extramile._time``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Container
from typing import Final

from extramile._rules import FollowUpPolicy
from extramile._starter import starter_policy
from extramile._time import known_zone

__all__ = ["INSTALL_HOLIDAYS", "parse_holidays", "parse_timezone", "starter_from"]

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
