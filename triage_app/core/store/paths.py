"""Where a library lives: `--library DIR`, then `TRIAGE_APP_LIBRARY`, then the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TRIAGE_APP_LIBRARY"
DB_NAME = "library.sqlite"
INDEX_DIR = "index"
BACKUP_DIR = "backups"


def default_library_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("triage-app", appauthor=False) / "library"


def resolve_library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The library folder a command should use, most specific choice first."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_library_dir()


class FolderLayout:
    """Where a library's files are, given its folder (the Library and the LiteLibrary)."""

    folder: Path

    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def index_dir(self) -> Path:
        return self.folder / INDEX_DIR

    @property
    def backup_dir(self) -> Path:
        return self.folder / BACKUP_DIR
