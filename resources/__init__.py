"""Files the app needs at run time (demo listings, icons), installed as triage_app.resources."""
