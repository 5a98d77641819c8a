"""Identifiers that name one paper across files and versions: arXiv ids and DOIs.

An arXiv id is kept without its version (`2309.08600v2` and `2309.08600` are one paper);
a DOI is kept lower-cased without its resolver prefix (DOIs are case-insensitive). Both
are found in the places tools put them: bare, `arXiv:` prefixed, abs/pdf URLs, OAI ids,
doi.org URLs, and arXiv's own DOIs (`10.48550/arXiv.2309.08600`).
"""

from __future__ import annotations

import re

# New-style ids (0704.0001 onwards: YYMM.NNNN or YYMM.NNNNN) and old-style archive/YYMMNNN.
_NEW_ID = r"(?P<new>\d{4}\.\d{4,5})"
_OLD_ID = r"(?P<old>[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{7})"
_ARXIV_ID = re.compile(
    rf"(?:arxiv(?:\.org)?[:/]\s*(?:abs/|pdf/)?|/abs/|/pdf/|^|\s)(?:{_NEW_ID}|{_OLD_ID})"
    r"(?:v(?P<version>\d+))?(?:\.pdf)?(?=$|[\s/?#.,;)\]}])",
    re.IGNORECASE,
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DOI = re.compile(r"(10\.\d{4,9}/\S+)")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def arxiv_id(text: str | None) -> tuple[str, int | None] | None:
    """(versionless id, version or None) of the first arXiv id in `text`, else None."""
    if not text:
        return None
    text = text.strip()
    doi = _ARXIV_DOI.match(text)
    if doi:
        text = doi.group(1)
    found = _ARXIV_ID.search(text)
    if found is None:
        return None
    ident = found.group("new") or found.group("old")
    # Old-style archive names are lower case; the subject class (math.GT) keeps its case.
    if found.group("old"):
        archive, _, number = ident.partition("/")
        name, dot, subject = archive.partition(".")
        ident = f"{name.lower()}{dot}{subject.upper()}/{number}"
    version = found.group("version")
    return ident, int(version) if version else None


def plain_arxiv_id(text: str | None) -> str | None:
    found = arxiv_id(text)
    return found[0] if found else None


def doi(text: str | None) -> str | None:
    """The DOI in `text` (bare, `doi:` or a doi.org URL), lower-cased; None when absent."""
    if not text:
        return None
    text = _DOI_PREFIX.sub("", text.strip())
    found = _DOI.search(text)
    if found is None:
        return None
    value = found.group(1).rstrip(".,;)]}>\"'")
    return value.lower() or None


def ids_from(*texts: str | None) -> tuple[str | None, str | None]:
    """(arxiv_id, doi) found in any of `texts` (a DOI of arXiv's own names the arXiv id)."""
    aid: str | None = None
    found_doi: str | None = None
    for text in texts:
        if not text:
            continue
        if found_doi is None:
            candidate = doi(text)
            if candidate and candidate.startswith("10.48550/arxiv."):
                aid = aid or plain_arxiv_id(candidate)
            elif candidate:
                found_doi = candidate
        if aid is None and ("arxiv" in text.lower() or _looks_bare(text)):
            aid = plain_arxiv_id(text)
    return aid, found_doi


def arxiv_version_of(aid: str | None, *texts: str | None) -> int | None:
    """The version one of `texts` gives with the arXiv id `aid` (`.../abs/2309.08600v2`),
    else None: a link that names another paper or no version says nothing."""
    if not aid:
        return None
    for text in texts:
        if text and ("arxiv" in text.lower() or _looks_bare(text)):
            found = arxiv_id(text)
            if found and found[0] == aid and found[1]:
                return found[1]
    return None


def _looks_bare(text: str) -> bool:
    return bool(re.fullmatch(rf"\s*(?:{_NEW_ID}|{_OLD_ID})(?:v\d+)?\s*", text))


# What a restore file may hold in its `arxiv_id` and `doi` (our exports write the stored,
# normalised forms; a hand-edited file may add a version, a prefix or a resolver).
MAX_DOI_CHARS = 1000
_WHOLE_ARXIV = re.compile(rf"\s*(?:arxiv:\s*)?(?:{_NEW_ID}|{_OLD_ID})(?:v\d+)?\s*", re.IGNORECASE)
_WHOLE_DOI = re.compile(r"10\.\d{4,9}/[^\s\x00-\x1f\x7f]+")


def checked_arxiv_id(value: object) -> str | None:
    """The versionless arXiv id a restore file's `arxiv_id` names (None when empty);
    raises ValueError with the reason when it is not one."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"arxiv_id must be text, not {value!r:.60}")
    if len(value) > 100 or not _WHOLE_ARXIV.fullmatch(value):
        raise ValueError(f"arxiv_id is not an arXiv id (like 2309.08600): {value!r:.60}")
    return plain_arxiv_id(value)


def checked_doi(value: object) -> str | None:
    """The lower-cased DOI a restore file's `doi` holds (None when empty); raises ValueError
    with the reason when it is not one."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"doi must be text, not {value!r:.60}")
    bare = _DOI_PREFIX.sub("", value.strip())
    if len(value) > MAX_DOI_CHARS or not _WHOLE_DOI.fullmatch(bare):
        raise ValueError(f"doi is not a DOI (like 10.1000/xyz): {value!r:.60}")
    return bare.lower()
