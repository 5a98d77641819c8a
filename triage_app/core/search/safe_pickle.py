"""Unpickling the index's files without letting them run code.

Whoosh keeps parts of its on-disk format as pickles (the table of contents' segment list,
each posting block's header and data, stored fields, a compound file's directory), and a
pickle can call any importable function while it loads. The index folder is derived data
that anyone who can hand a user a library folder can write, so everything read from it goes
through `IndexUnpickler`: builtin containers and numbers, arrays, and the few Whoosh classes
of the whoosh3 codec; any other global makes the load fail, which the search treats as
damage (the index is rebuilt from the store). `harden_whoosh()` points Whoosh's own loaders
at it, once, when the search package loads Whoosh.
"""

from __future__ import annotations

import _codecs
import array
import builtins
import collections
import copyreg
import importlib
import io
import pickle
from collections.abc import Callable
from typing import IO, Any

# Globals a pickle in the index may name: builtin containers and scalars, the helpers
# protocol 2 uses for bytes and arrays, and nothing callable beyond those.
_BUILTINS = (
    "bool",
    "bytearray",
    "bytes",
    "complex",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "object",
    "set",
    "slice",
    "str",
    "tuple",
)
_ALLOWED: dict[tuple[str, str], Any] = {
    ("builtins", name): getattr(builtins, name) for name in _BUILTINS
}
_ALLOWED.update(
    {
        ("builtins", "long"): int,  # a Python 2 pickle's `__builtin__.long`
        ("_codecs", "encode"): _codecs.encode,  # protocol 2 writes bytes as encode(str, latin1)
        ("array", "array"): array.array,
        ("array", "_array_reconstructor"): array._array_reconstructor,  # type: ignore[attr-defined]
        ("copyreg", "_reconstructor"): copyreg._reconstructor,  # type: ignore[attr-defined]
        ("collections", "defaultdict"): collections.defaultdict,
        ("collections", "OrderedDict"): collections.OrderedDict,
    }
)
_RENAMED = {"__builtin__": "builtins", "copy_reg": "copyreg"}
# Whoosh modules whose classes (classes only, defined there) an index of the whoosh3 codec
# holds in its pickles: segments, the codec, deletion sets, column and format descriptions.
WHOOSH_MODULES = frozenset(
    {"whoosh.codec.whoosh3", "whoosh.columns", "whoosh.formats", "whoosh.idsets"}
)


class IndexPickleRefused(pickle.UnpicklingError):
    """A pickle in the index names something it may not: the index is damaged or forged."""


def allowed_global(module: str, name: str) -> Any:
    """The object a pickle may refer to as `module.name`; raises IndexPickleRefused."""
    module = _RENAMED.get(module, module)
    found = _ALLOWED.get((module, name))
    if found is not None:
        return found
    if module in WHOOSH_MODULES and name.isidentifier():
        obj = getattr(importlib.import_module(module), name, None)
        if isinstance(obj, type) and obj.__module__ == module:
            return obj
    raise IndexPickleRefused(f"the index names {module}.{name}, which it may not")


class IndexUnpickler(pickle.Unpickler):
    """An unpickler that resolves only `allowed_global` names; no persistent ids."""

    def find_class(self, module: str, name: str) -> Any:
        return allowed_global(module, name)

    def persistent_load(self, pid: Any) -> Any:
        raise IndexPickleRefused("the index holds a persistent id")


def load(file: IO[bytes], **_ignored: Any) -> Any:
    """`pickle.load`, restricted (reads exactly one pickle, leaving the file after it)."""
    return IndexUnpickler(file).load()


def loads(data: bytes, **_ignored: Any) -> Any:
    """`pickle.loads`, restricted. Read through a buffered reader: the unpickler then
    peeks at the whole pickle at once instead of asking a BytesIO for each opcode."""
    raw = bytes(data)
    return IndexUnpickler(io.BufferedReader(io.BytesIO(raw), max(len(raw), 1))).load()


class _PickleShim:
    """What `whoosh.index` uses of the pickle module. Its one `loads` reads the schema
    pickled in a table of contents, which names functions to call (analyzers, `re`): it is
    never unpickled; the program's own schema stands in for it (also where Whoosh opens an
    index without being handed a schema, as its multiprocess writer's workers do)."""

    schema_factory: Callable[[], Any] | None = None
    dumps = staticmethod(pickle.dumps)
    dump = staticmethod(pickle.dump)
    PicklingError = pickle.PicklingError
    UnpicklingError = pickle.UnpicklingError

    @classmethod
    def loads(cls, data: bytes, **_ignored: Any) -> Any:
        if cls.schema_factory is None:
            raise IndexPickleRefused("the index's pickled schema is not read")
        return cls.schema_factory()


# Whoosh's modules on the path that reads an index, and the names they bound the pickle
# loaders (or the pickle module) to. The writers' own temporary files (multiproc,
# externalsort) are not read from the index folder and keep the real loaders.
WHOOSH_LOADERS = {
    "whoosh.filedb.structfile": "load_pickle",
    "whoosh.codec.whoosh3": "loads",
    "whoosh.columns": "loads",
    "whoosh.formats": "loads",
    "whoosh.index": "pickle",
}
_hardened = False


def harden_whoosh(schema_factory: Callable[[], Any]) -> None:
    """Point the pickle loaders Whoosh's index reading uses at the restricted one, the
    schema's at `schema_factory`, and drop the loaders of pre-2.0 tables of contents (their
    own unpickler resolves any class)."""
    global _hardened
    _PickleShim.schema_factory = schema_factory
    if _hardened:
        return
    for mod_name, attr in WHOOSH_LOADERS.items():
        mod = importlib.import_module(mod_name)
        current = getattr(mod, attr)
        if current is pickle.loads:
            setattr(mod, attr, loads)
        elif current is pickle.load:
            setattr(mod, attr, load)
        elif current is pickle:
            setattr(mod, attr, _PickleShim)
    whoosh_index = importlib.import_module("whoosh.index")
    whoosh_index.toc_loaders = {}  # type: ignore[attr-defined]
    _hardened = True
