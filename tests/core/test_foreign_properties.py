"""Property tests of the small codecs other tools' files go through: identifiers, TeX,
names, dates."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from triage_app.core.ingest.foreign_text import display_name, iso_day, tex_to_text
from triage_app.core.ingest.identity import arxiv_id, doi, ids_from

new_ids = st.builds(
    lambda yymm, n, width: f"{yymm:04d}.{n:0{width}d}",
    st.integers(701, 3912),
    st.integers(1, 9999),
    st.sampled_from([4, 5]),
)
versions = st.one_of(st.none(), st.integers(1, 30))


@given(
    ident=new_ids,
    version=versions,
    form=st.sampled_from(
        [
            "{}",
            "arXiv:{}",
            "https://arxiv.org/abs/{}",
            "http://arxiv.org/pdf/{}.pdf",
            "oai:arXiv.org:{}",
            "10.48550/arXiv.{}",
            " arxiv: {} ",
        ]
    ),
)
def test_an_arxiv_id_is_found_in_every_form_tools_write(
    ident: str, version: int | None, form: str
) -> None:
    text = form.format(ident + (f"v{version}" if version else ""))
    assert arxiv_id(text) == (ident, version)
    assert ids_from(text)[0] == ident


@given(
    prefix=st.integers(1000, 99999),
    suffix=st.text(
        alphabet=string.ascii_letters + string.digits + "./-_()", min_size=1, max_size=30
    ).filter(lambda s: s[-1].isalnum()),
    form=st.sampled_from(["{}", "doi:{}", "https://doi.org/{}", "http://dx.doi.org/{}"]),
)
def test_a_doi_is_one_key_whatever_its_case_and_resolver(
    prefix: int, suffix: str, form: str
) -> None:
    value = f"10.{prefix}/{suffix}"
    assert doi(form.format(value)) == doi(value.upper().replace("10.", "10.", 1)) == value.lower()


words = st.text(alphabet=string.ascii_letters + " ,.:?!'()0123456789", max_size=80)


@given(text=words)
def test_text_without_tex_only_loses_braces_and_extra_space(text: str) -> None:
    braced = "{" + text.replace(" ", "} {") + "}"
    assert tex_to_text(braced) == " ".join(text.split())


ACCENTS = ['"', "'", "`", "^", "~", "=", ".", "u", "v", "H", "c", "k", "r"]


@settings(max_examples=300)
@given(
    accent=st.sampled_from(ACCENTS),
    letter=st.sampled_from(string.ascii_letters),
    form=st.sampled_from(["{{\\{a}{l}}}", "\\{a}{{{l}}}", "{{\\{a}{{{l}}}}}"]),
    before=st.sampled_from(["", "Bo", "x "]),
    after=st.sampled_from(["", "m", " y"]),
)
def test_the_accent_shortcut_agrees_with_pylatexenc(
    accent: str, letter: str, form: str, before: str, after: str
) -> None:
    tex = before + form.format(a=accent, l=letter) + after
    full = LatexNodes2Text(math_mode="verbatim").latex_to_text(tex)
    assert tex_to_text(tex) == " ".join(full.replace("{", "").replace("}", "").split())


names = (
    st.text(alphabet=string.ascii_letters + "-'. ", min_size=1, max_size=20)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@given(given_name=names, family=names)
def test_family_comma_given_reads_as_given_family(given_name: str, family: str) -> None:
    assert display_name(f"{family}, {given_name}") == f"{given_name} {family}"
    assert display_name(f"{given_name} {family}") == f"{given_name} {family}"
    assert display_name("{" + f"{given_name} {family}" + "}") == f"{given_name} {family}"


@given(
    day=st.dates(), sep=st.sampled_from(["-", "/"]), tail=st.sampled_from(["", "/", "T10:00:00Z"])
)
def test_dates_in_tools_forms(day: date, sep: str, tail: str) -> None:
    text = f"{day.year:04d}{sep}{day.month:02d}{sep}{day.day:02d}{tail}"
    if day.year >= 1000:
        assert iso_day(text) == day.isoformat()
