#!/usr/bin/env bash
# Take the README's screenshots: the real window on the demo library (with some decisions
# spread over the last weeks), under Xvfb, driven by xdotool, captured with ImageMagick.
# Needs: apt-get install -y xvfb imagemagick xdotool libxcb-cursor0
# Usage: packaging/screenshots.sh [OUT_DIR]   (default resources/screenshots)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$repo/resources/screenshots}"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
display=":$((90 + RANDOM % 9))"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data"
export TRIAGE_APP_THEME=light

"$python" - "$work/lib" <<'PY'
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from triage_app.core.ingest.demo import load_demo
from triage_app.core.store import open_library
from triage_app.core.triage import DecisionPatch, mark

with open_library(Path(sys.argv[1])) as library:
    load_demo(library)
    rng = random.Random(20)
    ids = library.all_ids()
    rng.shuffle(ids)
    now = datetime.now(UTC)
    tags = ["sae", "reward-hacking", "evals", "to-read"]
    for pid in ids[:26]:
        status = "kept" if rng.random() < 0.5 else "dismissed"
        tag = (rng.choice(tags),) if status == "kept" else ()
        mark(library, [pid], DecisionPatch(status=status, add_tags=tag))
        when = now - timedelta(days=rng.choice([0, 0, 1, 2, 3, 4, 6, 7, 9, 10, 13, 16, 20]))
        with library.write() as txn:
            txn.conn.exec_driver_sql(
                "UPDATE paper SET decided_at = ? WHERE id = ?", (when.isoformat(), pid)
            )
    mark(library, ids[:3], DecisionPatch(starred=True))
    from triage_app.core.search import sync_index

    sync_index(library)  # as a library in use has it: the window opens on a current index
PY

Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
export DISPLAY="$display"
sleep 1
"$python" -m triage_app --library "$work/lib" >"$work/app.log" 2>&1 &
for _ in $(seq 50); do
    xdotool search --name "^Triage — " >/dev/null 2>&1 && break
    sleep 0.2
done
main="$(xdotool search --name "^Triage — " | head -1)"
sleep 3

shot() {  # shot WINDOW NAME: the window's rectangle of the screen, as a small PNG
    eval "$(xdotool getwindowgeometry --shell "$1")"
    import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$work/$2.png"
    convert "$work/$2.png" -resize '1200x>' -colors 192 -strip "PNG8:$out/$2.png"
    echo "$out/$2.png: $(stat -c %s "$out/$2.png") bytes"
}

xdotool windowactivate --sync "$main" 2>/dev/null || xdotool windowfocus "$main"
xdotool key --window "$main" ctrl+1
sleep 1.5
xdotool key --window "$main" j j
sleep 1
shot "$main" inbox
xdotool key --window "$main" slash
sleep 0.3
xdotool type --window "$main" --delay 60 "sparse autoencoders"
sleep 1.5
xdotool key --window "$main" Return
sleep 1.5
shot "$main" search
xdotool key --window "$main" Escape
sleep 0.5
xdotool key --window "$main" ctrl+2
sleep 3
xdotool key --window "$main" j
sleep 1
shot "$main" for-you
xdotool key --window "$main" ctrl+7
sleep 2.5
progress="$(xdotool search --name "Progress$" | head -1)"
shot "$progress" progress
xdotool key --window "$main" ctrl+q || true
