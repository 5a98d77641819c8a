"""packaging/: the desktop entry and AppStream metainfo validate and agree with each other,
with the PyInstaller spec and with the package."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
APP_ID = "io.github.triage_app.TriageApp"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
ICONS = PACKAGING / "icons"
PNG_SIZES = (48, 128, 256)


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install desktop-file-utils appstream)")
    return path


def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    # Not even a hint: hints are how duplicate menu entries start.
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_metainfo_validates_offline() -> None:
    result = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout
    issues = [line for line in result.stdout.splitlines() if re.match(r"[EWI]: ", line)]
    assert issues == []


def test_desktop_metainfo_and_package_agree() -> None:
    project = pyproject()["project"]
    (binary,) = project["scripts"]
    entry = desktop_entry()
    assert entry["Exec"].split()[0] == binary == "triage-app"
    assert entry["Icon"] == APP_ID

    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert [b.text for b in root.iterfind("provides/binary")] == [binary]
    assert root.findtext("summary") == entry["Comment"]
    assert root.findtext("project_license") == project["license"]
    assert root.find("content_rating").get("type") == "oars-1.1"
    # The newest release listed is the version being packaged.
    assert root.find("releases/release").get("version") == project["version"]


def test_spec_builds_the_same_binary_with_the_resources() -> None:
    spec = (PACKAGING / "triage-app.spec").read_text(encoding="utf-8")
    assert re.findall(r'^APP_NAME = "([^"]+)"$', spec, flags=re.M) == ["triage-app"]
    assert spec.count("name=APP_NAME") == 2  # the executable and the folder
    for needed in (
        'collect_submodules("triage_app")',
        'collect_data_files("triage_app.resources")',
        'collect_data_files("gender_guesser")',
        'collect_data_files("spellchecker", includes=["resources/en.json.gz"])',
        'collect_submodules("whoosh")',
    ):
        assert needed in spec
    assert (PACKAGING / "bundle_entry.py").is_file()


def test_icons() -> None:
    svg = ICONS / "triage-app.svg"
    assert ET.parse(svg).getroot().get("viewBox") == "0 0 256 256"
    # The GUI sets its window icon from the package copy.
    assert (REPO / "resources" / "icons" / "app.svg").read_bytes() == svg.read_bytes()
    for size in PNG_SIZES:
        head = (ICONS / f"triage-app-{size}.png").read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert (width, height) == (size, size)
