"""How the index turns words into terms, for code outside search that must agree with it."""

from __future__ import annotations

from whoosh.lang.porter import stem

__all__ = ["stem"]
