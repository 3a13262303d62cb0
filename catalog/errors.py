"""Errors a user can act on; the CLI prints their message on one line and exits non-zero."""

from __future__ import annotations


class CatalogError(Exception):
    """Base for expected, user-facing failures (bad input, bad config, missing data)."""

    exit_code = 1


class ConfigError(CatalogError):
    """A setting is missing or invalid."""

    exit_code = 78  # EX_CONFIG


class InputError(CatalogError):
    """A command-line argument, query or file is unusable."""

    exit_code = 65  # EX_DATAERR


class StorageError(CatalogError):
    """The database or index cannot be opened or is inconsistent."""

    exit_code = 74  # EX_IOERR


class IndexMismatchError(StorageError):
    """A saved index was produced by another model; mixing vectors would give garbage scores."""
