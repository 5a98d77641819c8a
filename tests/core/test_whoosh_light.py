"""Whoosh imported without urllib.request and asyncio: the stand-ins behave as the real ones."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import cached_property as package
import pytest

from triage_app.core.search.whoosh_light import cached_property, escape, urlretrieve, variations

REPO = Path(__file__).resolve().parents[2]


def _owner(decorator: type) -> type:
    class Owner:
        def __init__(self) -> None:
            self.calls = 0

        @decorator
        def value(self) -> int:
            """The doc."""
            self.calls += 1
            return self.calls * 10

        @decorator
        async def later(self) -> int:
            self.calls += 1
            return self.calls * 100

    return Owner


@pytest.mark.parametrize("decorator", [cached_property, package.cached_property])
def test_the_stand_in_caches_as_the_package_does(decorator: type) -> None:
    owner = _owner(decorator)
    assert isinstance(owner.__dict__["value"], decorator)
    assert owner.value.__doc__ == "The doc."  # the descriptor itself, from the class
    obj = owner()
    assert (obj.value, obj.value, obj.calls) == (10, 10, 1)
    assert obj.__dict__["value"] == 10  # an ordinary attribute now
    del obj.value  # deleting resets it
    assert (obj.value, obj.calls) == (20, 2)
    obj.value = 5  # and it can be set, like any attribute
    assert obj.value == 5


@pytest.mark.parametrize("decorator", [cached_property, package.cached_property])
def test_a_coroutine_property_is_one_future(decorator: type) -> None:
    obj = _owner(decorator)()

    async def run() -> tuple[int, int, bool]:
        first = obj.later
        assert isinstance(first, asyncio.Future)
        return await first, await obj.later, obj.later is first

    assert asyncio.run(run()) == (100, 100, True)
    assert obj.calls == 1


def test_the_urlretrieve_stand_in_fetches(tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("körper\n", encoding="utf-8")
    target = tmp_path / "copy.txt"
    name, _headers = urlretrieve(source.as_uri(), str(target))
    assert name == str(target)
    assert target.read_bytes() == source.read_bytes()


def test_the_variations_stand_in_is_whooshs() -> None:
    from whoosh.lang.morph_en import variations as real

    for word in ("model", "running", "analyses", "über", ""):
        assert variations(word) == real(word)


def test_the_escape_stand_in_is_htmls() -> None:
    import html

    for text in ("a < b & c", "\"quoted\" 'single'", "plain", ""):
        assert escape(text) == html.escape(text)
        assert escape(text, quote=False) == html.escape(text, quote=False)


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_a_search_imports_neither_urllib_nor_asyncio() -> None:
    out = _run(
        """
        import sys
        import triage_app.core.search.service
        import whoosh.compat, whoosh.reading, whoosh.query.terms
        heavy = ("asyncio", "urllib.request", "http.client", "ssl", "cached_property", "html")
        print(sorted(m for m in (*heavy, "whoosh.lang.morph_en") if m in sys.modules))
        print(whoosh.reading.cached_property.__module__, whoosh.compat.urlretrieve.__module__)
        print(whoosh.query.terms.variations.__module__, whoosh.compat.htmlescape.__module__)
        """
    )
    assert out.splitlines() == [
        "[]",
        "triage_app.core.search.whoosh_light triage_app.core.search.whoosh_light",
        "triage_app.core.search.whoosh_light triage_app.core.search.whoosh_light",
    ]


def test_later_imports_get_the_real_modules() -> None:
    out = _run(
        """
        import triage_app.core.search.service
        import cached_property, html, urllib.request, whoosh.lang.morph_en
        print(cached_property.__file__.endswith("cached_property.py"), urllib.request.urlopen)
        print(cached_property.threaded_cached_property.__name__, html.unescape("&amp;"))
        morph = whoosh.lang.morph_en
        print(morph.__file__.endswith("morph_en.py"), "modelling" in morph.variations("model"))
        """
    )
    first, second, third = out.splitlines()
    assert first.startswith("True <function urlopen")
    assert second == "threaded_cached_property &"
    assert third == "True True"


def test_whoosh_imported_first_keeps_its_own_names() -> None:
    """Loaded before the finder (another program's Whoosh): nothing is replaced."""
    out = _run(
        """
        import whoosh.reading, whoosh.compat, whoosh.query
        import triage_app.core.search.service
        print(whoosh.reading.cached_property.__module__, whoosh.compat.urlretrieve.__module__)
        print(whoosh.query.terms.variations.__module__, whoosh.compat.htmlescape.__module__)
        """
    )
    assert out.splitlines() == ["cached_property urllib.request", "whoosh.lang.morph_en html"]
