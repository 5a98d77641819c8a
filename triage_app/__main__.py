"""Allow `python -m triage_app`."""

from triage_app.cli.main import main

raise SystemExit(main())
