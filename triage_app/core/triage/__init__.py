"""Deciding: decisions, views, the For-you order, pace, actions and keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage_app.core.lazy import lazy_face

if TYPE_CHECKING:
    from triage_app.core.triage.actions import ACTIONS, MENUS, Action, by_id
    from triage_app.core.triage.decisions import (
        UNSET,
        DecisionPatch,
        clean_tag,
        insert_tags,
        load_states,
        mark,
        merge_tags,
        redo,
        tag_key,
        undo,
        write_states,
    )
    from triage_app.core.triage.key_names import KeymapError
    from triage_app.core.triage.keymap import keymap_table, keys_file, load_actions
    from triage_app.core.triage.keywords import (
        compile_terms,
        load_lists,
        parse_word_list,
        save_lists,
    )
    from triage_app.core.triage.links import (
        ABSTRACT_WORDS,
        arxiv_abs_url,
        arxiv_url,
        scholar_url,
    )
    from triage_app.core.triage.pace import (
        PaceTracker,
        local_midnight_utc_iso,
    )
    from triage_app.core.triage.progress_stats import ProgressStats, load_progress
    from triage_app.core.triage.recommend import Ranked, explain, rank_inbox
    from triage_app.core.triage.reference import (
        keys_markdown,
        keys_text,
    )
    from triage_app.core.triage.views import (
        Ranking,
        SidebarCounts,
        ViewResult,
        ViewSpec,
        load_newer,
        load_view,
        sidebar_counts,
    )

_NAMES = {
    "ACTIONS": "actions",
    "Action": "actions",
    "DecisionPatch": "decisions",
    "KeymapError": "key_names",
    "MENUS": "actions",
    "PaceTracker": "pace",
    "ProgressStats": "progress_stats",
    "Ranked": "recommend",
    "Ranking": "views",
    "SidebarCounts": "views",
    "UNSET": "decisions",
    "ViewResult": "views",
    "ViewSpec": "views",
    "ABSTRACT_WORDS": "links",
    "arxiv_abs_url": "links",
    "arxiv_url": "links",
    "by_id": "actions",
    "clean_tag": "decisions",
    "tag_key": "decisions",
    "insert_tags": "decisions",
    "merge_tags": "decisions",
    "compile_terms": "keywords",
    "explain": "recommend",
    "keymap_table": "keymap",
    "keys_file": "keymap",
    "keys_markdown": "reference",
    "keys_text": "reference",
    "load_actions": "keymap",
    "load_lists": "keywords",
    "load_newer": "views",
    "load_states": "decisions",
    "load_view": "views",
    "load_progress": "progress_stats",
    "local_midnight_utc_iso": "pace",
    "mark": "decisions",
    "parse_word_list": "keywords",
    "rank_inbox": "recommend",
    "redo": "decisions",
    "save_lists": "keywords",
    "scholar_url": "links",
    "sidebar_counts": "views",
    "undo": "decisions",
    "write_states": "decisions",
}
__all__ = [
    "ABSTRACT_WORDS",
    "ACTIONS",
    "MENUS",
    "UNSET",
    "Action",
    "DecisionPatch",
    "KeymapError",
    "PaceTracker",
    "ProgressStats",
    "Ranked",
    "Ranking",
    "SidebarCounts",
    "ViewResult",
    "ViewSpec",
    "arxiv_abs_url",
    "arxiv_url",
    "by_id",
    "clean_tag",
    "compile_terms",
    "explain",
    "insert_tags",
    "keymap_table",
    "keys_file",
    "keys_markdown",
    "keys_text",
    "load_actions",
    "load_lists",
    "load_newer",
    "load_progress",
    "load_states",
    "load_view",
    "local_midnight_utc_iso",
    "mark",
    "merge_tags",
    "parse_word_list",
    "rank_inbox",
    "redo",
    "save_lists",
    "scholar_url",
    "sidebar_counts",
    "tag_key",
    "undo",
    "write_states",
]
__getattr__, __dir__ = lazy_face(globals(), _NAMES)
