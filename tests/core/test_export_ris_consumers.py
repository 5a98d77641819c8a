"""The RIS export as rispy (ASReview's reader), Zotero and ASReview read it.

rispy runs for real. Zotero's import cannot run here; `zotero_items` follows its RIS
translator rule by rule: github.com/zotero/translators, RIS.js at commit
2814370161d05d799086825fac8d499db3a33aa3 ("lastUpdated": "2026-01-05 18:52:35"):
- `importTypeMap` (lines 128-160) plus `exportTypeMap` (lines 84-112) merged into it:
  MANSCPT -> manuscript (exported that way too, line 102), INPR/UNPD -> manuscript,
  GEN -> journalArticle, ELEC -> webpage; UNPB is in neither map, so it falls to
  DEFAULT_IMPORT_TYPE = 'journalArticle' (line 80). There is no preprint mapping.
- `_getTagValue` (lines 720-790): a line matching `^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$`
  starts a tag; any other line continues it, with a line break in AB/N1/N2/RN when the
  longest line read so far exceeds 85 characters, the previous line is shorter than 65,
  or the line is empty; otherwise joined with a space.
- tags (line 1427): a KW value is split at line breaks and at `;` - a tag holding `;`
  becomes two Zotero tags (no RIS escape exists); and when an item has exactly one tag it
  is split at commas (line 1767).
- AD (line 441, `degenerateImportFieldMap`): "unsupported/Author Address", kept as a note.
ASReview 3.0.8 (asreview/data/ris.py `_parse_label_from_notes`): the first note containing
`ASReview_relevant` / `ASReview_irrelevant` / `ASReview_not_seen` gives included 1 / 0 /
None; notes are read with rispy.
"""

from __future__ import annotations

import io
import re
from typing import Any

import rispy

from tests.core.consumer_library import PAPERS
from tests.core.test_export_links import same_link
from triage_app.core.export.cited_title import cited_title
from triage_app.core.export.ris import write_ris
from triage_app.core.triage import arxiv_url

ZOTERO_TYPES = {"MANSCPT": "manuscript", "INPR": "manuscript", "UNPD": "manuscript"}
_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_TAG_SPLIT = re.compile(r"\s*(?:[\r\n]+\s*)+(?:%K\s+)?|\s*(?:;\s*)+")
ASREVIEW_LABELS = {"ASReview_relevant": 1, "ASReview_irrelevant": 0, "ASReview_not_seen": None}


def exported() -> str:
    out = io.StringIO()
    write_ris(PAPERS, out)
    return out.getvalue()


def zotero_items(text: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    item: dict[str, Any] | None = None
    pairs: list[list[str]] = []
    max_length, last_length = 0, 0
    for line in text.split("\n"):
        found = _RIS_LINE.match(line)
        if not found and not pairs:
            continue
        max_length = max(max_length, len(line))
        if found:
            pairs.append([found[1], found[2] or ""])
        else:
            tag, clean = pairs[-1][0], line.strip()
            if (
                tag in ("AB", "N1", "N2", "RN")
                and (max_length > 85 or last_length < 65 or not clean)
            ) or tag == "KW":
                pairs[-1][1] += "\n" + clean
            else:
                pairs[-1][1] += ("" if pairs[-1][1].endswith(" ") else " ") + clean
        last_length = len(line)
    for tag, value in pairs:
        if tag == "TY":
            item = {"itemType": ZOTERO_TYPES.get(value, "journalArticle"), "tags": [], "notes": []}
            item["creators"] = []
        elif item is None:
            continue
        elif tag == "ER":
            if len(item["tags"]) == 1:
                item["tags"] = [t for t in re.split(r"\s*(?:,\s*)+", item["tags"][0]) if t]
            items.append(item)
            item = None
        elif tag == "KW":
            item["tags"] += [t for t in _TAG_SPLIT.split(value) if t]
        elif tag == "N1":
            item["notes"].append(value)
        elif tag == "AD":
            item["notes"].append("Author Address: " + value)
        elif tag == "AU":
            item["creators"].append(value)
        else:
            item[
                {"TI": "title", "UR": "url", "PY": "year", "M3": "manuscriptType"}.get(tag, tag)
            ] = value
    return items


def shown_name(ris_name: str) -> str:
    family, _, given = ris_name.partition(", ")
    return f"{given} {family}" if given else family


def test_rispy_reads_titles_names_dates_tags_notes_and_links_as_the_app_shows_them() -> None:
    records = rispy.loads(exported())
    assert [r["type_of_reference"] for r in records] == ["MANSCPT"] * len(PAPERS)
    assert [r["title"] for r in records] == [cited_title(p.title, p.abstract) for p in PAPERS]
    assert [r["title"] for r in records][-1] == (
        "[Large language models can be steered by adding vectors to their activations…]"
    )
    assert [[shown_name(a) for a in r.get("authors", [])] for r in records] == [
        list(p.authors) for p in PAPERS
    ]
    assert [r.get("year") for r in records] == [
        str(p.published.year) if p.published else None for p in PAPERS
    ]
    assert [r.get("keywords", []) for r in records] == [list(p.tags) for p in PAPERS]
    assert all(same_link(r["urls"][0], arxiv_url(p)) for r, p in zip(records, PAPERS, strict=True))
    assert [r.get("doi") for r in records] == [p.doi for p in PAPERS]  # `DO`, ASReview's too
    first = records[0]
    assert first["author_address"] == "Universidade de São Paulo; Google DeepMind; London"
    assert first["notes"] == [
        "triage: kept; rating 5; starred",
        "ASReview_relevant",
        "et al.: the listing named only these 3 authors",
        "Übersicht: see {SAE} probes",
        "- first point",
        "- second point",
    ]


def test_zotero_files_a_manuscript_with_the_note_lines_link_and_tags() -> None:
    items = zotero_items(exported())
    assert [i["itemType"] for i in items] == ["manuscript"] * len(PAPERS)
    assert [i["manuscriptType"] for i in items] == ["Preprint"] * len(PAPERS)
    assert [i["title"] for i in items] == [cited_title(p.title, p.abstract) for p in PAPERS]
    assert all(same_link(i["url"], arxiv_url(p)) for i, p in zip(items, PAPERS, strict=True))
    first = items[0]
    assert first["notes"][-1] == PAPERS[0].note  # the line breaks arrive
    assert "Author Address: Universidade de São Paulo; Google DeepMind; London" in first["notes"]
    # Known and documented: Zotero splits a tag at `;` (RIS has no escape for it).
    assert first["tags"] == ["survey", "to read", "later", "C:\\data"]
    assert [i["tags"] for i in items[1:]] == [list(p.tags) for p in PAPERS[1:]]


def test_the_old_record_type_was_a_journal_article_to_zotero() -> None:
    (item,) = zotero_items("TY  - UNPB\nTI  - x\nER  - \n")
    assert item["itemType"] == "journalArticle"


def test_asreview_reads_every_decision_from_the_notes() -> None:
    def label(notes: list[str]) -> int | None:
        for note in notes:
            for key, value in ASREVIEW_LABELS.items():
                if key in note:
                    return value
        return None

    records = rispy.loads(exported())
    assert [label(r["notes"]) for r in records] == [
        {"kept": 1, "dismissed": 0, "new": None}[p.status] for p in PAPERS
    ]
