"""`triage-app backup` and `triage-app restore`: whole-library copies of the SQLite store."""

from __future__ import annotations

import argparse
from pathlib import Path

from triage_app.cli.common import CommandError, run_command
from triage_app.core.store import BACKUP_DIR, resolve_library_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backup",
        help="copy the whole library (papers and decisions) to a backup file",
        description="Write a consistent copy of the library while it may be in use. Without "
        "-o the copy goes to the library's backups folder. Automatic backups are also taken "
        "daily on first start and before every upgrade; the newest N of each kind are kept.",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the backup to FILE")
    p.add_argument("--list", action="store_true", help="list the backups, newest first")
    p.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="keep the newest N automatic backups of each kind (default 7)",
    )
    p.set_defaults(func=run_backup)

    r = sub.add_parser(
        "restore",
        help="replace the library by a backup (the current one is kept as a backup)",
        description="Check FILE in full, keep a copy of the current library in the backups "
        "folder, then replace the library by FILE. Refused while another triage-app process "
        "(the window) has the library open.",
    )
    r.add_argument("file", metavar="FILE", help="a backup made by `backup` (or kept in backups/)")
    r.set_defaults(func=run_restore)


def _open(args: argparse.Namespace):
    from triage_app.core.store import LibraryError

    folder = resolve_library_dir(getattr(args, "library", None))
    try:
        from triage_app.core.store import open_library

        return open_library(folder, create=False)
    except LibraryError as exc:
        raise CommandError(str(exc)) from exc


@run_command
def run_backup(args: argparse.Namespace) -> int:
    from triage_app.core import store as backups

    if args.list:
        folder = resolve_library_dir(getattr(args, "library", None)).expanduser()
        found = backups.list_backups(folder / BACKUP_DIR)
        for b in found:
            local = b.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            size = b.path.stat().st_size / 1e6
            print(f"{local}  {b.reason:<24} {size:8.1f} MB  {b.path}")
        if not found:
            print(f"no backups in {folder / BACKUP_DIR}")
        return 0
    library = _open(args)
    try:
        if args.keep is not None:
            try:
                backups.set_keep_count(library, args.keep)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            print(f"keeping the newest {args.keep} automatic backups of each kind")
            if args.output is None:
                return 0
        try:
            if args.output:
                path = backups.backup_to(library, Path(args.output))
            else:
                path = backups.backup_library(library)
        except OSError as exc:
            raise CommandError(f"the backup failed: {exc}") from exc
        papers = library.count()
    finally:
        library.close()
    print(f"backed up {papers} paper{'s' if papers != 1 else ''} to {path}")
    return 0


@run_command
def run_restore(args: argparse.Namespace) -> int:
    from triage_app.core.store import restore_from

    folder = resolve_library_dir(getattr(args, "library", None))
    try:
        result = restore_from(folder, args.file)
    except OSError as exc:
        raise CommandError(
            f"the restore failed: {exc}. Run `triage-app backup --list` to see "
            f"what the backups folder holds."
        ) from exc
    print(
        f"restored {result.papers} paper{'s' if result.papers != 1 else ''} from "
        f"{result.restored_from}"
    )
    if result.previous is not None:
        print(f"the library it replaced was kept as {result.previous}")
    print("the search index is rebuilt from the restored library at the next start")
    return 0
