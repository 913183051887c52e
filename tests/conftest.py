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

RUN_ID = uuid.uuid4().hex[:8]
PREFIX = f"djtest_{RUN_ID}"


def connection_settings():
    return dict(
        host=os.environ.get("DJ_HOST", "127.0.0.1"),
        port=int(os.environ.get("DJ_PORT", "3306")),
        user=os.environ.get("DJ_USER", "root"),
        password=os.environ.get("DJ_PASS", ""),
    )


def _configure():
    settings = connection_settings()
    dj.config["database.host"] = settings["host"]
    dj.config["database.port"] = settings["port"]
    dj.config["database.user"] = settings["user"]
    dj.config["database.password"] = settings["password"]
    dj.config["database.unix_socket"] = None
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
