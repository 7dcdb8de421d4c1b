"""Helpers for the tests of the HTML pages: a report with every kind of row, what its page
must show, and a small reader of a page's rows and their ``data-`` attributes.

The unit tests read pages with :mod:`html.parser`; the browser tests read the same rows
from Chromium's DOM and compare them with the same expected values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import NamedTuple

from extramile import Customer, FollowUpPolicy, Interaction
from extramile._sample import COMPANY_TIMEZONE, sample_book, sample_policy
from extramile.cli.page_parts import rate_text
from extramile.reports import CallReport, Tally, calls_made, last_week

#: The sample's ``now``, Saturday 5 September 2026, 09:30 in Chicago.
NOW = dt.datetime.fromisoformat("2026-09-05T09:30:00-05:00")
#: An agent's name that must reach the page as text, never as markup.
HOSTILE_AGENT = "<script>alert(\"x\")</script> & 'co'"


def unplanned_call() -> Interaction:
    """An outbound call to c-12 last Wednesday that served no rule, by an agent with a
    hostile name, at 22:10 in Chicago (outside c-12's calling window)."""
    return Interaction(
        id="i-9001",
        customer_id="c-12",
        kind="call",
        direction="outbound",
        channel="phone",
        agent=HOSTILE_AGENT,
        at=dt.datetime.fromisoformat("2026-08-26T22:10:00-05:00"),
    )


def sample_with_unplanned() -> list[tuple[Customer, list[Interaction]]]:
    """The sample book, with :func:`unplanned_call` in c-12's history."""
    book = [(customer, list(history)) for customer, history in sample_book()]
    return [
        (customer, [*history, unplanned_call()] if customer.id == "c-12" else history)
        for customer, history in book
    ]


def sample_report() -> tuple[FollowUpPolicy, CallReport]:
    """The sample team's report for last week, with one unplanned call."""
    policy = sample_policy()
    start, end = last_week(NOW, COMPANY_TIMEZONE)
    return policy, calls_made(policy, sample_with_unplanned(), start=start, end=end)


def expected_cells(row: Tally, *, unplanned: bool) -> dict[str, str]:
    """What a tally's row of a table shows, by ``data-field``."""
    cells = {
        "name": row.name,
        "extra_mile": str(row.extra_mile),
        "extra_mile_on_time_rate": rate_text(row.extra_mile_on_time_rate),
        "calls": str(row.calls),
        "on_time_rate": rate_text(row.on_time_rate),
        "on_first_deadline_rate": rate_text(row.on_first_deadline_rate),
        "outside_window": str(row.outside_window),
    }
    if unplanned:
        cells["unplanned"] = str(row.unplanned)
    return cells


def expected_data(row: Tally) -> dict[str, str]:
    """A tally's raw counts, as its row's ``data-`` attributes hold them."""
    return {
        "calls": str(row.calls),
        "on-time": str(row.on_time),
        "extra-mile": str(row.extra_mile),
        "extra-mile-on-time": str(row.extra_mile_on_time),
        "on-first-deadline": str(row.on_first_deadline),
        "outside-window": str(row.outside_window),
        "unplanned": str(row.unplanned),
    }


class Element(NamedTuple):
    """An element of a page: its tag, its attributes (unescaped) and its text."""

    tag: str
    attrs: dict[str, str]
    text: str


class _Reader(HTMLParser):
    """Every element, with the text inside it (nested elements' text included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    _VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag in self._VOID:
            self.elements.append(Element(tag, found, ""))
        else:
            self._open.append((tag, found, []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, found, text = self._open.pop()
            joined = "".join(text)
            self.elements.append(Element(name, found, joined))
            if self._open:
                self._open[-1][2].append(joined)
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def elements(page: str) -> list[Element]:
    """Every element of ``page``, innermost first."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return reader.elements


def with_attribute(page: str, name: str) -> Iterator[Element]:
    """The elements of ``page`` that carry attribute ``name``."""
    return (element for element in elements(page) if name in element.attrs)


def rows(page: str, kind: str) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """The table rows carrying ``data-<kind>``, by its value: each row's attributes and
    its cells' text by ``data-field``."""
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    cells: dict[str, str] = {}
    for element in elements(page):  # a row's cells come before the row, innermost first
        if element.tag == "td" and "data-field" in element.attrs:
            cells[element.attrs["data-field"]] = element.text
        elif element.tag == "tr":
            if f"data-{kind}" in element.attrs:
                found[element.attrs[f"data-{kind}"]] = (element.attrs, cells)
            cells = {}
    return found
