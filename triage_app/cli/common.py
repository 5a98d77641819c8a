"""Shared helpers of the CLI commands: opening the library and reporting errors."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from triage_app.core.store import DB_NAME, LibraryError, resolve_library_dir

if TYPE_CHECKING:  # the store loads SQLAlchemy: only commands that run open it
    from triage_app.core.store import Library

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
MAX_PAPER_ID = 2**63 - 1  # SQLite's largest integer


def parse_ids(values: list[str]) -> list[int]:
    """Paper ids from the command line: whole numbers SQLite can hold, or one line saying
    which is not (before any query: 2**63 overflows SQLite, 5,000 digits overflow `int`)."""
    ids: list[int] = []
    for value in values:
        text = value.strip()
        pid = int(text) if re.fullmatch(r"[+-]?[0-9]{1,30}", text) else 0
        if not 0 < pid <= MAX_PAPER_ID:
            shown = repr(value if len(value) <= 30 else value[:20] + "...")
            raise CommandError(f"no paper with id {shown} (ids are 1 to {MAX_PAPER_ID})")
        ids.append(pid)
    return ids


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"triage-app: {message}", file=sys.stderr)
    return code


class CommandError(Exception):
    """A clean, expected failure: printed without a traceback, exit status 2."""


@contextmanager
def open_library(args: argparse.Namespace, *, quick: bool = False) -> Iterator[Library]:
    """The library of `args`. `quick`: through sqlite3 alone when the library is ready as
    it is (so the short commands do not import SQLAlchemy); it offers
    what `list`, `search`, `similar` and `mark` use of a Library (reads, decisions, the
    index), and those commands are tested both ways."""
    folder = resolve_library_dir(getattr(args, "library", None))
    if quick:
        from triage_app.core.store import open_lite

        lite = open_lite(folder)
        if lite is not None:
            try:
                yield cast("Library", lite)
            finally:
                lite.close()
            return
    try:
        from triage_app.core.store import open_library as open_store

        library = open_store(folder)
    except LibraryError as exc:
        raise CommandError(str(exc)) from exc
    try:
        _daily_backup(library)
        yield library
    finally:
        library.close()


def _daily_backup(library: Library) -> None:
    """Today's automatic backup on the first command of the day; a failure only warns."""
    from triage_app.core.store import LibraryDamagedError, daily_backup_if_due

    try:
        daily_backup_if_due(library)
    except LibraryDamagedError:
        raise  # the command stops: nothing may write into a damaged store
    except (LibraryError, OSError) as exc:
        print(f"triage-app: warning: no daily backup: {exc}", file=sys.stderr)


def run_command(func):
    """Turn `CommandError`, `LibraryError` and a query the search refuses or gives up on
    (its limits, its time limit) into a message and exit status 2."""

    def wrapper(args: argparse.Namespace) -> int:
        from triage_app.core.search import (  # light: no engine
            IndexWriteError,
            QueryError,
            SearchTimeout,
        )

        try:
            return func(args)
        except (CommandError, LibraryError, QueryError, SearchTimeout) as exc:
            return fail(str(exc))
        except IndexWriteError as exc:  # the disk is full under the search index
            return fail(str(exc))
        except Exception as exc:
            from triage_app.core.store import is_database_error, library_error_from

            if not is_database_error(exc):
                raise
            # A store that opened but fails on a later read (damaged pages): the message
            # says to restore a backup, and no later command writes into it.
            db_path = resolve_library_dir(getattr(args, "library", None)) / DB_NAME
            return fail(str(library_error_from(db_path, exc)))

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def sync_search_index(library: Library, *, show_progress: bool = False) -> None:
    """Bring the search index up to date with the store (rebuilds it when unusable);
    `show_progress` draws a bar on a terminal (a long import's indexing)."""
    try:
        from triage_app.core.search import sync_index
    except ModuleNotFoundError:
        return
    from triage_app.cli.progress import progress_bar

    try:
        with progress_bar(None, description="indexing", enabled=show_progress) as bar:
            sync_index(library, progress=bar)
    except Exception as exc:
        print(
            f"triage-app: warning: the search index was not updated ({exc!r}); the "
            f"changes are saved and will be indexed at the next start",
            file=sys.stderr,
        )
