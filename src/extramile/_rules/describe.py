"""A policy described for review: every rule and constraint as plain values, and as Markdown.

:meth:`FollowUpPolicy.describe() <extramile.FollowUpPolicy.describe>` builds the
description with :func:`describe_policy`; :func:`markdown` writes it for people to read
and sign off.  The description holds only JSON values (strings, numbers, booleans, None,
lists and dicts), so it can be stored beside the policy's code, compared between two
versions, and rendered again.  The Markdown is made from the description alone, so the two
never disagree.

What is code is written as the library spells it (a condition's ``repr``, which builds an
equal condition: ``tier_in('gold', 'platinum') | tenure_at_least(years=5)``); times are
given both ways, as written (``"DUE + Business(hours=2)"``) and in words (``"2 hours of
business time after the due time"``); durations in words, which name their kind of time.

Imports: ``_rules.rule``, ``_rules.constraints``, ``_rules.timing``, ``_time``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping, Sequence
from typing import Any

from extramile._rules.constraints import ContactCaps
from extramile._rules.rule import Awareness, Rule
from extramile._rules.timing import When
from extramile._time import CallingWindow, Schedule, WeeklyWindow, relative

__all__ = ["describe_policy", "markdown"]

Description = dict[str, Any]
"""A description: JSON values only."""


def describe_policy(
    *,
    name: str,
    rules: Sequence[Rule | Awareness],
    schedule: Schedule,
    calling_window: CallingWindow,
    served_timezones: Sequence[str],
    caps: ContactCaps,
) -> Description:
    """The description of a policy made of these parts (see
    :meth:`FollowUpPolicy.describe <extramile.FollowUpPolicy.describe>`)."""
    return {
        "policy": name,
        "staff": {
            "timezone": schedule.timezone,
            "hours": WeeklyWindow(schedule.hours).to_mapping(),
            "holidays": _holidays(schedule.holidays),
        },
        "calling_window": _window(calling_window),
        "served_timezones": list(served_timezones),
        "caps": {
            "max_attempts": caps.max_attempts,
            "per": str(caps.per),
            "min_gap": str(caps.min_gap),
        },
        "rules": [
            _awareness(rule) if isinstance(rule, Awareness) else _rule(rule) for rule in rules
        ],
    }


def _rule(rule: Rule) -> Description:
    extra_mile = rule.extra_mile if isinstance(rule.extra_mile, bool) else repr(rule.extra_mile)
    return {
        "name": rule.name,
        "kind": "rule",
        "trigger": {"written": repr(rule.trigger), "means": rule.trigger.describe()},
        "condition": repr(rule.condition),
        "stop": None if rule.stop is None else repr(rule.stop),
        "scope": str(rule.scope),
        "due": _when(rule.due),
        "deadline": _when(rule.deadline),
        "give_up": None
        if rule.give_up_after is None
        else {
            "written": repr(rule.give_up_after),
            "means": relative(rule.give_up_after, "the deadline", at=True),
        },
        "priority": str(rule.priority),
        "queue": rule.queue,
        "calling_window": None if rule.calling_window is None else _window(rule.calling_window),
        "retry": {
            "tries": rule.retry.tries,
            "every": str(rule.retry.every),
            "voicemail_answers": rule.retry.voicemail,
        },
        "extra_mile": extra_mile,
        "essential": rule.essential,
        "may_be_early": rule.early,
        "talking_point": rule.talking_point,
    }


def _awareness(rule: Awareness) -> Description:
    return {
        "name": rule.name,
        "kind": "awareness",
        "programmes": dict(rule.programmes),
    }


def _when(when: When) -> Description:
    return {"written": repr(when), "means": when.describe()}


def _window(window: CallingWindow) -> str | dict[str, str]:
    if isinstance(window, WeeklyWindow):
        daily = window.daily
        return window.to_mapping() if daily is None else str(daily)
    return str(window)


def _holidays(holidays: Container[dt.date] | None) -> Description | None:
    """The staff's holidays: the dates (with their names, where given), or the calendar of
    the ``holidays`` package they come from (which loads its years as they are asked for,
    so its dates are not listed)."""
    if holidays is None:
        return None
    # A Schedule keeps dates given as a dict of names or a frozenset, and a calendar of
    # the ``holidays`` package (itself a dict) as it is.
    if type(holidays) is dict:
        return {"dates": {day.isoformat(): holidays[day] for day in sorted(holidays)}}
    if type(holidays) is frozenset:
        return {"dates": {day.isoformat(): None for day in sorted(holidays)}}
    country = getattr(holidays, "country", None)
    subdivision = getattr(holidays, "subdiv", None)
    return {
        "calendar": type(holidays).__name__,
        "country": _plain(country),
        "subdivision": _plain(subdivision),
    }


def _plain(value: object) -> str | list[str] | None:
    """A calendar's country or subdivision: one, several (a sum of calendars), or none."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value)


# ---------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------


def markdown(description: Mapping[str, Any]) -> str:
    """The description as a Markdown page: the constraints, then each rule in order.

    Args:
        description: what :func:`describe_policy` returned (or the same read back from JSON).
    """
    staff = description["staff"]
    caps = description["caps"]
    served = description["served_timezones"]
    lines = [
        f"# Policy: {description['policy']}",
        "",
        "## Constraints",
        "",
        f"- **Staff hours:** {_hours(staff['hours'])}, in {staff['timezone']}",
        f"- **Holidays:** {_holidays_text(staff['holidays'])}",
        (
            f"- **Calling window:** {_hours(description['calling_window'])},"
            " in the customer's own timezone (a customer's own calling hours come first)"
        ),
        "- **Customers of unknown timezone:** "
        + (
            f"called when the calling window is open in all of {', '.join(served)}"
            if served
            else "never called (no timezones served)"
        ),
        (
            f"- **Contact cap:** {caps['max_attempts']} outbound attempts per {caps['per']}"
            " (essential rules bypass it; nothing bypasses do-not-call)"
        ),
        f"- **Minimum gap between calls:** {caps['min_gap']}",
        "",
        "## Rules",
    ]
    for number, rule in enumerate(description["rules"], 1):
        lines += ["", f"### {number}. {rule['name']}", ""]
        lines += _awareness_lines(rule) if rule["kind"] == "awareness" else _rule_lines(rule)
    return "\n".join(lines) + "\n"


def _rule_lines(rule: Mapping[str, Any]) -> list[str]:
    retry = rule["retry"]
    tries = retry["tries"]
    give_up = rule["give_up"]
    return [
        f"- **Trigger:** {_timing(rule['trigger'])}",
        f"- **Condition, as of the trigger:** `{rule['condition']}`",
        "- **Stops when, at now:** "
        + ("nothing stops it" if rule["stop"] is None else f"`{rule['stop']}`"),
        (
            "- **Answered by:** an outbound call that reaches the customer"
            f"{' on the issue' if rule['scope'] == 'issue' else ''} (scope {rule['scope']})"
        ),
        f"- **Due:** {_timing(rule['due'])}",
        f"- **Deadline:** {_timing(rule['deadline'])}",
        "- **Gives up:** " + ("never" if give_up is None else _timing(give_up)),
        f"- **Priority:** {rule['priority']}",
        f"- **Queue:** {rule['queue'] or 'general'}",
        "- **Calling window:** "
        + (
            "the policy's"
            if rule["calling_window"] is None
            else f"{_hours(rule['calling_window'])}, in the customer's timezone"
        ),
        "- **Retries:** "
        + (
            "none: one try"
            if tries == 1
            else f"{tries} tries in all, {retry['every']} apart"
            f"; a voicemail {'answers' if retry['voicemail_answers'] else 'does not answer'}"
        ),
        f"- **Extra mile (outside staff hours and on holidays):** {_flag(rule['extra_mile'])}",
        "- **Essential (bypasses the cap and the gap):** " + ("yes" if rule["essential"] else "no"),
        "- **May be made early, with an earlier call:** "
        + ("yes" if rule["may_be_early"] else "no"),
        f"- **Talking point:** {rule['talking_point'] or '(none)'}",
    ]


def _awareness_lines(rule: Mapping[str, Any]) -> list[str]:
    programmes = rule["programmes"]
    if not programmes:
        return ["Talking points only, never a call of its own: no programmes listed."]
    return [
        (
            "Talking points only, never a call of its own: added to any call of a customer"
            " without the tag."
        ),
        "",
        *(f"- **{tag}:** {point}" for tag, point in programmes.items()),
    ]


def _timing(timing: Mapping[str, str]) -> str:
    return f"`{timing['written']}`: {timing['means']}"


def _flag(value: bool | str) -> str:
    if isinstance(value, str):
        return f"for customers who meet `{value}` (judged at now)"
    return "yes" if value else "no"


def _hours(hours: str | Mapping[str, str]) -> str:
    if isinstance(hours, str):
        return f"every day {hours}"
    return "; ".join(f"{days} {spans}" for days, spans in hours.items())


def _holidays_text(holidays: Mapping[str, Any] | None) -> str:
    if holidays is None:
        return "none"
    if "dates" in holidays:
        dates = holidays["dates"]
        if not dates:
            return "none"
        named = [f"{day} {name}" if name else day for day, name in dates.items()]
        return f"{len(named)} date{'s' if len(named) != 1 else ''}: {'; '.join(named)}"
    country = holidays["country"]
    if not country:  # a calendar of the user's own, for no country
        return f"the holidays package's calendar {holidays['calendar']}"
    where = ", ".join(country) if isinstance(country, list) else country
    subdivision = holidays["subdivision"]
    if subdivision:
        subs = ", ".join(subdivision) if isinstance(subdivision, list) else subdivision
        where += f" ({subs})"
    return f"the holidays package's calendar for {where}"
