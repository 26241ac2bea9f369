"""CLI sub-commands that live outside :mod:`piscan.cli` (registered there)."""
