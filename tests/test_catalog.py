"""core/catalog.py: the server's answers about itself, asked in one place."""
import pytest

from datajoint_interop.core import catalog
from datajoint_interop.core.connection import Connection
from datajoint_interop.sql import execute, sql_name


@pytest.fixture
def database(connection, schema_name):
    name = schema_name("catalog")
    execute(connection, f"CREATE DATABASE {sql_name(name)}")
    for table in ("a_b", "axb", "a%c"):
        execute(connection, f"CREATE TABLE {sql_name(name)}.{sql_name(table)} (k int PRIMARY KEY) COMMENT 'c%%'")
    yield name
    execute(connection, f"DROP DATABASE {sql_name(name)}")


def test_tables_and_schemas(connection, database):
    assert catalog.schema_exists(connection, database)
    assert not catalog.schema_exists(connection, database + "_none")
    assert catalog.table_exists(connection, database, "a_b")
    assert not catalog.table_exists(connection, database, "a_")
    assert sorted(catalog.list_tables(connection, database)) == ["a%c", "a_b", "axb"]
    # the prefix is literal: neither _ nor % is a wildcard
    assert catalog.list_tables(connection, database, prefix="a_") == ["a_b"]
    assert catalog.list_tables(connection, database, prefix="a%") == ["a%c"]
    assert catalog.table_comment(connection, database, "axb") == "c%"
    assert catalog.table_comment(connection, database, "none") is None
    assert catalog.primary_key(connection, database, "axb") == ["k"]
    assert catalog.table_size(connection, database, "none") is None
    assert database in catalog.list_schemas(connection)


def test_max_allowed_packet_is_read_again_after_a_reconnect(connection):
    real = int(execute(connection, "SELECT @@max_allowed_packet").fetchone()[0])
    assert catalog.max_allowed_packet(connection) == real
    connection.session_values["max_allowed_packet"] = 12345  # as if the server had said so
    assert catalog.max_allowed_packet(connection) == 12345  # cached for this session
    session = connection.connection_id
    connection.close()
    connection.connect()  # a new session: the cached value belongs to the old one
    # even if the new session had the old id (a restarted server numbers from 1 again)
    connection.connection_id = session
    assert catalog.max_allowed_packet(connection) == real
    assert connection.session_values == {"max_allowed_packet": real}
    connection.connection_id = int(execute(connection, "SELECT connection_id()").fetchone()[0])


def test_max_allowed_packet_is_never_shared_between_connections(connection):
    """Nothing is cached by id(connection): another Connection object reads its own value."""
    connection.session_values["max_allowed_packet"] = 12345
    try:
        other = Connection(connection.host, connection.user, connection._password, port=connection.port)
        try:
            assert catalog.max_allowed_packet(other) == int(
                execute(other, "SELECT @@max_allowed_packet").fetchone()[0]) != 12345
        finally:
            other.close()
    finally:
        connection.session_values.clear()


def test_privileges_of_this_account(connection):
    account, role = catalog.current_grantees(connection)
    assert account.startswith("'") and "'@'" in account and role is None
    held = catalog.global_privileges(connection, [account])
    assert {"SELECT", "PROCESS"} <= held  # the test account is an administrator
    assert catalog.global_privileges(connection, [None]) == set()
    assert catalog.global_privileges(connection, ["'nobody'@'nowhere'"]) == set()
    assert catalog.schema_privileges(connection, ["'nobody'@'nowhere'"]) == {}
    assert catalog.table_privileges(connection, ["'nobody'@'nowhere'"], "mysql", "user") == set()
