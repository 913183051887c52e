"""``config['fetch_format'] = 'frame'`` and ``fetch(format='frame')``: pandas DataFrames indexed by
the primary key, compared with what DataJoint 0.14 returns for the same table."""
import datetime
import decimal

import numpy as np
import pandas as pd
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError
from datajoint_interop.table import FreeTable

import datajoint as dj14  # the 0.14 oracle (test dependency)


@pytest.fixture(scope="module")
def tables(connection, db_prefix):
    db = f"{db_prefix}_dropin_frame"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"""CREATE TABLE `{db}`.item (id int NOT NULL, sub tinyint unsigned NOT NULL,
        name varchar(16) NOT NULL, score double NOT NULL, price decimal(5,2) NOT NULL, day date NOT NULL,
        PRIMARY KEY (id, sub))""")
    connection.query(f"CREATE TABLE `{db}`.nokey (a int NOT NULL)")
    ours = FreeTable(connection, f"{db}.item")
    ours.insert([(i, i % 3, f"n{i}", i / 2, decimal.Decimal(i) / 4, datetime.date(2024, 1, 1 + i))
                 for i in range(6)])
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    yield ours, dj14.FreeTable(c14, f"`{db}`.`item`"), FreeTable(connection, f"{db}.nokey")
    c14.close()


@pytest.fixture
def frame_format():
    """Set both packages' fetch_format to 'frame' for one test."""
    before, before14 = dj.config["fetch_format"], dj14.config["fetch_format"]
    dj.config["fetch_format"] = dj14.config["fetch_format"] = "frame"
    yield
    dj.config["fetch_format"], dj14.config["fetch_format"] = before, before14


def test_format_frame_equals_014(tables):
    ours, theirs, _ = tables
    frame = ours.fetch(format="frame", order_by="KEY")
    expected = theirs.fetch(format="frame", order_by="KEY")
    assert isinstance(frame, pd.DataFrame) and list(frame.index.names) == ["id", "sub"]
    pd.testing.assert_frame_equal(frame, expected)
    assert len(frame) == 6


def test_config_fetch_format_frame_applies_to_whole_row_fetches(tables, frame_format):
    ours, theirs, _ = tables
    frame = ours.fetch(order_by="KEY")
    pd.testing.assert_frame_equal(frame, theirs.fetch(order_by="KEY"))
    restricted = (ours & "id > 3").fetch(order_by="KEY")
    assert isinstance(restricted, pd.DataFrame) and list(restricted["name"]) == ["n4", "n5"]
    # attributes, as_dict and explicit 'array' are not affected, as in 0.14
    assert isinstance(ours.fetch("name"), np.ndarray)
    assert isinstance(ours.fetch(as_dict=True), list)
    assert isinstance(ours.fetch(format="array"), np.ndarray)
    assert isinstance((ours & {"id": 1}).fetch1(), dict)


def test_empty_result_and_table_without_key(tables):
    ours, theirs, nokey = tables
    empty = (ours & "id < 0").fetch(format="frame")
    assert isinstance(empty, pd.DataFrame) and len(empty) == 0 and list(empty.index.names) == ["id", "sub"]
    assert list(empty.columns) == list((theirs & "id < 0").fetch(format="frame").columns)
    nokey.insert([(1,), (2,)])
    frame = nokey.fetch(format="frame")
    assert sorted(frame["a"]) == [1, 2]


def test_format_errors_as_014(tables, monkeypatch):
    ours, theirs, _ = tables
    for call in (lambda t: t.fetch("name", format="frame"), lambda t: t.fetch(as_dict=True, format="array")):
        with pytest.raises(dj14.DataJointError, match="Cannot specify output format"):
            call(theirs)
        with pytest.raises(DataJointError, match="Cannot specify output format"):
            call(ours)
    with pytest.raises(DataJointError):
        ours.fetch(format="csv")
    monkeypatch.setitem(dj.config._values, "fetch_format", "csv")
    with pytest.raises(DataJointError, match="fetch_format"):
        ours.fetch()
