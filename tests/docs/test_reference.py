"""The reference pages cover every public name, and the nav covers every page."""

from __future__ import annotations

import re
from pathlib import Path

import extramile
import extramile.conditions
import extramile.kinds
import extramile.reports

DOCS = Path(__file__).parents[2] / "docs"


def _headings(page: str) -> set[str]:
    text = (DOCS / "reference" / page).read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,4} `([^`]+)`$", text, flags=re.MULTILINE))


class TestReferenceCoverage:
    def test_every_public_name_has_an_entry(self) -> None:
        """Each name in extramile.__all__ has a heading in reference/api.md."""
        assert set() == set(extramile.__all__) - _headings("api.md")

    def test_every_condition_has_an_entry(self) -> None:
        """Each name in extramile.conditions.__all__ has a heading in reference/conditions.md."""
        assert set() == set(extramile.conditions.__all__) - _headings("conditions.md")

    def test_every_report_name_has_an_entry(self) -> None:
        """Each name in extramile.reports.__all__ has a heading in reference/reports.md."""
        assert set() == set(extramile.reports.__all__) - _headings("reports.md")

    def test_every_kind_is_in_the_table(self) -> None:
        """Each standard kind and its constant appear in reference/kinds.md."""
        text = (DOCS / "reference" / "kinds.md").read_text(encoding="utf-8")
        constants = {name for name in extramile.kinds.__all__ if name.isupper()} - {
            "STANDARD_KINDS"
        }
        missing = {name for name in constants if f"`{name}`" not in text}
        missing |= {kind for kind in extramile.kinds.STANDARD_KINDS if f"`{kind}`" not in text}
        assert set() == missing


class TestNav:
    def test_every_page_is_in_the_nav(self) -> None:
        """mkdocs.yml lists every page under docs/, and nothing that is not there."""
        config = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
        listed = set(re.findall(r":\s+(\S+\.md)\s*$", config, flags=re.MULTILINE))
        pages = {str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md")}
        assert pages == listed
