"""Backups that are known to restore: a `pg_dump -Fc` of the database and a tarball of the data
folder's files, with a manifest of every table's row count and every file's checksum taken from
the same moment; and a check that restores both into fresh places and compares.

Used by `manage.py backup` and `manage.py restore_check` (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST_VERSION = 1


@dataclass
class Backup:
    dump: Path
    files: Path
    manifest: Path


@dataclass
class RestoreReport:
    tables_checked: int = 0
    rows_checked: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- Talking to the server -----------------------------------------------------------------------


def _conninfo(database: str | None = None) -> dict:
    config = connections["default"].settings_dict
    info = {
        "dbname": database or config["NAME"],
        "user": config.get("USER") or "",
        "password": config.get("PASSWORD") or "",
        "host": config.get("HOST") or "",
        "port": str(config.get("PORT") or ""),
    }
    return {key: value for key, value in info.items() if value}


def _libpq_env(database: str | None = None) -> dict:
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
    names |= {"host": "PGHOST", "port": "PGPORT"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[key]: value for key, value in _conninfo(database).items()})
    return env


def _major(version_text: str) -> int:
    return int(re.search(r"(\d+)", version_text).group(1))


def _client(program: str, server_major: int) -> str:
    """The `pg_dump`/`pg_restore` that can talk to this server: the oldest one not older than
    it (the embedded server's own binaries, or the system's)."""
    candidates = []
    try:
        import pgserver  # the embedded server's binaries, when it is installed

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / program)
    except ImportError:
        pass
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if found := shutil.which(program):
        candidates.append(Path(found))
    usable = []
    for path in candidates:
        if not path.exists():
            continue
        output = subprocess.run(  # noqa: S603 (our own path, no shell)
            [path, "--version"], capture_output=True, text=True
        ).stdout
        found_version = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
        major = int(found_version.group(1)) if found_version else 0
        if major >= server_major:
            usable.append((major, str(path)))
    if not usable:
        raise RuntimeError(f"No {program} for PostgreSQL {server_major} or newer was found.")
    return min(usable)[1]


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


# --- Files ---------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- Backup --------------------------------------------------------------------------------------


def backup(*, target: Path) -> Backup:
    """Dump the database and pack the stored files into `target`, with a manifest of the row
    counts and checksums. The counts and the dump see the same snapshot."""
    target.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    result = Backup(
        dump=target / f"fokus-{stamp}.dump",
        files=target / f"fokus-{stamp}-files.tar.gz",
        manifest=target / f"fokus-{stamp}-manifest.json",
    )
    media = Path(settings.MEDIA_ROOT)
    with psycopg.connect(**_conninfo(), autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        counts = _row_counts(cursor)
        subprocess.run(  # noqa: S603 (the found pg_dump, no shell)
            [
                _client("pg_dump", _major(server_version)),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={result.dump}",
            ],
            env=_libpq_env(),
            check=True,
            capture_output=True,
        )
        conn.rollback()
    files = _stored_files(media)
    with tarfile.open(result.files, "w:gz") as archive:
        for name in files:
            archive.add(media / name, arcname=name)
    manifest = {
        "version": MANIFEST_VERSION,
        "made_at": timezone.now().isoformat(),
        "server_version": server_version,
        "dump": result.dump.name,
        "dump_sha256": _sha256(result.dump),
        "files_archive": result.files.name,
        "tables": counts,
        "files": files,
    }
    result.manifest.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return result


# --- Restore check -------------------------------------------------------------------------------


def _check_database(manifest: dict, dump: Path, report: RestoreReport) -> None:
    scratch = f"fokus_restore_check_{secrets.token_hex(4)}"
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        server_version = admin.execute("SHOW server_version").fetchone()[0]
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        restored = subprocess.run(  # noqa: S603 (the found pg_restore, no shell)
            [
                _client("pg_restore", _major(server_version)),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={scratch}",
                str(dump),
            ],
            env=_libpq_env(scratch),
            capture_output=True,
            text=True,
        )
        if restored.returncode != 0:
            report.problems.append(f"pg_restore failed: {restored.stderr.strip()[:500]}")
            return
        with psycopg.connect(**_conninfo(scratch)) as conn, conn.cursor() as cursor:
            counts = _row_counts(cursor)
        for table, expected in sorted(manifest["tables"].items()):
            got = counts.get(table)
            report.tables_checked += 1
            report.rows_checked += got or 0
            if got != expected:
                report.problems.append(f"table {table}: {got} rows restored, {expected} dumped")
        for table in sorted(set(counts) - set(manifest["tables"])):
            report.problems.append(f"table {table}: restored but not in the manifest")
    finally:
        with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _check_files(manifest: dict, archive: Path, report: RestoreReport) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(root, filter="data")
        restored = _stored_files(root)
    for name, checksum in sorted(manifest["files"].items()):
        report.files_checked += 1
        if name not in restored:
            report.problems.append(f"file {name}: missing from the archive")
        elif restored[name] != checksum:
            report.problems.append(f"file {name}: checksum differs")
    for name in sorted(set(restored) - set(manifest["files"])):
        report.problems.append(f"file {name}: in the archive but not in the manifest")


def restore_check(*, manifest_path: Path) -> RestoreReport:
    """Restore the backup of `manifest_path` into a fresh database and a fresh folder and
    compare every table's row count and every file's checksum with the manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    folder = manifest_path.parent
    report = RestoreReport()
    dump = folder / manifest["dump"]
    if _sha256(dump) != manifest["dump_sha256"]:
        report.problems.append(f"{dump.name}: checksum differs from the manifest")
        return report
    _check_database(manifest, dump, report)
    _check_files(manifest, folder / manifest["files_archive"], report)
    return report
