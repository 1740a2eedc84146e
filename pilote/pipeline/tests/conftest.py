"""Pipeline test fixtures: tender files go to a temporary private folder, never to var/."""

import pytest


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PILOTE_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PILOTE_PRIVATE_ROOT
