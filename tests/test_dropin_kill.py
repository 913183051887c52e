"""``dj.kill`` and ``admin.kill_quick`` (0.14's tools to end server connections), on the real server.

Only connections opened by the test itself are ever targeted: other test runs share the server.
"""
import pymysql
import pytest

import datajoint_interop as dj
from datajoint_interop import admin
from datajoint_interop.errors import DataJointError

from .conftest import connection_settings


def _victim():
    settings = connection_settings()
    return pymysql.connect(host=settings["host"], port=settings["port"], user=settings["user"],
                           password=settings["password"], autocommit=True)


def _is_dead(raw):
    try:
        raw.ping(reconnect=False)
    except pymysql.err.Error:
        return True
    return False


def test_kill_quick_ends_exactly_the_matching_connections(connection):
    first, second, bystander = _victim(), _victim(), _victim()
    try:
        assert admin.kill_quick({"id": first.thread_id()}, connection=connection) == 1
        assert admin.kill_quick(f"ID = {second.thread_id()}", connection=connection) == 1  # 0.14's SQL form
        assert _is_dead(first) and _is_dead(second) and not _is_dead(bystander)
        assert admin.kill_quick({"id": first.thread_id()}, connection=connection) == 0  # gone already
        assert connection.query("SELECT 1").fetchone() == (1,)  # never our own connection
    finally:
        bystander.close()


def test_kill_lists_and_ends_the_typed_process(connection, monkeypatch, capsys):
    victim = _victim()
    answers = iter(["not a number", "999999999", str(victim.thread_id()), "q"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    dj.kill({"id": victim.thread_id()}, connection=connection, order_by=["time desc", "id"])
    out = capsys.readouterr().out
    assert f"{victim.thread_id():>4d} " in out and "ID USER" in out
    assert _is_dead(victim)


@pytest.mark.parametrize("order_by", ["id; DROP DATABASE x", "id` DESC", ["id", 3]])
def test_kill_order_by_takes_column_names_only(connection, order_by, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("must refuse before asking"))
    with pytest.raises(DataJointError, match="order_by"):
        dj.kill(connection=connection, order_by=order_by)


def test_kill_restriction_values_are_bound(connection):
    """A dict restriction's values never become SQL text."""
    assert admin.kill_quick({"user": "x' OR '1'='1"}, connection=connection) == 0
    with pytest.raises(DataJointError, match="restriction"):
        admin.kill_quick(42, connection=connection)
