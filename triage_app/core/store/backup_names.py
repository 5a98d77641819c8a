"""How backup files are named and found: light enough for the command line's quick path,
which asks only whether today's daily backup exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

DAILY = "daily"
MANUAL = "manual"  # never pruned: the researcher asked for it
NAME = re.compile(r"^library-(\d{8}T\d{12}Z)-([a-z0-9-]+)\.sqlite$")
STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime  # UTC
    reason: str


def list_backups(folder: Path) -> list[BackupFile]:
    """Backups in a backups folder, newest first (files named by this module only)."""
    found: list[BackupFile] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
            found.append(BackupFile(path, taken, match.group(2)))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def has_daily_backup(folder: Path, today: date) -> bool:
    """Whether the daily backup of `today` (a local date) is in `folder`."""
    return any(
        b.reason == DAILY and b.taken_at.astimezone().date() == today for b in list_backups(folder)
    )
