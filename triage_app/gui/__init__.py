"""The PySide6 window. Importing this package applies the Qt binding workaround below."""

from __future__ import annotations

import sys


def _make_none_immortal() -> None:
    """Work around PySide6 6.12.0 on CPython 3.11 dropping a reference to None on every call of
    a C++ method that returns nothing (each `QWidget.update()` call leaves None's
    reference count one lower). None starts with a few thousand references, so the
    window aborted with "Fatal Python error: none_dealloc" after seconds of use. CPython
    3.12 made None immortal (PEP 683); this gives 3.11 the same by adding 2**40
    references, which no session can use up. Remove when the binding is fixed or 3.11 is
    dropped."""
    if sys.version_info >= (3, 12):
        return
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40  # ob_refcnt, PyObject's 1st field


_make_none_immortal()
