"""A pytest plugin for mutation runs (``-p quick_hypothesis``): every Hypothesis test runs
at most ``MUTATION_MAX_EXAMPLES`` examples (default 20), derandomised and without the
example database, so that a run is quick and gives the same answer every time.

Imports: nothing of the library.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

_MAX = int(os.environ.get("MUTATION_MAX_EXAMPLES", "20"))
settings.register_profile(
    "mutation", max_examples=_MAX, derandomize=True, database=None, deadline=None
)


def pytest_configure(config: pytest.Config) -> None:
    """Use the quick profile (``tests/conftest.py`` has loaded another by now)."""
    settings.load_profile("mutation")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Cap the tests that ask for more examples with ``@settings`` of their own."""
    for item in items:
        test = getattr(item, "obj", None)
        test = getattr(test, "__func__", test)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if isinstance(own, settings):
            test._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]
                own,
                max_examples=min(own.max_examples, _MAX),
                derandomize=True,
                database=None,
                deadline=None,
            )
