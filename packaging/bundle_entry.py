"""The PyInstaller bundle's entry point: the same `triage-app` command as the wheel's."""

from triage_app.cli.main import main

raise SystemExit(main())
