#!/usr/bin/env bash
# Add triage-app to the desktop's application menu (per user): desktop entry, metainfo, icons.
# Usage: packaging/install_desktop.sh [PATH_TO_TRIAGE_APP]
#   PATH_TO_TRIAGE_APP: the binary the menu entry runs (default: `triage-app` on PATH), e.g.
#   "$PWD/packaging/dist/triage-app/triage-app" for the PyInstaller bundle.
# PREFIX (default ${XDG_DATA_HOME:-$HOME/.local/share}) chooses where the files go.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
id="io.github.triage_app.TriageApp"
prefix="${PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}}"
exec_path="${1:-triage-app}"
exec_field="$exec_path"
# The desktop entry spec wants a path with spaces in double quotes.
if [[ "$exec_path" == *" "* ]]; then exec_field="\"$exec_path\""; fi

install -d "$prefix/applications" "$prefix/metainfo" "$prefix/icons/hicolor/scalable/apps"
sed "s|^Exec=triage-app|Exec=$exec_field|" "$here/$id.desktop" >"$prefix/applications/$id.desktop"
install -m 644 "$here/$id.metainfo.xml" "$prefix/metainfo/"
install -m 644 "$here/icons/triage-app.svg" "$prefix/icons/hicolor/scalable/apps/$id.svg"
for size in 48 128 256; do
    install -D -m 644 "$here/icons/triage-app-$size.png" \
        "$prefix/icons/hicolor/${size}x${size}/apps/$id.png"
done
if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$prefix/applications" || true
fi
echo "installed $id into $prefix (Exec=$exec_path)"
