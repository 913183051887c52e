"""Bulk insert paths: multi-row INSERT and LOAD DATA LOCAL store identical rows and raise identical
errors; a server that refuses LOCAL INFILE gets INSERTs; a server asking for a file by name gets
only our own upload; the progress bar shows on a terminal only."""
import contextlib
import datetime
import decimal
import io
import logging
import math
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import uuid

import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import (DataJointError, DuplicateError, IntegrityError, InvalidTextError,
                                      MissingAttributeError, QueryError)
from datajoint_interop.core import driver as drivers
from datajoint_interop.query import bulk, insert as insert_module
from datajoint_interop.table import FreeTable

from .server_env import private_server

PATHS = ("insert", "load")


@pytest.fixture(params=drivers.loading_locally())
def connection(request, connection, monkeypatch):
    """A session to the test server on each driver that can take the LOAD path (the shared one
    when its driver is that one); sessions the test opens itself use that driver too."""
    monkeypatch.setitem(dj.config, "database.driver", request.param)
    if connection.driver == request.param:
        assert connection.can_load_local
        yield connection
        return
    info = connection.conn_info
    own = dj.Connection(info["host"], info["user"], connection._password, port=info["port"],
                        use_tls=info["use_tls"], unix_socket=info["unix_socket"])
    assert own.driver == request.param and own.can_load_local
    try:
        yield own
    finally:
        own.close()


@pytest.fixture
def loading_driver(connection):
    """The driver of this run: new sessions the test opens use it (see `connection`)."""
    return connection.driver


# every column kind the upload carries: signed/unsigned extremes, exact decimals, doubles and
# floats at their precision, text with the upload's own separators and escapes, 4-byte UTF-8,
# blobs with every byte value, uuids, and columns left to their (non-NULL) defaults
DDL = """(id int NOT NULL, big bigint unsigned NULL, small tinyint NULL, x double NULL, f float NULL,
    price decimal(12,4) NOT NULL DEFAULT 1.5, label varchar(32) NOT NULL DEFAULT "none",
    kind enum('a','b') NULL, note varchar(255) NULL, data longblob NULL,
    tag binary(16) NULL COMMENT ":uuid:", legacy varchar(16) CHARACTER SET latin1 NULL,
    born date NULL, seen datetime(6) NULL, stamp timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id)) DEFAULT CHARSET=utf8mb4"""

TEXTS = ["", "\\N", "N", "\\", "tab\there", "line\nbreak", "cr\rlf\r\n", "back\\slash\\t", "'quote\"",
         "NUL\x00byte", "名前 τ ω", "😀🎉 emoji", " trailing ", "%s %% %(x)s"]


def _rows(n=300):
    rng = np.random.default_rng(7)
    rows = []
    for i in range(n):
        row = dict(id=i, big=(2**64 - 1) if i % 7 == 0 else i * 1_000_003, small=(i % 256) - 128,
                   x=[0.1 * i, 1 / (i + 3), -1e-308, 5e-324, -0.0, 1.7976931348623157e308, math.nan][i % 7],
                   f=float(np.float32(i / 9)), kind="ab"[i % 2] if i % 3 else None,
                   note=TEXTS[i % len(TEXTS)] * (1 + i % 3), tag=uuid.UUID(int=i) if i % 4 else None,
                   data=rng.random(i % 5) if i % 6 else None, legacy=["café ñ", "a\tb", None][i % 3],
                   born=datetime.date(1900 + i % 200, 1 + i % 12, 1 + i % 28) if i % 4 else None,
                   seen=datetime.datetime(2020, 1, 1, i % 24, i % 60, i % 60, (i * 7919) % 1_000_000 * (i % 2),
                                          tzinfo=datetime.timezone.utc if i % 3 == 0 else None))
        row["stamp"] = datetime.datetime(2021, 5, 6, 7, 8, 9) if i % 5 == 0 else None
        if i % 5:
            row["price"] = decimal.Decimal(f"{i}.{i % 10000:04d}")
        if i % 2:
            row["label"] = TEXTS[i % len(TEXTS)][:32]
        rows.append(row)
    return rows


@pytest.fixture
def db(connection, schema_name):
    name = schema_name("bulk")
    connection.query(f"CREATE DATABASE `{name}`")
    for path in PATHS:
        connection.query(f"CREATE TABLE `{name}`.`t_{path}` {DDL}")
        connection.query(f"CREATE TABLE `{name}`.`p_{path}` (pid int NOT NULL, PRIMARY KEY (pid))")
        connection.query(f"""CREATE TABLE `{name}`.`c_{path}` (pid int NOT NULL, cid int NOT NULL,
            PRIMARY KEY (pid, cid), FOREIGN KEY (pid) REFERENCES `{name}`.`p_{path}` (pid))""")
    return name


@pytest.fixture
def loads(monkeypatch):
    """The outcomes of LOAD DATA attempts in this test (True: the rows went that way)."""
    seen = []
    original = bulk.try_load

    def spy(*args, **kwargs):
        seen.append(original(*args, **kwargs))
        return seen[-1]
    monkeypatch.setattr(bulk, "try_load", spy)
    return seen


@contextlib.contextmanager
def mode(name):
    bulk.MODE, before = name, bulk.MODE
    try:
        yield
    finally:
        bulk.MODE = before


def _stored(connection, table):
    """The rows of `table` as the server holds them, but for a column `stamp`, whose default is the
    moment of the insert (test_paths_store_identical_rows checks it on its own)."""
    cursor = connection.query(f"SELECT * FROM {table} ORDER BY 1, 2")
    keep = [i for i, d in enumerate(cursor.description) if d[0] != "stamp"]
    return tuple(tuple(row[i] for i in keep) for row in cursor.fetchall())


def _insert(connection, db, name, path, rows, **kwargs):
    with mode(path):
        FreeTable(connection, f"{db}.{name}_{path}").insert(rows, **kwargs)


def test_paths_store_identical_rows(connection, db, loads):
    rows = _rows()
    for path in PATHS:
        _insert(connection, db, "t", path, rows)
    assert loads == [True], "the LOAD DATA path was not taken, so nothing was compared"
    for path in PATHS:  # DEFAULT CURRENT_TIMESTAMP was applied (at each insert's own moment)
        now = connection.query(f"SELECT COUNT(*) FROM `{db}`.`t_{path}` WHERE stamp "
                               "BETWEEN NOW() - INTERVAL 10 MINUTE AND NOW()").fetchone()[0]
        assert now == sum(1 for r in rows if r["stamp"] is None)
    given = [connection.query(f"SELECT id, stamp FROM `{db}`.`t_{path}` WHERE stamp < '2022-01-01' "
                              "ORDER BY id").fetchall() for path in PATHS]
    assert given[0] == given[1] and len(given[0]) == sum(1 for r in rows if r["stamp"] is not None)
    by_insert = _stored(connection, f"`{db}`.`t_insert`")
    assert len(by_insert) == len(rows)
    assert _stored(connection, f"`{db}`.`t_load`") == by_insert
    # and the values are the ones given, fetched back through the query layer
    got = FreeTable(connection, f"{db}.t_load").fetch(order_by="id", as_dict=True)
    for row, back in zip(rows, got):
        assert back["note"] == row["note"] and back["big"] == row["big"] and back["tag"] == row["tag"]
        assert back["price"] == row.get("price", decimal.Decimal("1.5"))
        assert back["label"] == row.get("label", "none")
        if row["data"] is not None:
            assert np.array_equal(back["data"], row["data"])
        if not math.isnan(row["x"]):
            assert back["x"] == row["x"]  # (-0.0 is stored as 0 by either path: the server's doing)


def test_replace_and_skip_duplicates_agree(connection, db, loads):
    rows = _rows(50)
    changed = [dict(r, note="changed", data=None) for r in rows[::2]]
    for path in PATHS:
        _insert(connection, db, "t", path, rows)
        _insert(connection, db, "t", path, changed, replace=True)
        _insert(connection, db, "t", path, [dict(r, note="skipped") for r in rows], skip_duplicates=True)
    assert loads == [True, True], "LOAD DATA takes plain and replacing inserts; skip_duplicates stays INSERT"
    assert _stored(connection, f"`{db}`.`t_load`") == _stored(connection, f"`{db}`.`t_insert`")
    notes = FreeTable(connection, f"{db}.t_load").fetch("note", order_by="id")
    assert list(notes[::2]) == ["changed"] * 25 and "skipped" not in notes


def _failing_inserts():
    good = _rows(20)
    return {
        "duplicate within the rows": ("t", good + [dict(good[3])], {}),
        "out of range": ("t", good + [dict(id=99, small=300)], {}),
        "text too long": ("t", good + [dict(id=99, note="x" * 256)], {}),
        "not an enum value": ("t", good + [dict(id=99, kind="c")], {}),
        "infinite double": ("t", good + [dict(id=99, x=math.inf)], {}),
        "text the column's charset cannot hold": ("t", good + [dict(id=99, legacy="名前")], {}),
        "impossible date": ("t", good + [dict(id=99, born="2021-02-30")], {}),
        "decimal too wide": ("t", good + [dict(id=99, price=decimal.Decimal("123456789.5"))], {}),
        "missing primary key value": ("t", good + [dict(id=None)], {}),
        "foreign key": ("c", [dict(pid=1, cid=i) for i in range(20)], {}),
    }


@pytest.mark.parametrize("case", list(_failing_inserts()))
def test_paths_raise_identical_errors_and_insert_nothing(connection, db, case, loads):
    table, rows, kwargs = _failing_inserts()[case]
    raised = {}
    for path in PATHS:
        with pytest.raises(DataJointError) as info:
            _insert(connection, db, table, path, rows, **kwargs)
        raised[path] = (type(info.value), str(info.value).replace("_load", "_insert"))  # same table names
        assert _stored(connection, f"`{db}`.`{table}_{path}`") == ()
    assert raised["load"] == raised["insert"]
    assert loads == [False], "LOAD DATA must have been tried and given way"
    if case.startswith("duplicate"):
        assert raised["load"][0] is DuplicateError
        assert "Duplicate entry" in raised["load"][1] and insert_module.DUPLICATE_HINT in raised["load"][1]
    if case == "foreign key":
        assert raised["load"][0] is IntegrityError
    if case.startswith("missing"):
        assert issubclass(raised["load"][0], (MissingAttributeError, QueryError))


def test_duplicate_of_a_stored_row(connection, db, loads):
    raised = []
    for path in PATHS:
        _insert(connection, db, "t", path, _rows(10))
        with pytest.raises(DuplicateError) as info:
            _insert(connection, db, "t", path, _rows(30))
        raised.append(str(info.value).replace("_load", "_insert"))
        assert len(_stored(connection, f"`{db}`.`t_{path}`")) == 10
    assert raised[0] == raised[1] and insert_module.DUPLICATE_HINT in raised[0]
    assert loads == [True, False]


def test_failed_load_inside_a_transaction_keeps_earlier_work(connection, db, loads):
    table = FreeTable(connection, f"{db}.t_load")
    with mode("load"):
        with connection.transaction:
            table.insert(_rows(10))
            with pytest.raises(DuplicateError):
                table.insert(_rows(12))  # rows 0..9 again: rolled back to before this insert only
            table.insert([dict(r, id=r["id"] + 100) for r in _rows(5)])
    assert loads == [True, False, True]
    assert len(table) == 15


def test_values_that_cannot_travel_as_text_go_as_insert(connection, db, loads):
    rows = [dict(id=i, small=np.int8(i), x=np.float64(i / 3), note=np.str_("numpy")) for i in range(5)]
    rows[2]["note"] = "lone \udc80 surrogate"
    with mode("load"):
        with pytest.raises(Exception) as raised_load:
            FreeTable(connection, f"{db}.t_load").insert(rows)
    with mode("insert"):
        with pytest.raises(Exception) as raised_insert:
            FreeTable(connection, f"{db}.t_insert").insert(rows)
    # refused before anything is sent, naming the attribute, on either path
    assert type(raised_load.value) is type(raised_insert.value) is InvalidTextError
    assert "`note` holds the lone surrogate" in str(raised_load.value)
    assert str(raised_load.value).replace("t_load", "t_insert") == str(raised_insert.value)
    assert _stored(connection, f"`{db}`.`t_load`") == ()
    del rows[2]
    for path in PATHS:
        _insert(connection, db, "t", path, rows)
    assert _stored(connection, f"`{db}`.`t_load`") == _stored(connection, f"`{db}`.`t_insert`")


def test_auto_mode_uses_load_for_large_inserts_only(connection, db, loads):
    table = FreeTable(connection, f"{db}.p_load")
    table.insert([dict(pid=i) for i in range(10)])
    assert loads == []
    table.insert([dict(pid=i) for i in range(10, 10 + bulk.MIN_ROWS)])
    assert loads == [True] and len(table) == 10 + bulk.MIN_ROWS


def test_batches_and_progress_bar_on_a_terminal_only(connection, db, loads, monkeypatch, capsys):
    monkeypatch.setattr(insert_module, "_max_statement", lambda conn: 64 * 1024)
    monkeypatch.setattr(insert_module, "PROGRESS_DELAY", 0)
    rows = [dict(id=i, note="x" * 200) for i in range(2000)]
    _insert(connection, db, "t", "load", rows)  # not a terminal: nothing printed
    assert capsys.readouterr().err == ""

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    for path in PATHS:
        terminal = Terminal()
        with contextlib.redirect_stderr(terminal):
            _insert(connection, db, "t", path, [dict(r, id=r["id"] + 10_000) for r in rows])
        assert "/2.00k" in terminal.getvalue() and "row/s" in terminal.getvalue(), terminal.getvalue()
    assert loads == [True, True]
    assert len(_stored(connection, f"`{db}`.`t_load`")) == 4000


def test_tables_that_cannot_roll_back_get_inserts(connection, db, loads):
    """A MyISAM table keeps what a LOAD DATA wrote even when it is rolled back, so it never tries."""
    connection.query(f"CREATE TABLE `{db}`.`m_load` {DDL.replace('utf8mb4', 'utf8mb4 ENGINE=MyISAM')}")
    connection.query(f"CREATE TABLE `{db}`.`m_insert` {DDL.replace('utf8mb4', 'utf8mb4 ENGINE=MyISAM')}")
    for path in PATHS:
        _insert(connection, db, "m", path, _rows(30))
    assert loads == [False]
    assert _stored(connection, f"`{db}`.`m_load`") == _stored(connection, f"`{db}`.`m_insert`")
    assert len(_stored(connection, f"`{db}`.`m_load`")) == 30


# --- a server with local_infile=OFF ---------------------------------------------------------------

@pytest.fixture(scope="module")
def refusing_server(tmp_path_factory):
    with private_server(tmp_path_factory.mktemp("noinfile")) as state:
        root = dj.Connection("127.0.0.1", state["user"], state["password"], port=state["port"])
        root.query("SET GLOBAL local_infile=0")
        root.close()
        yield state


def test_server_refusing_local_infile_gets_inserts(refusing_server, loading_driver, loads, caplog):
    state = refusing_server
    conn = dj.Connection("127.0.0.1", state["user"], state["password"], port=state["port"])
    assert conn.driver == loading_driver and conn.can_load_local
    try:
        conn.query("CREATE DATABASE IF NOT EXISTS bulk_refused")
        conn.query(f"CREATE TABLE bulk_refused.t {DDL}")
        table = FreeTable(conn, "bulk_refused.t")
        rows = _rows(40)
        with mode("load"), caplog.at_level(logging.INFO, logger="datajoint_interop"):
            table.insert(rows[:20])
            table.insert(rows[20:])
        assert len(table) == 40
        assert loads == [False], "after the refusal the connection stops trying"
        refusals = [r for r in caplog.records if "refuses LOAD DATA LOCAL" in r.getMessage()]
        assert len(refusals) == 1
    finally:
        conn.query("DROP DATABASE IF EXISTS bulk_refused")
        conn.close()


# --- a hostile server asking for a file by name ----------------------------------------------------

def _packet(seq, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def _lenenc(data):
    return bytes([len(data)]) + data


class _HostileServer:
    """Speaks just enough of the protocol to log a client in, answer ``SELECT connection_id()``
    and ``SET`` statements, and answer every other statement with a LOCAL INFILE request for
    `wanted`. Records what the client uploads."""

    def __init__(self, wanted):
        self.wanted = wanted.encode()
        self.uploads = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn):
        head = b""
        while len(head) < 4:
            chunk = conn.recv(4 - len(head))
            if not chunk:
                return None, None
            head += chunk
        n = int.from_bytes(head[:3], "little")
        body = b""
        while len(body) < n:
            body += conn.recv(n - len(body))
        return head[3], body

    def _serve(self):
        conn, _ = self.sock.accept()
        conn.settimeout(20)
        with conn:
            caps = 0x1 | 0x80 | 0x200 | 0x2000 | 0x8000 | 0x80000  # LOCAL_FILES among them
            greeting = (b"\x0a" + b"5.7.99-hostile\x00" + struct.pack("<I", 7) + b"abcdefgh\x00"
                        + struct.pack("<H", caps & 0xFFFF) + b"\x2d" + struct.pack("<H", 2)
                        + struct.pack("<H", caps >> 16) + b"\x15" + b"\x00" * 10 + b"ijklmnopqrst\x00"
                        + b"mysql_native_password\x00")
            conn.sendall(_packet(0, greeting))
            self._read(conn)
            ok = b"\x00\x00\x00\x02\x00\x00\x00"
            conn.sendall(_packet(2, ok))
            while True:
                seq, body = self._read(conn)
                if body is None or body[:1] == b"\x01":
                    return
                sql = body[1:].decode("utf-8", "replace")
                if sql.upper().startswith("SELECT CONNECTION_ID"):
                    column = (_lenenc(b"def") + b"\x00\x00\x00" + _lenenc(b"id") + b"\x00\x0c"
                              + struct.pack("<HIBHB", 63, 21, 8, 0, 0) + b"\x00\x00")
                    eof = b"\xfe\x00\x00\x02\x00"
                    for i, p in enumerate([b"\x01", column, eof, _lenenc(b"7"), eof], start=1):
                        conn.sendall(_packet(i, p))
                elif sql.upper().startswith("SET"):
                    conn.sendall(_packet(1, ok))
                else:
                    conn.sendall(_packet(1, b"\xfb" + self.wanted))
                    received, seq = b"", 2
                    while True:
                        seq, data = self._read(conn)
                        if not data:
                            break
                        received += data
                    self.uploads.append((sql, received))
                    conn.sendall(_packet(seq + 1, ok))


def test_hostile_server_never_gets_a_file(tmp_path, loading_driver):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-" + uuid.uuid4().hex)
    server = _HostileServer(str(secret))
    # (init_fun too: Connector/C runs it inside the handshake, before a handler could be set)
    conn = dj.Connection("127.0.0.1", "root", "", port=server.port, use_tls=False, init_fun="DO 1")
    assert conn.driver == loading_driver
    try:
        conn.query("SELECT 1")  # a plain statement answered with "send me the file"
        conn.load_local("LOAD DATA LOCAL INFILE 'datajoint-insert' INTO TABLE t", b"our rows\n")
        conn.query("SELECT 2")  # after a load: nothing of it is left to send
    finally:
        conn.close()
    server.thread.join(20)
    assert server.uploads == [("DO 1", b""), ("SELECT 1", b""),
                              ("LOAD DATA LOCAL INFILE 'datajoint-insert' INTO TABLE t", b"our rows\n"),
                              ("SELECT 2", b"")]
    assert conn._conn.local_requests == [str(secret)] * 4


def test_insert_and_external_tests_pass_on_the_load_path(loading_driver):
    """The insert, blob, attach/filepath and populate tests again, every insert forced to try
    LOAD DATA: same results, same errors."""
    here = os.path.dirname(os.path.abspath(__file__))
    modules = ["test_insert.py", "test_fetch_blobs.py", "test_external.py", "test_dropin_table_api.py",
               "test_populate.py"]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *(os.path.join(here, m) for m in modules)],
                          cwd=os.path.dirname(here), env=dict(os.environ, DJ_TEST_INSERT_PATH="load", DJ_DRIVER=loading_driver),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    taken = re.search(r"LOAD DATA attempts: taken (\d+)", done.stdout)
    assert taken and int(taken.group(1)) > 50, done.stdout[-2000:]


def test_large_upload_and_init_fun_on_a_loading_session(connection, db, loading_driver):
    """An upload of over 6 MiB (many client read calls) arrives whole, and init_fun still runs
    on a session announcing LOCAL INFILE (mysqlclient runs it after installing the handler), after
    the session's sql_mode is set, as pymysql does."""
    conn = dj.Connection(connection.host, connection.user, connection._password, port=connection.port,
                         init_fun="SET @dj_bulk_init = @@SESSION.sql_mode")
    try:
        assert conn.driver == loading_driver and conn.can_load_local
        seen = conn.query("SELECT @dj_bulk_init").fetchone()[0]
        assert seen and set(seen.split(",")) == set(conn.query("SELECT @@SESSION.sql_mode").fetchone()[0].split(","))
        assert "STRICT_ALL_TABLES" in seen
        conn.query(f"CREATE TABLE `{db}`.`big` (i int NOT NULL, s longtext NOT NULL, PRIMARY KEY (i))")
        lines = [f"{i}\t{'x' * (i % 5000)}{i}\n" for i in range(4000)]
        upload = "".join(lines).encode()
        assert len(upload) > 6 * 2**20
        cursor = conn.load_local(f"LOAD DATA LOCAL INFILE 'datajoint-insert' INTO TABLE `{db}`.`big`", upload)
        assert cursor.rowcount == 4000
        got = conn.query(f"SELECT SUM(LENGTH(s)), MAX(i), SUM(s LIKE CONCAT('%%', i)) FROM `{db}`.`big`").fetchone()
        assert tuple(int(v) for v in got) == (sum(len(line.split("\t")[1]) - 1 for line in lines), 3999, 4000)
    finally:
        conn.close()


def test_names_with_quotes_and_percent_on_the_load_path(connection, db, loads):
    """Table and column names are quoted by the one quoting function in the LOAD DATA statement too."""
    connection.query(f"CREATE TABLE `{db}`.`odd%%s``name` (`i%%d` int NOT NULL, `x``y` varchar(8) NULL "
                     "DEFAULT 'dflt', PRIMARY KEY (`i%%d`))")
    table = FreeTable(connection, f"`{db}`.`odd%s``name`")
    with mode("load"):
        table.insert([{"i%d": i, "x`y": None if i % 2 else f"v{i}"} for i in range(10)])
    assert loads == [True]
    assert connection.query(f"SELECT `i%%d`, `x``y` FROM `{db}`.`odd%%s``name` ORDER BY 1").fetchall() == tuple(
        (i, "dflt" if i % 2 else f"v{i}") for i in range(10))
