import pytest

from reports.smallcells import SmallCells


@pytest.fixture
def as_counted(monkeypatch, settings):
    """The project reports' figures as counted, nothing hidden, for the tests that check the
    counting against a small constructed project (the real reports always hide small counts:
    those have tests of their own). Survey results are shown from 2 respondents."""
    settings.FOKUS_MIN_GROUP_SIZE = 2
    monkeypatch.setattr(
        SmallCells, "of", classmethod(lambda cls, project: cls(hide=False, threshold=2))
    )
