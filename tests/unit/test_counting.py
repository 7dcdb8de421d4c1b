"""Unit tests of the counting conditions (``extramile._conditions.counting`` and
``selection``): ``contacts(...) >= n``, ``no_contact`` and ``since_last_contact``, with
exact instants; their windows' edges, daylight-saving changes inside local windows, and
``changes_at``; and ``count_at_least`` on the same machinery."""

from __future__ import annotations

import datetime as dt
import math
import pickle
from typing import Any

import attrs
import pytest

import extramile._conditions as conditions_package
from extramile import (
    Channel,
    Customer,
    Direction,
    Elapsed,
    Interaction,
    InvalidPolicyError,
    Local,
    PolicyError,
    PolicyTypeError,
    Schedule,
)
from extramile._conditions import compile_condition
from extramile.conditions import (
    Condition,
    Context,
    IssueThread,
    contacts,
    count_at_least,
    no_contact,
    since_last_contact,
    tier_in,
)

OFFICE = Schedule(timezone="America/New_York", hours={"mon-fri": "09:00-17:00"})
NEW_YORK = Customer(id="c-1", timezone="America/New_York")
REPEAT = (
    contacts(direction="inbound", exclude_channel="system", scope="issue", within=Local(days=10))
    >= 3
)
"""The starter policy's coming ``repeat-contact`` count: inbound contacts of any kind on
the issue, system-channel events left out."""


def ts(text: str) -> float:
    """POSIX seconds of ISO-8601 text with an offset."""
    return dt.datetime.fromisoformat(text).timestamp()


def item(
    ident: str,
    when: str,
    kind: str = "issue.updated",
    *,
    direction: str = "inbound",
    channel: str = "phone",
    issue: str | None = "t-1",
) -> Interaction:
    """An interaction of customer c-1."""
    return Interaction(
        id=ident,
        customer_id="c-1",
        kind=kind,
        at=dt.datetime.fromisoformat(when),
        direction=direction,
        channel=channel,
        issue_id=issue,
    )


def context(
    history: list[Interaction],
    now: str,
    *,
    issue: str | None = "t-1",
    customer: Customer = NEW_YORK,
) -> Context:
    """The context of an episode of ``issue`` (its thread made from ``history``), judged
    at ``now``; its trigger is the last interaction."""
    thread = None
    if issue is not None:
        thread = IssueThread(issue)
        thread.extend([i for i in history if i.issue_id == issue])
    trigger = history[-1] if history else None
    return Context(
        customer=customer,
        now=ts(now),
        history=history,
        schedule=OFFICE,
        trigger=trigger,
        episode_start=None if trigger is None else trigger.ts,
        issue=thread,
    )


def untyped(value: object) -> Any:
    """``value``, hidden from the type checker: a user without one may pass anything."""
    return value


def answers(condition: Condition, ctx: Context) -> tuple[bool, bool, float | None]:
    """What ``check`` and the compiled form say, and ``changes_at``."""
    return condition.check(ctx), compile_condition(condition)(ctx), condition.changes_at(ctx)


# Around New York's spring-forward on Sunday 8 March 2026 (02:00 EST becomes 03:00 EDT).
SPRING = [
    item("open", "2026-03-01T10:00:00-05:00", "issue.opened"),
    item("call-in", "2026-03-05T10:00:00-05:00", "call"),
    item("system", "2026-03-06T10:00:00-05:00", channel="system"),
    item("ours", "2026-03-07T10:00:00-05:00", "call", direction="outbound"),
    item("other-issue", "2026-03-08T10:00:00-04:00", issue="t-2"),
    item("chat", "2026-03-09T10:00:00-04:00", channel="chat"),
]

EXAMPLES: list[Condition] = [
    REPEAT,
    contacts(within=Elapsed(hours=48)) >= 1,
    contacts("call", "issue.opened", channel=("phone", "chat"), within=Local(days=7)) > 2,
    contacts("call", channel="phone", within=Local(days=7)) < 2,
    contacts(direction="outbound", within=Elapsed(days=3)) <= 0,
    no_contact("call", direction="outbound", within=Local(days=7)),
    no_contact(exclude_channel=("system", "web"), scope="issue", within=Elapsed(hours=4)),
    since_last_contact(direction="inbound", at_least=Elapsed(hours=48)),
    since_last_contact("feedback", scope="issue", at_least=Local(days=0)),
    count_at_least("call", 2, within=Local(days=7)),
    REPEAT & tier_in("gold"),
    contacts(direction="inbound", scope="issue", within=Local(days=10)).reaches(3),
]
NAMESPACE: dict[str, object] = {**vars(conditions_package), "Elapsed": Elapsed, "Local": Local}


class TestAsData:
    """The counting conditions print as the call that builds them, compare equal by
    meaning and pickle."""

    @pytest.mark.parametrize("condition", EXAMPLES, ids=repr)
    def test_repr_reads_back_as_an_equal_condition(self, condition: Condition) -> None:
        """The repr is the Python that builds an equal condition."""
        assert condition == eval(repr(condition), NAMESPACE)  # our own repr, read back

    @pytest.mark.parametrize("condition", EXAMPLES, ids=repr)
    def test_pickles_to_an_equal_condition(self, condition: Condition) -> None:
        """A pickled condition compares equal and hashes alike."""
        copied = pickle.loads(pickle.dumps(condition))
        assert (condition, hash(condition)) == (copied, hash(copied))

    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (
                REPEAT,
                (
                    "contacts(direction='inbound', exclude_channel='system', scope='issue',"
                    " within=Local(days=10)) >= 3"
                ),
            ),
            (
                contacts("issue.opened", "call", within=Elapsed(hours=48)) > 1,
                "contacts('call', 'issue.opened', within=Elapsed(days=2)) >= 2",
            ),
            (
                contacts(channel=["chat", Channel.PHONE], within=Local(days=1)) < 1,
                "~(contacts(channel=('chat', 'phone'), within=Local(days=1)) >= 1)",
            ),
            (
                contacts(direction=Direction.OUTBOUND, within=Local(days=1)) <= 2,
                "~(contacts(direction='outbound', within=Local(days=1)) >= 3)",
            ),
            (
                no_contact("call", direction="outbound", within=Local(weeks=1)),
                "no_contact('call', direction='outbound', within=Local(days=7))",
            ),
            (
                since_last_contact(
                    direction="inbound", exclude_channel={"system"}, at_least=Elapsed(hours=36)
                ),
                (
                    "since_last_contact(direction='inbound', exclude_channel='system',"
                    " at_least=Elapsed(hours=36))"
                ),
            ),
            (
                (contacts(within=Local(days=1)) >= 2) & tier_in("gold"),
                "(contacts(within=Local(days=1)) >= 2) & tier_in('gold')",
            ),
        ],
    )
    def test_repr(self, condition: Condition, expected: str) -> None:
        """Kinds sorted, defaults left out, the shorter of the channels counted or left
        out, and ``>``, ``<``, ``<=`` as the ``>=`` they mean."""
        assert expected == repr(condition)

    def test_equal_by_meaning(self) -> None:
        """Leaving out the system channel is counting the five others; ``> 2`` is
        ``>= 3``; kinds in any order."""
        others = ("phone", "email", "chat", "visit", "web")
        assert (True, True, True) == (
            REPEAT
            == (
                contacts(direction="inbound", channel=others, scope="issue", within=Local(days=10))
                >= 3
            ),
            (contacts(within=Local(days=1)) > 2) == (contacts(within=Local(days=1)) >= 3),
            contacts("a", "b", within=Local(days=1)) == contacts("b", "a", within=Local(days=1)),
        )


class TestContacts:
    """``contacts(...) >= n`` counts the interactions of a sort in a window that ends at
    ``ctx.now``."""

    def test_inbound_contacts_on_the_issue_within_ten_local_days(self) -> None:
        """On 10 March: the opening, the inbound call and the chat on t-1 make three;
        the system event, our own call and the contact on t-2 do not count.  The count
        falls to two when the opening (10:00 EST on 1 March) is ten local days old: 10:00
        EDT on 11 March, 14:00Z, an hour before 240 elapsed hours."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert (True, True, ts("2026-03-11T14:00:00+00:00")) == answers(REPEAT, ctx)

    def test_elapsed_days_do_not_keep_the_wall_clock(self) -> None:
        """The same count in 240 elapsed hours loses the opening at 15:00Z."""
        condition = (
            contacts(
                direction="inbound",
                exclude_channel="system",
                scope="issue",
                within=Elapsed(days=10),
            )
            >= 3
        )
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert (True, True, ts("2026-03-11T15:00:00+00:00")) == answers(condition, ctx)

    @pytest.mark.parametrize(
        ("now", "expected"),
        [
            ("2026-03-11T09:59:59-04:00", True),  # a second before ten local days
            ("2026-03-11T10:00:00-04:00", False),  # exactly ten local days: out
        ],
    )
    def test_the_window_edge(self, now: str, expected: bool) -> None:
        """An interaction exactly ``within`` before the judged moment counts no more."""
        ctx = context(SPRING, now)
        assert (expected, expected) == answers(REPEAT, ctx)[:2]

    def test_an_interaction_at_the_judged_moment_counts(self) -> None:
        """The third contact at ``ctx.now`` itself makes three (the rule judged at its
        trigger sees the contact that triggered it); one a second later has not
        happened yet and is not counted, even in the history."""
        third = item("third", "2026-03-10T09:00:00-04:00")
        later = item("later", "2026-03-10T09:00:01-04:00")
        history = [SPRING[0], SPRING[1], third, later]
        at_third = context(history, "2026-03-10T09:00:00-04:00")
        before = context(history, "2026-03-10T08:59:59-04:00")
        assert ((True, True), (False, False)) == (
            answers(REPEAT, at_third)[:2],
            answers(REPEAT, before)[:2],
        )

    def test_customer_scope_counts_every_issue(self) -> None:
        """Scope ``"customer"`` (the default) counts t-2 and contacts about no issue."""
        history = [*SPRING, item("no-issue", "2026-03-09T11:00:00-04:00", issue=None)]
        ctx = context(history, "2026-03-10T09:00:00-04:00")
        everyone = contacts(direction="inbound", exclude_channel="system", within=Local(days=10))
        assert (False, True) == (
            (everyone >= 6).check(ctx),
            (everyone >= 5).check(ctx),
        )

    def test_several_kinds_and_channels(self) -> None:
        """Kinds and channels narrow the count: calls and updates by phone or chat, in
        either direction, on any issue: four (the system event is left out)."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        counted = contacts(
            "call", "issue.updated", channel=("phone", "chat"), within=Local(days=10)
        )
        assert (True, False) == ((counted >= 4).check(ctx), (counted >= 5).check(ctx))

    def test_an_episode_about_no_issue_has_nothing_on_its_issue(self) -> None:
        """Scope ``"issue"`` counts nothing when the episode is about no issue, and
        says so."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00", issue=None)
        assert ((False, False, None), f"{REPEAT!r} failed: the episode is not about an issue") == (
            answers(REPEAT, ctx),
            REPEAT.explain(ctx),
        )

    def test_explain_says_what_was_counted_where(self) -> None:
        """The count, where, and the window."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert (
            f"{REPEAT!r} held: 3 such interactions on issue 't-1' in the 10 local days up to"
            " 2026-03-10 13:00:00+00:00"
        ) == REPEAT.explain(ctx)

    def test_a_later_interaction_in_a_repeated_hour_leaves_first(self) -> None:
        """Two inbound contacts on the night New York's clocks go back, 01:30 EDT and
        01:10 EST (later, but earlier on the clock): seven local days on, the later one
        leaves first, at 01:10 EST on 9 November (06:10Z), and two are no longer two."""
        first = item("a", "2025-11-02T01:30:00-04:00")
        second = item("b", "2025-11-02T01:10:00-05:00")
        condition = contacts(scope="issue", within=Local(days=7)) >= 2
        ctx = context([first, second], "2025-11-08T12:00:00+00:00")
        after = context([first, second], "2025-11-09T06:10:00+00:00")
        assert ((True, True, ts("2025-11-09T06:10:00+00:00")), (False, False)) == (
            answers(condition, ctx),
            answers(condition, after)[:2],
        )

    def test_not_reached_cannot_change_alone(self) -> None:
        """Too few: only a new interaction changes that."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert (False, False, None) == answers(
            contacts(scope="issue", within=Local(days=10)) >= 9, ctx
        )

    def test_fewer_than(self) -> None:
        """``< 4`` holds with three, and changes when ``>= 4`` would."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        window = contacts(direction="inbound", scope="issue", within=Local(days=10))
        assert ((True, True, None), (False, False, ts("2026-03-11T14:00:00+00:00"))) == (
            answers(window < 5, ctx),
            answers(window < 4, ctx),
        )


class TestNoContact:
    """``no_contact``: nothing of the sort in the window."""

    def test_an_inbound_call_does_not_count_as_ours(self) -> None:
        """ "Unless we called in the last 7 days": the customer's own call on 5 March is
        not ours; our call on 7 March is, until 10:00 EDT on 14 March (seven local days
        after 10:00 EST, across the change to summer time)."""
        ours = no_contact("call", direction="outbound", within=Local(days=7))
        without_ours = [i for i in SPRING if i.id != "ours"]
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert ((False, False, ts("2026-03-14T14:00:00+00:00")), (True, True, None)) == (
            answers(ours, ctx),
            answers(ours, context(without_ours, "2026-03-10T09:00:00-04:00")),
        )

    @pytest.mark.parametrize(
        ("now", "expected"),
        [
            ("2026-03-14T09:59:59-04:00", False),
            ("2026-03-14T10:00:00-04:00", True),  # exactly seven local days after
        ],
    )
    def test_the_window_edge(self, now: str, expected: bool) -> None:
        """Our call exactly seven local days before no longer counts."""
        ours = no_contact("call", direction="outbound", within=Local(days=7))
        assert (expected, expected) == answers(ours, context(SPRING, now))[:2]

    def test_explain(self) -> None:
        """Held: where it looked; failed: how many, and the latest."""
        ours = no_contact("call", direction="outbound", within=Local(days=7))
        failed = ours.explain(context(SPRING, "2026-03-10T09:00:00-04:00"))
        held = ours.explain(context(SPRING, "2026-03-20T09:00:00-04:00"))
        assert (
            (
                f"{ours!r} failed: 1 such interaction with the customer in the 7 local days up to"
                " 2026-03-10 13:00:00+00:00, the latest: 'call' at 2026-03-07 15:00:00+00:00"
            ),
            (
                f"{ours!r} held: none with the customer in the 7 local days up to"
                " 2026-03-20 13:00:00+00:00"
            ),
        ) == (failed, held)

    def test_the_last_to_leave_decides(self) -> None:
        """Three outbound calls: the answer changes when the latest has left."""
        calls = [
            item(f"call-{day}", f"2026-04-{day:02d}T10:00:00-04:00", "call", direction="outbound")
            for day in (1, 2, 3)
        ]
        condition = no_contact(direction="outbound", within=Elapsed(hours=72))
        assert (False, False, ts("2026-04-06T14:00:00+00:00")) == answers(
            condition, context(calls, "2026-04-04T00:00:00-04:00")
        )

    def test_no_issue(self) -> None:
        """On the issue of an episode about none, there was none."""
        condition = no_contact(scope="issue", within=Local(days=7))
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00", issue=None)
        assert ((True, True, None), f"{condition!r} held: the episode is not about an issue") == (
            answers(condition, ctx),
            condition.explain(ctx),
        )


class TestSinceLastContact:
    """``since_last_contact``: there was one, and the last is long enough ago."""

    INBOUND = since_last_contact(
        direction="inbound", exclude_channel="system", at_least=Elapsed(hours=48)
    )

    def test_the_last_inbound_contact(self) -> None:
        """The chat at 14:00Z on 9 March: 48 hours on, 14:00Z on 11 March; our own call
        and the system event do not count."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert (False, False, ts("2026-03-11T14:00:00+00:00")) == answers(self.INBOUND, ctx)

    @pytest.mark.parametrize(
        ("now", "expected"),
        [
            ("2026-03-11T13:59:59+00:00", False),
            ("2026-03-11T14:00:00+00:00", True),  # exactly 48 hours after
            ("2026-05-01T00:00:00+00:00", True),
        ],
    )
    def test_the_edge(self, now: str, expected: bool) -> None:
        """Exactly ``at_least`` after the last one, it holds."""
        ctx = context(SPRING, now)
        assert (expected, expected) == answers(self.INBOUND, ctx)[:2]

    def test_never_one(self) -> None:
        """Without any such interaction it fails, and nothing changes with time alone."""
        ctx = context([SPRING[3]], "2026-03-10T09:00:00-04:00")
        assert (
            (False, False, None),
            f"{self.INBOUND!r} failed: there was no such interaction with the customer",
        ) == (
            answers(self.INBOUND, ctx),
            self.INBOUND.explain(ctx),
        )

    def test_explain(self) -> None:
        """Held: the latest one; failed: what is still within."""
        held = self.INBOUND.explain(context(SPRING, "2026-03-12T00:00:00+00:00"))
        failed = self.INBOUND.explain(context(SPRING, "2026-03-10T13:00:00+00:00"))
        assert (
            (
                f"{self.INBOUND!r} held: the latest such interaction with the customer:"
                " 'issue.updated' at 2026-03-09 14:00:00+00:00"
            ),
            (
                f"{self.INBOUND!r} failed: 2 such interactions with the customer in the 2 days"
                " elapsed up to 2026-03-10 13:00:00+00:00, the latest: 'issue.updated' at"
                " 2026-03-09 14:00:00+00:00"
            ),
        ) == (held, failed)

    def test_local_days_across_the_change_to_summer_time(self) -> None:
        """Seven local days after the inbound call at 10:00 EST on 5 March: 10:00 EDT on
        12 March (14:00Z), not 15:00Z."""
        condition = since_last_contact("call", direction="inbound", at_least=Local(days=7))
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        assert (False, False, ts("2026-03-12T14:00:00+00:00")) == answers(condition, ctx)

    def test_no_issue(self) -> None:
        """On the issue of an episode about none, there was none: it fails."""
        condition = since_last_contact(scope="issue", at_least=Elapsed())
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00", issue=None)
        assert (
            (False, False, None),
            f"{condition!r} failed: the episode is not about an issue",
        ) == (
            answers(condition, ctx),
            condition.explain(ctx),
        )


class TestCountAtLeast:
    """``count_at_least`` keeps its meaning on the shared machinery."""

    def test_counts_one_kind_in_both_directions_across_issues(self) -> None:
        """Both calls count (ours too), whatever their issue; the answer changes when the
        first is seven local days old."""
        ctx = context(SPRING, "2026-03-10T09:00:00-04:00")
        condition = count_at_least("call", 2, within=Local(days=7))
        assert (
            (True, True, ts("2026-03-12T14:00:00+00:00")),
            f"{condition!r} held: 2 such interactions",
        ) == (
            answers(condition, ctx),
            condition.explain(ctx),
        )


THIRD = contacts(
    direction="inbound", exclude_channel="system", scope="issue", within=Local(days=10)
).reaches(3)


def reached_call(ident: str, when: str, outcome: str | None = "reached") -> Interaction:
    """Our call on issue t-1, with an outcome."""
    return attrs.evolve(item(ident, when, "call", direction="outbound"), outcome=outcome)


class TestReaches:
    """``contacts(...).reaches(n)``: the interaction that first made ``n`` since the last
    call that reached the customer."""

    RUN = (
        item("a", "2026-03-02T10:00:00-05:00", "issue.opened"),
        item("b", "2026-03-03T10:00:00-05:00", channel="email"),
        item("c", "2026-03-04T10:00:00-05:00", "call"),
        item("d", "2026-03-05T10:00:00-05:00"),
    )

    def test_holds_at_the_third(self) -> None:
        """At the third contact it holds, in check and compiled alike; from the next
        instant on it fails, so it changes just after."""
        ctx = context([*self.RUN[:3]], "2026-03-04T10:00:00-05:00")
        now = ts("2026-03-04T10:00:00-05:00")
        assert (True, True, math.nextafter(now, math.inf)) == answers(THIRD, ctx)
        assert THIRD.explain(ctx).endswith(
            "held: this interaction made 3 on issue 't-1', 3 such interactions in the 10 local"
            " days up to 2026-03-04 15:00:00+00:00"
        )

    def test_fails_before_the_third(self) -> None:
        """At the second contact, fewer than three: no change with time alone."""
        ctx = context([*self.RUN[:2]], "2026-03-03T10:00:00-05:00")
        assert (False, False, None) == answers(THIRD, ctx)
        assert "failed: fewer than 3 on issue 't-1', 2 such interactions" in THIRD.explain(ctx)

    def test_fails_at_the_fourth(self) -> None:
        """At the fourth, it says which interaction made three already."""
        ctx = context([*self.RUN], "2026-03-05T10:00:00-05:00")
        assert (False, False, None) == answers(THIRD, ctx)
        assert THIRD.explain(ctx).endswith(
            "failed: 'call' at 2026-03-04 15:00:00+00:00 made 3 on issue 't-1' already, and no"
            " call has reached the customer since"
        )

    def test_a_call_that_reached_the_customer_starts_a_new_run(self) -> None:
        """After our call reached them on 5 March, three new contacts make a new third;
        two do not."""
        history = [
            *self.RUN[:3],
            reached_call("ours", "2026-03-05T09:00:00-05:00"),
            item("e", "2026-03-05T10:00:00-05:00"),
            item("f", "2026-03-06T10:00:00-05:00"),
        ]
        assert (False, False, None) == answers(THIRD, context(history, "2026-03-06T10:00:00-05:00"))
        history.append(item("g", "2026-03-06T11:00:00-05:00"))
        ctx = context(history, "2026-03-06T11:00:00-05:00")
        assert (True, True) == answers(THIRD, ctx)[:2]
        assert "on issue 't-1' since the call that reached the customer at 2026-03-05" in (
            THIRD.explain(ctx)
        )

    @pytest.mark.parametrize("outcome", ["no_answer", "voicemail", "busy"])
    def test_a_call_that_did_not_reach_them_does_not(self, outcome: str) -> None:
        """An unanswered attempt is no new start: three contacts after it are no third."""
        history = [
            *self.RUN[:3],
            reached_call("ours", "2026-03-05T09:00:00-05:00", outcome),
            item("e", "2026-03-05T10:00:00-05:00"),
            item("f", "2026-03-06T10:00:00-05:00"),
            item("g", "2026-03-06T11:00:00-05:00"),
        ]
        ctx = context(history, "2026-03-06T11:00:00-05:00")
        assert (False, False) == answers(THIRD, ctx)[:2]

    def test_a_call_with_no_outcome_reached_them(self) -> None:
        """A call with no outcome recorded reached the customer."""
        history = [
            *self.RUN[:3],
            reached_call("ours", "2026-03-05T09:00:00-05:00", None),
            item("e", "2026-03-05T10:00:00-05:00"),
            item("f", "2026-03-06T10:00:00-05:00"),
            item("g", "2026-03-06T11:00:00-05:00"),
        ]
        assert THIRD.check(context(history, "2026-03-06T11:00:00-05:00"))

    def test_the_window_slides_without_a_new_third(self) -> None:
        """Contacts on 2, 3, 4 March, then 12 and 13 March: on the 13th the window holds
        three again (4, 12, 13 March) but the third was the 4th's."""
        history = [
            *self.RUN[:3],
            item("e", "2026-03-12T10:00:00-04:00"),
            item("f", "2026-03-13T10:00:00-04:00"),
        ]
        ctx = context(history, "2026-03-13T10:00:00-04:00")
        assert ((True, True), (False, False)) == (
            answers(REPEAT, ctx)[:2],
            answers(THIRD, ctx)[:2],
        )

    def test_a_run_that_never_made_three_in_a_window(self) -> None:
        """Contacts on 1, 12 and 13 March (the first out of the window by the 12th), then
        14 March: the third within ten days is the one on the 14th."""
        history = [
            item("a", "2026-03-01T10:00:00-05:00", "issue.opened"),
            item("b", "2026-03-12T10:00:00-04:00"),
            item("c", "2026-03-13T10:00:00-04:00"),
        ]
        assert not THIRD.check(context(history, "2026-03-13T10:00:00-04:00"))
        history.append(item("d", "2026-03-14T10:00:00-04:00"))
        assert (True, True) == answers(THIRD, context(history, "2026-03-14T10:00:00-04:00"))[:2]

    def test_of_two_at_one_instant_the_first_in_order_is_the_third(self) -> None:
        """Two contacts at the same instant make the third and the fourth: only the
        episode of the one that comes first (by id) is the third."""
        history = [*self.RUN[:2], item("c1", "2026-03-04T10:00:00-05:00")]
        history.append(item("c2", "2026-03-04T10:00:00-05:00"))
        first = context(history, "2026-03-04T10:00:00-05:00")
        first.trigger = history[2]
        assert (True, True) == answers(THIRD, first)[:2]
        assert (False, False) == answers(THIRD, context(history, "2026-03-04T10:00:00-05:00"))[:2]

    def test_a_trigger_that_is_not_counted_is_not_the_third(self) -> None:
        """A system event at the instant of the third contact is not the third."""
        history = [*self.RUN[:3], item("s", "2026-03-04T10:00:00-05:00", channel="system")]
        assert not THIRD.check(context(history, "2026-03-04T10:00:00-05:00"))

    def test_no_issue_and_customer_scope(self) -> None:
        """An episode on no issue never makes an issue's third; in the customer's scope,
        contacts on any issue count."""
        history = [
            item("a", "2026-03-02T10:00:00-05:00"),
            item("b", "2026-03-03T10:00:00-05:00", issue="t-2"),
            item("c", "2026-03-04T10:00:00-05:00", issue=None),
        ]
        ctx = context(history, "2026-03-04T10:00:00-05:00", issue=None)
        across = contacts(direction="inbound", within=Local(days=10)).reaches(3)
        assert ((False, False), "failed: the episode is not about an issue", (True, True)) == (
            answers(THIRD, ctx)[:2],
            THIRD.explain(ctx).rsplit(".reaches(3) ", 1)[1],
            answers(across, ctx)[:2],
        )

    @pytest.mark.parametrize(
        ("count", "error", "message"),
        [
            (0, InvalidPolicyError, r"\.reaches\(\) needs 1 or more \(got 0\)"),
            (True, PolicyTypeError, r"\.reaches\(\) needs a whole number \(got bool True\)"),
            (2.5, PolicyTypeError, r"\.reaches\(\) needs a whole number \(got float 2.5\)"),
        ],
    )
    def test_refused(self, count: object, error: type[Exception], message: str) -> None:
        """A count that is not a whole number of 1 or more is refused."""
        with pytest.raises(error, match=message):
            contacts(within=Local(days=1)).reaches(untyped(count))


class TestRefused:
    """Malformed arguments are refused when built, naming the argument."""

    @pytest.mark.parametrize(
        ("build", "error", "message"),
        [
            (
                lambda: contacts("", within=Local(days=1)),
                PolicyTypeError,
                r"contacts\(\) kind must be",
            ),
            (
                lambda: contacts(direction=untyped("sideways"), within=Local(days=1)),
                InvalidPolicyError,
                r"contacts\(\) direction must be 'inbound', 'outbound' or None \(got 'sideways'\)",
            ),
            (
                lambda: no_contact(channel="fax", within=Local(days=1)),
                InvalidPolicyError,
                r"no_contact\(\) channel must name channels among 'phone', .* \(got 'fax'\)",
            ),
            (
                lambda: contacts(channel=untyped(5), within=Local(days=1)),
                PolicyTypeError,
                r"channel must be a channel name or a collection of them \(got int 5\)",
            ),
            (
                lambda: contacts(channel=(), within=Local(days=1)),
                InvalidPolicyError,
                r"contacts\(\) channel needs at least one channel",
            ),
            (
                lambda: contacts(channel="phone", exclude_channel="system", within=Local(days=1)),
                InvalidPolicyError,
                r"takes channel or exclude_channel, not both",
            ),
            (
                lambda: contacts(
                    exclude_channel=("phone", "email", "chat", "visit", "web", "system"),
                    within=Local(days=1),
                ),
                InvalidPolicyError,
                r"exclude_channel leaves no channel to count",
            ),
            (
                lambda: contacts(scope=untyped("account"), within=Local(days=1)),
                InvalidPolicyError,
                r"contacts\(\) scope must be 'issue' or 'customer' \(got 'account'\)",
            ),
            (
                lambda: contacts(within=untyped(7)),
                PolicyTypeError,
                r"contacts\(\) within must be an Elapsed or Local duration \(got int 7\)",
            ),
            (
                lambda: no_contact(within=Local(days=0)),
                InvalidPolicyError,
                r"no_contact\(\) within must be longer than zero \(got Local\(days=0\)\)",
            ),
            (
                lambda: since_last_contact(at_least=untyped(None)),
                PolicyTypeError,
                r"since_last_contact\(\) at_least must be an Elapsed or Local duration",
            ),
            (
                lambda: contacts(within=Local(days=1)) >= 0,
                InvalidPolicyError,
                r"contacts\(within=Local\(days=1\)\) >= 0 is always true: compare with 1 or more",
            ),
            (
                lambda: contacts(within=Local(days=1)) < 0,
                InvalidPolicyError,
                r"< 0 is never true: compare with 1 or more",
            ),
            (
                lambda: contacts(within=Local(days=1)) > untyped(2.5),
                PolicyTypeError,
                r"contacts\(within=Local\(days=1\)\) > needs a whole number \(got float 2.5\)",
            ),
            (
                lambda: contacts(within=Local(days=1)) >= untyped(True),  # noqa: FBT003  # the value refused
                PolicyTypeError,
                r"needs a whole number \(got bool True\)",
            ),
            (
                lambda: tier_in("gold") & untyped(contacts(within=Local(days=1))),
                PolicyTypeError,
                r"compare contacts\(\.\.\.\) with a number first",
            ),
        ],
        ids=[
            "kind",
            "direction",
            "channel-name",
            "channel-type",
            "channel-none",
            "channel-both",
            "channel-all-excluded",
            "scope",
            "within-type",
            "within-zero",
            "at-least-type",
            "at-least-zero-count",
            "fewer-than-zero",
            "fraction",
            "bool",
            "uncompared",
        ],
    )
    def test_refused(self, build: Any, error: type[PolicyError], message: str) -> None:
        """Each malformed call raises the matching PolicyError, naming the argument."""
        with pytest.raises(error, match=message):
            build()

    def test_accepted_at_the_edges(self) -> None:
        """``> 0``, ``<= 0`` and a zero ``at_least`` make sense and are taken."""
        window = contacts(within=Local(days=1))
        assert (window >= 1, ~(window >= 1), "since_last_contact(at_least=Elapsed())") == (
            window > 0,
            window <= 0,
            repr(since_last_contact(at_least=Elapsed())),
        )
