"""Bringing papers in: listings, read-back of the app's own exports, merging, the demo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face

if TYPE_CHECKING:
    from triage_app.core.ingest.demo import (
        demo_listing_names,
        demo_target,
        load_demo,
    )
    from triage_app.core.ingest.feeds import (
        FeedReport,
        Subscription,
        add_subscription,
        daily_enabled,
        daily_fetch_due,
        feed_import_reports,
        feed_url,
        fetch_feeds,
        load_subscriptions,
        remove_subscription,
        replace_subscriptions,
        set_daily,
    )
    from triage_app.core.ingest.folder_watch import (
        FolderWatch,
        set_watched_folder,
        watched_folder,
    )
    from triage_app.core.ingest.http_fetch import FetchError, PoliteFetcher
    from triage_app.core.ingest.importer import (
        ImportReport,
        import_path,
        import_source,
    )
    from triage_app.core.ingest.sources import (
        open_bytes,
    )

_NAMES = {
    "FeedReport": "feeds",
    "FolderWatch": "folder_watch",
    "set_watched_folder": "folder_watch",
    "watched_folder": "folder_watch",
    "FetchError": "http_fetch",
    "ImportReport": "importer",
    "PoliteFetcher": "http_fetch",
    "Subscription": "feeds",
    "add_subscription": "feeds",
    "daily_enabled": "feeds",
    "daily_fetch_due": "feeds",
    "feed_import_reports": "feeds",
    "feed_url": "feeds",
    "fetch_feeds": "feeds",
    "load_subscriptions": "feeds",
    "remove_subscription": "feeds",
    "replace_subscriptions": "feeds",
    "set_daily": "feeds",
    "demo_listing_names": "demo",
    "demo_target": "demo",
    "import_path": "importer",
    "import_source": "importer",
    "load_demo": "demo",
    "open_bytes": "sources",
}
__all__ = [
    "FeedReport",
    "FetchError",
    "FolderWatch",
    "ImportReport",
    "PoliteFetcher",
    "Subscription",
    "add_subscription",
    "daily_enabled",
    "daily_fetch_due",
    "demo_listing_names",
    "demo_target",
    "feed_import_reports",
    "feed_url",
    "fetch_feeds",
    "import_path",
    "import_source",
    "load_demo",
    "load_subscriptions",
    "open_bytes",
    "remove_subscription",
    "replace_subscriptions",
    "set_daily",
    "set_watched_folder",
    "watched_folder",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
