"""The store's schema version (`PRAGMA user_version`), apart from the tables so that the
quick path of the command line can check it without loading SQLModel."""

SCHEMA_VERSION = 5
