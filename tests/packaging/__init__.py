"""Tests of the wheel, the desktop files and the first-run demo."""
