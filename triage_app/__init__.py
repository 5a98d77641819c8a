"""triage-app: triage the daily flood of new papers at keyboard speed."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("triage-app")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
