"""The embedded PostgreSQL that `make run` and `make test` use when DATABASE_URL is unset.

Ownership: whoever first needs the database starts it (settings call `ensure_running`), and it
keeps running across processes (pgserver's cleanup_mode=None) so runserver's autoreloader,
manage.py commands and pytest share one server. Only `stop()` ends it, run by `make stop`, by
the trap around `make run`'s server, and at the end of `make test`. We stop with
`pg_ctl -m fast` ourselves because pgserver's own exit handler is skipped on SIGTERM and would
otherwise leave a stale `.handle_pids.json` behind.

Run as a module so stopping does not need Django settings (which would start the server):
    python -m fokus.embedded_db stop|status
"""

import os
import sys
from pathlib import Path


def _prepare(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    runtime = data_dir / "run"
    runtime.mkdir(exist_ok=True)
    runtime.chmod(0o700)  # platformdirs ignores a runtime dir others can read
    # pgserver reads this when imported to place its lock file; keep it inside the project.
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    return data_dir / "pgdata"


def ensure_running(data_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a URL for its `postgres` database."""
    pgdata = _prepare(data_dir)
    import pgserver

    server = pgserver.get_server(pgdata, cleanup_mode=None)
    return server.get_uri("postgres")


def _postmaster(pgdata: Path):
    from pgserver.utils import PostmasterInfo

    if not (pgdata / "postmaster.pid").exists():
        return None
    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info if info is not None and info.is_running() else None


def is_running(data_dir: Path) -> bool:
    pgdata = _prepare(data_dir)
    return _postmaster(pgdata) is not None


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; return whether there was one to stop."""
    pgdata = _prepare(data_dir)
    if _postmaster(pgdata) is None:
        return False
    from pgserver._commands import pg_ctl

    # As root pgserver runs postgres as its own system user; pg_ctl must run as that user too.
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)
    return True


def default_data_dir() -> Path:
    raw = os.environ.get("FOKUS_DATA_DIR", "").strip()
    return Path(raw) if raw else Path(__file__).resolve().parent.parent / "var"


def main(argv: list[str]) -> int:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: no embedded PostgreSQL is managed.")
        return 0
    data_dir = default_data_dir()
    command = argv[1] if len(argv) > 1 else "status"
    if command == "stop":
        stopped = stop(data_dir)
        print("Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running.")
        return 0
    if command == "start":
        ensure_running(data_dir)
        print(f"Embedded PostgreSQL running in {data_dir / 'pgdata'}.")
        return 0
    if command == "status":
        print("running" if is_running(data_dir) else "stopped")
        return 0
    print(f"usage: python -m fokus.embedded_db start|stop|status (got {command!r})")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
