"""Facts: what one evaluation knows, gathered in one pass over the checked history.

:class:`Facts` threads the history into issues and collects, by kind, the interactions
that may start episodes, the outbound call attempts, the customer's latest own inbound
contact (not an event logged by a system) and the calls that may satisfy a rule.
:class:`Case` holds them with the evaluation's inputs (policy, customer, history,
``now``), and makes what only some evaluations need when first asked: the customer's
:class:`~extramile._engine.contact.Contact` for placement, and a context of the customer
alone for timing.

Imports: ``_conditions``, ``_model``, ``_rules``, ``kinds``, and the siblings ``answers`` and
``contact``.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Final

from extramile._conditions import Context, IssueThread, TriggerContext
from extramile._engine.answers import CallIndex
from extramile._engine.contact import Contact
from extramile._model import Channel, Customer, Direction, Interaction
from extramile._rules import FollowUpPolicy, Program, key_part, program_of
from extramile.kinds import CALL

__all__ = ["Case", "Facts"]

_TS: Final = operator.attrgetter("ts")
"""An interaction's instant, read by the interpreter's own loop (no frame of a
comprehension)."""
_OUTBOUND: Final = Direction.OUTBOUND
_SYSTEM: Final = Channel.SYSTEM
"""Read for every interaction: a member of an enumeration costs a lookup through its
class's metaclass each time it is named."""


class Facts:
    """One pass over the history: issue threads, interactions by kind, attempts, calls."""

    __slots__ = ("_call_index", "attempts", "by_kind", "calls", "last_inbound", "threads")

    def __init__(self, history: Sequence[Interaction]) -> None:
        by_issue: dict[str, list[Interaction]] = {}
        by_kind: dict[str, list[Interaction]] = {}
        attempts: list[float] = []
        calls: list[Interaction] = []
        last_inbound: float | None = None
        outbound = _OUTBOUND
        system = _SYSTEM
        for item in history:
            issue_id = item.issue_id
            if issue_id is not None:
                on_issue = by_issue.get(issue_id)
                if on_issue is None:
                    by_issue[issue_id] = [item]
                else:
                    on_issue.append(item)
            kind = item.kind
            same = by_kind.get(kind)
            if same is None:
                by_kind[kind] = [item]
            else:
                same.append(item)
            if item.direction is outbound:
                if kind == CALL:
                    attempts.append(item.ts)
                    calls.append(item)
            elif item.channel is not system:
                # Only the customer's own contact opens a callback hour: an event a system
                # logged (a charge, a price change) is inbound by default but is not one.
                last_inbound = item.ts
        threads: dict[str, IssueThread] = {}
        for issue_id, items in by_issue.items():
            thread = threads[issue_id] = IssueThread(issue_id)
            thread.extend(items)
        self.threads = threads
        """The issue threads, by issue id."""
        self.by_kind = by_kind
        """The interactions of each kind, in time order."""
        self.attempts = attempts
        """The outbound call attempts, POSIX seconds in time order."""
        self.calls = calls
        """The outbound calls, which may satisfy a rule."""
        self.last_inbound = last_inbound
        """The customer's latest own inbound contact, if any."""
        self._call_index: CallIndex | None = None

    @classmethod
    def of_calls(cls, history: Sequence[Interaction], calls: list[Interaction]) -> Facts:
        """Only what placement reads of the history: the outbound calls (already
        gathered), their times, and the latest own inbound contact (no threads, nothing
        by kind), for candidates that the policy's generated code made (see
        :mod:`~extramile._engine.compiler`)."""
        facts = cls.__new__(cls)
        last_inbound: float | None = None
        outbound = _OUTBOUND
        system = _SYSTEM
        for item in reversed(history):
            if item.direction is not outbound and item.channel is not system:
                last_inbound = item.ts
                break
        facts.threads = {}
        facts.by_kind = {}
        facts.attempts = list(map(_TS, calls)) if calls else []
        facts.calls = calls
        facts.last_inbound = last_inbound
        facts._call_index = None
        return facts

    @property
    def call_index(self) -> CallIndex:
        """The outbound calls indexed by time, issue and listed key, made when first asked
        (for a customer with many calls: see :mod:`~extramile._engine.answers`)."""
        index = self._call_index
        if index is None:
            index = self._call_index = CallIndex(self.calls)
        return index


class Case:
    """One evaluation's inputs and the facts gathered from them once."""

    __slots__ = (
        "_contact",
        "_probe",
        "customer",
        "customer_part",
        "facts",
        "history",
        "last_any",
        "now",
        "policy",
        "program",
        "shared",
        "shared_then",
    )

    def __init__(
        self,
        policy: FollowUpPolicy,
        customer: Customer,
        history: Sequence[Interaction],
        now: float,
        *,
        trace: bool,
    ) -> None:
        self.policy = policy
        self.program: Program = program_of(policy)
        """The policy compiled."""
        self.customer = customer
        self.history = history
        self.now = now
        self.facts = Facts(history)
        self.customer_part = key_part(customer.id)
        """The customer's id as the first part of a key."""
        self.last_any = history[-1].ts if history else None
        """The customer's latest interaction of any kind."""
        self.shared: Context | None = None
        """One context at ``now`` for every episode, when the policy's conditions allow
        it (they read nothing but the context's fields, and keep nothing of it) and no
        trace keeps the contexts' explanations."""
        self.shared_then: TriggerContext | None = None
        """Likewise, one context as of the trigger for every episode's condition: made
        by the first episode that needs it, when ``shared`` is."""
        if self.program.reuse_context and not trace:
            self.shared = Context(
                customer=customer, now=now, history=history, schedule=policy.schedule
            )
        self._contact: Contact | None = None
        self._probe: Context | None = None

    @classmethod
    def placing(  # noqa: PLR0917  # the inputs of an evaluation, in their usual order
        cls,
        policy: FollowUpPolicy,
        program: Program,
        customer: Customer,
        history: Sequence[Interaction],
        now: float,
        calls: list[Interaction],
    ) -> Case:
        """A case for placing the candidates the policy's generated code made: with
        only the facts placement reads (:meth:`Facts.of_calls`), and no shared context."""
        case = cls.__new__(cls)
        case.policy = policy
        case.program = program
        case.customer = customer
        case.history = history
        case.now = now
        case.facts = Facts.of_calls(history, calls)
        # (customer_part and last_any are left unset: only finding episodes reads them,
        # and the generated code has found them already)
        case.shared = None
        case.shared_then = None
        case._contact = None
        case._probe = None
        return case

    @property
    def contact(self) -> Contact:
        """What placement needs to know of the customer, made when a call is to be placed."""
        contact = self._contact
        if contact is None:
            facts = self.facts
            policy = self.policy
            contact = self._contact = Contact.build(
                self.customer,
                facts.attempts,
                facts.last_inbound,
                policy.calling_window,
                policy.served_timezones,
                policy.schedule,
            )
        return contact

    @property
    def probe(self) -> Context:
        """A context of this customer, for timing that reads only the customer and the
        schedule (the shared one, when there is one)."""
        probe = self.shared or self._probe
        if probe is None:
            probe = self._probe = Context(
                customer=self.customer, now=self.now, history=(), schedule=self.policy.schedule
            )
        return probe
