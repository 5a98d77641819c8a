"""A watched folder: files dropped into it (a mail client's digest, a script's export) are
imported once each.

A file is read only once it is complete: its size and modification time must be the same
at two looks at least SETTLE seconds apart, and it must not have changed for SETTLE seconds
(a file still being written keeps changing). Hidden and partial-download names are skipped.
What was imported is remembered by name, size and modification time in the library's
settings; a file saved again with new content is imported again (its entries merge).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from triage_app.core.store import Library

FOLDER_KEY = "watch.folder"
SEEN_KEY = "watch.seen"
SETTLE = 2.0
MAX_SEEN = 5000
_PARTIAL = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", "~")

Stamp = tuple[int, int]  # size, mtime_ns


def watched_folder(library: Library) -> Path | None:
    value = library.get_meta(FOLDER_KEY)
    return Path(value) if value else None


def set_watched_folder(library: Library, folder: Path | None) -> None:
    library.set_meta(FOLDER_KEY, str(folder.resolve()) if folder else "")


@dataclass
class FolderWatch:
    """Polled by its owner (a timer in the window, a loop in the CLI)."""

    folder: Path
    seen: dict[str, Stamp] = field(default_factory=dict)
    clock: Callable[[], float] = time.time
    settle: float = SETTLE
    _looks: dict[str, tuple[Stamp, float]] = field(default_factory=dict)

    @classmethod
    def for_library(
        cls, library: Library, *, clock: Callable[[], float] = time.time, settle: float = SETTLE
    ) -> FolderWatch | None:
        folder = watched_folder(library)
        if folder is None:
            return None
        try:
            seen = {
                k: (int(v[0]), int(v[1]))
                for k, v in json.loads(library.get_meta(SEEN_KEY) or "{}").items()
            }
        except (ValueError, TypeError, IndexError, AttributeError):
            seen = {}
        return cls(folder, seen, clock=clock, settle=settle)

    def ready(self) -> list[Path]:
        """Complete files not imported yet, oldest first."""
        now = self.clock()
        found: list[tuple[float, Path]] = []
        looks: dict[str, tuple[Stamp, float]] = {}
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.lower().endswith(_PARTIAL):
                continue
            try:
                if not entry.is_file():
                    continue
                info = entry.stat()
            except OSError:
                continue
            stamp = (info.st_size, info.st_mtime_ns)
            if self.seen.get(name) == stamp or info.st_size == 0:
                continue
            before = self._looks.get(name)
            first_seen = before[1] if before and before[0] == stamp else now
            looks[name] = (stamp, first_seen)
            quiet = now - info.st_mtime_ns / 1e9 >= self.settle
            if now - first_seen >= self.settle and quiet:
                found.append((info.st_mtime_ns, Path(entry.path)))
        self._looks = looks
        return [path for _, path in sorted(found)]

    def done(self, library: Library, paths: list[Path]) -> None:
        """Remember `paths` as imported (whatever their report said: a refused file is not
        tried again until it changes)."""
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            self.seen[path.name] = (info.st_size, info.st_mtime_ns)
            self._looks.pop(path.name, None)
        if len(self.seen) > MAX_SEEN:
            self.seen = dict(list(self.seen.items())[-MAX_SEEN:])
        library.set_meta(SEEN_KEY, json.dumps(self.seen))
