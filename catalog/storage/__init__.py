"""The catalog's tables, engine, sessions and migrations."""
