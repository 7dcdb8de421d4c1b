"""Shared test configuration: the Hypothesis profiles.

``CI`` set in the environment selects the "ci" profile: more examples, no deadline (a
shared CI machine's timing says nothing about the code), and a reproduction blob printed
with any failure.  Otherwise "dev" keeps runs short.
"""

from __future__ import annotations

import os

from hypothesis import settings

# The mutation-sampling script and its helpers are run by hand, never collected.
collect_ignore = ["mutation"]

settings.register_profile("ci", max_examples=500, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
