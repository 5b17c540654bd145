"""The project's one error for bad input (standard library only, so any command can catch it)."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is missing, corrupt or breaks its schema (one-line message)."""
