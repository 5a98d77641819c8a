"""Importing Whoosh without modules its import pulls in that no search here uses.

`whoosh.compat` binds `urllib.request.urlretrieve` (nothing in Whoosh or here calls it), and
importing `urllib.request` loads `http.client`, `email`, `ssl` and `hashlib`; it also binds
`html.escape` (Whoosh's own highlighter; ours is `highlight.py`), and `html` loads the table
of HTML5's character references. `whoosh.reading` takes its `cached_property` decorator from
the PyPI package, which imports `asyncio`; `whoosh.query.terms` binds
`whoosh.lang.morph_en.variations` (Whoosh's `Variations` query), whose module compiles 6
large regular expressions at import. Every `triage-app search` paid for all of them.

`install()` (the package's face calls it; it imports nothing) puts a finder on
`sys.meta_path` that runs those three Whoosh modules' code with stand-ins in `sys.modules`
for just that moment: `urlretrieve`, `escape` and `variations` import the real ones when
first called; `cached_property` is the package's class (the same `__get__`), telling a
coroutine function from a plain one without importing `asyncio`. Afterwards every later
import of those modules gets the real ones.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from typing import Any


class cached_property:  # the name of the class it stands in for
    """The `cached_property` package's (2.0.1) decorator: computed once per instance, then an
    ordinary attribute (deleting it resets the property). For a coroutine function the value
    is the package's future, made by the package itself."""

    def __init__(self, func: Any) -> None:
        self.__doc__ = getattr(func, "__doc__")  # noqa: B009  (as the package does)
        self.func = func

    def __get__(self, obj: Any, cls: Any) -> Any:
        if obj is None:
            return self
        if _is_coroutine_function(self.func):
            real = importlib.import_module("cached_property").cached_property
            return real(self.func).__get__(obj, cls)
        value = obj.__dict__[self.func.__name__] = self.func(obj)
        return value


def _is_coroutine_function(func: Any) -> bool:
    """`asyncio.iscoroutinefunction`: `inspect`'s test, or asyncio's marker on the function
    (which exists only once asyncio is loaded)."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        return bool(asyncio.iscoroutinefunction(func))
    return inspect.iscoroutinefunction(func)


def urlretrieve(*args: Any, **kwargs: Any) -> Any:
    """`urllib.request.urlretrieve`, imported when first called."""
    return importlib.import_module("urllib.request").urlretrieve(*args, **kwargs)


def variations(word: str) -> Any:
    """`whoosh.lang.morph_en.variations` (Whoosh's `Variations` query), imported when first
    called: at import, that module compiles its 115 suffix rules into 6 regular expressions."""
    return importlib.import_module("whoosh.lang.morph_en").variations(word)


def escape(*args: Any, **kwargs: Any) -> Any:
    """`html.escape` (Whoosh's highlighting), imported when first called: `html` loads the
    table of HTML5's named character references."""
    return importlib.import_module("html").escape(*args, **kwargs)


def _stand_in(name: str, **names: Any) -> types.ModuleType:
    module = types.ModuleType(name, f"triage-app's stand-in for {name} (see whoosh_light)")
    module.__dict__.update(names)
    return module


# Each Whoosh module, and the modules it imports names from, with the stand-ins for those.
_STAND_INS: dict[str, dict[str, dict[str, Any]]] = {
    "whoosh.compat": {"urllib.request": {"urlretrieve": urlretrieve}, "html": {"escape": escape}},
    "whoosh.reading": {"cached_property": {"cached_property": cached_property}},
    "whoosh.query.terms": {"whoosh.lang.morph_en": {"variations": variations}},
}


class _Loader:
    """The real loader of a Whoosh module; its code runs with the stand-ins importable."""

    def __init__(self, real: Any, stand_ins: dict[str, dict[str, Any]]) -> None:
        self._real, self._stand_ins = real, stand_ins

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return self._real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        # A module loaded already (by then) is used as it is: nothing to spare.
        placed = {
            name: sys.modules.setdefault(name, _stand_in(name, **names))
            for name, names in self._stand_ins.items()
            if name not in sys.modules
        }
        try:
            self._real.exec_module(module)
        finally:
            for name, stand_in in placed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]

    def __getattr__(self, name: str) -> Any:  # get_source, get_code, is_package, ...
        return getattr(self._real, name)


class _Finder:
    """Finds the modules of `_STAND_INS` where the path finder does, with `_Loader`."""

    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> ModuleSpec | None:
        if name not in _STAND_INS:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader, _STAND_INS[name])  # type: ignore[assignment]
        return spec

    @staticmethod
    def invalidate_caches() -> None:
        pass


def install() -> None:
    """Put the finder first on `sys.meta_path` (once; before Whoosh is imported it counts)."""
    if not any(f is _Finder for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder)
