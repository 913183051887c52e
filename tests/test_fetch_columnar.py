"""Both drivers give identical results; streaming iteration; Arrow and polars outputs."""
import datetime
import decimal
import sys
import uuid

import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop.core import driver as drivers
from datajoint_interop.errors import DataJointError, DuplicateError
from datajoint_interop.table import FreeTable
from .server_env import connection_settings

ROWS = 45000  # more than two chunks of the streamed result


@pytest.fixture(scope="module")
def kinds(connection, db_prefix):
    """A table with every kind of value a fetch converts, NULLs included."""
    db = f"{db_prefix}_h19_kinds"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"""CREATE TABLE `{db}`.k (id int NOT NULL, f float DEFAULT NULL, d double DEFAULT NULL,
        n int DEFAULT NULL, big bigint unsigned NOT NULL, price decimal(8,3) DEFAULT NULL, day date DEFAULT NULL,
        at datetime(3) DEFAULT NULL, t time DEFAULT NULL, txt varchar(32) DEFAULT NULL, e enum('a','b') DEFAULT NULL,
        js json DEFAULT NULL, tag binary(16) DEFAULT NULL COMMENT ":uuid:", data longblob DEFAULT NULL,
        PRIMARY KEY (id))""")
    table = FreeTable(connection, f"{db}.k")
    table.insert([dict(id=i, f=None if i == 1 else 1 / (i + 3), d=None if i == 2 else i / 7, n=None if i == 3 else -i,
                       big=2 ** 64 - 1 - i, price=None if i == 4 else decimal.Decimal(i) / 8,
                       day=datetime.date(2024, 2, 1 + i), at=datetime.datetime(2024, 2, 3, 4, 5, 6, 7000 * i),
                       t=datetime.timedelta(hours=i, seconds=7), txt=None if i == 5 else f"é{i}%s",
                       e="ab"[i % 2], js='{"x": %d}' % i, tag=None if i == 6 else uuid.UUID(int=i),
                       data=None if i == 7 else (np.arange(i, dtype=float) if i % 2 else {"k": [i, "x"]}))
                  for i in range(10)])
    return table


def _connection(driver):
    s = connection_settings()
    saved = dj.config["database.driver"]
    dj.config["database.driver"] = driver
    try:
        return dj.Connection(s["host"], s["user"], s["password"], port=s["port"], use_tls=False)
    finally:
        dj.config["database.driver"] = saved


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape and (
            all(_same(x, y) for x, y in zip(a.ravel(), b.ravel())) if a.dtype == object
            else np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, dict):
        return type(a) is type(b) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) and np.isnan(a):
        return type(b) is type(a) and np.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.skipif(drivers.MySQLdb is None, reason="mysqlclient is not installed")
def test_both_drivers_give_identical_results(kinds):
    """Same types and values (NULL, decimal, datetime, time, uuid, json, blob, FLOAT precision)."""
    outputs = {}
    for name in ("mysqlclient", "pymysql"):
        conn = _connection(name)
        assert conn.driver == name
        table = FreeTable(conn, kinds.full_table_name)
        outputs[name] = (table.fetch(order_by="id"), table.fetch(as_dict=True, order_by="id"),
                         (table & "id=1").fetch1(), table.fetch("f", "price", order_by="id"),
                         conn.query("SELECT f, price, at, tag, data, js, %s, %s FROM " + kinds.full_table_name
                                    + " ORDER BY id", ("é", b"\x00\xff")).fetchall(),
                         conn.query("SELECT id, txt FROM " + kinds.full_table_name + " ORDER BY id",
                                    as_dict=True).fetchall())
        conn.close()
    mine, theirs = outputs["mysqlclient"], outputs["pymysql"]
    assert mine[0].dtype == theirs[0].dtype
    for name in mine[0].dtype.names:
        assert _same(mine[0][name], theirs[0][name]), name
    assert all(_same(a, b) for a, b in zip(mine[1], theirs[1]))
    assert _same(mine[2], theirs[2])
    assert all(_same(a, b) for a, b in zip(mine[3], theirs[3]))
    assert list(mine[4]) == list(theirs[4]) and [type(v) for v in mine[4][0]] == [type(v) for v in theirs[4][0]]
    assert list(mine[5]) == list(theirs[5])


@pytest.mark.skipif(drivers.MySQLdb is None, reason="mysqlclient is not installed")
def test_both_drivers_map_errors_and_transactions_alike(kinds):
    for name in ("mysqlclient", "pymysql"):
        conn = _connection(name)
        table = FreeTable(conn, kinds.full_table_name)
        with pytest.raises(DuplicateError):
            table.insert1(dict(id=0, big=1))
        with pytest.raises(dj.errors.QuerySyntaxError):
            conn.query("SELEKT 1")
        with pytest.raises(dj.errors.QuerySyntaxError):  # one statement per query text
            conn.query(f"SELECT 1; DELETE FROM {kinds.full_table_name}")
        assert len(table) == 10
        with pytest.raises(dj.errors.LostConnectionError):
            conn.query("KILL %s", (conn.connection_id,))  # its own session: the reply is lost
        conn.start_transaction()
        table.insert1(dict(id=100, big=1))
        assert len(table & "id=100") == 1  # a transaction sees its own uncommitted row
        conn.cancel_transaction()
        assert len(table & "id=100") == 0
        assert conn.query("SELECT '100%%'").fetchone()[0] == "100%"
        assert conn.query("SELECT '100%'", None).fetchone()[0] == "100%"
        conn.close()


@pytest.mark.skipif(drivers.MySQLdb is None, reason="mysqlclient is not installed")
def test_fast_literals_are_mysqlclients_own():
    """The by-type escaping of the C driver's session writes exactly what mysqlclient writes."""
    conn = _connection("mysqlclient")
    session, own = conn._conn, drivers.MySQLdb.connections.Connection.literal
    for value in (0, -5, 2 ** 70, True, 1.5, 1e100, -0.0, 1 / 3, 5e-324, "", "a'b\\\"é\x00%s", b"",
                  b"\x00\xff'\\", None, decimal.Decimal("-1.25"), datetime.date(2024, 1, 2),
                  datetime.datetime(2024, 1, 2, 3, 4, 5, 6), datetime.timedelta(seconds=-1)):
        assert session.literal(value) == own(session, value), value
    for bad in (float("nan"), float("inf")):
        with pytest.raises(drivers.MySQLdb.ProgrammingError):
            session.literal(bad)
    conn.close()


def test_unknown_driver_is_refused():
    saved = dj.config["database.driver"]
    dj.config["database.driver"] = "odbc"
    try:
        with pytest.raises(DataJointError, match="database.driver.*auto, mysqlclient, pymysql"):
            _connection("odbc")
    finally:
        dj.config["database.driver"] = saved


@pytest.fixture(scope="module")
def many(connection, db_prefix):
    db = f"{db_prefix}_h19_many"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"CREATE TABLE `{db}`.m (id int NOT NULL, x double NOT NULL, PRIMARY KEY (id))")
    connection.query(f"INSERT INTO `{db}`.m SELECT seq, seq / 4 FROM mysql.seq_0_to_{ROWS - 1}", None)
    return FreeTable(connection, f"{db}.m")


def test_fetch_across_chunks_is_one_exact_record_array(many):
    rows = many.fetch(order_by="id")
    assert rows.shape == (ROWS,) and rows["id"].tolist() == list(range(ROWS))
    assert np.array_equal(rows["x"], np.arange(ROWS) / 4)
    assert len(many.fetch(as_dict=True)) == ROWS


def test_iteration_streams_and_survives_queries_in_the_loop_body(many):
    seen = 0
    for row in many & "id < 30000":
        if seen in (0, 25000):
            assert len(many & {"id": row["id"]}) == 1  # another statement while the stream is open
        seen += 1
    assert seen == 30000
    stream = iter(many)
    first = next(stream)
    assert set(first) == {"id", "x"}
    assert many.connection._stream is not None  # still reading from the server, not buffered
    assert len(many) == ROWS  # drains the open stream first
    assert sum(1 for _ in stream) == ROWS - 1


def test_to_arrow_and_polars(kinds):
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    expected = kinds.fetch(order_by="id")
    table = kinds.to_arrow(order_by="id")
    assert isinstance(table, pa.Table) and table.column_names == list(expected.dtype.names)
    assert table.column("id").to_pylist() == list(range(10))
    assert table.column("big").type == pa.uint64() and table.column("big").to_pylist()[0] == 2 ** 64 - 1
    assert table.column("tag").to_pylist()[5] == str(uuid.UUID(int=5)) and table.column("tag")[6].as_py() is None
    assert table.column("price").to_pylist()[1] == decimal.Decimal("0.125")
    raw = kinds.connection.query(f"SELECT data FROM {kinds.full_table_name} ORDER BY id").fetchall()
    assert table.column("data").to_pylist() == [r[0] for r in raw]  # binary: the stored bytes
    assert dj.blob.unpack(table.column("data")[3].as_py()).ravel().tolist() == [0.0, 1.0, 2.0]
    decoded = (kinds & "id % 2 = 1").to_arrow(blobs="decoded", order_by="id")
    assert decoded.column("data").to_pylist()[1] == [0.0, 1.0, 2.0]
    assert decoded.column("data").to_pylist()[3] is None
    with pytest.raises(DataJointError, match="`data`.*blobs='binary'"):
        kinds.to_arrow(blobs="decoded")  # id 0 holds a struct
    with pytest.raises(DataJointError, match="blobs must be"):
        kinds.to_arrow(blobs="pickle")
    frame = kinds.to_polars()
    assert isinstance(frame, pl.DataFrame) and frame.height == 10 and frame["id"].to_list() == list(range(10))
    objects = kinds.to_polars(blobs="decoded", order_by="id")
    assert objects["data"].dtype == pl.Object
    assert np.asarray(objects["data"][3]).ravel().tolist() == [0.0, 1.0, 2.0] and objects["data"][7] is None


def test_missing_extra_names_it(kinds, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(DataJointError, match=r"pip install 'datajoint-interop\[arrow\]'"):
        kinds.to_arrow()
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(DataJointError, match=r"pip install 'datajoint-interop\[polars\]'"):
        kinds.to_polars()


def test_frame_is_indexed_by_the_primary_key(kinds):
    frame = kinds.fetch(format="frame", order_by="id")
    assert list(frame.index.names) == ["id"] and frame.loc[4, "txt"] == "é4%s"
    assert frame.loc[3, "n"] is None and frame.loc[5, "n"] == -5
