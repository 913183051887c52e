"""Fixtures shared by every suite: a real connection and uniquely named, always-dropped schemas.

Several test runs may share one server (developers, CI), so every schema name carries a prefix
unique to this run, and everything with that prefix is dropped at the end even after failures.
"""
import itertools
import os
import uuid

import pymysql
import pytest

import datajoint_interop as dj
from .server_env import connection_settings, point_at_test_server

connection_settings()  # choose the test server now and pin DJ_* for Octave and worker processes
RUN_ID = uuid.uuid4().hex[:8]
PREFIX = f"djtest_{RUN_ID}"


def _configure():
    settings = point_at_test_server(dj)
    dj.config["safemode"] = False
    return settings


def _drop_prefixed(prefix):
    settings = connection_settings()
    raw = pymysql.connect(host=settings["host"], port=settings["port"], user=settings["user"],
                          password=settings["password"], autocommit=True)
    try:
        with raw.cursor() as cursor:
            cursor.execute("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
                           (prefix.replace("_", r"\_") + "%",))
            names = [row[0] for row in cursor.fetchall()]
            cursor.execute("SET FOREIGN_KEY_CHECKS=0")
            for name in names:
                cursor.execute("DROP DATABASE IF EXISTS `%s`" % name.replace("`", "``"))
    finally:
        raw.close()


@pytest.fixture(scope="session")
def db_prefix():
    _configure()
    yield PREFIX
    _drop_prefixed(PREFIX)


@pytest.fixture(scope="session")
def connection(db_prefix):
    """The shared dj connection to the test server."""
    return dj.conn(reset=True)


_counter = itertools.count(1)


@pytest.fixture
def schema_name(db_prefix):
    """Factory: schema_name("lab") -> a fresh unique database name, dropped after the test session."""

    def make(label="s"):
        return f"{db_prefix}_{next(_counter)}_{label}"

    return make


# DJ_TEST_INSERT_PATH=load|insert runs every insert of the session on that path (query/bulk.py), so
# that a test module can be proven on both (tests/test_insert_bulk.py does it for the insert tests)
if os.environ.get("DJ_TEST_INSERT_PATH"):
    from datajoint_interop.query import bulk as _bulk
    _bulk.MODE = os.environ["DJ_TEST_INSERT_PATH"]
    _LOADS = {True: 0, False: 0}
    _try_load = _bulk.try_load

    def _counted_try_load(*args, **kwargs):
        taken = _try_load(*args, **kwargs)
        _LOADS[taken] += 1
        return taken
    _bulk.try_load = _counted_try_load

    def pytest_terminal_summary(terminalreporter):
        terminalreporter.write_line(f"LOAD DATA attempts: taken {_LOADS[True]}, handed back {_LOADS[False]}")
