"""Referral fixtures live in tests/conftest.py (the permission matrix needs them too); this
module keeps the helper importable as before."""

from tests.conftest import test_personnummer

__all__ = ["test_personnummer"]
