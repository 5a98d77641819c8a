"""The Qt-free core: parsing, store, search and export, shared by the CLI and the GUI."""
