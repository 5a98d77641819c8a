"""The index build's fast path writes exactly what Whoosh's own analysis writes: the same
terms, frequencies, weights and encoded positions for any text, and the same index for a
library of generated papers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from tests.perf.corpus import write_listing
from triage_app.core.ingest.importer import import_path
from triage_app.core.search.fields import TEXT_FIELDS
from triage_app.core.search.index import SearchIndex, make_schema, open_whoosh
from triage_app.core.search.terms import FastIndex, fast_fields
from triage_app.core.store import open_library

SCHEMA = make_schema()
FIELDS = TEXT_FIELDS
FAST = {name: FastIndex(SCHEMA[name]) for name in TEXT_FIELDS}

WORDS = st.sampled_from(
    [
        "The",
        "a",
        "of",
        "and",
        "I",
        "x",
        "autoencoders",
        "Müller",
        "déjà",
        "naïve",
        "U.S.A.",
        "e.g.",
        "3.14",
        "ﬁne",
        "ǅemal",
        "İstanbul",
        "straße",
        "Ωmega",
        "_",
        "co-op",
        "x*y",
    ]
)
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join),
)


def whoosh_items(field: str, text: str) -> list[tuple[bytes, int, float, bytes]]:
    return sorted(SCHEMA[field].index(text))


@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_fast_path_yields_what_whoosh_analysis_yields(text: str) -> None:
    for field in TEXT_FIELDS:
        assert sorted(FAST[field](text)) == whoosh_items(field, text), field


def test_the_fields_are_whoosh_own_again_after_the_build() -> None:
    schema = make_schema()
    with fast_fields(schema, TEXT_FIELDS):
        assert isinstance(schema["abstract"].index, FastIndex)
    assert all("index" not in vars(schema[name]) for name in TEXT_FIELDS)


def whoosh_contents(folder: Path) -> tuple[list, list]:
    """Every term of every field with its postings (paper id, encoded positions, weight),
    and every paper's stored fields and field lengths, as Whoosh reads them; by paper id, as
    a build in two processes numbers the documents in another order."""
    ix = open_whoosh(folder)
    with ix.reader() as reader:
        pids = [reader.stored_fields(doc)["pid"] for doc in range(reader.doc_count_all())]
        postings = []
        for field, term in reader.all_terms():
            items = reader.postings(field, term).all_items()
            weights = reader.postings(field, term).items_as("weight")
            found = [
                (pids[doc], value, w) for (doc, value), (_, w) in zip(items, weights, strict=True)
            ]
            postings.append((field, term, sorted(found)))
        docs = sorted(
            (
                pids[doc],
                reader.stored_fields(doc),
                [reader.doc_field_length(doc, f) for f in TEXT_FIELDS],
            )
            for doc in range(reader.doc_count_all())
        )
    ix.close()
    return postings, docs


@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuild_writes_the_index_whoosh_writes_itself(tmp_path: Path, procs: int) -> None:
    listing = write_listing(tmp_path / "listing.txt", 300, seed=7)
    library = open_library(tmp_path / "lib")
    import_path(library, listing, as_of=date(2026, 11, 24))
    with library.write() as txn:  # notes too, with stop words first
        txn.conn.exec_driver_sql(
            "UPDATE paper SET note = 'The a of it. Übung macht den Meister' WHERE id % 3 = 0"
        )
    index = SearchIndex(library)
    index.rebuild(procs=procs)
    index.close()
    segments = len(list(library.index_dir.glob("*.seg")))

    plain = tmp_path / "plain"
    plain.mkdir()
    ix = whoosh_index.create_in(str(plain), make_schema())
    writer = ix.writer(limitmb=256)
    for row in SearchIndex(library)._iter_all_rows():
        writer.add_document(pid=row.pid, sig=row.sig, **row.fields)
    writer.commit()
    ix.close()

    fast, slow = whoosh_contents(library.index_dir), whoosh_contents(plain)
    assert len(fast[0]) > 1000 and len(fast[1]) == 300
    assert segments == procs  # the two-process build did run in two children
    assert fast == slow
    library.close()
