"""Connection behaviour against the real server: errors, reconnects and transactions."""
import socket
import time

import pymysql
import pytest

import datajoint_interop as dj
from datajoint_interop import errors
from datajoint_interop.connection import Connection, parse_host

from .conftest import connection_settings


def _killer():
    s = connection_settings()
    return pymysql.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                           autocommit=True)


def _closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_shared_connection_is_reused(connection):
    assert dj.conn() is connection
    assert connection.is_connected
    assert connection.get_user().startswith(connection_settings()["user"] + "@")


def test_bound_parameters_keep_hostile_values(connection):
    hostile = ['a"b', "a'b", "back\\slash", "50%", "{S}", "nul\x00byte", "ünï", "😀", "); DROP TABLE x; --"]
    for value in hostile:
        assert connection.query("SELECT %s", (value,)).fetchone()[0] == value


def test_wrong_password_names_user_and_host_not_password():
    s = connection_settings()
    secret = "definitely-wrong-Pa55"
    with pytest.raises(errors.AccessError) as info:
        Connection(s["host"], s["user"], secret, port=s["port"])
    # as 0.14, code catching pymysql's OperationalError for a refused login keeps working
    assert isinstance(info.value, pymysql.err.OperationalError)
    message = str(info.value)
    assert s["user"] in message and s["host"] in message
    assert secret not in message


def test_unreachable_host_fails_fast_with_clear_message():
    port = _closed_port()
    start = time.monotonic()
    with pytest.raises(errors.ConnectionError_) as info:
        Connection("127.0.0.1", "root", "", port=port, connect_timeout=3)
    assert time.monotonic() - start < 3 + 1
    assert f"127.0.0.1:{port}" in str(info.value)


def test_unknown_host_name():
    start = time.monotonic()
    with pytest.raises(errors.ConnectionError_) as info:
        Connection("no-such-host.invalid", "root", "", connect_timeout=3)
    assert "no-such-host.invalid" in str(info.value)
    assert time.monotonic() - start < 3 + 5


def test_silent_server_times_out_instead_of_hanging():
    """A peer that accepts the TCP connection but never sends the greeting."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        start = time.monotonic()
        with pytest.raises(errors.ConnectionError_) as info:
            Connection("127.0.0.1", "root", "", port=port, connect_timeout=2)
        assert time.monotonic() - start < 2 + 2
        assert f"127.0.0.1:{port}" in str(info.value)
    finally:
        listener.close()


def test_write_after_idle_drop_reconnects_first(db_prefix, schema_name):
    s = connection_settings()
    c = Connection(s["host"], s["user"], s["password"], port=s["port"])
    db = schema_name("idle")
    c.query(f"CREATE DATABASE `{db}`")
    c.query(f"CREATE TABLE `{db}`.`t` (k int PRIMARY KEY)")
    killer = _killer()
    killer.cursor().execute("KILL CONNECTION %d" % c.connection_id)
    time.sleep(1.2)  # idle longer than the check interval: the write goes to a fresh connection
    c.query(f"INSERT INTO `{db}`.`t` VALUES (%s)", (1,))
    # killed right before a write with no idle gap: the write is not silently re-run
    killer.cursor().execute("KILL CONNECTION %d" % c.connection_id)
    time.sleep(0.2)
    c._last_used = time.monotonic()
    with pytest.raises(errors.LostConnectionError, match="may or may not have been applied"):
        c.query(f"INSERT INTO `{db}`.`t` VALUES (%s)", (2,))
    assert c.query(f"SELECT k FROM `{db}`.`t` ORDER BY k").fetchall() == ((1,),)
    killer.close()
    c.close()


def test_reconnects_after_idle_connection_is_killed(db_prefix):
    s = connection_settings()
    c = Connection(s["host"], s["user"], s["password"], port=s["port"])
    old_id = c.connection_id
    killer = _killer()
    killer.cursor().execute("KILL CONNECTION %d" % old_id)
    killer.close()
    assert c.query("SELECT 41 + 1").fetchone()[0] == 42
    assert c.connection_id != old_id
    c.close()


def test_refuses_to_reconnect_inside_transaction(db_prefix):
    s = connection_settings()
    c = Connection(s["host"], s["user"], s["password"], port=s["port"])
    killer = _killer()
    with pytest.raises(errors.LostConnectionError, match="transaction"):
        with c.transaction:
            killer.cursor().execute("KILL CONNECTION %d" % c.connection_id)
            c.query("SELECT 1")
    killer.close()
    assert not c.in_transaction
    assert c.query("SELECT 1").fetchone()[0] == 1  # outside a transaction it reconnects again
    c.close()


def test_a_lost_transaction_whose_error_is_caught_ends_quietly(db_prefix):
    """0.14: the loss raises inside the block; if the code catches it, leaving the block neither
    commits (the server rolled back) nor raises a second error."""
    s = connection_settings()
    c = Connection(s["host"], s["user"], s["password"], port=s["port"])
    killer = _killer()
    with c.transaction:
        killer.cursor().execute("KILL CONNECTION %d" % c.connection_id)
        with pytest.raises(errors.LostConnectionError, match="transaction"):
            c.query("SELECT 1")
        assert not c.in_transaction
    killer.close()
    assert not c.in_transaction and c.query("SELECT 1").fetchone()[0] == 1
    c.close()


def test_transaction_commits_and_rolls_back(connection, schema_name):
    db = schema_name("conn")
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"CREATE TABLE `{db}`.`t` (k int PRIMARY KEY) ENGINE=InnoDB")
    with connection.transaction:
        assert connection.in_transaction
        connection.query(f"INSERT INTO `{db}`.`t` VALUES (%s)", (1,))
    with pytest.raises(RuntimeError):
        with connection.transaction:
            connection.query(f"INSERT INTO `{db}`.`t` VALUES (%s)", (2,))
            raise RuntimeError("abort")
    assert connection.query(f"SELECT k FROM `{db}`.`t`").fetchall() == ((1,),)
    with connection.transaction:
        with pytest.raises(errors.DataJointError, match="Nested"):
            connection.start_transaction()


def test_server_errors_become_specific_exceptions(connection, schema_name):
    db = schema_name("errs")
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"CREATE TABLE `{db}`.`t` (k int PRIMARY KEY) ENGINE=InnoDB")
    connection.query(f"INSERT INTO `{db}`.`t` VALUES (1)")
    with pytest.raises(errors.DuplicateError):
        connection.query(f"INSERT INTO `{db}`.`t` VALUES (%s)", (1,))
    with pytest.raises(errors.MissingTableError):
        connection.query(f"SELECT * FROM `{db}`.`nope`")
    with pytest.raises(errors.QuerySyntaxError):
        connection.query("SELEC 1")
    with pytest.raises(errors.UnknownAttributeError):
        connection.query(f"SELECT nope FROM `{db}`.`t`")


def test_ping_and_parse_host(connection):
    connection.ping()
    assert parse_host("example.org:3307") == ("example.org", 3307)
    assert parse_host("[::1]:3308") == ("::1", 3308)
    assert parse_host("db", 3310) == ("db", 3310)


def test_missing_privilege_is_access_error(connection, schema_name):
    db = schema_name("priv")
    user = f"djt_{db[-12:]}"[:32]
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query("CREATE USER %s@'%%' IDENTIFIED BY %s", (user, "pw-1"))
    try:
        s = connection_settings()
        c = Connection(s["host"], user, "pw-1", port=s["port"])
        with pytest.raises(errors.AccessError) as info:
            c.query(f"CREATE TABLE `{db}`.`t` (k int PRIMARY KEY)")
        assert user in str(info.value)
        c.close()
    finally:
        connection.query("DROP USER %s@'%%'", (user,))
