"""Everything files-bot keeps, and the only code that speaks SQL: the contract (`interface.py`), its values
(`model.py`) and the SQLite backend (`sqlite/`), chosen here."""

from __future__ import annotations

from pathlib import Path

from bot.storage.interface import Backend, Store
from bot.storage.sqlite import SQLiteBackend


def backend(data_dir: Path) -> Backend:
    """Where this deployment keeps everything: SQLite files in `data_dir`."""
    return SQLiteBackend(data_dir)


def open_store(data_dir: Path) -> Store:
    """The file cache, the reports' data and the report ledger (created or migrated as needed)."""
    return backend(data_dir).store()
