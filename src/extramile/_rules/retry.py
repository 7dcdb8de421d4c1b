"""Retry: how a rule tries again a call that did not reach the customer.

An outbound call that reached the customer (outcome ``"reached"``, or no outcome
recorded; ``"voicemail"`` too where the rule accepts it) answers a rule's episode.  A call
with any other outcome (``"no_answer"``, ``"busy"``, ...) is an *attempt*: the same call,
with the same key, is tried again :attr:`Retry.every` after the last attempt, up to
:attr:`Retry.tries` tries in all; then the episode ends as unreachable.

Named apart from :attr:`ContactCaps.max_attempts <extramile.ContactCaps.max_attempts>`,
which caps the calls a customer gets from every rule together.

Imports: ``_time``, ``errors``.
"""

from __future__ import annotations

from typing import Final

import attrs

from extramile._time import Elapsed
from extramile.errors import InvalidPolicyError, PolicyTypeError, describe, shown

__all__ = ["DEFAULT_RETRY", "MAX_TRIES", "REACHED", "VOICEMAIL", "Retry"]

REACHED: Final = "reached"
"""The outcome of a call that reached the customer."""
VOICEMAIL: Final = "voicemail"
"""The outcome of a call that left a voicemail."""
MAX_TRIES: Final = 1000
"""The most tries a rule may ask for (an agenda keeps the numbers in two bytes)."""


def _every(value: object) -> Elapsed:
    if not isinstance(value, Elapsed):
        raise PolicyTypeError(f"Retry.every must be an Elapsed duration (got {describe(value)})")
    if value.seconds <= 0:
        raise InvalidPolicyError(f"Retry.every must be longer than zero (got {value!r})")
    return value


def _tries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyTypeError(f"Retry.tries must be an int (got {describe(value)})")
    if not 1 <= value <= MAX_TRIES:
        raise InvalidPolicyError(
            f"Retry.tries must be from 1 (no retry) to {MAX_TRIES} (got {shown(value)})"
        )
    return value


def _voicemail(value: object) -> bool:
    if not isinstance(value, bool):
        raise PolicyTypeError(f"Retry.voicemail must be a bool (got {describe(value)})")
    return value


@attrs.frozen(kw_only=True)
class Retry:
    """How a rule tries again a call that did not reach the customer.

    Args:
        every: how long after the last unanswered attempt the next try is due (elapsed
            time; placed as usual, and exempt from the minimum gap between calls).
        tries: how many tries in all, the first included; after that many unanswered
            attempts the episode is suppressed as ``"unreachable"``.
        voicemail: whether a call that left a voicemail answers the rule.

    >>> Retry()
    Retry(every=Elapsed(hours=2), tries=3, voicemail=False)
    >>> Retry(every=Elapsed(minutes=30)).answered_by("voicemail")
    False
    >>> Retry(voicemail=True).answered_by("voicemail"), Retry().answered_by(None)
    (True, True)

    Raises:
        InvalidPolicyError: a spacing of zero, tries fewer than 1 or more than 1000.
        PolicyTypeError: a value of the wrong type.
    """

    every: Elapsed = attrs.field(default=Elapsed(hours=2), converter=_every)
    tries: int = attrs.field(default=3, converter=_tries)
    voicemail: bool = attrs.field(default=False, converter=_voicemail)

    def answered_by(self, outcome: str | None) -> bool:
        """Whether a call with this outcome reached the customer for this rule."""
        return outcome is None or outcome == REACHED or (self.voicemail and outcome == VOICEMAIL)


DEFAULT_RETRY: Final = Retry()
