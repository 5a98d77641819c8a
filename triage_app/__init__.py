"""triage-app: triage the daily flood of new papers at keyboard speed."""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__`, read from the package metadata when first asked for, so that
    `triage-app --help` and the other commands do not import importlib.metadata."""
    if name != "__version__":
        raise AttributeError(f"module 'triage_app' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("triage-app")
    except PackageNotFoundError:  # running from a source tree that was never installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
