"""The HTML pages: the numbers they show, escaping, and a page that stands alone."""

from __future__ import annotations

import datetime as dt
import re

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extramile import Adjustment, Agenda, Call, Priority, Schedule
from extramile.cli.page_parts import Bar, bars, clock, esc, rate_text
from extramile.cli.pages import GENERAL_QUEUE, agenda_page, report_page
from extramile.reports import CallReport, MadeCall, UnplannedCall
from page_helpers import (
    HOSTILE_AGENT,
    elements,
    expected_cells,
    expected_data,
    rows,
    sample_report,
    with_attribute,
)

TZ = "America/Chicago"
START = pendulum.datetime(2026, 8, 24, tz=TZ)
END = pendulum.datetime(2026, 8, 31, tz=TZ)


@pytest.fixture(scope="module")
def report() -> CallReport:
    """The sample team's last week, with an unplanned call by a hostile agent name."""
    return sample_report()[1]


@pytest.fixture(scope="module")
def report_html(report: CallReport) -> str:
    return report_page(report, timezone=TZ, policy="starter <sample>")


def _standalone(page: str) -> None:
    """The checks every page passes: one file, nothing loaded, no script, viewport and
    print styles present."""
    assert page.startswith("<!DOCTYPE html>\n")
    assert page.endswith("</html>\n")
    assert "<script" not in page.lower()
    assert re.search(r"\b(?:src|href)=\"(?!data:)", page) is None, "something is loaded"
    assert "://" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page
    assert "@media (max-width: 760px)" in page


class TestReportPage:
    def test_stands_alone(self, report_html: str) -> None:
        """The report page loads nothing and runs no script."""
        _standalone(report_html)

    def test_agent_rows_equal_the_tallies(self, report: CallReport, report_html: str) -> None:
        """Each agent's row shows the report's numbers, in its cells and its ``data-``."""
        shown = rows(report_html, "agent")
        assert [row.name for row in report.by_agent()] == list(shown)
        for row in report.by_agent():
            attributes, cells = shown[row.name]
            assert expected_cells(row, unplanned=True) == cells
            assert expected_data(row) == {
                key: attributes[f"data-{key}"] for key in expected_data(row)
            }

    def test_rule_rows_equal_the_tallies(self, report: CallReport, report_html: str) -> None:
        """Each rule's row shows the report's numbers; a rule has no unplanned column."""
        shown = rows(report_html, "rule")
        assert [row.name for row in report.by_rule()] == list(shown)
        for row in report.by_rule():
            assert expected_cells(row, unplanned=False) == shown[row.name][1]

    def test_totals(self, report: CallReport, report_html: str) -> None:
        """The summary cards show the totals, named by ``data-total``."""
        total = report.total
        cards = {
            element.attrs["data-total"]: element.text
            for element in with_attribute(report_html, "data-total")
        }
        assert {
            "extra_mile": f"{total.extra_mile}extra-mile calls"
            f"{rate_text(total.extra_mile_on_time_rate)} on time",
            "calls": f"{total.calls}proactive calls{rate_text(total.on_time_rate)} on time,"
            f" {rate_text(total.on_first_deadline_rate)} by first deadline",
            "unplanned": "1unplanned callsserved no rule",
            "outside_window": f"{total.outside_window}outside the calling windowplanned or not",
        } == cards
        assert (3, 5, 1, 1) == (
            total.extra_mile,
            total.calls,
            total.unplanned,
            total.outside_window,
        )

    def test_bars_scale_to_the_busiest(self, report: CallReport, report_html: str) -> None:
        """Bars of calls are as long as the calls over the busiest agent's; rate bars are
        the rate."""
        widths = [
            (element.attrs["data-value"], element.attrs["style"])
            for element in with_attribute(report_html, "data-value")
        ]
        ben = report.by_agent()[0]
        assert ("ben", 2, 2) == (ben.name, ben.calls, ben.extra_mile)
        # ben's three bars come first: proactive 2 of 2, extra-mile 2 of 2, 50% on time.
        assert [("2", "width:100.0%"), ("2", "width:100.0%"), ("50%", "width:50.0%")] == widths[:3]

    def test_unplanned_calls_listed(self, report_html: str) -> None:
        """The unplanned call is listed with its time in the report's timezone."""
        [row] = [e for e in elements(report_html) if e.attrs.get("data-call") == "i-9001"]
        assert f"Wed 26 Aug 22:10 CDT{HOSTILE_AGENT}c-12yes" == row.text

    def test_escapes_every_text(self, report_html: str) -> None:
        """An agent's name and the policy's name reach the page as text: no markup."""
        assert "<script>" not in report_html
        assert "<sample>" not in report_html
        assert esc(HOSTILE_AGENT) in report_html
        names = [e.attrs["data-agent"] for e in with_attribute(report_html, "data-agent")]
        assert HOSTILE_AGENT in names
        assert "Measured against the policy starter <sample>" in [
            e.text for e in elements(report_html) if e.tag == "p"
        ]

    def test_heading_says_the_period(self, report_html: str) -> None:
        """The title and heading name the week, the timezone is under it."""
        assert "<title>Calls made, Mon 24 Aug to Sun 30 Aug 2026</title>" in report_html
        assert "<h1>Calls made, Mon 24 Aug to Sun 30 Aug 2026</h1>" in report_html
        assert "Days and times in America/Chicago" in report_html

    def test_empty_report(self) -> None:
        """No call in the period: the totals are zero and no table is drawn."""
        page = report_page(CallReport(start=START, end=END, calls=()), timezone=TZ)
        _standalone(page)
        assert "No outbound call was made in this period." in page
        assert "<table" not in page
        assert "Measured against" not in page

    def test_only_unplanned_calls(self) -> None:
        """With unplanned calls only, agents are listed and rules are not."""
        call = UnplannedCall(
            interaction_id="u-1",
            customer_id="c-1",
            agent=None,
            at=START.add(hours=10),
            outside_window=False,
        )
        report = CallReport(start=START, end=END, calls=(), unplanned_calls=(call,))
        page = report_page(report, timezone=TZ)
        assert ["(no agent)"] == list(rows(page, "agent"))
        assert {} == rows(page, "rule")
        assert "Unplanned calls: 1" in page

    def test_a_long_list_of_unplanned_calls_is_cut(self) -> None:
        """Beyond ``unplanned_shown``, the rest are counted, not listed."""
        calls = tuple(
            UnplannedCall(
                interaction_id=f"u-{n}",
                customer_id="c-1",
                agent="ana",
                at=START.add(hours=n),
                outside_window=False,
            )
            for n in range(3)
        )
        report = CallReport(start=START, end=END, calls=(), unplanned_calls=calls)
        page = report_page(report, timezone=TZ, unplanned_shown=2)
        listed = [e.attrs["data-call"] for e in with_attribute(page, "data-call")]
        assert ["u-0", "u-1"] == listed
        assert "And 1 more, not listed here: --format json lists them all." in page
        assert "Unplanned calls: 3" in page


def _report_of(agent: str, rule: str) -> CallReport:
    made = MadeCall(
        interaction_id="k-1",
        customer_id="c-1",
        agent=agent,
        at=START.add(hours=9),
        rules=(rule,),
        deadline=START.add(hours=10),
        first_deadline=START.add(hours=10),
        extra_mile=True,
        outside_window=False,
    )
    return CallReport(start=START, end=END, calls=(made,))


class TestEscapingProperty:
    @given(agent=st.text(min_size=1), rule=st.text(min_size=1))
    def test_any_name_reads_back_as_itself(self, agent: str, rule: str) -> None:
        """Whatever an agent or rule is called, a reader of the page gets the name back
        from its row, and no element the data did not ask for appears."""
        page = report_page(_report_of(agent, rule), timezone=TZ)
        assert [agent] == list(rows(page, "agent"))
        assert [rule] == list(rows(page, "rule"))
        tags = {element.tag for element in elements(page)}
        assert tags <= {
            "html", "head", "meta", "link", "title", "style", "body", "header", "h1", "p",
            "main", "div", "span", "section", "h2", "figure", "ul", "li", "table", "caption",
            "thead", "tr", "th", "tbody", "td", "footer",
        }  # fmt: skip

    @given(value=st.floats(-10, 10), scale=st.floats(-1, 10))
    def test_bars_stay_inside_their_track(self, value: float, scale: float) -> None:
        """A bar's width is between 0 and 100 %, whatever it is given."""
        chart = bars("x", [("a", [Bar("b", "rate", value, scale, "t")])], [])
        width = float(re.findall(r"width:([0-9.]+)%", chart)[0])
        assert 0.0 <= width <= 100.0


# ---------------------------------------------------------------------------------------
# The agenda page
# ---------------------------------------------------------------------------------------

SCHEDULE = Schedule(timezone=TZ, hours={"mon-fri": "09:00-17:00"})
NOW = pendulum.datetime(2026, 9, 4, 9, 0, tz=TZ)


def _call(key: str, due: pendulum.DateTime, **fields: object) -> Call:
    values: dict[str, object] = {
        "customer_id": key.split("/", maxsplit=1)[0],
        "issue_id": None,
        "key": key,
        "keys": (key,),
        "rules": ("check-in",),
        "priority": Priority.NORMAL,
        "talking_points": (),
        "extra_mile": False,
        "essential": False,
        "due_at": due,
        "deadline": due.add(hours=4),
    }
    values.update(fields)
    return Call(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def agenda() -> Agenda:
    """Four calls over two days, in the general queue and two named ones."""
    friday = NOW.add(hours=1)
    monday = NOW.add(days=3)
    calls = [
        _call(
            "c-1/k",
            friday,
            talking_points=("Say <b>sorry</b> & mean it.",),
            extra_mile=True,
            essential=True,
        ),
        _call("c-2/k", friday.add(minutes=30), queue='billing"<x>', attempt=2, tries=3),
        _call(
            "c-3/k",
            monday.in_timezone("Europe/London"),
            queue="senior",
            moved_by=(
                Adjustment(
                    constraint="staff-hours",
                    moved_from=NOW.add(days=1),
                    moved_to=monday,
                    reason="staff hours closed in America/Chicago until Mon 09:00 CDT",
                ),
            ),
        ),
        _call("c-4/k", monday.add(hours=1), deadline=monday, priority=Priority.LOW),
    ]
    return Agenda.build(
        now=NOW,
        horizon_end=NOW.add(days=7),
        schedule=SCHEDULE,
        capacity=None,
        planned=calls,
        suppressed={"do-not-call": 2},
    )


@pytest.fixture(scope="module")
def agenda_html(agenda: Agenda) -> str:
    return agenda_page(agenda, policy="team", unknown_zone={"c-4"}, names={"c-1": "Ana <Lopez>"})


class TestAgendaPage:
    def test_stands_alone(self, agenda_html: str) -> None:
        """The agenda page loads nothing and runs no script."""
        _standalone(agenda_html)

    def test_days_hold_their_calls(self, agenda: Agenda, agenda_html: str) -> None:
        """A section a staff day, with that day's calls, in agenda order."""
        sections = [e for e in with_attribute(agenda_html, "data-day") if e.tag == "section"]
        expected = {
            day.isoformat(): [call.key for call in calls] for day, calls in agenda.by_day().items()
        }
        assert {"2026-09-04": ["c-1/k", "c-2/k"], "2026-09-07": ["c-3/k", "c-4/k"]} == expected
        assert list(expected) == [section.attrs["data-day"] for section in sections]
        assert [str(len(keys)) for keys in expected.values()] == [
            section.attrs["data-calls"] for section in sections
        ]
        # Within a day, by queue (the general queue first), then in agenda order.
        keys = [e.attrs["data-key"] for e in with_attribute(agenda_html, "data-key")]
        assert ["c-1/k", "c-2/k", "c-4/k", "c-3/k"] == keys

    def test_queues_under_each_day(self, agenda_html: str) -> None:
        """Under each day, the general queue first, then the named queues, escaped."""
        headings = [e.text for e in elements(agenda_html) if e.tag == "h3"]
        assert [
            f"{GENERAL_QUEUE}: 1 call",
            'queue billing"<x>: 1 call',
            f"{GENERAL_QUEUE}: 1 call",
            "queue senior: 1 call",
        ] == headings
        assert 'data-queue="billing&quot;&lt;x&gt;"' in agenda_html

    def test_day_and_queue_table(self, agenda_html: str) -> None:
        """The overview table counts each day's calls in each queue."""
        shown = rows(agenda_html, "day")
        assert {
            "2026-09-04": {
                "day": "Fri 4 Sep 2026",
                GENERAL_QUEUE: "1",
                'queue billing"<x>': "1",
                "queue senior": "0",
                "calls": "2",
            },
            "2026-09-07": {
                "day": "Mon 7 Sep 2026",
                GENERAL_QUEUE: "1",
                'queue billing"<x>': "0",
                "queue senior": "1",
                "calls": "2",
            },
        } == {day: cells for day, (_, cells) in shown.items()}

    def test_each_call_says_why(self, agenda_html: str) -> None:
        """A call shows its time, customer, flags, rules, deadline, the customer's clock,
        what to say and what moved it."""
        texts = {e.attrs["data-key"]: e.text for e in with_attribute(agenda_html, "data-key")}
        assert texts["c-1/k"] == (
            "10:00 CDT c-1 Ana <Lopez> extra-mileessential"
            "normal priority · rules: check-in · deadline Fri 4 Sep 14:00 CDT"
            " · the customer's clock: Fri 4 Sep 10:00 CDT"
            "Say: Say <b>sorry</b> & mean it."
            "key c-1/k"
        )
        assert "try 2 of 3" in texts["c-2/k"]
        assert "the customer's clock: Mon 7 Sep 15:00 BST" in texts["c-3/k"]
        assert (
            "Moved: staff hours closed in America/Chicago until Mon 09:00 CDT" in (texts["c-3/k"])
        )
        assert "at risk" in texts["c-4/k"]
        assert "the customer's timezone is unknown" in texts["c-4/k"]
        assert "<b>sorry</b>" not in agenda_html
        assert "Ana &lt;Lopez&gt;" in agenda_html

    def test_totals_and_suppressed(self, agenda_html: str) -> None:
        """The cards count calls, extra-mile, at risk and suppressed calls; a table says
        why calls were suppressed."""
        cards = {e.attrs["data-total"]: e.text for e in with_attribute(agenda_html, "data-total")}
        assert {
            "calls": "4calls",
            "extra_mile": "1extra-mile",
            "at_risk": "1at riskmay miss their deadline",
            "suppressed": "2suppressednot on the agenda",
        } == cards
        [reason] = with_attribute(agenda_html, "data-reason")
        assert ("do-not-call", "do-not-call2") == (reason.attrs["data-reason"], reason.text)

    def test_explanation_is_escaped_text(self, agenda: Agenda) -> None:
        """An explanation is shown as preformatted text, escaped."""
        page = agenda_page(agenda, explanation="Decision for <c-1>\n  fired")
        assert "<pre>Decision for &lt;c-1&gt;\n  fired</pre>" in page
        assert "Planned with the policy" not in page

    def test_empty_agenda(self) -> None:
        """No call: the page says so, with no day sections."""
        empty = Agenda.build(
            now=NOW,
            horizon_end=NOW.add(days=1),
            schedule=SCHEDULE,
            capacity=None,
            planned=[],
            suppressed={},
        )
        page = agenda_page(empty)
        _standalone(page)
        assert "No call is due." in page
        assert "<h1>Agenda: 0 calls</h1>" in page
        assert [] == list(with_attribute(page, "data-day"))


class TestParts:
    def test_clock_in_its_own_zone_or_another(self) -> None:
        """``clock`` shows an instant in its own timezone, or in the one given."""
        moment = dt.datetime(2026, 9, 5, 14, 30, tzinfo=dt.timezone.utc)
        assert ("Sat 5 Sep 14:30 UTC", "Sat 5 Sep 09:30 CDT") == (
            clock(moment, None),
            clock(moment, TZ),
        )

    def test_rate_text(self) -> None:
        """A rate rounds to a whole percentage; none is a dash."""
        assert ("0%", "100%", "33%", "-") == (
            rate_text(0.0),
            rate_text(1.0),
            rate_text(1 / 3),
            rate_text(None),
        )
