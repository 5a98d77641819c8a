"""Test data kept in the repository; LISTINGS is the one definition of where the real
listings live (a plain module, so benchmark scripts import it without pytest's conftest)."""

from pathlib import Path

LISTINGS = Path(__file__).resolve().parent / "listings"
FOREIGN = Path(__file__).resolve().parent / "foreign"
