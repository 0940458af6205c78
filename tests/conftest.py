"""Shared fixtures: a tiny dataset in data/'s format, and a database built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rusino.build import build_database

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_article_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run without RUSINO_SOURCES_DIR, whatever the shell has (a test that wants the
    texts sets it; tests/test_dataset.py reads it when it is imported)."""
    monkeypatch.delenv("RUSINO_SOURCES_DIR", raising=False)


@pytest.fixture(scope="session")
def fixture_data_dir() -> Path:
    """tests/fixtures/data: 2 sources, 3 notes, 6 actors, 10 topics, 6 events, 4 facts."""
    return FIXTURES / "data"


@pytest.fixture(scope="session")
def fixture_sources_dir() -> Path:
    """tests/fixtures/sources: the article texts quoted by the fixture (RUSINO_SOURCES_DIR)."""
    return FIXTURES / "sources"


@pytest.fixture(scope="session")
def _built_fixture_db(tmp_path_factory: pytest.TempPathFactory, fixture_data_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("fixture-db") / "events.sqlite"
    build_database(fixture_data_dir, out)
    return out


@pytest.fixture
def fixture_db(tmp_path: Path, _built_fixture_db: Path) -> Path:
    """A fresh copy of the database built from tests/fixtures/data, in tmp_path: safe to modify."""
    copy = tmp_path / "events.sqlite"
    shutil.copyfile(_built_fixture_db, copy)
    return copy
