"""``Retry``: a rule's setting for calls that did not reach the customer, and its checks."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from extramile import (
    TRIGGER,
    Elapsed,
    InvalidPolicyError,
    Local,
    On,
    PolicyTypeError,
    Retry,
    Rule,
)


def _rule(**fields: Any) -> Rule:
    return Rule(name="r", trigger=On("feedback"), deadline=TRIGGER + Elapsed(hours=1), **fields)


class TestRetry:
    def test_defaults_three_tries_two_hours_apart_voicemail_not_an_answer(self) -> None:
        assert (Elapsed(hours=2), 3, False) == (Retry().every, Retry().tries, Retry().voicemail)
        assert Retry() == _rule().retry

    @pytest.mark.parametrize(
        ("outcome", "voicemail", "answered"),
        [
            (None, False, True),
            ("reached", False, True),
            ("voicemail", False, False),
            ("voicemail", True, True),
            ("no_answer", True, False),
            ("busy", False, False),
            ("Reached", False, False),  # outcomes are compared exactly
        ],
    )
    def test_which_outcomes_answer_a_rule(
        self, outcome: str | None, voicemail: bool, answered: bool
    ) -> None:
        assert answered is Retry(voicemail=voicemail).answered_by(outcome)

    def test_prints_compares_and_pickles_as_data(self) -> None:
        retry = Retry(every=Elapsed(minutes=30), tries=5, voicemail=True)
        assert "Retry(every=Elapsed(minutes=30), tries=5, voicemail=True)" == repr(retry)
        assert retry == pickle.loads(pickle.dumps(retry))
        rule = _rule(retry=retry)
        assert rule == pickle.loads(pickle.dumps(rule))

    @pytest.mark.parametrize(
        ("fields", "error", "message"),
        [
            (
                {"every": Local(days=1)},
                PolicyTypeError,
                "Retry.every must be an Elapsed duration (got Local Local(days=1))",
            ),
            ({"every": Elapsed()}, InvalidPolicyError, "Retry.every must be longer than zero"),
            ({"tries": 0}, InvalidPolicyError, "Retry.tries must be from 1 (no retry) to 1000"),
            ({"tries": 1001}, InvalidPolicyError, "(got 1001)"),
            ({"tries": True}, PolicyTypeError, "Retry.tries must be an int (got bool True)"),
            ({"tries": 2.0}, PolicyTypeError, "Retry.tries must be an int"),
            ({"voicemail": "yes"}, PolicyTypeError, "Retry.voicemail must be a bool"),
        ],
    )
    def test_bad_values_are_refused_naming_the_field(
        self, fields: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error) as caught:
            Retry(**fields)
        assert message in str(caught.value)

    def test_a_rule_refuses_a_retry_of_another_type(self) -> None:
        with pytest.raises(PolicyTypeError, match=r"Rule.retry must be a Retry \(got int 3\)"):
            _rule(retry=3)
