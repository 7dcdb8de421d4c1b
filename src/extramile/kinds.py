"""The standard interaction kinds that the starter policy understands.

Hosts may record any kind string; these are the ones the library gives meaning to.
:data:`STANDARD_KINDS` is the table the reference documentation is made from.

>>> ISSUE_OPENED
'issue.opened'
>>> STANDARD_KINDS[BILLING_PRICE_CHANGE].attributes
('increase_pct', 'bill_date')

Imports: nothing of the library.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "BILLING_DUPLICATE_CHARGE",
    "BILLING_PRICE_CHANGE",
    "BILLING_REFUND",
    "CALL",
    "FEEDBACK",
    "ISSUE_OPENED",
    "ISSUE_REOPENED",
    "ISSUE_RESOLVED",
    "ISSUE_UPDATED",
    "STANDARD_KINDS",
    "KindInfo",
]

ISSUE_OPENED: Final = "issue.opened"
ISSUE_UPDATED: Final = "issue.updated"
ISSUE_RESOLVED: Final = "issue.resolved"
ISSUE_REOPENED: Final = "issue.reopened"
BILLING_DUPLICATE_CHARGE: Final = "billing.duplicate_charge"
BILLING_REFUND: Final = "billing.refund"
BILLING_PRICE_CHANGE: Final = "billing.price_change"
FEEDBACK: Final = "feedback"
CALL: Final = "call"


class KindInfo(NamedTuple):
    """What a standard kind means and which attributes the starter policy reads from it."""

    meaning: str
    attributes: tuple[str, ...] = ()


STANDARD_KINDS: Final[dict[str, KindInfo]] = {
    ISSUE_OPENED: KindInfo("a problem is reported", ("category", "severity", "intermittent")),
    ISSUE_UPDATED: KindInfo("a conversation or change on the problem"),
    ISSUE_RESOLVED: KindInfo("the problem is solved"),
    ISSUE_REOPENED: KindInfo("the problem is no longer solved"),
    BILLING_DUPLICATE_CHARGE: KindInfo("the customer was charged twice", ("amount",)),
    BILLING_REFUND: KindInfo("money went back to the customer", ("amount",)),
    BILLING_PRICE_CHANGE: KindInfo("the customer's price changes", ("increase_pct", "bill_date")),
    FEEDBACK: KindInfo("the customer shared feedback"),
    CALL: KindInfo(
        "a phone call; direction says who called, outcome is reached, voicemail or no_answer"
    ),
}
