"""A file on its way in: opening, its content hash, what kind it is, and its lines as text.

`sniff` is the one place that decides a source's kind from its head; `decode_lines` is the
one place that turns its bytes into numbered text lines. Both read the same stream, so what
the sniffer judged is what the readers get.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from triage_app.core.ingest.entries import ListingError

Kind = Literal["json", "csv", "scored", "abstracts", "ris", "bibtex", "feed", "toolcsv", "wos"]

MAX_LINE_BYTES = 1 << 20
SNIFF_BYTES = 64 * 1024
MAX_GAP_BYTES = 8 << 20  # text read without a single entry or problem: not a listing
_BOM = b"\xef\xbb\xbf"


@dataclass
class OpenedSource:
    name: str
    stream: IO[bytes]
    size: int
    content_hash: str


def open_source(path: str | Path) -> OpenedSource:
    """Open a file, or `-` for standard input (streams are copied so they can be read
    twice; see input_files for the odd paths and the size limit on streams)."""
    from triage_app.core.ingest.input_files import open_input

    name, stream = open_input(path)
    return _sized(name, stream)


def open_bytes(name: str, data: bytes) -> OpenedSource:
    return _sized(name, io.BytesIO(data))


def _sized(name: str, stream: IO[bytes]) -> OpenedSource:
    """The source with its size; the content hash waits until the file passed the sniff,
    so a refused 1 GB file is not read whole."""
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return OpenedSource(name, stream, size, "")


def content_hash(stream: IO[bytes]) -> str:
    """The importer's key for "these bytes were imported before"; rewinds the stream."""
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()[:32]


# ------------------------------------------------------------------- the sniffer
def sniff(source: OpenedSource) -> Kind:
    """The kind of a source from its head; ListingError (the refusal) for anything else.

    Binary and non-UTF-8 heads are refused from the first 64 KiB of bytes; a JSON or CSV
    export is told by its first characters; a listing's format (scored or abstract-only)
    by its first non-blank lines as the parser will read them. It runs before the file is
    hashed or anything is written.
    """
    stream = source.stream
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise ListingError("empty file")
    if b"\x00" in head:
        raise ListingError("binary file (NUL bytes), not a text listing")
    body = head.removeprefix(_BOM)  # the BOM apart: error offsets count from here
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 3:  # not just a character cut by the sniff window
            at = exc.start + len(head) - len(body)
            raise ListingError(f"not UTF-8 text (byte {at})") from exc
        text = body[: exc.start].decode("utf-8")
    if text.lstrip()[:1] in "[{":
        return "json"
    if text.lstrip().split("\n", 1)[0].strip().lower().startswith("id,title,authors"):
        return "csv"
    from triage_app.core.ingest.foreign_formats import foreign_kind, table_kind
    from triage_app.core.ingest.listing_parser import read_format

    foreign = foreign_kind(text)
    if foreign:
        return foreign
    try:
        lines = bounded((line for _, line, _ in decode_lines(stream)), stream, Gap())
        return read_format(lines)
    except ListingError:
        table = table_kind(text)  # another tool's table: its reader names what it lacks
        if table:
            return table
        raise
    finally:
        stream.seek(0)


# ------------------------------------------------------------------- the decoder
# (1-based number, text, what was wrong with its bytes): a plain tuple, as a file may have
# millions of lines.
DecodedLine = tuple[int, str, tuple[str, ...]]

CUT = "line longer than 1 MiB; cut to 1 MiB"
REPLACED = "bytes that are not UTF-8 were replaced with \ufffd"


def decode_lines(
    stream: IO[bytes], *, keep_ends: bool = False, max_line: int = MAX_LINE_BYTES
) -> Iterator[DecodedLine]:
    """The stream's lines as UTF-8 text, memory-bounded, never raising on bad bytes.

    Lines end at LF, and trailing CR/LF characters are dropped; a leading BOM is dropped; a
    line longer than `max_line` bytes (1 MiB; a restore reads longer ones) is cut there and
    the rest of it skipped; bytes that are not UTF-8 become U+FFFD. `keep_ends` keeps the
    endings: a quoted CSV cell may hold a CR LF.
    """
    readline = stream.readline
    number = 0
    cut = CUT if max_line == MAX_LINE_BYTES else f"line longer than {max_line >> 20} MiB; cut"
    while raw := readline(max_line + 1):
        number += 1
        problems: tuple[str, ...] = ()
        if len(raw) > max_line and not raw.endswith(b"\n"):
            problems = (cut,)
            while (rest := readline(max_line)) and not rest.endswith(b"\n"):
                pass
        if number == 1:
            raw = raw.removeprefix(_BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "replace")
            problems += (REPLACED,)
        yield number, line if keep_ends else line.rstrip("\r\n"), problems


class Gap:
    """Where in the stream the last entry or problem ended."""

    mark = 0


def bounded(
    lines: Iterable[str], stream: IO[bytes], gap: Gap, limit: int | None = None
) -> Iterator[str]:
    """Stop a file that yields nothing for 8 MiB (a restore: `limit`, past its longest
    record): a reader buffering it would grow without bound, and no real listing or export
    has such a stretch."""
    limit = MAX_GAP_BYTES if limit is None else limit
    unchecked = 0
    for line in lines:
        unchecked += 1
        # tell() is a system call: asked every 64 short lines, or after any long one.
        if unchecked >= 64 or len(line) > 65536:
            unchecked = 0
            if stream.tell() - gap.mark > limit:
                raise ListingError(
                    f"{limit >> 20} MiB of text without a paper entry (not a listing)"
                )
        yield line
