"""Story tables for one customer, one conversation: the calls planned for a customer keep
the minimum gap and the rolling cap among themselves, as the calls made do.

Instants are written in UTC where they are compared; local times are spelled out in the
docstrings.
"""

from __future__ import annotations

import attrs

from extramile import (
    DUE,
    TRIGGER,
    ContactCaps,
    Customer,
    Decision,
    Elapsed,
    FollowUpPolicy,
    Local,
    On,
    Rule,
    Schedule,
    evaluate,
    plan,
    starter_policy,
)
from scenario_helpers import at, event, outcomes, utc

# ---------------------------------------------------------------------------------------
# A gold customer in Chicago: rescued at 08:01, checked on at noon -- or not
# ---------------------------------------------------------------------------------------

CHICAGO = starter_policy(company_timezone="America/Chicago")
GOLD = Customer(id="c-1", timezone="America/Chicago", tier="gold")
HISTORY = [
    # An intermittent problem reported on Tuesday 1 December at 12:00 CST...
    event(
        "i-1",
        "issue.opened",
        "2026-12-01T12:00:00-06:00",
        issue_id="t-1",
        attributes={"intermittent": True},
    ),
    # ...and a critical one on Tuesday 8 December at 08:00 CST, before staff open.
    event(
        "i-2",
        "issue.opened",
        "2026-12-08T08:00:00-06:00",
        issue_id="t-2",
        attributes={"severity": "critical"},
    ),
]
NOW = at("2026-12-08T08:01:00-06:00")
RESCUE = "c-1/t-2/loyal-rescue/i-2"
CHECK_IN = "c-1/t-1/intermittent-check-in/i-1"


def _not_early(policy: FollowUpPolicy) -> FollowUpPolicy:
    """``policy`` with the intermittent check-in made no sooner than it is due."""
    return attrs.evolve(
        policy,
        rules=[
            attrs.evolve(rule, early=False)
            if isinstance(rule, Rule) and rule.name == "intermittent-check-in"
            else rule
            for rule in policy.rules
        ],
    )


def _episode(decision: Decision, rule: str, key: str) -> str:
    """The trace's detail of the episode ``key`` of ``rule``."""
    (trace,) = [t for t in decision.trace if t.rule == rule]
    (detail,) = [e.detail for e in trace.episodes if e.key == key]
    return detail


class TestTakenAlong:
    """The rescue is due at once (08:00, called at 08:01), the week-old problem's check-in
    at 12:00: four hours later, well within the 20-hour minimum gap.  One conversation:
    the check-in is taken along into the rescue."""

    def test_one_call_at_0801_carries_both_rules(self) -> None:
        """One call at 08:01 CST, by the rescue's 08:30, saying both things, with both
        keys and both rules, the urgent rescue leading."""
        decision = evaluate(CHICAGO, GOLD, HISTORY, now=NOW)
        (call,) = decision.calls
        assert (
            "2026-12-08T14:01:00+00:00",
            "2026-12-08T14:30:00+00:00",
            ("loyal-rescue", "intermittent-check-in"),
            (RESCUE, CHECK_IN),
        ) == (utc(call.due_at), utc(call.deadline), call.rules, call.keys)
        rescue_point = (
            "They reported a critical problem while we were closed: call back now and stay"
            " with it until it is solved."
        )
        assert (
            rescue_point,
            "Check that the intermittent problem is really fixed.",
        ) == call.talking_points
        assert () == call.moved_by

    def test_the_explanation_says_taken_along(self) -> None:
        """The check-in's trace (and so ``explain()``) says it was taken along into the
        rescue's call, within the gap, and when it was wanted; its deadline stays its own
        (two local days after 12:00)."""
        decision = evaluate(CHICAGO, GOLD, HISTORY, now=NOW)
        detail = _episode(decision, "intermittent-check-in", CHECK_IN)
        assert detail == (
            "due 2026-12-08T14:01:00+00:00, merged with 1 more, taken along into the"
            " loyal-rescue call planned for 2026-12-08T14:00:00+00:00"
            f" (key {RESCUE}), within the minimum gap of 20 hours elapsed"
            " (wanted at 2026-12-08T18:00:00+00:00: 7 local days after the trigger);"
            " by 2026-12-10T18:00:00+00:00 (2 local days after the due time)"
        )
        assert f"- call (issue t-1, i-1): {detail}" in decision.explain()

    def test_recording_the_call_satisfies_both(self) -> None:
        """The call made at 08:05 and recorded: nothing is left to call about, now or at
        noon."""
        (call,) = evaluate(CHICAGO, GOLD, HISTORY, now=NOW).calls
        made = call.record(id="o-1", at=at("2026-12-08T08:05:00-06:00"), agent="ana")
        later = evaluate(CHICAGO, GOLD, [*HISTORY, made], now=at("2026-12-08T12:30:00-06:00"))
        assert () == later.calls
        assert [(RESCUE, "satisfied")] == outcomes(later, "loyal-rescue")[1:]
        assert [(CHECK_IN, "satisfied")] == [
            item for item in outcomes(later, "intermittent-check-in") if item[0] == CHECK_IN
        ]

    def test_plan_gives_the_same_call(self) -> None:
        """``plan()`` without capacity puts the same one call on the agenda."""
        agenda = plan(CHICAGO, [(GOLD, HISTORY)], now=NOW, horizon=Elapsed(days=7))
        assert evaluate(CHICAGO, GOLD, HISTORY, now=NOW).calls == tuple(agenda)


class TestPushed:
    """The same customer, under a policy whose check-in may not be made early: it waits
    until 20 hours after the rescue's due time (04:00 on Wednesday), then for the calling
    window (08:00); the check-in goes the extra mile for a gold customer, so staff hours
    do not hold it further."""

    def test_the_check_in_moves_to_0800_the_next_morning(self) -> None:
        """Two calls: the rescue at 08:01, the check-in on Wednesday at 08:00 CST, its
        deadline moved as far (two local days after its new due time)."""
        decision = evaluate(_not_early(CHICAGO), GOLD, HISTORY, now=NOW)
        rescue, check_in = decision.calls
        assert ((RESCUE,), "2026-12-08T14:01:00+00:00") == (rescue.keys, utc(rescue.due_at))
        assert (
            (CHECK_IN,),
            "2026-12-09T14:00:00+00:00",
            "2026-12-11T14:00:00+00:00",
            True,
        ) == (check_in.keys, utc(check_in.due_at), utc(check_in.deadline), check_in.extra_mile)

    def test_the_explanation_names_the_rescue(self) -> None:
        """``moved_by`` names the gap and the rescue's rule and key, then the calling
        window; ``explain()`` and the trace say so too."""
        decision = evaluate(_not_early(CHICAGO), GOLD, HISTORY, now=NOW)
        check_in = decision.calls[1]
        pushed = (
            "minimum gap: pushed 20 hours elapsed after the loyal-rescue call planned for"
            f" 2026-12-08T14:00:00+00:00 (key {RESCUE})"
        )
        assert [
            ("gap", "2026-12-08T18:00:00+00:00", "2026-12-09T10:00:00+00:00", pushed),
            (
                "calling-window",
                "2026-12-09T10:00:00+00:00",
                "2026-12-09T14:00:00+00:00",
                "calling window closed in America/Chicago until 08:00 CST",
            ),
        ] == [
            (move.constraint, utc(move.moved_from), utc(move.moved_to), move.reason)
            for move in check_in.moved_by
        ]
        assert f"  - moved: {pushed}\n" in decision.explain()
        assert _episode(decision, "intermittent-check-in", CHECK_IN) == (
            "due 2026-12-09T14:00:00+00:00 (wanted at 2026-12-08T18:00:00+00:00: 7 local"
            f" days after the trigger; {pushed}); by 2026-12-11T14:00:00+00:00, moved with"
            " the call from 2026-12-10T18:00:00+00:00 (2 local days after the due time)"
        )

    def test_the_push_counts_from_the_rescues_due_time_not_from_now(self) -> None:
        """A customer who may be called at any hour: the check-in goes 20 hours after the
        rescue was due (Wednesday 04:00 CST), whether asked at 08:01 or at 08:25, when
        the rescue, still not made, is placed at 08:25."""
        anytime = attrs.evolve(GOLD, calling_hours="00:00-24:00")
        policy = _not_early(CHICAGO)
        for asked in ("08:01", "08:25"):
            now = at(f"2026-12-08T{asked}:00-06:00")
            rescue, check_in = evaluate(policy, anytime, HISTORY, now=now).calls
            assert (now, "2026-12-09T10:00:00+00:00", "2026-12-11T10:00:00+00:00") == (
                rescue.due_at,
                utc(check_in.due_at),
                utc(check_in.deadline),
            )

    def test_at_noon_the_check_in_goes_with_the_overdue_rescue(self) -> None:
        """Not called by noon, the rescue is overdue and goes at once; the check-in is due
        then too, no longer early, and goes with it."""
        decision = evaluate(_not_early(CHICAGO), GOLD, HISTORY, now=at("2026-12-08T12:00:00-06:00"))
        (call,) = decision.calls
        assert ((RESCUE, CHECK_IN), "2026-12-08T18:00:00+00:00") == (call.keys, utc(call.due_at))

    def test_plan_gives_the_same_calls(self) -> None:
        """``plan()`` without capacity puts the same two calls on the agenda."""
        policy = _not_early(CHICAGO)
        agenda = plan(policy, [(GOLD, HISTORY)], now=NOW, horizon=Elapsed(days=7))
        expected = evaluate(policy, GOLD, HISTORY, now=NOW).calls
        assert sorted(expected, key=lambda c: c.key) == sorted(agenda, key=lambda c: c.key)


# ---------------------------------------------------------------------------------------
# Five calls planned in one week under a cap of three
# ---------------------------------------------------------------------------------------

ANY_TIME = Schedule(timezone="UTC", hours={"mon-sun": "00:00-24:00"})
LONDON = Customer(id="c-1", timezone="Europe/London")
ORDERED = event("o-1", "order", "2026-03-02T10:00:00+00:00")
"""An order on Monday 2 March 2026 at 10:00 GMT."""
DAILY = tuple(
    Rule(
        name=f"day-{day}",
        trigger=On("order"),
        scope="customer",
        due=TRIGGER + Elapsed(days=day),
        deadline=DUE + Elapsed(hours=2),
        talking_point=f"Day {day} after the order.",
    )
    for day in range(1, 6)
)
"""A call a day, from Tuesday to Saturday at 10:00, each by 12:00."""
CAPS = ContactCaps(max_attempts=3, per=Local(days=7), min_gap=Elapsed(hours=1))


def _week(*rules: Rule) -> FollowUpPolicy:
    return FollowUpPolicy(name="week", rules=rules, schedule=ANY_TIME, caps=CAPS)


def _planned(decision: Decision) -> list[tuple[tuple[str, ...], str]]:
    return [(call.rules, utc(call.due_at)) for call in decision.calls]


class TestTheCap:
    """At most three calls in any seven local days; the order asks for five, a day apart."""

    def test_the_fourth_and_fifth_wait_for_the_cap_to_free(self) -> None:
        """Tuesday, Wednesday and Thursday go as planned; Friday's and Saturday's wait
        until Tuesday's call is seven days old (the next Tuesday at 10:00), and go there
        as one call."""
        decision = evaluate(_week(*DAILY), LONDON, [ORDERED], now=at("2026-03-02T10:00:00+00:00"))
        assert [
            (("day-1",), "2026-03-03T10:00:00+00:00"),
            (("day-2",), "2026-03-04T10:00:00+00:00"),
            (("day-3",), "2026-03-05T10:00:00+00:00"),
            (("day-4", "day-5"), "2026-03-10T10:00:00+00:00"),
        ] == _planned(decision)
        (move,) = decision.calls[3].moved_by
        assert ("cap", "2026-03-06T10:00:00+00:00", "2026-03-10T10:00:00+00:00") == (
            move.constraint,
            utc(move.moved_from),
            utc(move.moved_to),
        )
        assert move.reason == (
            "cap: 3 calls in the 7 local days before 2026-03-06T10:00:00+00:00 (at most 3),"
            " 3 of them planned: the day-1 call planned for 2026-03-03T10:00:00+00:00"
            " (key c-1/-/day-1/o-1); the day-2 call planned for 2026-03-04T10:00:00+00:00"
            " (key c-1/-/day-2/o-1); the day-3 call planned for 2026-03-05T10:00:00+00:00"
            " (key c-1/-/day-3/o-1)"
        )

    def test_a_call_made_counts_with_the_planned_ones(self) -> None:
        """A call made on Sunday 1 March at 18:00 fills the cap on Thursday too: only
        Tuesday's and Wednesday's go that week; Thursday's, Friday's and Saturday's wait
        for Sunday's call to age out (8 March, 18:00), and go then as one call."""
        sunday = event(
            "s-1", "call", "2026-03-01T18:00:00+00:00", direction="outbound", channel="phone"
        )
        decision = evaluate(
            _week(*DAILY), LONDON, [sunday, ORDERED], now=at("2026-03-02T10:00:00+00:00")
        )
        assert [
            (("day-1",), "2026-03-03T10:00:00+00:00"),
            (("day-2",), "2026-03-04T10:00:00+00:00"),
            (("day-3", "day-4", "day-5"), "2026-03-08T18:00:00+00:00"),
        ] == _planned(decision)

    def test_a_call_held_past_its_rules_give_up_time_is_suppressed_naming_the_cap(
        self,
    ) -> None:
        """Saturday's call gives up a day after its deadline (Sunday 12:00): held by the
        cap until Tuesday, it is suppressed, and the reason names the planned calls."""
        last = attrs.evolve(DAILY[4], give_up_after=Elapsed(days=1))
        decision = evaluate(
            _week(*DAILY[:4], last), LONDON, [ORDERED], now=at("2026-03-02T10:00:00+00:00")
        )
        (suppressed,) = decision.suppressed
        assert ("c-1/-/day-5/o-1", "cap") == (suppressed.key, suppressed.constraint)
        assert suppressed.reason.startswith(
            "it could go no sooner than 2026-03-10T10:00:00+00:00, after its rule gives up at"
            " 2026-03-08T12:00:00+00:00 (1 day elapsed after the deadline"
            " 2026-03-07T12:00:00+00:00): cap: 3 calls in the 7 local days before"
            " 2026-03-07T10:00:00+00:00 (at most 3), 3 of them planned: the day-1 call"
        )
        assert [(("day-4",), "2026-03-10T10:00:00+00:00")] == _planned(decision)[3:]
        assert [("c-1/-/day-5/o-1", "suppressed")] == outcomes(decision, "day-5")

    def test_an_essential_call_counts_first(self) -> None:
        """A duplicate charge the same Monday asks for an essential call on Friday at
        12:00 (it bypasses the cap, and takes its room): Thursday's call would make it the
        fourth in seven days, so Thursday's waits for the cap to free, while Friday's call
        takes the essential one along; Saturday's waits too."""
        essential = Rule(
            name="charged",
            trigger=On("billing.duplicate_charge"),
            scope="customer",
            due=TRIGGER + Elapsed(days=4, hours=2),
            deadline=DUE + Elapsed(minutes=15),
            essential=True,
        )
        charge = event("d-1", "billing.duplicate_charge", "2026-03-02T10:00:00+00:00")
        decision = evaluate(
            _week(*DAILY, essential), LONDON, [ORDERED, charge], now=at("2026-03-02T10:00:00+00:00")
        )
        assert [
            (("day-1",), "2026-03-03T10:00:00+00:00"),
            (("day-2",), "2026-03-04T10:00:00+00:00"),
            (("day-4", "charged"), "2026-03-06T10:00:00+00:00"),
            (("day-3", "day-5"), "2026-03-10T10:00:00+00:00"),
        ] == _planned(decision)


# ---------------------------------------------------------------------------------------
# The gap among planned calls
# ---------------------------------------------------------------------------------------

VISIT = Rule(
    name="visit",
    trigger=On("order"),
    scope="customer",
    due=TRIGGER + Elapsed(hours=1),
    deadline=DUE + Elapsed(hours=1),
    talking_point="Book the visit.",
)
"""A call an hour after the order, by an hour later."""
SURVEY = Rule(
    name="survey",
    trigger=On("order"),
    scope="customer",
    due=TRIGGER + Elapsed(hours=6),
    deadline=DUE + Elapsed(hours=2),
    talking_point="How was ordering?",
    early=False,
)
"""A call six hours after the order, and not before."""
GAP = ContactCaps(max_attempts=5, per=Local(days=7), min_gap=Elapsed(hours=20))


class TestTheGap:
    """An order on Monday 2 March at 10:00 GMT: a visit to book at 11:00, a survey due at
    16:00 that may not be early; calls at least 20 hours apart."""

    def _decide(self, *rules: Rule) -> Decision:
        policy = FollowUpPolicy(name="gap", rules=rules, schedule=ANY_TIME, caps=GAP)
        return evaluate(policy, LONDON, [ORDERED], now=at("2026-03-02T10:00:00+00:00"))

    def test_a_call_that_may_not_be_early_waits_for_the_gap(self) -> None:
        """The survey goes on Tuesday at 07:00, 20 hours after the visit -- then waits
        for the calling window (08:00); its deadline moves as far."""
        decision = self._decide(VISIT, SURVEY)
        assert [
            (("visit",), "2026-03-02T11:00:00+00:00"),
            (("survey",), "2026-03-03T08:00:00+00:00"),
        ] == _planned(decision)
        assert "2026-03-03T10:00:00+00:00" == utc(decision.calls[1].deadline)

    def test_a_call_that_may_be_early_goes_along(self) -> None:
        """By default the survey is taken along into the visit's call at 11:00, which is
        by the visit's 12:00."""
        decision = self._decide(VISIT, attrs.evolve(SURVEY, early=True))
        assert [(("visit", "survey"), "2026-03-02T11:00:00+00:00")] == _planned(decision)
        assert "2026-03-02T12:00:00+00:00" == utc(decision.calls[0].deadline)

    def test_an_essential_call_keeps_no_gap(self) -> None:
        """An essential survey is exempt from the gap: it goes at 16:00, on its own."""
        decision = self._decide(VISIT, attrs.evolve(SURVEY, essential=True))
        assert [
            (("visit",), "2026-03-02T11:00:00+00:00"),
            (("survey",), "2026-03-02T16:00:00+00:00"),
        ] == _planned(decision)

    def test_a_call_held_past_its_rules_give_up_time_is_suppressed_naming_the_gap(
        self,
    ) -> None:
        """A survey that gives up at its deadline (18:00) cannot wait for the gap: it is
        suppressed, and the reason names the visit's call."""
        decision = self._decide(VISIT, attrs.evolve(SURVEY, give_up_after=Elapsed()))
        (suppressed,) = decision.suppressed
        assert ("gap", "c-1/-/survey/o-1") == (suppressed.constraint, suppressed.key)
        assert suppressed.reason == (
            "it could go no sooner than 2026-03-03T08:00:00+00:00, after its rule gives up"
            " at 2026-03-02T18:00:00+00:00 (at the deadline 2026-03-02T18:00:00+00:00):"
            " minimum gap: pushed 20 hours"
            " elapsed after the visit call planned for 2026-03-02T11:00:00+00:00"
            " (key c-1/-/visit/o-1)"
        )

    def test_the_gap_after_a_call_made_and_after_a_planned_one_are_two_moves(self) -> None:
        """A call made on Sunday at 18:00 holds the survey (due at 12:00) until 14:00; the
        visit, essential, goes at 11:00 regardless, and the survey, which may not be
        early, waits 20 hours after it too, then for the calling window: ``moved_by``
        says each once, in that order."""
        sunday = event(
            "s-1", "call", "2026-03-01T18:00:00+00:00", direction="outbound", channel="phone"
        )
        policy = FollowUpPolicy(
            name="gap",
            rules=[
                attrs.evolve(VISIT, essential=True),
                attrs.evolve(SURVEY, due=TRIGGER + Elapsed(hours=2)),
            ],
            schedule=ANY_TIME,
            caps=GAP,
        )
        decision = evaluate(policy, LONDON, [sunday, ORDERED], now=at("2026-03-02T10:00:00+00:00"))
        visit, survey = decision.calls
        assert (("visit",), "2026-03-02T11:00:00+00:00") == (visit.rules, utc(visit.due_at))
        assert [
            ("gap", "2026-03-02T12:00:00+00:00", "2026-03-02T14:00:00+00:00", "the last call"),
            ("gap", "2026-03-02T14:00:00+00:00", "2026-03-03T07:00:00+00:00", "the visit call"),
            ("calling-window", "2026-03-03T07:00:00+00:00", "2026-03-03T08:00:00+00:00", "GMT"),
        ] == [
            (
                move.constraint,
                utc(move.moved_from),
                utc(move.moved_to),
                next(w for w in ("the last call", "the visit call", "GMT") if w in move.reason),
            )
            for move in survey.moved_by
        ]
