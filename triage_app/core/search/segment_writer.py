"""Whoosh segments written straight through Whoosh's codec, for the index build.

Whoosh's own writer hands every posting of every document to a pool (a tuple per posting,
pickled in sorted runs, merged through a heap) and then to the codec one call per posting,
which also reads each posting's field length back from the segment's length column. Here a
batch of documents is gathered in memory instead: per field, term -> one flat list of
(document number, weight, encoded positions), documents in the order they came, so every
posting list is already sorted by document. When the batch holds `BUDGET_POSTINGS` postings
(so memory stays flat however large the library) and at the end, a segment is written: the
per-document writer (stored fields, lengths, the `pid` column) document by document as
Whoosh's `SegmentWriter.add_document` calls it, then each field's terms in byte order into
the files of Whoosh's `W3FieldWriter`, with the block layout, block statistics and term
infos `W3PostingsWriter` makes (the attributes read are those of whoosh-reloaded 2.7.5,
which is pinned). Differences that load to the same values: the encodings of one-position
lists are shared objects, so a block's pickle writes each once; a block's data is pickled
with protocol 4, not 2; a short one is stored uncompressed (its header's zlib level 0, which
Whoosh's reader honours). The segment is
then assembled into one compound file, as Whoosh's commit does; `write_toc` registers the
segments of a build in a new generation of the index.

The text fields take the cached term path of `terms.py`; `pid` its own `NUMERIC.index`
with the coarse tiers remembered. tests/core/test_segment_writer.py compares a segment with
Whoosh's own, file by file and block by block; tests/core/test_search_terms.py whole indexes.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable, Iterator
from operator import sub
from pathlib import Path
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.fields import NUMERIC
from whoosh.formats import Positions
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from triage_app.core.search import array_writer
from triage_app.core.search.array_files import arrays_dir, seg_size
from triage_app.core.search.array_spool import SpoolFeed
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.terms import TermCutter

# Postings gathered before a segment is written: few segments keep cold searches fast, and
# the budget keeps a large import's memory under its bound (figures in the commit message).
BUDGET_POSTINGS = 5_000_000
_SMALL = 64  # frequencies whose weights are kept ready
_SINGLE = 2048  # positions whose one-position encodings are kept ready
MIN_COMPRESSED = 128  # a block's pickle shorter than this is stored as it is

Row = tuple[int, str, dict[str, str]]  # paper id, signature, text of each text field


class _TextField:
    """A text field's analysis by the cached term path: the postings of one document's
    text, and that text's length as Whoosh counts it."""

    def __init__(self, field: Any, cut: TermCutter) -> None:
        self.cut = cut
        self.encode = field.format.encode
        boost = field.format.field_boost
        self.weights = [float(freq) * boost for freq in range(_SMALL)]
        self.boost = boost
        self.single = [self.encode([pos]) for pos in range(_SINGLE)]

    def postings(self, text: str) -> tuple[int, dict[str, Any]]:
        """(the number of terms, term -> its position when it is met once, else the list of
        its positions) of `text`. One loop over the terms: faster than C-level dicts built
        in several passes, since most terms are met once."""
        first, terms = self.cut(text)
        poses: dict[str, Any] = {}
        get = poses.get
        for pos, term in enumerate(terms, first):
            found = get(term)
            if found is None:
                poses[term] = pos
            elif found.__class__ is int:
                poses[term] = [found, pos]
            else:
                found.append(pos)
        return len(terms), poses


class _NumberTerms:
    """`NUMERIC.index(value)` with the terms of its coarser tiers remembered: numbers
    near each other share them (the tier shifted by s is shared by 2**s numbers)."""

    def __init__(self, field: Any) -> None:
        self.field = field
        step = field.shift_step
        self.shifts = range(0, field.bits, step) if step else range(1)
        self.tiers: dict[int, dict[int, bytes]] = {shift: {} for shift in self.shifts}

    def __call__(self, value: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        field = self.field
        sortable = field.to_column_value(value)  # what field.to_bytes packs
        for shift in self.shifts:
            tier, key = self.tiers[shift], sortable >> shift
            tbytes = tier.get(key)
            if tbytes is None:
                if len(tier) >= 4096:
                    tier.clear()
                tbytes = tier[key] = field.sortable_to_bytes(sortable, shift)
            yield tbytes, 1, 1.0, b""


class SegmentBuilder:
    """Gathers documents and writes them as Whoosh segments in `storage`, one each time
    `BUDGET_POSTINGS` is reached and one at `finish()`, which returns them all."""

    def __init__(
        self,
        storage: Any,
        indexname: str,
        schema: Any,
        codec: Any,
        budget: int | None = None,
        arrays_in: Path | None = None,
    ) -> None:
        self.storage, self.indexname, self.schema, self.codec = storage, indexname, schema, codec
        self.budget = budget or BUDGET_POSTINGS
        self.arrays_in = arrays_in  # the index folder, when the segments get posting arrays
        self.names = sorted(schema.names())  # the order SegmentWriter.add_document uses
        self.text: dict[str, _TextField] = {}
        cutters: dict[int, TermCutter] = {}  # fields sharing an analyzer share its cache
        for name in TEXT_FIELDS:
            field = schema[name]
            if type(field.format) is not Positions or field.vector or field.stored:
                raise ValueError(f"no fast path for the field {name!r}")
            cut = cutters.setdefault(id(field.analyzer), TermCutter(field.analyzer))
            self.text[name] = _TextField(field, cut)
        self.other = {  # the other indexed fields: (term, freq, weight, value) of a value
            name: _NumberTerms(schema[name])
            if isinstance(schema[name], NUMERIC)
            else schema[name].index
            for name in self.names
            if name not in self.text and schema[name].indexed
        }
        self.segments: list[Any] = []
        self._reset()

    def _reset(self) -> None:
        self.docs: list[tuple[dict[str, Any], dict[str, int]]] = []  # (values, lengths)
        self.postings: dict[str, dict[Any, list]] = {n: {} for n in self.names}  # flat lists
        self.count = 0

    def add(self, pid: int, sig: str, texts: dict[str, str]) -> None:
        """Index one paper (the fields `rebuild` gives Whoosh's `add_document`)."""
        docnum = len(self.docs)
        lengths: dict[str, int] = {}
        count = 0
        for name, field in self.text.items():
            length, poses = field.postings(texts[name])
            lengths[name] = length
            if not length:
                continue
            count += len(poses)
            acc = self.postings[name]
            single, weights, encode = field.single, field.weights, field.encode
            for term, at in poses.items():
                if at.__class__ is int:
                    value = single[at] if at < _SINGLE else encode([at])
                    weight = weights[1]
                else:
                    value = encode(at)
                    n = len(at)
                    weight = weights[n] if n < _SMALL else float(n) * field.boost
                found = acc.get(term)
                if found is None:
                    acc[term] = [docnum, weight, value]
                else:
                    found += (docnum, weight, value)
        for name, value in (("pid", pid), ("sig", sig)):
            terms = self.other.get(name)
            if terms is not None:
                acc = self.postings[name]
                for tbytes, _freq, weight, vbytes in terms(value):
                    weight *= 1.0  # the document's boost, as add_document applies it
                    count += 1
                    found = acc.get(tbytes)
                    if found is None:
                        acc[tbytes] = [docnum, weight, vbytes]
                    else:
                        found += (docnum, weight, vbytes)
        self.docs.append(({"pid": pid, "sig": sig}, lengths))
        self.count += count
        if self.count >= self.budget:
            self.flush()

    def add_rows(self, rows: Iterable[Row]) -> None:
        for pid, sig, texts in rows:
            self.add(pid, sig, texts)

    def flush(self) -> None:
        """Write the documents gathered so far as one segment."""
        if not self.docs:
            return
        segment = self.codec.new_segment(self.storage, self.indexname)
        spool = self._spool(segment.segment_id())
        try:
            qlens = self._write_per_doc(segment)
            fieldwriter = self.codec.field_writer(self.storage, segment)
            for name in self.names:
                acc = self.postings[name]
                if acc:
                    self._write_field(fieldwriter, name, acc, qlens.get(name), spool)
                acc.clear()  # its memory goes back before the next field is written
            fieldwriter.close()
            segment.set_doc_count(len(self.docs))
            if segment.should_assemble():
                segment.create_compound_file(self.storage)
            if spool is not None and self.arrays_in is not None:
                segid = segment.segment_id()
                spool.finish(len(self.docs), seg_size(self.arrays_in, segid))
        finally:
            if spool is not None:
                spool.close()
        self.segments.append(segment)
        self._reset()

    def _spool(self, segid: str) -> SpoolFeed | None:
        """Where this segment's posting arrays go as its fields are written, when it gets
        them (a rebuild's segment of `array_writer.MIN_DOCS` documents or more)."""
        if self.arrays_in is None or len(self.docs) < array_writer.MIN_DOCS:
            return None
        folder = arrays_dir(self.arrays_in)
        folder.mkdir(exist_ok=True)
        return SpoolFeed(folder, segid)

    def finish(self) -> list[Any]:
        self.flush()
        return self.segments

    def _write_per_doc(self, segment: Any) -> dict[str, array]:
        """Stored fields, field lengths and columns, as `SegmentWriter.add_document` writes
        them; returns each text field's lengths as the codec reads them back."""
        writer = self.codec.per_document_writer(self.storage, segment)
        qlens = {name: array("i") for name in self.text}
        fields = [(name, self.schema[name], qlens.get(name)) for name in self.names]
        for docnum, (stored, lengths) in enumerate(self.docs):
            writer.start_doc(docnum)
            for name, field, qlen in fields:
                if qlen is not None:
                    length = lengths[name]
                    writer.add_field(name, field, None, length)
                    lbyte = length_to_byte(length) if length else 0
                    qlen.append(byte_to_length(lbyte) if lbyte else 0)
                    continue
                value = stored[name]
                writer.add_field(name, field, value if field.stored else None, 0)
                if field.column_type is not None:
                    writer.add_column_value(name, field.column_type, field.to_column_value(value))
            writer.finish_doc()
        writer.close()
        return qlens

    def _write_field(
        self, fieldwriter: Any, name: str, acc: dict, qlen: array | None, spool: SpoolFeed | None
    ) -> None:
        """Every term of one field, in byte order, through the codec's field writer (and
        to the arrays' spool when the field has positions)."""
        field = self.schema[name]
        fieldwriter.start_field(name, field)
        blocks = _BlockWriter(fieldwriter, field.format, qlen)
        if name in self.text:
            keyed = sorted((term.encode("utf-8"), term) for term in acc)
        else:
            keyed = sorted((term, term) for term in acc)
        if spool is not None and not hasattr(field.format, "decode_positions"):
            spool = None  # no positions: the field's terms are read from Whoosh's blocks
        if spool is not None:
            spool.start_field(name, [tbytes for tbytes, _ in keyed], field.format)
        for tbytes, term in keyed:
            flat = acc[term]
            ids, weights, values = flat[0::3], flat[1::3], flat[2::3]
            blocks.term(tbytes, ids, weights, values)
            if spool is not None:
                spool.term(ids, weights, values)
        if spool is not None:
            spool.end_field()
        fieldwriter.finish_field()


class _BlockWriter:
    """One field's posting lists in the bytes `W3PostingsWriter` writes: the header, then
    blocks of up to `blocklimit` postings (block info and compressed block data, pickled),
    the last one's length negative; each term's `W3TermInfo` into the term index."""

    def __init__(self, fieldwriter: Any, format_: Any, qlen: array | None) -> None:
        codec = fieldwriter._codec
        self.limit, self.level = codec._blocklimit, codec._compression
        self.postfile, self.tindex = fieldwriter._postfile, fieldwriter._tindex
        self.fieldkey = pack_ushort(fieldwriter._fieldid)
        self.fixed = format_.fixed_value_size()
        self.qlen = qlen

    def term(self, tbytes: bytes, ids: list, weights: list, values: list) -> None:
        limit, postfile = self.limit, self.postfile
        info = W3TermInfo()
        parts = [WHOOSH3_HEADER_MAGIC]
        for at in range(0, len(ids), limit):
            last = at + limit >= len(ids)
            block = (ids[at : at + limit], weights[at : at + limit], values[at : at + limit])
            parts.extend(self._block(info, *block, last))
        raw = b"".join(parts)
        info.set_extent(postfile.tell(), len(raw))
        postfile.write(raw)
        self.tindex.add(self.fieldkey + tbytes, info.to_bytes())

    def _block(self, info: Any, ids: list, weights: list, values: list, last: bool) -> tuple:
        """One block's bytes; its statistics added to `info` as `W3TermInfo.add_block` adds
        them (each posting's field length as the codec reads it back, 0 when none)."""
        lengths = list(map(self.qlen.__getitem__, ids)) if self.qlen is not None else []
        if 0 in lengths:  # add_posting counts no length 0
            lengths = [length for length in lengths if length]
        minlength = min(lengths) if lengths else None
        maxlength = max(lengths) if lengths else 0
        maxweight = max(0, max(weights))
        info._weight += sum(array("f", weights))
        info._df += len(ids)
        if info._minlength is None:
            info._minlength = minlength
        else:
            info._minlength = min(info._minlength, minlength)
        info._maxlength = max(info._maxlength, maxlength)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = ids[0]
        info._maxid = ids[-1]

        deltas = tuple([ids[0], *map(sub, ids[1:], ids[:-1])])
        first = weights[0]
        if weights.count(first) == len(weights):
            mini = None if first == 1.0 else first
        else:
            mini = tuple(weights)
        if b"" in values:  # add_posting keeps no empty value
            values = [v for v in values if v]
        if self.fixed is None or self.fixed < 0:
            vs: Any = tuple(values)
        elif self.fixed == 0:
            vs = None
        else:
            vs = b"".join(values)
        # Protocol 4 writes each value as bytes (protocol 2, Whoosh's, as a call of
        # `_codecs.encode` on a str): smaller, and quicker to write and to read.
        data = dumps((deltas, mini, vs), 4)
        level = self.level if len(data) >= MIN_COMPRESSED else 0  # zlib only lengthens these
        if level:
            data = zlib.compress(data, level)
        stats = (length_to_byte(minlength), length_to_byte(maxlength))
        head = dumps((len(ids), ids[-1], maxweight, level, *stats), 2)
        size = len(head) + len(data)
        return pack_int(-size if last else size), head, data


def write_toc(ix: Any, schema: Any, segments: list[Any]) -> None:
    """Make `segments` the index's contents: a new generation, as Whoosh's commit writes."""
    generation = ix.latest_generation() + 1
    TOC(schema, segments, generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, segments)
