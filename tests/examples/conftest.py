"""Makes ``examples/`` importable, so the tests beside this file import the examples as
modules (mypy finds them through ``mypy_path`` in ``pyproject.toml``)."""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))
