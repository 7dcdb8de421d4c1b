"""The look the command line's pages share: the stylesheet, the page frame, bars and tables.

A page is one self-contained HTML file: its stylesheet is inline, it loads nothing (no
font, no image, no script; even the icon is an empty ``data:`` address, so a browser asks
no server for one), and it works from a ``file://`` address with the network off.  Charts
are bars drawn with CSS widths beside a table of the same numbers, so a screen reader, a
printout and a copy into a spreadsheet all get them.  It reads on a phone (the tables
scroll inside their own box, never the page) and prints (``@media print``).

Every function here returns text.  Every text that comes from the data (names, ids,
talking points, reasons) goes through :func:`esc`, attributes included.

>>> esc('<b title="x">Ana & Bo</b>')
'&lt;b title=&quot;x&quot;&gt;Ana &amp; Bo&lt;/b&gt;'

Imports: ``extramile._time``, ``extramile._version``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple

import pendulum

from extramile._time import tz_version
from extramile._version import __version__

__all__ = [
    "STYLE",
    "Bar",
    "Cell",
    "bars",
    "card",
    "clock",
    "esc",
    "page",
    "rate_text",
    "table",
]

STYLE: Final = """
:root { color-scheme: light; --ink: #1d2530; --muted: #5a6574; --line: #d9dee5;
  --paper: #ffffff; --wash: #f3f5f8; --proactive: #2f6db3; --extra: #c0561b;
  --rate: #2e7d4f; --late: #b3261e; }
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--wash); color: var(--ink); overflow-wrap: anywhere;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem; }
header { padding-bottom: 0; }
h1 { font-size: 1.45rem; line-height: 1.2; margin: .2rem 0 .4rem; }
h2 { font-size: 1.15rem; margin: 0 0 .7rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .3rem 0; }
.sub, .note, footer { color: var(--muted); }
.note { font-size: .9rem; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 1rem; margin: 0 0 1rem; min-width: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr));
  gap: .75rem; margin: 0 0 1rem; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: .7rem .8rem; }
.card .value { display: block; font-size: 1.6rem; font-weight: 650; }
.card .label { display: block; font-size: .9rem; }
.card .detail { display: block; color: var(--muted); font-size: .85rem; }
.pair { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 1.2rem;
  align-items: start; }
.chart { margin: 0; min-width: 0; }
.chart .item { padding: .35rem 0; border-bottom: 1px solid var(--line); }
.chart .name { display: block; font-weight: 600; }
.bar-line { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr) 3rem;
  align-items: center; gap: .4rem; font-size: .85rem; }
.bar-line .what { color: var(--muted); }
.track { height: .75rem; background: var(--wash); border-radius: 3px; overflow: hidden; }
.bar { display: block; height: 100%; border-radius: 3px; }
.bar.proactive { background: var(--proactive); }
.bar.extra { background: var(--extra); }
.bar.rate { background: var(--rate); }
.num, td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .85rem;
  margin: 0 0 .4rem; padding: 0; list-style: none; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  vertical-align: -.1rem; margin-right: .3rem; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums;
  overflow-wrap: normal; }
caption { text-align: left; font-weight: 600; padding: 0 0 .3rem; }
th, td { text-align: left; padding: .3rem .45rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
th.n, td.n { white-space: nowrap; }
.flag { display: inline-block; font-size: .75rem; line-height: 1.5; padding: 0 .45rem;
  border: 1px solid currentColor; border-radius: 999px; margin: 0 .25rem .1rem 0; }
.flag.extra-mile { color: var(--extra); }
.flag.essential { color: var(--proactive); }
.flag.at-risk { color: var(--late); font-weight: 650; }
.call { border-top: 1px solid var(--line); padding: .6rem 0; }
.call:first-of-type { border-top: 0; }
.call .when { font-weight: 650; }
.call ul { margin: .3rem 0 0; padding-left: 1.2rem; }
.call .key { color: var(--muted); font-size: .8rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .8rem; margin: 0; }
footer { font-size: .8rem; }
@media (max-width: 760px) {
  header, main, footer { padding: .6rem; }
  .pair { grid-template-columns: minmax(0, 1fr); }
  section { padding: .7rem; }
  .bar-line { grid-template-columns: 5.5rem minmax(0, 1fr) 2.6rem; }
}
@media print {
  @page { margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  section, .card { border-color: #aaa; }
  section { padding: .5rem 0; border-width: 1px 0 0; border-radius: 0; }
  .pair { grid-template-columns: minmax(0, 1fr); }
  .chart { max-width: 34rem; }
  .table-wrap { overflow: visible; }
  th.n { white-space: normal; }
  .chart .item, tr, .call, .card { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""
"""The stylesheet every page carries inline."""


def esc(value: object) -> str:
    """``value`` as text, escaped for HTML text and for a quoted attribute alike."""
    return html.escape(str(value), quote=True)


def rate_text(rate: float | None) -> str:
    """A share as a whole percentage; ``-`` when there was nothing to rate.

    >>> rate_text(2 / 3), rate_text(None)
    ('67%', '-')
    """
    return "-" if rate is None else f"{rate:.0%}"


def clock(
    moment: dt.datetime,
    timezone: str | pendulum.Timezone | pendulum.FixedTimezone | None,
    fmt: str = "ddd D MMM HH:mm zz",
) -> str:
    """``moment`` in ``timezone`` (None: in its own), as ``Sat 5 Sep 09:30 CDT``, or in
    pendulum's format ``fmt``."""
    local = pendulum.instance(moment)
    if timezone is not None:
        local = local.in_timezone(timezone)
    return local.format(fmt)


def page(*, title: str, heading: str, lines: Sequence[str], body: Iterable[str]) -> str:
    """A whole page: ``title`` and ``heading`` as text, ``lines`` under the heading as text,
    ``body`` as HTML already escaped."""
    sub = "".join(f'<p class="sub">{esc(line)}</p>' for line in lines)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{esc(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{esc(heading)}</h1>{sub}</header>",
        "<main>",
        *body,
        "</main>",
        (
            f"<footer><p>Made by extramile {esc(__version__)}, zone database tzdata"
            f" {esc(tz_version())}.</p></footer>"
        ),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def card(label: str, value: object, detail: str = "", *, total: str = "") -> str:
    """A summary figure: ``value`` large, ``label`` under it, ``detail`` in grey;
    ``total`` names it for machines (``data-total``)."""
    named = f' data-total="{esc(total)}"' if total else ""
    extra = f'<span class="detail">{esc(detail)}</span>' if detail else ""
    return (
        f'<div class="card"{named}><span class="value">{esc(value)}</span>'
        f'<span class="label">{esc(label)}</span>{extra}</div>'
    )


class Bar(NamedTuple):
    """One bar of a chart item."""

    what: str
    """Its label (``"proactive"``)."""
    kind: str
    """Its colour: ``proactive``, ``extra`` or ``rate``."""
    value: float
    """Its length, from 0 to ``scale``."""
    scale: float
    """The length of a full bar (at least 1 where counted)."""
    text: str
    """The number shown beside it."""


def _bar(bar: Bar) -> str:
    share = 0.0 if bar.scale <= 0 else max(0.0, min(1.0, bar.value / bar.scale))
    return (
        f'<div class="bar-line"><span class="what">{esc(bar.what)}</span>'
        f'<span class="track"><span class="bar {esc(bar.kind)}" style="width:{share:.1%}"'
        f' data-value="{esc(bar.text)}"></span></span>'
        f'<span class="num">{esc(bar.text)}</span></div>'
    )


def bars(label: str, items: Iterable[tuple[str, Sequence[Bar]]], legend: Sequence[Bar]) -> str:
    """A bar chart: one item a name, with its bars under it, and a legend of the colours.

    Args:
        label: what the chart shows, for screen readers (``aria-label``).
        items: ``(name, bars)`` pairs, in order.
        legend: a bar of each kind, whose ``what`` names the colour.
    """
    keys = "".join(
        f'<li><span class="swatch bar {esc(bar.kind)}"></span>{esc(bar.what)}</li>'
        for bar in legend
    )
    rows = "".join(
        f'<div class="item"><span class="name">{esc(name)}</span>'
        + "".join(_bar(bar) for bar in drawn)
        + "</div>"
        for name, drawn in items
    )
    return (
        f'<figure class="chart" aria-label="{esc(label)}">'
        f'<ul class="legend">{keys}</ul>{rows}</figure>'
    )


class Cell(NamedTuple):
    """One table cell: its text, the field it shows (``data-field``) and whether it is a
    number (right-aligned)."""

    text: str
    field: str = ""
    number: bool = False


def table(
    caption: str,
    headers: Sequence[Cell],
    rows: Iterable[tuple[str, Sequence[Cell]]],
) -> str:
    """A table in a box of its own that scrolls sideways when the page is narrow.

    Args:
        caption: the table's title.
        headers: the column headings (``number`` aligns them right).
        rows: ``(attributes, cells)`` pairs; ``attributes`` is written into the ``<tr>``
            as given (the caller escapes it), e.g. ``' data-agent="ana"'``.
    """
    head = "".join(f'<th scope="col"{_number(cell)}>{esc(cell.text)}</th>' for cell in headers)
    body = "".join(
        f"<tr{attributes}>"
        + "".join(
            f"<td{_number(cell)}"
            + (f' data-field="{esc(cell.field)}"' if cell.field else "")
            + f">{esc(cell.text)}</td>"
            for cell in cells
        )
        + "</tr>"
        for attributes, cells in rows
    )
    return (
        f'<div class="table-wrap"><table><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _number(cell: Cell) -> str:
    return ' class="n"' if cell.number else ""
