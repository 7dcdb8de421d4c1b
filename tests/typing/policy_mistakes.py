"""Mistakes in a policy file that ``mypy --strict`` must reject, before anything runs.

Each line below is a mistake a user made (issue 14), marked ``# type: ignore[<code>]``
with the error mypy gives for it.  ``--strict`` warns on an unused ignore, so this file
fails the type check as soon as one of these mistakes stops being caught: a constructor's
annotation has become too loose.  The functions are never called (pytest imports this
folder); at run time each mistake raises the library's own error, tested elsewhere.
"""

from __future__ import annotations

from extramile import DUE, Business, FollowUpPolicy, On, Rule, Schedule

__all__: list[str] = []

OFFICE = Schedule(timezone="America/Chicago", hours={"mon-fri": "09:00-17:00"})
RULE = Rule(name="check-in", trigger=On("issue.opened"), deadline=DUE + Business(hours=4))


def a_trigger_given_as_a_string() -> Rule:
    """The trigger is an ``On(...)``, not the kind it waits for."""
    return Rule(name="r", trigger="issue.opened", deadline=DUE + Business(hours=4))  # type: ignore[arg-type]


def a_due_time_with_no_anchor() -> Rule:
    """A due time is an anchor moved by a duration: ``TRIGGER + Business(hours=2)``."""
    return Rule(
        name="r",
        trigger=On("issue.opened"),
        due=Business(hours=2),  # type: ignore[arg-type]
        deadline=DUE + Business(hours=4),
    )


def a_misspelt_priority() -> Rule:
    """A priority is one of four words, or a ``Priority``."""
    return Rule(
        name="r",
        trigger=On("issue.opened"),
        deadline=DUE + Business(hours=4),
        priority="urgnt",  # type: ignore[arg-type]
    )


def one_rule_for_the_rules() -> FollowUpPolicy:
    """``rules`` is a list of rules, even of one."""
    return FollowUpPolicy(name="p", rules=RULE, schedule=OFFICE)  # type: ignore[arg-type]


def a_schedule_s_hours_given_as_a_string() -> Schedule:
    """Hours map weekdays to windows: ``{"mon-fri": "09:00-17:00"}``."""
    return Schedule(timezone="America/Chicago", hours="09:00-17:00")  # type: ignore[arg-type]


def a_schedule_given_as_a_string() -> FollowUpPolicy:
    """A schedule is a ``Schedule``, not the timezone it is kept in."""
    return FollowUpPolicy(name="p", rules=[RULE], schedule="America/Chicago")  # type: ignore[arg-type]
