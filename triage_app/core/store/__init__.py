"""The library's SQLite store: opening, transactions, reads, file backups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face

if TYPE_CHECKING:
    from triage_app.core.store.connection import (
        utc_now,
    )
    from triage_app.core.store.errors import (
        LibraryDamagedError,
        LibraryError,
        is_database_error,
        library_error_from,
    )
    from triage_app.core.store.file_backups import (
        backup_library,
        backup_to,
        daily_backup_if_due,
        list_backups,
        restore_from,
        set_keep_count,
    )
    from triage_app.core.store.library import (
        Library,
        WriteTxn,
    )
    from triage_app.core.store.lite import LiteLibrary, open_lite
    from triage_app.core.store.lock import LOCK_NAME
    from triage_app.core.store.opening import (
        open_library,
    )
    from triage_app.core.store.paths import (
        BACKUP_DIR,
        DB_NAME,
        resolve_library_dir,
    )
    from triage_app.core.store.reads import (
        load_tags,
    )

_NAMES = {
    "BACKUP_DIR": "paths",
    "DB_NAME": "paths",
    "Library": "library",
    "LOCK_NAME": "lock",
    "LibraryDamagedError": "errors",
    "LibraryError": "errors",
    "LiteLibrary": "lite",
    "WriteTxn": "library",
    "backup_library": "file_backups",
    "backup_to": "file_backups",
    "daily_backup_if_due": "file_backups",
    "list_backups": "file_backups",
    "is_database_error": "errors",
    "library_error_from": "errors",
    "load_tags": "reads",
    "open_library": "opening",
    "open_lite": "lite",
    "resolve_library_dir": "paths",
    "restore_from": "file_backups",
    "set_keep_count": "file_backups",
    "utc_now": "connection",
}
__all__ = [
    "BACKUP_DIR",
    "DB_NAME",
    "LOCK_NAME",
    "Library",
    "LibraryDamagedError",
    "LibraryError",
    "LiteLibrary",
    "WriteTxn",
    "backup_library",
    "backup_to",
    "daily_backup_if_due",
    "is_database_error",
    "library_error_from",
    "list_backups",
    "load_tags",
    "open_library",
    "open_lite",
    "resolve_library_dir",
    "restore_from",
    "set_keep_count",
    "utc_now",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
