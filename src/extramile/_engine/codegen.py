"""The policy compiler's writer: a policy as the source text of one Python function.

The function it writes takes one customer, their checked history and ``now`` (POSIX
seconds), and returns the :class:`~extramile._engine.data.Candidate` calls the generic
stages (facts, episodes, timing) would make of them, in the same order, for
:func:`~extramile.plan`'s path (no trace, no revisit time).  It does in one function what
they do through objects: one pass over the history gathers only what this policy's rules
read (the interactions of their trigger kinds, the outbound calls, the issue threads if
a rule reads them); then each rule, in policy order, is a loop over its episodes with
its condition, stop, extra-mile flag, timing and give-up written out as expressions on
locals, and its key made as the generic path makes it.

What is written out (:mod:`~extramile._engine.expressions` writes the conditions): the
combinators (``&``, ``|``, ``~``, short-circuiting as theirs do), the comparisons and
presence of facts, ``kind_is``, ``direction_is``, ``issue_is``, ``tier_in``,
``has_tag``, ``tenure_at_least``, ``staff_open_at_trigger``, ``silence_at_least`` and
the counting conditions (``contacts(...) >= n`` and its kin, ``.reaches(n)``,
``no_contact``, ``since_last_contact``, ``count_at_least``), when the condition's class
is exactly the built-in one; every anchor and kind of duration of a due time, deadline
and give-up time.  Any other condition (a custom one, a subclass) is called as the
generic path calls it, compiled, in a context made for it.

The writer says what it needs of the namespace the function runs in through
:class:`Names`: the helpers (:mod:`~extramile._engine.compiler` provides them) by their
plain names, and the policy's own values (rules, conditions, durations) under names it
makes up.

Imports: ``_model``, ``_rules``, ``_time``, ``kinds``, and the sibling ``expressions``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from extramile._engine.expressions import Judge, Names, set_of
from extramile._model import Direction
from extramile._rules import (
    AnchorKind,
    Anniversary,
    CompiledRule,
    FollowUpPolicy,
    LastContact,
    On,
    Program,
    When,
    key_part,
)
from extramile._time import DAY, Business, Elapsed, Local
from extramile.kinds import CALL, STANDARD_KINDS

__all__ = ["write"]

_CHAIN_AT_MOST: Final = 3
"""The most kinds the history's pass tests one by one before it asks whether any rule
wants the kind at all."""


class _Lines:
    """Source lines, indented as they are written."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def __call__(self, text: str) -> None:
        self.lines.append("    " * self.depth + text if text else "")

    def comment(self, text: str) -> None:
        """``# text``, on one line whatever the text holds (a condition of the user's own
        may print on several)."""
        self("# " + " ".join(text.splitlines()))

    @contextmanager
    def block(self, head: str) -> Iterator[None]:
        self(head)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1


def _offset(base: str, when: When, names: Names) -> str:
    """``base`` moved by the offset of ``when``."""
    offset = when.offset
    if isinstance(offset, Elapsed):
        if not offset.seconds:
            return base
        return f"{base} {'-' if when.before else '+'} {offset.seconds!r}"
    if isinstance(offset, Local):
        days = -offset.days if when.before else offset.days
        return f"add_local_days({base}, {days}, tz)"
    assert isinstance(offset, Business)
    return f"schedule.add_ts({base}, {names.add('BUSINESS', offset)})"


def _when(
    lines: _Lines,
    target: str,
    when: When,
    names: Names,
    needs: set[str],
    *,
    day_starts: dict[str, str],
) -> None:
    """``target = `` the instant of ``when``; an episode without one is skipped.

    ``day_starts`` maps an attribute to the variable already holding its day's start
    in this episode (filled here): a due and a deadline counted from the same date
    attribute (a bill's date) look it up and parse it once, not twice.
    """
    kind = when.anchor.name
    if isinstance(when.offset, Local):
        needs.add("tz")
    if kind == AnchorKind.TRIGGER:
        lines(f"{target} = {_offset('start', when, names)}")
        return
    if kind == AnchorKind.DUE:
        lines(f"{target} = {_offset('due', when, names)}")
        return
    if kind == AnchorKind.LAST_CONTACT:
        needs.add("last")
        base = "last"
    else:
        needs.add("tz")
        attribute = when.anchor.attribute
        assert attribute is not None  # an ATTR_DATE anchor always names one
        known = day_starts.get(attribute)
        if known is not None:
            lines(f"{target} = {_offset(known, when, names)}")
            return
        moved = _offset(target, when, names)
        base = target if moved == target else f"{target}_day"
        day_starts[attribute] = base
        lines(f"{base} = attr_day_start(item, {attribute!r}, tz)")
    moved = _offset(base, when, names)
    if moved == base and base == target:
        with lines.block(f"if {target} is None:"):
            lines("continue  # no instant to count from: untimed")
        return
    with lines.block(f"if {base} is None:"):
        lines("continue  # no instant to count from: untimed")
    lines(f"{target} = {moved}")


def _guarded(lines: _Lines, test: str, condition: str, rule: str, then: str) -> None:
    """``if test: then``, a condition's error named as the generic path names it."""
    with lines.block("try:"), lines.block(f"if {test}:"):
        lines(then)
    _named(lines, condition, rule)


def _named(lines: _Lines, condition: str, rule: str) -> None:
    """The handlers after a ``try:`` that name the condition that raised, and its rule."""
    with lines.block("except ExtramileError:"):
        lines("raise")
    with lines.block("except Exception as exc:"):
        lines(f"raise condition_error({condition}, {rule!r}, exc) from exc")


class _Triggers:
    """The lists of interactions each ``On`` trigger starts episodes with, by name."""

    def __init__(self) -> None:
        self.lists: dict[tuple[frozenset[str], Direction | None], str] = {}

    def name(self, trigger: On) -> str:
        key = (trigger.kinds, trigger.direction)
        found = self.lists.get(key)
        if found is None:
            if len(trigger.kinds) == 1:
                stem = "on_" + re.sub(r"\W", "_", next(iter(trigger.kinds)))
            else:
                stem = f"on_{len(trigger.kinds)}_kinds"
            if trigger.direction is not None:
                stem += "_" + trigger.direction.value
            found = stem
            while found in self.lists.values():
                found += "_"
            self.lists[key] = found
        return found


def _rule(  # noqa: PLR0915  # one rule's loop, written out in order
    number: int,
    compiled: CompiledRule,
    names: Names,
    triggers: _Triggers,
    needs: set[str],
    *,
    reuse: bool,
) -> list[str]:
    """The lines of one rule's loop over its episodes (at the function's own depth)."""
    rule = compiled.rule
    trigger = rule.trigger
    by_issue = rule.scope != "customer"
    rule_name = names.add("RULE", compiled)
    lines = _Lines()
    lines.comment(f"Rule {number}, {rule.name!r}: {trigger!r}, scope {rule.scope.value!r}")
    lines.comment(f"due {rule.due!r}, deadline {rule.deadline!r}")
    body = _Lines()
    mine: set[str] = set()
    has_trigger = not isinstance(trigger, Anniversary)
    stale: list[str] | None = None
    if compiled.stale_after is not None:
        stale = [f"stale = now - {compiled.stale_after!r}"]
    elif compiled.timed_from_trigger:
        # The rule's cutoff for this instant and zone, as ``stale_for`` keeps it: asked
        # of it only when not kept yet.
        needs.add("zone_key")
        stale = [
            f"stale = {rule_name}.cutoffs.get(zone_key)",
            "if stale is None:",
            f"    stale = {rule_name}.stale_for(customer, schedule, now)",
        ]
    if isinstance(trigger, On):
        episodes = triggers.name(trigger)
        head = f"for item in {episodes}:"
        body("start = item.ts")
    elif isinstance(trigger, LastContact):
        if by_issue:
            head = "for issue_id, on_issue in by_issue.items():"
            mine.add("threads")
            body("item = on_issue[-1]")
        else:
            head = "for item in history[-1:]:"
        body("start = item.ts")
    else:
        episodes = ""
        bound = "stale" if stale else "NO_BOUND"
        head = (
            f"for start, episode_id in anniversaries({names.add('TRIGGER', trigger)},"
            f" customer, now, {bound}):"
        )
        # Most customers' anniversaries are far from now: their dates tell so, as
        # ``Anniversary.latest`` first asks, without a call.
        anniversary_test = (
            "since is not None and not (EARLIEST < "
            f"{bound} < LATEST and now < LATEST and (since.month, since.day) not in"
            f" RECENT_DAYS[{bound}, now])"
        )
    if stale is not None and has_trigger:
        with body.block("if start <= stale:"):
            body("continue  # given up, whatever else holds")
    # The condition, as of the trigger.
    condition_lines = _Lines()
    zone_found = False  # whether the episode's loop found the customer's zone already
    if not compiled.always:
        judge = Judge(names, at_trigger=True, has_trigger=has_trigger)
        test = judge.expr(rule.condition)
        mine |= judge.needs
        condition_lines.comment(f"Its condition, as of the trigger: {rule.condition!r}")
        if "last_before" in judge.needs or "in_scope" in judge.needs:
            if by_issue and has_trigger:
                mine.add("issue_items")
                condition_lines("in_scope = history if issue_id is None else by_issue[issue_id]")
            else:
                condition_lines("in_scope = history")
        if "last_before" in judge.needs:
            condition_lines("last_before = last_before_in(in_scope, start)")
        if "then" in judge.needs:
            made = (
                "then = TriggerContext(customer=customer, at=start, history=history,"
                f" schedule=schedule, trigger={'item' if has_trigger else 'None'},"
                " issue=thread, in_scope=in_scope)"
            )
            if reuse:
                # Built-in conditions keep no context: one serves the customer's episodes.
                needs.add("reused_then")
                with condition_lines.block("if then is None:"):
                    condition_lines(made)
                with condition_lines.block("else:"):
                    condition_lines(f"then.trigger = {'item' if has_trigger else 'None'}")
                    condition_lines("then.now = then.episode_start = start")
                    condition_lines("then.thread = thread")
                    condition_lines("then.in_scope = in_scope")
            else:
                condition_lines(made)
        if "tz" in judge.needs:
            zone_found = True
            _zone(condition_lines)
        condition = names.add("CONDITION", rule.condition)
        _guarded(condition_lines, f"not {test}", condition, rule.name, "continue")
    # The stop and the flag, at now: what they read is made first.
    now_lines = _Lines()
    flag_lines = _Lines()
    now_needs: set[str] = set()
    if rule.stop is not None:
        judge = Judge(names, at_trigger=False, has_trigger=has_trigger)
        test = judge.expr(rule.stop)
        now_needs |= judge.needs
        now_lines.comment(f"Its stop, at now: {rule.stop!r}")
        _guarded(now_lines, test, names.add("CONDITION", rule.stop), rule.name, "continue")
    flag = rule.extra_mile
    if isinstance(flag, bool):
        flag_text = repr(flag)
    else:
        judge = Judge(names, at_trigger=False, has_trigger=has_trigger)
        test = judge.expr(flag)
        now_needs |= judge.needs
        flag_lines.comment(f"Extra mile, at now: {flag!r}")
        with flag_lines.block("try:"):
            flag_lines(f"extra_mile = bool({test})")
        _named(flag_lines, names.add("CONDITION", flag), rule.name)
        flag_text = "extra_mile"
    timing_lines = _Lines()
    day_starts: dict[str, str] = {}
    _when(timing_lines, "due", rule.due, names, now_needs, day_starts=day_starts)
    _when(timing_lines, "deadline", rule.deadline, names, now_needs, day_starts=day_starts)
    after = rule.give_up_after
    if after is not None:
        timing_lines.comment(f"Given up {after!r} after the deadline")
        if isinstance(after, Elapsed):
            test = f"deadline + {after.seconds!r} <= now"
        elif isinstance(after, Local):
            now_needs.add("tz")
            # The calendar's answer only within a margin of it (as ``given_up`` says).
            guess = f"deadline + {after.days * DAY!r}" if after.days else "deadline"
            test = f"{guess} - {2 * DAY!r} <= now and given_up(deadline, {after.days}, tz, now)"
        else:
            test = f"schedule.add_ts(deadline, {names.add('BUSINESS', after)}) <= now"
        with timing_lines.block(f"if {test}:"):
            timing_lines("continue")
    mine |= now_needs
    per_issue = isinstance(trigger, LastContact) and by_issue  # a loop over the issues
    issue_bound = per_issue  # whether the loop has ``issue_id`` already
    if "last" in now_needs and by_issue and has_trigger:
        mine.add("issue_items")
    if "thread" in mine:  # a condition of the user's own: its context holds the thread
        if per_issue:
            body("thread = thread_of(threads, by_issue, issue_id)")
        elif has_trigger:
            mine.add("threads")
            issue_bound = True
            body("issue_id = item.issue_id")
            body("thread = None if issue_id is None else thread_of(threads, by_issue, issue_id)")
        else:
            body("thread = None")
    if "issue_items" in mine:
        # The episode's issue: its interactions, and its thread when first read.
        mine.add("threads")
        if not issue_bound:
            issue_bound = True
            body("issue_id = item.issue_id")
    body.lines.extend(condition_lines.lines)
    if "last" in now_needs:
        if by_issue and has_trigger:
            # The issue's latest interaction, or the customer's (the episode's item is
            # one of the history: it is not empty).
            body("last = history[-1].ts if issue_id is None else by_issue[issue_id][-1].ts")
        elif has_trigger:
            body("last = history[-1].ts")
        else:
            body("last = history[-1].ts if history else None")
    key_part_of_rule = key_part(rule.name)
    if has_trigger:
        if not issue_bound:
            body("issue_id = item.issue_id")
        body("episode_id = item.id")
    body(
        f"key = key_of(customer.id, {'issue_id' if has_trigger else 'None'},"
        f" {key_part_of_rule!r}, episode_id)"
    )
    body("attempts = ()")
    scope = rule.scope.value
    # Calls are in time order: none for the episode when the last came before it.
    with body.block("if calls and calls[-1].ts >= start:"):
        body(
            "found = first_answer(calls if call_index is None else"
            f" call_index.for_episode(key, start, {'issue_id' if has_trigger else 'None'},"
            f" {scope!r}), key, start, {'issue_id' if has_trigger else 'None'}, {scope!r},"
            f" voicemail={rule.retry.voicemail!r})"
        )
        with body.block("if not isinstance(found, tuple):"):
            body("continue  # a call reached the customer: answered")
        body("attempts = found")
    if "tz" in now_needs and not zone_found:
        _zone(body)
    if "ctx" in now_needs:
        body(
            "ctx = Context(customer=customer, now=now, history=history, schedule=schedule,"
            f" trigger={'item' if has_trigger else 'None'}, episode_start=start,"
            " issue=thread, last_contact=last)"
        )
    body.lines.extend(now_lines.lines)
    body.lines.extend(timing_lines.lines)
    body.lines.extend(flag_lines.lines)
    issue_text = "issue_id" if has_trigger else "None"
    with body.block("if attempts:"):
        body(
            f"candidates.append(candidate({rule_name}, key, {issue_text}, episode_id, due,"
            f" deadline, {flag_text}, attempts, {rule.retry.every.seconds!r}))"
        )
    with body.block("else:"):
        body(
            f"candidates.append(Candidate({rule_name}, {rule_name}.rule, key, {issue_text},"
            f" episode_id, due, deadline, {flag_text}))"
        )
    needs |= mine
    if isinstance(trigger, On):
        with lines.block(f"if {episodes}:"):
            if stale is not None:
                lines.lines.extend(_indented(stale, lines.depth))
            with lines.block(head):
                lines.lines.extend(_indented(body.lines, lines.depth))
    elif not has_trigger:
        if stale is not None:
            lines.lines.extend(_indented(stale, lines.depth))
        lines("since = customer.customer_since")
        with lines.block(f"if {anniversary_test}:"), lines.block(head):
            lines.lines.extend(_indented(body.lines, lines.depth))
    else:
        if stale is not None:
            lines.lines.extend(_indented(stale, lines.depth))
        with lines.block(head):
            lines.lines.extend(_indented(body.lines, lines.depth))
    return _indented(lines.lines, 1)


def _zone(lines: _Lines) -> None:
    """The customer's zone, found when an episode first needs it."""
    with lines.block("if tz is None:"):
        lines("tz = ZONES[customer.timezone]")


def _indented(lines: list[str], depth: int) -> list[str]:
    """``lines``, ``depth`` levels further in."""
    return [("    " * depth + line) if line else line for line in lines]


def _routes(lines: _Lines, triggers: _Triggers) -> None:
    """The branch of the history's pass that puts an interaction in the lists that want
    it: one test of its kind (the kinds most lists want first), then of its direction."""
    wanted: dict[str, dict[Direction | None, list[str]]] = {CALL: {Direction.OUTBOUND: ["calls"]}}
    for (kinds, direction), name in triggers.lists.items():
        for kind in kinds:
            wanted.setdefault(kind, {}).setdefault(direction, []).append(name)
    # The standard kinds in their table's order (issues first: most histories are mostly
    # about issues), then the others.
    standard = {kind: position for position, kind in enumerate(STANDARD_KINDS)}
    order = sorted(wanted, key=lambda kind: (standard.get(kind, len(standard)), kind))
    if len(order) > _CHAIN_AT_MOST:
        # A kind no rule wants is passed over at once.
        outer: contextlib.AbstractContextManager[None] = lines.block(
            f"if kind in {set_of(frozenset(order))}:"
        )
    else:
        outer = contextlib.nullcontext()
    with outer:
        _chain(lines, order, wanted)


def _chain(
    lines: _Lines, order: list[str], wanted: dict[str, dict[Direction | None, list[str]]]
) -> None:
    """One branch a kind, in ``order``."""
    for position, kind in enumerate(order):
        by_direction = wanted[kind]
        test = f"kind == {kind!r}" if kind != CALL else "kind == CALL"
        with lines.block(f"{'if' if position == 0 else 'elif'} {test}:"):
            for name in by_direction.get(None, ()):
                lines(f"{name}.append(item)")
            first = True
            for direction in (Direction.INBOUND, Direction.OUTBOUND):
                names = by_direction.get(direction)
                if names:
                    keyword = "if" if first else "elif"
                    with lines.block(f"{keyword} item.direction is {direction.name}:"):
                        for name in names:
                            lines(f"{name}.append(item)")
                    first = False


def write(policy: FollowUpPolicy, program: Program, names: Names) -> str:
    """The source of the function ``candidates_of(customer, history, now)`` for
    ``policy``, whose values ``names`` is given."""
    triggers = _Triggers()
    needs: set[str] = set()
    blocks = [
        _rule(number, compiled, names, triggers, needs, reuse=program.reuse_context)
        for number, compiled in enumerate(program.rules, 1)
    ]
    lines = _Lines()
    lines("def candidates_of(customer, history, now):")
    lines.depth = 1
    summary = f"The calls policy {policy.name!r} would make for one customer: generated."
    safe = '"' not in summary and "\\" not in summary and len(summary.splitlines()) == 1
    lines(f'"""{summary}"""' if safe else repr(summary))
    if not program.rules:
        lines("return [], []  # the policy has no rule that makes calls")
        return "\n".join(lines.lines) + "\n"
    lines("# One pass over the history: what the rules read of it.")
    for name in triggers.lists.values():
        lines(f"{name} = []")
    lines("calls = []")
    if "threads" in needs:
        lines("by_issue = {}")
    with lines.block("for item in history:"):
        lines("kind = item.kind")
        _routes(lines, triggers)
        if "threads" in needs:
            lines("issue_id = item.issue_id")
            with lines.block("if issue_id is not None:"):
                lines("by_issue.setdefault(issue_id, []).append(item)")
    if "thread" in needs:
        lines("threads = {}  # each issue's thread, made when a condition of its own needs it")
    if "tz" in needs:
        lines("tz = None  # the customer's zone, found when first needed")
    lines("call_index = None  # many calls are indexed once, not read for every episode")
    if "zone_key" in needs:
        lines("zone_key = (now, customer.timezone)  # what the rules' cutoffs are kept by")
    with lines.block("if len(calls) > SCAN_AT_MOST:"):
        lines("call_index = CallIndex(calls)")
    if "reused_then" in needs:
        lines("then = None  # one context as of each trigger, for the conditions called")
    lines("candidates = []")
    for block in blocks:
        lines.lines.extend(block)
    lines("return candidates, calls")
    return "\n".join(lines.lines) + "\n"
