"""The embedded PostgreSQL: started when DATABASE_URL is unset, reused, and stopped cleanly."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(FOKUS_DATA_DIR=str(data_dir), DEBUG="1")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_starts_migrates_reuses_and_stops_an_embedded_server(tmp_path):
    data_dir = tmp_path / "data"
    query = (
        "from django.db import connection;"
        "cursor = connection.cursor();"
        "cursor.execute('select count(*) from fokus_federation');"
        "print(connection.settings_dict['HOST'], cursor.fetchone()[0])"
    )
    try:
        # The first migration of fokus (and what it needs) is enough to prove a server that
        # takes migrations; every migration runs on this server type when the suite builds its
        # own database, so doing them all again here only cost the suite 40 s.
        migrated = _run(["manage.py", "migrate", "fokus", "0001", "--noinput"], data_dir)
        assert migrated.returncode == 0, migrated.stderr
        first = _run(["manage.py", "shell", "-c", query], data_dir)
        assert first.returncode == 0, first.stderr
        host, count = first.stdout.split()[-2:]
        assert Path(host).is_relative_to(data_dir)  # a Unix socket in the data folder, no TCP
        assert count == "0"
        # A second process reuses the running server and its data.
        assert _run(["-m", "fokus.embedded_db", "status"], data_dir).stdout.strip() == "running"
        again = _run(["manage.py", "shell", "-c", query], data_dir)
        assert again.stdout.split()[-2:] == [host, "0"]
    finally:
        stopped = _run(["-m", "fokus.embedded_db", "stop"], data_dir)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert _run(["-m", "fokus.embedded_db", "status"], data_dir).stdout.strip() == "stopped"
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()
    assert not (data_dir / "pgdata" / ".handle_pids.json").exists()


def test_it_runs_this_suite_on_postgresql(db):
    assert connection.vendor == "postgresql"
    if not os.environ.get("DATABASE_URL"):
        # `make test` without DATABASE_URL: the suite itself runs on the embedded server.
        data_dir = Path(os.environ.get("FOKUS_DATA_DIR", ROOT / "var"))
        assert Path(connection.settings_dict["HOST"]).is_relative_to(data_dir)
