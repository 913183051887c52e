"""Insert from every supported container, errors that name the problem, batching, update1."""
import datetime
import decimal
import math
import uuid

import numpy as np
import pandas as pd
import pytest

from datajoint_interop.errors import (DataJointError, DuplicateError, IntegrityError, MissingAttributeError,
                                      QueryError, UnknownAttributeError)
from datajoint_interop.table import FreeTable


@pytest.fixture
def db(connection, schema_name):
    name = schema_name("ins")
    connection.query(f"CREATE DATABASE `{name}`")
    connection.query(f"""CREATE TABLE `{name}`.parent (
        pid int NOT NULL, label varchar(32) NOT NULL DEFAULT "none", weight double DEFAULT NULL,
        price decimal(6,2) NOT NULL DEFAULT 0, born date DEFAULT NULL, tag binary(16) DEFAULT NULL COMMENT ":uuid:",
        PRIMARY KEY (pid))""")
    connection.query(f"""CREATE TABLE `{name}`.child (pid int NOT NULL, cid int NOT NULL, PRIMARY KEY (pid, cid),
        FOREIGN KEY (pid) REFERENCES `{name}`.parent (pid))""")
    connection.query(f"""CREATE TABLE `{name}`.auto (id int NOT NULL AUTO_INCREMENT, txt varchar(8) NOT NULL,
        PRIMARY KEY (id))""")
    return name


def tables(connection, db):
    return [FreeTable(connection, f"{db}.{n}") for n in ("parent", "child", "auto")]


def test_insert_containers(connection, db):
    parent, child, _ = tables(connection, db)
    parent.insert([dict(pid=1, label="dict")])
    parent.insert([(2, "tuple", 1.5, decimal.Decimal("2.50"), datetime.date(2020, 2, 2), None)])
    rec = np.array([(3, "rec")], dtype=[("pid", "i4"), ("label", "U8")])
    parent.insert(rec)
    parent.insert(pd.DataFrame({"pid": [4, 5], "label": ["df", "df"]}))
    parent.insert(pd.DataFrame({"pid": [6], "label": ["indexed"]}).set_index("pid"))
    parent.insert1(dict(pid=7, weight=np.float32(2.5), price=np.int64(3)))
    parent.insert1((8, "seq", None, 1, "2021-03-04", uuid.UUID(int=5)))
    rows = {r["pid"]: r for r in parent.fetch(as_dict=True)}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert rows[1]["label"] == "dict" and rows[1]["weight"] is None and rows[3]["born"] is None
    assert rows[7]["label"] == "none"
    assert rows[2]["price"] == decimal.Decimal("2.50") and rows[2]["born"] == datetime.date(2020, 2, 2)
    assert rows[6]["label"] == "indexed" and rows[7]["weight"] == 2.5
    assert rows[8]["tag"] == uuid.UUID(int=5) and rows[8]["born"] == datetime.date(2021, 3, 4)
    parent.insert([])  # nothing to do
    child.insert(parent.proj(cid="(pid)") & "pid < 3")  # INSERT ... SELECT
    assert sorted(map(tuple, child.fetch().tolist())) == [(1, 1), (2, 2)]


def test_insert_errors_name_the_problem(connection, db):
    parent, child, _ = tables(connection, db)
    with pytest.raises(UnknownAttributeError, match="bogus"):
        parent.insert1(dict(pid=1, bogus=3))
    parent.insert1(dict(pid=1, bogus=3), ignore_extra_fields=True)
    with pytest.raises(MissingAttributeError, match="pid"):
        parent.insert1(dict(label="x"))
    with pytest.raises(DuplicateError, match="parent"):
        parent.insert1(dict(pid=1))
    with pytest.raises(IntegrityError, match="parent"):
        child.insert1(dict(pid=99, cid=1))
    with pytest.raises(DataJointError, match="weight"):
        parent.insert1(dict(pid=2, weight=[1, 2]))
    with pytest.raises(QueryError, match="label.*parent|parent.*label"):
        parent.insert1(dict(pid=2, label="x" * 40))  # too long for varchar(32)
    with pytest.raises(QueryError, match="price"):
        parent.insert1(dict(pid=2, price="cheap"))
    with pytest.raises(DataJointError, match="tag"):
        parent.insert1(dict(pid=2, tag="not a uuid"))
    with pytest.raises(DataJointError, match="values"):
        parent.insert1((2, "too few"))
    with pytest.raises(DataJointError, match="insert1"):
        parent.insert(dict(pid=3))
    with pytest.raises(MissingAttributeError, match="pid"):
        parent.insert([dict(pid=3), dict(label="x")])
    assert len(parent) == 1
    parent.insert([dict(pid=3), dict(pid=4, label="x")])
    assert dict(zip(*parent.fetch("pid", "label"))) == {1: "none", 3: "none", 4: "x"}


def test_skip_duplicates_and_replace(connection, db):
    parent, _, _ = tables(connection, db)
    parent.insert([dict(pid=1, label="a"), dict(pid=2, label="b")])
    parent.insert([dict(pid=2, label="B"), dict(pid=3, label="c")], skip_duplicates=True)
    assert dict(zip(*parent.fetch("pid", "label"))) == {1: "a", 2: "b", 3: "c"}
    parent.insert([dict(pid=2, label="B")], replace=True)
    assert (parent & {"pid": 2}).fetch1("label") == "B"


def test_autoincrement_may_be_omitted(connection, db):
    _, _, auto = tables(connection, db)
    auto.insert([dict(txt="a"), dict(txt="b")])
    assert sorted(auto.fetch("id")) == [1, 2]


def test_large_insert_is_batched_and_atomic(connection, db):
    parent, _, _ = tables(connection, db)
    label = "x" * 32
    n = 20000
    parent.insert(dict(pid=i, label=label) for i in range(n))
    assert len(parent) == n
    # a duplicate in a late batch must leave nothing of the earlier batches behind
    connection.session_values["max_allowed_packet"] = 200_000  # force several statements
    sent = []
    query = connection.query
    connection.query = lambda sql, *args, **kwargs: sent.append(sql) or query(sql, *args, **kwargs)
    try:
        with pytest.raises(DuplicateError):
            parent.insert(dict(pid=n + i if i < 15000 else 0, label=label) for i in range(15001))
    finally:
        del connection.query
        connection.session_values.clear()
    assert sum(sql.startswith("INSERT") for sql in sent) > 1  # really several statements
    assert len(parent) == n


def test_insert_inside_transaction_joins_it(connection, db):
    parent, _, _ = tables(connection, db)
    with pytest.raises(RuntimeError):
        with connection.transaction:
            parent.insert1(dict(pid=1))
            assert len(parent) == 1
            raise RuntimeError("roll back")
    assert len(parent) == 0


def test_update1(connection, db):
    parent, _, _ = tables(connection, db)
    parent.insert1(dict(pid=1, label="a", weight=1.0))
    parent.update1(dict(pid=1, label="b", weight=None))
    label, weight = (parent & {"pid": 1}).fetch1("label", "weight")
    assert label == "b" and math.isnan(weight)  # a NULL float fetched by name is NaN, as in 0.14
    assert (parent & {"pid": 1}).fetch1()["weight"] is None
    with pytest.raises(DataJointError, match="no row"):
        parent.update1(dict(pid=2, label="x"))
    with pytest.raises(MissingAttributeError):
        parent.update1(dict(label="x"))
    parent.update1(dict(pid=1, label=None))  # None resets to the column default, as in 0.14
    assert (parent & {"pid": 1}).fetch1("label") == "none"
    with pytest.raises(DataJointError, match="restricted"):
        (parent & "pid=1").update1(dict(pid=1, label="y"))


def test_row_larger_than_max_allowed_packet_is_refused_clearly(connection, schema_name):
    import numpy as np
    import datajoint_interop as dj
    schema = dj.Schema(schema_name("packet"), connection=connection)

    @schema
    class Big(dj.Manual):
        definition = """
        k : int
        ---
        v : longblob
        """

    packet = connection.query("SELECT @@max_allowed_packet").fetchone()[0]
    too_big = np.random.default_rng(1).random(packet // 8 + 1000)[np.newaxis, :]
    with pytest.raises(dj.DataJointError, match="max_allowed_packet") as info:
        Big.insert1(dict(k=1, v=too_big))
    assert "`v`" in str(info.value) and "blob@store" in str(info.value)
    fits = np.random.default_rng(2).random(packet // 40)[np.newaxis, :]
    Big.insert1(dict(k=2, v=fits))  # the connection is still usable
    assert np.array_equal((Big & "k=2").fetch1("v"), fits)
    assert len(Big()) == 1
