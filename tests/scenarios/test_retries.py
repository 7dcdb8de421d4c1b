"""Story tables for attempts and retries: a call that did not reach the customer is the
same call, tried again after its rule's spacing, until its rule's tries run out.

Instants are written in UTC; local times are spelled out in the docstrings.
"""

from __future__ import annotations

import csv
import io

import attrs

from extramile import (
    TRIGGER,
    Call,
    ContactCaps,
    Customer,
    Decision,
    Elapsed,
    FollowUpPolicy,
    Interaction,
    Local,
    On,
    Retry,
    Rule,
    Schedule,
    evaluate,
    plan,
    starter_policy,
)
from extramile.cli.rendering import csv_agenda, json_agenda
from extramile.reports import calls_made
from scenario_helpers import at, event, outcomes, utc

# ---------------------------------------------------------------------------------------
# The duplicate charge: tried again 30 minutes after an unanswered call, three tries
# ---------------------------------------------------------------------------------------

NEW_YORK = starter_policy(company_timezone="America/New_York")
CUSTOMER = Customer(id="c-1", timezone="America/New_York", tier="silver")
CHARGE = event("ch-1", "billing.duplicate_charge", "2026-11-25T16:00:00+00:00")
CHARGE_KEY = "c-1/-/duplicate-charge-callback/ch-1"
RULE = "duplicate-charge-callback"


def _first_call() -> Call:
    (call,) = evaluate(NEW_YORK, CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00")).calls
    return call


def _tried(*tries: tuple[str, str, str]) -> list[Interaction]:
    """The charge and calls made for it: (id, instant, outcome) each."""
    call = _first_call()
    return [CHARGE, *(call.record(id=i, at=at(when), outcome=o) for i, when, o in tries)]


class TestDuplicateChargeRetries:
    """A customer in New York charged twice at 11:00 EST on Wednesday 25 November; the
    callback is due at once, by 11:15 EST, and is tried again 30 minutes after a call
    that did not reach them."""

    def test_the_first_call_is_try_one_of_three(self) -> None:
        """Before any attempt: try 1 of 3, and ``explain()`` says nothing of tries."""
        call = _first_call()
        assert (1, 3) == (call.attempt, call.tries)
        decision = evaluate(NEW_YORK, CUSTOMER, [CHARGE], now=at("2026-11-25T16:01:00+00:00"))
        assert "try" not in decision.explain()

    def test_no_answer_moves_the_same_call_to_try_two_thirty_minutes_later(self) -> None:
        """Called at 11:05 EST, no answer: at 11:06 the same key is due at 11:35 (try 2
        of 3), its deadline moved as far (11:15 + 35 minutes = 11:50), and the decision
        changes next when it falls due."""
        history = _tried(("m-1", "2026-11-25T16:05:00+00:00", "no_answer"))
        decision = evaluate(NEW_YORK, CUSTOMER, history, now=at("2026-11-25T16:06:00+00:00"))
        (call,) = decision.calls
        assert (CHARGE_KEY, (CHARGE_KEY,)) == (call.key, call.keys)
        assert ("2026-11-25T16:35:00+00:00", "2026-11-25T16:50:00+00:00") == (
            utc(call.due_at),
            utc(call.deadline),
        )
        assert (2, 3, ()) == (call.attempt, call.tries, decision.suppressed)
        assert decision.revisit_at is not None
        assert "2026-11-25T16:35:00+00:00" == utc(decision.revisit_at)
        text = decision.explain()
        assert (
            "CALL urgent due 2026-11-25T11:35-05:00, by 2026-11-25T11:50-05:00 [extra mile]:"
            " duplicate-charge-callback (try 2 of 3)"
        ) in text
        assert (
            "try 2 of 3, due 30 minutes elapsed after the unanswered call 'm-1' at"
            " 2026-11-25T16:05:00+00:00 (no_answer)"
        ) in text
        (episode,) = next(t for t in decision.trace if t.rule == RULE).episodes
        assert ("call", 2) == (episode.outcome, episode.attempt)

    def test_the_retry_is_due_now_once_its_spacing_has_passed(self) -> None:
        """At 11:40 EST, after the 11:35 try fell due: due now, still try 2."""
        history = _tried(("m-1", "2026-11-25T16:05:00+00:00", "no_answer"))
        decision = evaluate(NEW_YORK, CUSTOMER, history, now=at("2026-11-25T16:40:00+00:00"))
        (call,) = decision.calls
        assert ("2026-11-25T16:40:00+00:00", "2026-11-25T16:50:00+00:00", 2) == (
            utc(call.due_at),
            utc(call.deadline),
            call.attempt,
        )

    def test_reached_on_the_second_try_satisfies_it(self) -> None:
        """No answer at 11:05, reached at 11:35: nothing is left to do."""
        history = _tried(
            ("m-1", "2026-11-25T16:05:00+00:00", "no_answer"),
            ("m-2", "2026-11-25T16:35:00+00:00", "reached"),
        )
        decision = evaluate(NEW_YORK, CUSTOMER, history, now=at("2026-11-25T16:36:00+00:00"))
        assert ((), ()) == (decision.calls, decision.suppressed)
        assert [(CHARGE_KEY, "satisfied")] == outcomes(decision, RULE)

    def test_a_call_with_no_outcome_recorded_reached_them(self) -> None:
        """A call logged by hand with no outcome counts as reaching the customer."""
        made = event(
            "m-1", "call", "2026-11-25T16:05:00+00:00", direction="outbound", channel="phone"
        )
        decision = evaluate(NEW_YORK, CUSTOMER, [CHARGE, made], now=at("2026-11-25T16:06:00+00:00"))
        assert [(CHARGE_KEY, "satisfied")] == outcomes(decision, RULE)

    def test_three_unanswered_calls_end_it_as_unreachable(self) -> None:
        """No answer at 11:05, busy at 11:36, voicemail at 12:07: three tries, none
        reached them.  The episode is suppressed as unreachable, naming the attempts,
        until the rule gives up (7 days after the 11:15 deadline)."""
        history = _tried(
            ("m-1", "2026-11-25T16:05:00+00:00", "no_answer"),
            ("m-2", "2026-11-25T16:36:00+00:00", "busy"),
            ("m-3", "2026-11-25T17:07:00+00:00", "voicemail"),
        )
        decision = evaluate(NEW_YORK, CUSTOMER, history, now=at("2026-11-25T17:08:00+00:00"))
        assert () == decision.calls
        (item,) = decision.suppressed
        assert (CHARGE_KEY, RULE, "unreachable", None) == (
            item.key,
            item.rule,
            item.constraint,
            item.until,
        )
        assert item.reason == (
            "unreachable: 3 unanswered call(s) of the 3 tries its rule allows:"
            " 'm-1' at 2026-11-25T16:05:00+00:00 (no_answer),"
            " 'm-2' at 2026-11-25T16:36:00+00:00 (busy),"
            " 'm-3' at 2026-11-25T17:07:00+00:00 (voicemail)"
        )
        assert [(CHARGE_KEY, "suppressed")] == outcomes(decision, RULE)
        assert f"SUPPRESSED {RULE}: {item.reason}" in decision.explain()
        assert decision.revisit_at is not None
        assert "2026-12-02T16:15:00+00:00" == utc(decision.revisit_at)
        lapsed = evaluate(NEW_YORK, CUSTOMER, history, now=decision.revisit_at)
        assert ((), [(CHARGE_KEY, "lapsed")]) == (lapsed.suppressed, outcomes(lapsed, RULE))

    def test_a_next_try_after_the_rule_gives_up_is_unreachable(self) -> None:
        """Called at last on Wednesday 2 December at 11:00 EST, no answer: the next try
        (11:30) would come after the rule gives up (11:15, 7 days after the deadline), so
        the episode is suppressed as unreachable, saying so, until it lapses."""
        history = _tried(("m-1", "2026-12-02T16:00:00+00:00", "no_answer"))
        decision = evaluate(NEW_YORK, CUSTOMER, history, now=at("2026-12-02T16:01:00+00:00"))
        assert () == decision.calls
        (item,) = decision.suppressed
        assert ("unreachable", CHARGE_KEY) == (item.constraint, item.key)
        assert item.reason == (
            "it could go no sooner than 2026-12-02T16:30:00+00:00, after its rule gives up"
            " at 2026-12-02T16:15:00+00:00 (7 local days after the deadline"
            " 2026-11-25T16:15:00+00:00): its next try waits 30 minutes elapsed after the"
            " last of 1 unanswered call(s) of the 3 tries its rule allows:"
            " 'm-1' at 2026-12-02T16:00:00+00:00 (no_answer)"
        )
        assert decision.revisit_at is not None
        assert "2026-12-02T16:15:00+00:00" == utc(decision.revisit_at)

    def test_two_unanswered_calls_leave_the_third_try(self) -> None:
        """Two attempts: try 3 of 3, due 30 minutes after the second."""
        history = _tried(
            ("m-1", "2026-11-25T16:05:00+00:00", "no_answer"),
            ("m-2", "2026-11-25T16:36:00+00:00", "no_answer"),
        )
        decision = evaluate(NEW_YORK, CUSTOMER, history, now=at("2026-11-25T16:37:00+00:00"))
        (call,) = decision.calls
        assert ("2026-11-25T17:06:00+00:00", 3, 3) == (utc(call.due_at), call.attempt, call.tries)


# ---------------------------------------------------------------------------------------
# Voicemail, accepted or not
# ---------------------------------------------------------------------------------------


def _with_retry(retry: Retry) -> FollowUpPolicy:
    rules = tuple(
        attrs.evolve(rule, retry=retry) if isinstance(rule, Rule) and rule.name == RULE else rule
        for rule in NEW_YORK.rules
    )
    return attrs.evolve(NEW_YORK, rules=rules)


class TestVoicemail:
    """A voicemail is an attempt unless the rule accepts it."""

    HISTORY = (CHARGE,)

    def _after_voicemail(self, policy: FollowUpPolicy) -> Decision:
        made = _first_call().record(
            id="m-1", at=at("2026-11-25T16:05:00+00:00"), outcome="voicemail"
        )
        return evaluate(policy, CUSTOMER, [CHARGE, made], now=at("2026-11-25T16:06:00+00:00"))

    def test_a_voicemail_is_an_attempt_by_default(self) -> None:
        """The starter policy does not accept voicemail: try 2 at 11:35 EST."""
        (call,) = self._after_voicemail(NEW_YORK).calls
        assert ("2026-11-25T16:35:00+00:00", 2) == (utc(call.due_at), call.attempt)

    def test_a_rule_that_accepts_voicemail_is_satisfied_by_one(self) -> None:
        """``Retry(voicemail=True)``: the voicemail answers it."""
        decision = self._after_voicemail(
            _with_retry(Retry(every=Elapsed(minutes=30), voicemail=True))
        )
        assert [(CHARGE_KEY, "satisfied")] == outcomes(decision, RULE)

    def test_one_try_only_ends_at_the_first_unanswered_call(self) -> None:
        """``Retry(tries=1)``: the voicemail ends it as unreachable."""
        decision = self._after_voicemail(_with_retry(Retry(tries=1)))
        assert ["unreachable"] == [item.constraint for item in decision.suppressed]


# ---------------------------------------------------------------------------------------
# The minimum gap and the cap
# ---------------------------------------------------------------------------------------

ANY_TIME = Schedule(timezone="UTC", hours={"mon-sun": "00:00-24:00"})
CHECK = Rule(
    name="check",
    trigger=On("issue.opened"),
    due=TRIGGER,
    deadline=TRIGGER + Elapsed(hours=4),
    talking_point="Check on the problem.",
)
LONDON = Customer(id="c-1", timezone="Europe/London")


def _capped(max_attempts: int) -> FollowUpPolicy:
    return FollowUpPolicy(
        name="capped",
        rules=[CHECK],
        schedule=ANY_TIME,
        caps=ContactCaps(max_attempts=max_attempts, per=Local(days=7), min_gap=Elapsed(hours=20)),
    )


def _call(ident: str, when: str, *, issue: str | None, outcome: str) -> Interaction:
    return event(
        ident,
        "call",
        when,
        direction="outbound",
        channel="phone",
        issue_id=issue,
        outcome=outcome,
    )


OPENED = event("t-1", "issue.opened", "2026-03-09T09:00:00+00:00", issue_id="t-1")
MISSED = _call("m-1", "2026-03-09T09:30:00+00:00", issue="t-1", outcome="no_answer")
KEY = "c-1/t-1/check/t-1"


class TestGapAndCap:
    """An issue opened at 09:00 GMT on Monday 9 March 2026, staff open around the clock,
    calls at least 20 hours apart; an agent called at 09:30 and got no answer."""

    def test_a_retry_is_not_held_back_by_the_gap_after_its_own_attempt(self) -> None:
        """Try 2 is due at 11:30 (two hours on), though 20 hours have not passed."""
        decision = evaluate(
            _capped(3), LONDON, [OPENED, MISSED], now=at("2026-03-09T09:31:00+00:00")
        )
        (call,) = decision.calls
        assert (KEY, "2026-03-09T11:30:00+00:00", 2, ()) == (
            call.key,
            utc(call.due_at),
            call.attempt,
            call.moved_by,
        )
        # Its deadline moved with it, counted in elapsed time: 13:00 + 2h30.
        assert "2026-03-09T15:30:00+00:00" == utc(call.deadline)

    def test_another_call_is_held_back_by_the_gap_after_that_attempt(self) -> None:
        """A new issue opened at 09:45 waits for the gap after the 09:30 attempt (until
        05:30 the next day), then for the calling window (08:00)."""
        other = event("t-2", "issue.opened", "2026-03-09T09:45:00+00:00", issue_id="t-2")
        decision = evaluate(
            _capped(3), LONDON, [OPENED, MISSED, other], now=at("2026-03-09T09:46:00+00:00")
        )
        by_key = {call.key: call for call in decision.calls}
        assert "2026-03-09T11:30:00+00:00" == utc(by_key[KEY].due_at)
        fresh = by_key["c-1/t-2/check/t-2"]
        assert ("2026-03-10T08:00:00+00:00", 1) == (utc(fresh.due_at), fresh.attempt)
        assert [
            ("gap", "2026-03-10T05:30:00+00:00"),
            ("calling-window", "2026-03-10T08:00:00+00:00"),
        ] == [(move.constraint, utc(move.moved_to)) for move in fresh.moved_by]

    def test_the_gap_after_another_call_still_holds_a_retry(self) -> None:
        """A call reached the customer about something else on Sunday at 20:00; the retry
        waits for the gap after that call (16:00), and the reason names that call, not
        the retry's own attempt."""
        sunday = _call("s-1", "2026-03-08T20:00:00+00:00", issue=None, outcome="reached")
        early = _call("m-1", "2026-03-09T10:00:00+00:00", issue="t-1", outcome="no_answer")
        decision = evaluate(
            _capped(3), LONDON, [sunday, OPENED, early], now=at("2026-03-09T10:01:00+00:00")
        )
        (call,) = decision.calls
        assert ("2026-03-09T16:00:00+00:00", 2) == (utc(call.due_at), call.attempt)
        (move,) = call.moved_by
        assert ("gap", "2026-03-09T12:00:00+00:00") == (move.constraint, utc(move.moved_from))
        assert move.reason == (
            "minimum gap: the last call was at 2026-03-08T20:00:00+00:00,"
            " and calls are at least 20 hours elapsed apart"
        )

    def test_a_retry_counts_toward_the_cap(self) -> None:
        """At most 2 calls in 7 days: with a call on Saturday 7 March at 10:00 and the
        09:30 attempt, the retry waits until Saturday's call ages out (14 March, 10:00)."""
        saturday = _call("s-1", "2026-03-07T10:00:00+00:00", issue=None, outcome="reached")
        decision = evaluate(
            _capped(2), LONDON, [saturday, OPENED, MISSED], now=at("2026-03-09T09:31:00+00:00")
        )
        (call,) = decision.calls
        assert ("2026-03-14T10:00:00+00:00", 2) == (utc(call.due_at), call.attempt)
        assert ["cap"] == [move.constraint for move in call.moved_by]


# ---------------------------------------------------------------------------------------
# Across a book, and in the reports
# ---------------------------------------------------------------------------------------


class TestAgendaAndReports:
    def test_the_agenda_carries_the_try_in_calls_json_and_csv(self) -> None:
        """The planned call is try 2 of 3, in the call, the JSON rows and the CSV."""
        history = _tried(("m-1", "2026-11-25T16:05:00+00:00", "no_answer"))
        agenda = plan(
            NEW_YORK,
            [(CUSTOMER, history)],
            now=at("2026-11-25T16:06:00+00:00"),
            horizon=Elapsed(days=1),
        )
        (call,) = agenda.calls
        assert (2, 3) == (call.attempt, call.tries)
        (row,) = json_agenda(agenda, ())["calls"]
        assert (2, 3) == (row["attempt"], row["tries"])
        (line,) = csv.DictReader(io.StringIO(csv_agenda(agenda)))
        assert ("2", "3") == (line["attempt"], line["tries"])

    def test_an_unanswered_attempt_is_work_done_in_the_report(self) -> None:
        """The report credits the 11:05 attempt and the 11:35 call that reached them to
        the rule, and counts none as unplanned."""
        history = _tried(
            ("m-1", "2026-11-25T16:05:00+00:00", "no_answer"),
            ("m-2", "2026-11-25T16:35:00+00:00", "reached"),
        )
        report = calls_made(
            NEW_YORK,
            [(CUSTOMER, history)],
            start=at("2026-11-23T00:00:00+00:00"),
            end=at("2026-11-30T00:00:00+00:00"),
        )
        assert [("m-1", (RULE,)), ("m-2", (RULE,))] == [
            (made.interaction_id, made.rules) for made in report.calls
        ]
        assert 0 == report.unplanned
