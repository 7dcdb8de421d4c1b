"""``python -m extramile``: the command line (see :mod:`extramile.cli`)."""

from __future__ import annotations

import sys

from extramile.cli import main

if __name__ == "__main__":
    sys.exit(main())
