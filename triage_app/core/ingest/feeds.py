"""Feed subscriptions kept in the library's settings, and fetching them into the library.

A subscription is an arXiv category (`cs.CL`, read from arXiv's Atom feed of the day's
announcements) or any http(s) URL serving a format the importer reads (Atom, RSS, RIS,
BibTeX...). Each fetched answer is imported like a file (sniffed, read, merged by arXiv id,
DOI or title), so a feed fetched twice adds nothing: an unchanged feed answers 304 to the
validators kept from last time, and a changed one only merges into the papers it already
brought. A source that fails is reported in one line and keeps its old validators; what
the others brought is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

from triage_app.core.ingest.http_fetch import FetchError, PoliteFetcher
from triage_app.core.ingest.importer import ImportReport, import_source
from triage_app.core.ingest.sources import open_bytes
from triage_app.core.store import Library, utc_now

SUBSCRIPTIONS_KEY = "feeds.subscriptions"
DAILY_KEY = "feeds.daily"
LAST_RUN_KEY = "feeds.last_run"
ARXIV_FEED = "https://rss.arxiv.org/atom/{category}"
Importer = Callable[[str, bytes], ImportReport]  # (file name, bytes) -> its report
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(\.[A-Za-z][A-Za-z\-]*)?$")


@dataclass(frozen=True)
class Subscription:
    name: str  # as the user typed it: `cs.CL` or a URL
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_fetched: str | None = None
    last_result: str | None = None


@dataclass
class FeedReport:
    name: str
    url: str
    import_report: ImportReport | None = None
    not_modified: bool = False
    failure: str | None = None
    problems: list[str] = field(default_factory=list)
    # The answer's ETag and Last-Modified, kept once its papers are in the library.
    validators: tuple[str | None, str | None] | None = None

    def line(self) -> str:
        if self.failure:
            return f"{self.name}: failed: {self.failure}"
        if self.not_modified:
            return f"{self.name}: not modified since the last fetch"
        assert self.import_report is not None
        report = self.import_report
        if report.refused:
            return f"{self.name}: refused: {report.refused}"
        text = report.summary().split(": ", 1)[1]
        return f"{self.name}: {text}"


def feed_url(spec: str) -> str:
    """The URL a subscription fetches; ValueError for what is neither a category nor a URL."""
    spec = spec.strip()
    if _CATEGORY.match(spec):
        return ARXIV_FEED.format(category=spec)
    if re.match(r"^https?://[^\s/]+", spec):
        return spec
    raise ValueError(
        f"{spec!r} is neither an arXiv category (like cs.CL or math.CO) nor an http(s) URL"
    )


def load_subscriptions(library: Library) -> list[Subscription]:
    raw = library.get_meta(SUBSCRIPTIONS_KEY)
    if not raw:
        return []
    try:
        items = json.loads(raw)
        return [Subscription(**item) for item in items if isinstance(item, dict)]
    except (ValueError, TypeError):
        return []  # a damaged setting: no subscriptions rather than a crash


def save_subscriptions(library: Library, subs: Iterable[Subscription]) -> None:
    library.set_meta(SUBSCRIPTIONS_KEY, json.dumps([asdict(s) for s in subs]))


def add_subscription(library: Library, spec: str) -> Subscription:
    url = feed_url(spec)
    subs = load_subscriptions(library)
    for sub in subs:
        if sub.url == url:
            return sub
    new = Subscription(name=spec.strip(), url=url)
    save_subscriptions(library, [*subs, new])
    return new


def remove_subscription(library: Library, spec: str) -> bool:
    subs = load_subscriptions(library)
    keep = [s for s in subs if spec.strip() not in (s.name, s.url)]
    if len(keep) == len(subs):
        return False
    save_subscriptions(library, keep)
    return True


def replace_subscriptions(library: Library, wanted: Iterable[Subscription]) -> None:
    """Make the subscriptions `wanted` (the window's Feeds dialog), in its order; one still
    subscribed keeps what is stored of it now (validators and results a fetch wrote while
    the dialog was open)."""
    stored = {s.url: s for s in load_subscriptions(library)}
    save_subscriptions(library, [stored.get(s.url, s) for s in wanted])


def set_daily(library: Library, enabled: bool) -> None:
    library.set_meta(DAILY_KEY, "true" if enabled else "false")


def daily_enabled(library: Library) -> bool:
    return library.get_meta(DAILY_KEY) == "true"


def daily_fetch_due(library: Library, today: date | None = None) -> bool:
    """True when the daily fetch is on, there is something to fetch, and no fetch ran today."""
    if not daily_enabled(library) or not load_subscriptions(library):
        return False
    last = library.get_meta(LAST_RUN_KEY)
    day = (today or date.today()).isoformat()
    return not (last and last[:10] >= day)


def fetch_feeds(
    library: Library,
    *,
    only: Iterable[str] = (),
    fetcher: PoliteFetcher | None = None,
    on_report: Callable[[FeedReport], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    importer: Importer | None = None,
) -> list[FeedReport]:
    """Fetch every subscription (or those named in `only`) and import what changed;
    `importer(name, data)` imports one answer (in this process by default; the window
    passes one that imports in its child process, as it does for files)."""
    fetcher = fetcher or PoliteFetcher()
    importer = importer or (lambda name, data: import_source(library, open_bytes(name, data)))
    wanted = set(only)
    reports: list[FeedReport] = []
    for sub in load_subscriptions(library):
        if wanted and sub.name not in wanted and sub.url not in wanted:
            continue
        if cancel and cancel():
            break
        report = _fetch_one(sub, fetcher, importer)
        reports.append(report)
        _remember(library, sub, report)
        if on_report:
            on_report(report)
    library.set_meta(LAST_RUN_KEY, utc_now())
    return reports


def _fetch_one(sub: Subscription, fetcher: PoliteFetcher, importer: Importer) -> FeedReport:
    report = FeedReport(sub.name, sub.url)
    try:
        got = fetcher.fetch(sub.url, etag=sub.etag, last_modified=sub.last_modified)
    except FetchError as exc:
        report.failure = str(exc)
        return report
    if got.status == 304:
        report.not_modified = True
        return report
    stamp = datetime.now().strftime("%Y-%m-%d")
    name = f"{_file_safe(sub.name)}-{stamp}.feed"
    report.import_report = importer(name, got.body)
    report.problems = list(report.import_report.problems)
    # Validators are kept only once the answer is in the library: a failed import is
    # fetched again next time instead of being skipped as "not modified".
    if not (report.import_report.refused or report.import_report.cancelled):
        report.validators = (got.etag, got.last_modified)
    return report


def _remember(library: Library, sub: Subscription, report: FeedReport) -> None:
    subs = load_subscriptions(library)
    seen = report.validators
    updated = replace(
        sub,
        etag=seen[0] if seen else sub.etag,
        last_modified=seen[1] if seen else sub.last_modified,
        last_fetched=utc_now() if not report.failure else sub.last_fetched,
        last_result=report.line()[:300],
    )
    save_subscriptions(library, [updated if s.url == sub.url else s for s in subs])


def _file_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", name)[:60].strip("_") or "feed"


def feed_import_reports(reports: Iterable[FeedReport]) -> list[ImportReport]:
    """The fetch as import reports, one a feed, for the window's import summary."""
    out: list[ImportReport] = []
    for report in reports:
        if report.import_report is not None:
            out.append(replace(report.import_report, file=report.name))
        elif report.failure:
            out.append(ImportReport(file=report.name, refused=f"fetch failed: {report.failure}"))
        else:
            out.append(ImportReport(file=report.name, already_imported=utc_now()))
    return out
