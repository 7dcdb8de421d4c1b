"""Hypothesis strategies for the facts: customers, interactions and their parts.

Timestamps are drawn in every IANA zone, fixed offsets (down to microseconds) and as
pendulum values, so that daylight-saving folds and gaps and odd historical offsets are hit.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pendulum
from hypothesis import strategies as st

from extramile import Channel, Customer, Direction, Interaction, Window
from extramile._time.zones import known_zone

ids = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1).filter(
    lambda text: any(unicodedata.category(char) not in ("Zs", "Cf") for char in text)
)
"""A valid id: text with a visible character, and no control character, line break or lone
surrogate."""
kinds = ids.filter(lambda text: text == text.strip())
"""A valid kind: an id with no space around it."""

optional_texts = st.none() | st.text()

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)
attributes = st.none() | st.dictionaries(st.text(), json_values, max_size=5)
"""Free attributes as a host hands them in: None or a dict of JSON values."""

fixed_offsets = st.builds(
    dt.timezone,
    st.timedeltas(
        min_value=dt.timedelta(hours=-23, minutes=-59, seconds=-59),
        max_value=dt.timedelta(hours=23, minutes=59, seconds=59),
    ),
)
FIRST = dt.datetime(2, 1, 2)
LAST = dt.datetime(9998, 12, 29)
"""Wall-clock bounds that keep an instant within the years 2 to 9998 in any zone."""
aware_datetimes = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.timezones())
"""Standard-library aware datetimes in every IANA zone, including folds and gaps."""

any_aware_datetimes = (
    aware_datetimes
    | st.datetimes(min_value=FIRST, max_value=LAST, timezones=fixed_offsets)
    | aware_datetimes.map(pendulum.instance)
)
"""Aware datetimes of every kind the library accepts: ZoneInfo, fixed offsets, pendulum."""

windows = st.lists(st.integers(0, 86_400), min_size=2, max_size=2, unique=True).map(
    lambda bounds: Window(min(bounds), max(bounds))
)
"""Any daily window, to the second, including one that ends at 24:00."""


# Built once: a strategy made inside a composite is made again on every draw, and
# timezone_keys() lists the zone files each time it is made.
# Every IANA key the library takes as civil time (it refuses leap-second "right/" copies and
# machine-dependent names such as "localtime").
_zone_names = st.none() | st.timezone_keys().filter(known_zone)
_dates = st.none() | st.dates(FIRST.date(), LAST.date())
_tags = st.frozensets(st.text(), max_size=4)
_calling_hours = st.none() | windows
_directions = st.sampled_from(Direction)
_channels = st.sampled_from(Channel)
_issue_ids = st.none() | ids
_outcomes = st.none() | kinds


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    """Any valid customer."""
    return Customer(
        id=draw(ids),
        timezone=draw(_zone_names),
        tier=draw(optional_texts),
        customer_since=draw(_dates),
        tags=draw(_tags),
        do_not_call=draw(st.booleans()),
        calling_hours=draw(_calling_hours),
        phone=draw(optional_texts),
        email=draw(optional_texts),
        attributes=draw(attributes),
    )


@st.composite
def interactions(draw: st.DrawFn) -> Interaction:
    """Any valid interaction; direction and channel given as members or as strings."""
    direction_member, channel_member = draw(_directions), draw(_channels)
    as_text = draw(st.booleans())
    direction = direction_member.value if as_text else direction_member
    channel = channel_member.value if as_text else channel_member
    return Interaction(
        id=draw(ids),
        customer_id=draw(ids),
        kind=draw(kinds),
        at=draw(any_aware_datetimes),
        direction=direction,
        channel=channel,
        issue_id=draw(_issue_ids),
        agent=draw(optional_texts),
        outcome=draw(_outcomes),
        attributes=draw(attributes),
    )


def rows_of(
    objects: st.SearchStrategy[Customer] | st.SearchStrategy[Interaction],
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid rows: the mappings of valid objects."""
    return objects.map(lambda made: made.to_mapping())
