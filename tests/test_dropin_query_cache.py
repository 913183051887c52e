"""Query caching (``conn.set_query_cache``) as in DataJoint 0.14, against the real server.

While a cache state is set, answers come from files in ``dj.config['query_cache']`` even after the
data changed; other statements are refused; a damaged cache file is asked again, never trusted.
"""
import datetime
import decimal
import uuid

import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError
from datajoint_interop.table import FreeTable


@pytest.fixture
def cached(connection, db_prefix, tmp_path):
    db = f"{db_prefix}_dropin_qcache_{uuid.uuid4().hex[:6]}"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"CREATE TABLE `{db}`.t (id int NOT NULL, x decimal(5,2) NOT NULL, d datetime NOT NULL, "
                     f"dur time NOT NULL, b longblob, PRIMARY KEY (id))")
    table = FreeTable(connection, f"{db}.t")
    table.insert([(1, decimal.Decimal("1.25"), datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.timedelta(hours=1),
                   None)])
    before = dj.config["query_cache"]
    dj.config["query_cache"] = str(tmp_path / "qc")
    (tmp_path / "qc").mkdir()
    yield table, db, tmp_path / "qc"
    connection.set_query_cache(None)
    dj.config["query_cache"] = before


def _raw_insert(db, row):
    """Change the data behind the cache's back, through a connection of its own."""
    other = dj.Connection(dj.conn().host, dj.conn().user, dj.conn()._password, port=dj.conn().port)
    try:
        FreeTable(other, f"{db}.t").insert([row])
    finally:
        other.close()


def test_answers_come_from_the_cache_until_it_is_off(cached, connection):
    table, db, folder = cached
    connection.set_query_cache("state-1")
    first = table.fetch(order_by="id", as_dict=True)
    assert [r["id"] for r in first] == [1] and first[0]["x"] == decimal.Decimal("1.25")
    assert first[0]["d"] == datetime.datetime(2024, 1, 2, 3, 4, 5) and first[0]["dur"] == datetime.timedelta(hours=1)
    assert len(table.fetch(order_by="id")) == 1
    assert len(list(folder.iterdir())) >= 2
    connection.set_query_cache(None)
    _raw_insert(db, (2, decimal.Decimal("2.50"), datetime.datetime(2024, 2, 2), datetime.timedelta(0), b"x"))
    connection.set_query_cache("state-1")
    assert table.fetch(order_by="id", as_dict=True) == first  # the cached answer
    assert len(table.fetch(order_by="id")) == 1
    connection.set_query_cache("state-2")  # another state: asked again
    assert list(table.fetch("id", order_by="id")) == [1, 2]
    connection.set_query_cache(None)
    assert list(table.fetch("id", order_by="id")) == [1, 2]


def test_only_select_and_show_are_allowed(cached, connection):
    table, db, _ = cached
    connection.set_query_cache("s")
    with pytest.raises(DataJointError, match="Only SELECT queries are allowed when query caching is on"):
        table.insert1((3, 1, datetime.datetime(2024, 1, 1), datetime.timedelta(0), None))
    with pytest.raises(DataJointError, match="Only SELECT"):
        connection.query(f"DELETE FROM `{db}`.t")
    assert connection.query("SHOW DATABASES").fetchall()
    connection.set_query_cache(None)
    assert len(table) == 1


def test_a_folder_is_required(cached, connection):
    table, _, _ = cached
    dj.config["query_cache"] = None
    connection.set_query_cache("s")
    with pytest.raises(DataJointError, match=r"dj.config\['query_cache'\]"):
        table.fetch()


def test_damaged_files_are_asked_again_and_purge_only_removes_cache_files(cached, connection):
    table, _, folder = cached
    connection.set_query_cache("s")
    expected = table.fetch(as_dict=True)
    (folder / "keep.txt").write_text("not a cache file")
    for path in folder.iterdir():
        if path.name != "keep.txt":
            path.write_bytes(b"\xc1\xff garbage \x00" * 3)
    assert table.fetch(as_dict=True) == expected
    connection.purge_query_cache()
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert table.fetch(as_dict=True) == expected


def test_cursor_api_of_cached_answers(cached, connection):
    _, db, _ = cached
    connection.set_query_cache("s")
    for _ in range(2):  # a miss, then a hit
        cursor = connection.query(f"SELECT id, x FROM `{db}`.t WHERE id = %s", (1,))
        assert [d[0] for d in cursor.description] == ["id", "x"]
        assert cursor.fetchone() == (1, decimal.Decimal("1.25")) and cursor.fetchone() is None
        rows = connection.query(f"SELECT id FROM `{db}`.t", as_dict=True).fetchall()
        assert rows == [{"id": 1}]
    assert list(connection.query(f"SELECT id FROM `{db}`.t WHERE id = %s", (2,)).fetchall()) == []
