"""fetch/fetch1 result shapes, types and options against the real server."""
import datetime
import decimal
import uuid

import numpy as np
import pandas as pd
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError
from datajoint_interop.table import FreeTable


@pytest.fixture(scope="module")
def item(connection, db_prefix):
    db = f"{db_prefix}_h4_fetch"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"""CREATE TABLE `{db}`.item (id int NOT NULL, sub tinyint unsigned NOT NULL,
        name varchar(16) NOT NULL, score double DEFAULT NULL, cnt int DEFAULT NULL, price decimal(5,2) NOT NULL,
        day date NOT NULL, tag binary(16) NOT NULL COMMENT ":uuid:", PRIMARY KEY (id, sub))""")
    table = FreeTable(connection, f"{db}.item")
    table.insert([(i, i % 3, f"n{i}", None if i == 2 else i / 2, None if i == 3 else i, decimal.Decimal(i) / 4,
                   datetime.date(2024, 1, 1 + i), uuid.UUID(int=i)) for i in range(6)])
    return table


def test_fetch_record_array(item):
    rows = item.fetch(order_by="KEY")
    assert isinstance(rows, np.ndarray) and rows.dtype.names == tuple(item.heading.names)
    assert rows["id"].dtype == np.int64 and rows["score"].dtype == np.float64
    assert rows["id"].tolist() == list(range(6))
    assert np.isnan(rows["score"][2]) and rows["score"][4] == 2.0
    assert rows["cnt"][3] is None and rows["cnt"][4] == 4
    assert rows["price"][1] == decimal.Decimal("0.25")
    assert rows["tag"][5] == uuid.UUID(int=5) and rows["day"][0] == datetime.date(2024, 1, 1)


def test_fetch_attributes_and_keys(item):
    ids, names = item.fetch("id", "name", order_by="id")
    assert ids.tolist() == list(range(6)) and names.tolist() == [f"n{i}" for i in range(6)]
    keys = item.fetch("KEY", order_by="id DESC", limit=2)
    assert keys == [{"id": 5, "sub": 2}, {"id": 4, "sub": 1}]
    assert item.fetch(dj.key, order_by="id", limit=1) == [{"id": 0, "sub": 0}]
    assert item.fetch.keys(order_by="id", limit=1) == [{"id": 0, "sub": 0}]
    k, s = item.fetch("KEY", "score", order_by="id", limit=2, offset=1)
    assert k == [{"id": 1, "sub": 1}, {"id": 2, "sub": 2}] and s[0] == 0.5 and np.isnan(s[1])
    dicts = item.fetch("name", "tag", as_dict=True, order_by="id")
    assert dicts[1] == {"name": "n1", "tag": uuid.UUID(int=1)}
    assert len(item.fetch(limit=0)) == 0
    assert (item & "id > 99").fetch().shape == (0,)
    assert (item & "id > 99").fetch("KEY") == []
    empty_ids, empty_names = (item & "id > 99").fetch("id", "name")
    assert len(empty_ids) == 0 and len(empty_names) == 0


def test_fetch_frame(item):
    frame = item.fetch(format="frame", order_by="KEY")
    assert isinstance(frame, pd.DataFrame) and list(frame.index.names) == ["id", "sub"]
    assert frame.loc[(4, 1), "name"] == "n4"
    with pytest.raises(DataJointError):
        item.fetch("id", format="frame")


def test_fetch1(item):
    row = (item & {"id": 4}).fetch1()
    assert row["name"] == "n4" and row["tag"] == uuid.UUID(int=4) and row["score"] == 2.0
    assert (item & {"id": 4}).fetch1("name", "KEY") == ("n4", {"id": 4, "sub": 1})
    assert (item & {"id": 4}).fetch1("score") == 2.0
    with pytest.raises(DataJointError, match="more than one"):
        item.fetch1()
    with pytest.raises(DataJointError, match="none"):
        (item & {"id": 42}).fetch1()
    with pytest.raises(DataJointError, match="Attribute `[a-z_]*` not found"):
        (item & {"id": 4}).fetch1("nope")


def test_fetch_argument_errors(item):
    with pytest.raises(DataJointError):
        item.fetch("nope")
    with pytest.raises(DataJointError):
        item.fetch(format="csv")
    with pytest.raises(DataJointError):
        item.fetch(offset=3)
    with pytest.raises(DataJointError):
        item.fetch(limit=-1)
    with pytest.raises(DataJointError, match="offset"):
        item.fetch(limit=2, offset="1; DROP TABLE item")


def test_previews(item):
    text = repr(item)
    assert "*id" in text and "n0" in text and "(Total: 6)" in text
    with dj.config(**{"display.limit": 2}):
        text = repr(item)
    assert "..." in text and "n3" not in text
    html = item._repr_html_()
    assert "<table" in html and "n5" in html and "Total: 6" in html
    assert html.startswith("<style") and 'class="pk"' in html  # 0.14's preview starts with its style too
    assert "n0" in item.preview(limit=1)


def test_head_tail(item):
    assert [r["id"] for r in item.head(2, as_dict=True)] == [0, 1]
    assert item.tail(2)["id"].tolist() == [4, 5]


def test_streamed_chunks_give_the_same_result(item, monkeypatch):
    import datajoint_interop.fetch as fetch_module
    whole = item.fetch(order_by="KEY")
    monkeypatch.setattr(fetch_module, "_CHUNK", 2)  # six rows arrive in three chunks
    parts = item.fetch(order_by="KEY")
    assert parts.dtype == whole.dtype
    for name in whole.dtype.names:
        assert [repr(v) for v in parts[name].tolist()] == [repr(v) for v in whole[name].tolist()]


def test_one_statement_per_fetch(item, monkeypatch):
    item.heading  # the heading is read once and cached
    calls = []
    connection_class = type(item.connection)
    original = connection_class.query

    def counting(self, sql, *args, **kwargs):
        if self is item.connection:
            calls.append(sql)
        return original(self, sql, *args, **kwargs)
    # patched on the class: undoing a patch of the instance would leave a bound method behind on it
    monkeypatch.setattr(connection_class, "query", counting)
    item.fetch()
    item.fetch(as_dict=True)
    (item & {"id": 1}).fetch1()
    item.fetch("KEY", "name", limit=3)
    assert len(calls) == 4 and all(c.startswith("SELECT") for c in calls)
