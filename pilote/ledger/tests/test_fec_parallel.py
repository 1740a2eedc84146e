"""`manage.py fec_export` writes a big year in parts, each by a forked process (`fec._write_in_parts`): the file must
be byte for byte the one a single process writes — header once, à-nouveaux first, every entry once and in chain
order, lettering codes and days included — whatever the number of parts, and a part that fails leaves nothing.

Forked workers read committed data through connections of their own: on the suite's in-memory SQLite database
they would each see an empty database, so the parallel path is refused there (and inside any transaction), which
the last test checks; the byte comparisons run on PostgreSQL (`make test-pg`)."""

import pytest
from django.db import connection

from pilote.ledger import fec
from pilote.ledger.tests.test_fec import GOLDEN, clock, small_books  # noqa: F401 - clock is a fixture

needs_committed_data = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="forked workers cannot see the suite's in-memory SQLite database"
)


@needs_committed_data
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workers", [2, 3, 7])
def test_parts_make_the_same_file_as_one_process(books, clock, tmp_path, monkeypatch, workers):  # noqa: F811
    small_books(books, clock)
    monkeypatch.setattr(fec, "PARALLEL_MIN_ENTRIES", 0)
    calls = []
    monkeypatch.setattr(fec, "_write_in_parts", _spy(fec._write_in_parts, calls))
    single, parts = tmp_path / "single.txt", tmp_path / "parts.txt"
    assert fec.write_fec(books["year"], single, workers=1) == 18
    assert calls == []
    assert fec.write_fec(books["year"], parts, workers=workers) == 18
    assert calls == [workers]  # the parallel path was taken
    assert parts.read_bytes() == single.read_bytes() == GOLDEN.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts.txt", "single.txt"]  # no part left behind


@needs_committed_data
@pytest.mark.django_db(transaction=True)
def test_a_failing_part_fails_the_export_and_leaves_no_file(books, clock, tmp_path, monkeypatch):  # noqa: F811
    small_books(books, clock)
    monkeypatch.setattr(fec, "PARALLEL_MIN_ENTRIES", 0)
    monkeypatch.setattr(fec, "_encode", _failing_encode)  # in every worker (forked after the patch)
    with pytest.raises(OSError, match="No space left"):
        fec.write_fec(books["year"], tmp_path / "fec.txt", workers=2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_inside_a_transaction_one_process_writes_the_file(books, clock, tmp_path, monkeypatch):  # noqa: F811
    small_books(books, clock)
    monkeypatch.setattr(fec, "PARALLEL_MIN_ENTRIES", 0)
    calls = []
    monkeypatch.setattr(fec, "_write_in_parts", _spy(fec._write_in_parts, calls))
    assert fec.write_fec(books["year"], tmp_path / "fec.txt", workers=4) == 18
    assert calls == []
    assert (tmp_path / "fec.txt").read_bytes() == GOLDEN.read_bytes()


def _spy(function, calls):
    def spy(year, path, workers, low, high):
        calls.append(workers)
        return function(year, path, workers, low, high)

    return spy


def _failing_encode(records):
    raise OSError(28, "No space left on device")
    yield  # pragma: no cover - a generator, as _encode
