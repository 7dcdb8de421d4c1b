"""The version of the package, in one place: the package's face re-exports it, the build
reads it, and the command line prints it.

Imports: nothing.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0.dev0"
