"""The pages in a real browser: headless Chromium from the system's packages, driven by
Selenium through the system's chromedriver.

Each page is written to a file and opened by its ``file://`` address, with the network
closed to the browser (no background requests, no component updates).  The tests check
that a page loads with nothing on the console, that the numbers it shows are the
report's and the agenda's, that it prints to a PDF, and that at a phone's width (375 px)
nothing scrolls sideways.  Screenshots and the PDFs go to ``$EXTRAMILE_ARTIFACTS``
(default ``test-artifacts/`` at the top of the repository).

Selenium is never asked to find or fetch a browser: both paths are given.  Without
Chromium, chromedriver or Selenium the tests are skipped, except under ``CI=true``, where
they fail: CI must run them (``.ci/run`` installs the browser).
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from extramile import Agenda, Elapsed, plan
from extramile.cli.page_parts import rate_text
from extramile.cli.pages import agenda_page, report_page
from extramile.reports import CallReport
from page_helpers import (
    NOW,
    expected_cells,
    expected_data,
    sample_report,
    sample_with_unplanned,
)

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
CHROMIUM = Path(os.environ.get("EXTRAMILE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("EXTRAMILE_CHROMEDRIVER", "/usr/bin/chromedriver"))
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
DESKTOP = (1280, 900)
PHONE = (375, 812)
TZ = "America/Chicago"


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.is_file():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401, PLC0415  # optional: only these tests need it
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """The folder screenshots and PDFs are kept in."""
    folder = Path(os.environ.get("EXTRAMILE_ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile, its console log kept."""
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    from selenium import webdriver  # noqa: PLC0415  # optional, checked above
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.TemporaryDirectory(prefix="extramile-chromium-")
    for argument in (*ARGUMENTS, f"--user-data-dir={profile.name}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield browser
    finally:
        browser.quit()
        profile.cleanup()


@pytest.fixture(scope="module")
def report() -> CallReport:
    return sample_report()[1]


@pytest.fixture(scope="module")
def agenda() -> Agenda:
    """The sample team's agenda for the week ahead."""
    return plan(sample_report()[0], sample_with_unplanned(), now=NOW, horizon=Elapsed(days=7))


@pytest.fixture(scope="module")
def pages(
    report: CallReport, agenda: Agenda, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The report page and the agenda page of the sample team, as files."""
    policy = sample_report()[0]
    folder = tmp_path_factory.mktemp("pages")
    written = {
        "report": report_page(report, timezone=TZ, policy=policy.name),
        "agenda": agenda_page(agenda, policy=policy.name),
    }
    for name, text in written.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    return {name: folder / f"{name}.html" for name in written}


def _open(driver: WebDriver, path: Path, size: tuple[int, int]) -> None:
    driver.set_window_size(*size)
    driver.get(path.as_uri())
    _console(driver)  # what an earlier page left there is not this page's


def _console(driver: WebDriver) -> list[dict[str, Any]]:
    """The browser's console entries since the last call."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]  # selenium leaves get_log unannotated
    return entries


def _script(driver: WebDriver, source: str) -> Any:
    return driver.execute_script(source)


@pytest.mark.parametrize("name", ["report", "agenda"])
class TestEveryPage:
    def test_loads_without_console_errors(
        self, driver: WebDriver, pages: dict[str, Path], name: str, artifacts: Path
    ) -> None:
        """The page loads from a file with nothing written to the console, and a
        screenshot of it is kept."""
        driver.set_window_size(*DESKTOP)
        driver.get(pages[name].as_uri())
        assert "complete" == _script(driver, "return document.readyState")
        assert [] == _console(driver)
        height = _script(driver, "return document.documentElement.scrollHeight")
        driver.set_window_size(DESKTOP[0], min(int(height), 6000))
        assert driver.save_screenshot(str(artifacts / f"{name}.png"))

    def test_prints(
        self, driver: WebDriver, pages: dict[str, Path], name: str, artifacts: Path
    ) -> None:
        """The page prints: Chromium makes a PDF of it, kept as an artifact."""
        _open(driver, pages[name], DESKTOP)
        printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
        pdf = base64.b64decode(printed["data"])
        (artifacts / f"{name}.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF-")
        assert len(pdf) > 10_000
        assert [] == _console(driver)

    def test_reads_at_phone_width(
        self, driver: WebDriver, pages: dict[str, Path], name: str, artifacts: Path
    ) -> None:
        """At 375 px nothing scrolls sideways: wide tables scroll in their own box."""
        _open(driver, pages[name], PHONE)
        width, scroll, client = _script(
            driver,
            "const d = document.documentElement;"
            " return [window.innerWidth, d.scrollWidth, d.clientWidth];",
        )
        assert 375 == width
        assert scroll <= client
        height = _script(driver, "return document.documentElement.scrollHeight")
        driver.set_window_size(PHONE[0], min(int(height), 8000))
        assert driver.save_screenshot(str(artifacts / f"{name}-phone.png"))


class TestReportNumbers:
    def test_rows_equal_the_tallies(
        self, driver: WebDriver, pages: dict[str, Path], report: CallReport
    ) -> None:
        """Each agent's and each rule's row shows the report's numbers, as rendered."""
        _open(driver, pages["report"], DESKTOP)
        for kind, tallies, unplanned in (
            ("agent", report.by_agent(), True),
            ("rule", report.by_rule(), False),
        ):
            shown = _script(
                driver,
                f"return Array.from(document.querySelectorAll('tr[data-{kind}]')).map(tr => ["
                f"  tr.getAttribute('data-{kind}'),"
                "  Object.fromEntries(Array.from(tr.attributes).map(a => [a.name, a.value])),"
                "  Object.fromEntries(Array.from(tr.querySelectorAll('td[data-field]'))"
                "    .map(td => [td.getAttribute('data-field'), td.innerText]))]);",
            )
            assert [row.name for row in tallies] == [name for name, _, _ in shown]
            for row, (_, attributes, cells) in zip(tallies, shown, strict=True):
                assert expected_cells(row, unplanned=unplanned) == cells
                assert {f"data-{key}": value for key, value in expected_data(row).items()} == {
                    key: attributes[key] for key in (f"data-{key}" for key in expected_data(row))
                }

    def test_totals(self, driver: WebDriver, pages: dict[str, Path], report: CallReport) -> None:
        """The summary cards show the report's totals."""
        _open(driver, pages["report"], DESKTOP)
        values = _script(
            driver,
            "return Object.fromEntries(Array.from(document.querySelectorAll('[data-total]'))"
            ".map(c => [c.getAttribute('data-total'), c.querySelector('.value').innerText]));",
        )
        total = report.total
        assert {
            "extra_mile": str(total.extra_mile),
            "calls": str(total.calls),
            "unplanned": str(total.unplanned),
            "outside_window": str(total.outside_window),
        } == values

    def test_bars_are_drawn_to_scale(
        self, driver: WebDriver, pages: dict[str, Path], report: CallReport
    ) -> None:
        """Each agent's bars are as long, in pixels, as their numbers over the busiest
        agent's (rates over 100 %)."""
        _open(driver, pages["report"], DESKTOP)
        drawn = _script(
            driver,
            "return Array.from(document.querySelectorAll('#per-agent .chart .item')).map(item"
            " => Array.from(item.querySelectorAll('.bar')).map(bar =>"
            " bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect()"
            ".width));",
        )
        tallies = report.by_agent()
        busiest = max(row.calls for row in tallies)
        expected = [
            [row.calls / busiest, row.extra_mile / busiest, row.on_time_rate or 0.0]
            for row in tallies
        ]
        assert len(expected) == len(drawn)
        for want, got in zip(expected, drawn, strict=True):
            assert want == pytest.approx(got, abs=0.01)
        shown_rates = _script(
            driver,
            "return Array.from(document.querySelectorAll('#per-agent .item .bar.rate'))"
            ".map(bar => bar.parentElement.nextElementSibling.innerText);",
        )
        assert [rate_text(row.on_time_rate) for row in tallies] == shown_rates


class TestAgendaNumbers:
    def test_days_hold_the_agendas_calls(
        self, driver: WebDriver, pages: dict[str, Path], agenda: Agenda
    ) -> None:
        """Each day's section lists that day's calls, as ``Agenda.by_day()`` has them."""
        _open(driver, pages["agenda"], DESKTOP)
        shown = _script(
            driver,
            "return Array.from(document.querySelectorAll('section[data-day]')).map(s => ["
            " s.getAttribute('data-day'),"
            " Array.from(s.querySelectorAll('.call')).map(c => c.getAttribute('data-key'))]);",
        )
        expected = {
            day.isoformat(): sorted(call.key for call in calls)
            for day, calls in agenda.by_day().items()
        }
        assert expected == {day: sorted(keys) for day, keys in shown}
        assert len(agenda) == sum(len(keys) for _, keys in shown)
