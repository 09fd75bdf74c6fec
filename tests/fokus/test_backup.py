"""Backups restore: `backup` dumps the database and packs the files with a manifest,
`restore_check` restores both into fresh places and compares row counts and checksums."""

import json
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fokus.models import Municipality

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed rows


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "consents" / "2026").mkdir(parents=True)
    (root / "consents" / "2026" / "samtycke.pdf").write_bytes(b"%PDF-1.4 signed consent")
    (root / "reports" / "rapport.pdf").parent.mkdir(parents=True)
    (root / "reports" / "rapport.pdf").write_bytes(b"%PDF-1.4 final report")
    settings.MEDIA_ROOT = str(root)
    return root


def _backup(tmp_path) -> dict:
    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    [manifest] = (tmp_path / "backup").glob("*-manifest.json")
    return {"path": manifest, "data": json.loads(manifest.read_text())}


def test_a_backup_restores_with_every_row_and_file(project_a, media, tmp_path):
    backup = _backup(tmp_path)

    tables = backup["data"]["tables"]
    assert tables["public.fokus_project"] == 1
    assert tables["public.fokus_municipality"] == Municipality.objects.count()
    assert len(tables) > 40  # every table, history tables included
    assert sorted(backup["data"]["files"]) == ["consents/2026/samtycke.pdf", "reports/rapport.pdf"]
    out = StringIO()
    call_command("restore_check", str(backup["path"]), stdout=out)
    assert "The backup restores completely." in out.getvalue()
    assert f"{len(tables)} tables" in out.getvalue()


def test_it_notices_a_damaged_file_in_the_archive(project_a, media, tmp_path):
    backup = _backup(tmp_path)
    archive = backup["path"].parent / backup["data"]["files_archive"]
    tampered = tmp_path / "tampered"
    with tarfile.open(archive) as tar:
        tar.extractall(tampered, filter="data")
    (tampered / "reports" / "rapport.pdf").write_bytes(b"something else")
    with tarfile.open(archive, "w:gz") as tar:
        for name in backup["data"]["files"]:
            tar.add(tampered / name, arcname=name)

    err = StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("restore_check", str(backup["path"]), stdout=StringIO(), stderr=err)
    assert "reports/rapport.pdf: checksum differs" in err.getvalue()


def test_it_notices_rows_missing_from_the_dump(project_a, media, tmp_path):
    backup = _backup(tmp_path)
    data = backup["data"]
    data["tables"]["public.fokus_project"] = 2  # the manifest says more than was dumped
    backup["path"].write_text(json.dumps(data))

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_check", str(backup["path"]), stdout=StringIO(), stderr=err)
    assert "public.fokus_project: 1 rows restored, 2 dumped" in err.getvalue()
