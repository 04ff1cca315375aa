"""The store: sessions, the message log and (with PostgreSQL) the state several bot processes
share. `open_store` picks the backend from the settings:

- SQLite (default): one file (`POLICYBOT_DB=/var/lib/policybot/policybot.sqlite3`), one
  process. `dialog.store.Store`.
- PostgreSQL: `POLICYBOT_DB=postgresql://user:password@host/dbname` (or
  `POLICYBOT_DATABASE_URL`), for several processes on one or more machines.
  `dialog.storage.postgres.PostgresStore`.

Both implement `dialog.storage.base.SessionStore`; the PostgreSQL store also `SharedState`
(WeChat message claims, signed requests seen, rate buckets, admin grants and failed logins,
the data version live reload follows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dialog.storage.base import (
    ClockJumped,
    DatabaseUnusable,
    Event,
    Session,
    SessionStore,
    SharedState,
    carries_secret,
)

__all__ = ["ClockJumped", "DatabaseUnusable", "Event", "Session", "SessionStore", "SharedState", "carries_secret",
           "database_of", "is_postgres_url", "open_store"]

URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(value: object) -> bool:
    """True for a PostgreSQL connection URL (postgresql://… or postgres://…)."""
    return isinstance(value, str) and value.startswith(URL_SCHEMES)


def database_of(settings_or_target: Any) -> Path | str:
    """The database the settings name: the PostgreSQL URL when one is set
    (`settings.database_url`), else the SQLite file (`settings.db`). A Path or a URL string
    is returned as it is."""
    if isinstance(settings_or_target, (str, Path)):
        return settings_or_target
    url = getattr(settings_or_target, "database_url", "") or ""
    return url if url else settings_or_target.db


async def open_store(settings_or_target: Any, salt: str, *, pool_size: int | None = None) -> SessionStore:
    """Open (creating and migrating if needed) the store the settings name, or the file /
    URL given. Raises DatabaseUnusable (one line) when it cannot be used. `pool_size`:
    PostgreSQL connections for this process (default `settings.db_pool_size`, else 10)."""
    target = database_of(settings_or_target)
    if is_postgres_url(target):
        from dialog.storage.postgres import DEFAULT_POOL_SIZE, PostgresStore

        size = pool_size or getattr(settings_or_target, "db_pool_size", None) or DEFAULT_POOL_SIZE
        store: SessionStore = await PostgresStore.open(str(target), salt, pool_size=int(size))
    else:
        from dialog.store import Store

        store = await Store.open(Path(target), salt)
    retention = getattr(settings_or_target, "session_retention_days", None)
    if retention is not None:
        store.session_days = retention
    return store
