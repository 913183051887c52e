"""Hidden attributes and ``config['add_hidden_timestamp']`` as in DataJoint 0.14, on the real server.

Columns whose names start with ``_`` exist in the table but are left out of headings, fetch,
insert, joins and display. With ``add_hidden_timestamp`` on, declaring a table adds 0.14's
``_<sha1>_timestamp`` column, and 0.14 reading our table sees the same heading as we do.
"""
import re

import pytest

import datajoint_interop as dj
from datajoint_interop.table import FreeTable

import datajoint as dj14  # the 0.14 oracle (test dependency)


@pytest.fixture
def hidden_timestamp():
    before = dj.config["add_hidden_timestamp"]
    dj.config["add_hidden_timestamp"] = True
    yield
    dj.config["add_hidden_timestamp"] = before


@pytest.fixture(scope="module")
def c14(connection):
    c = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port, use_tls=False)
    yield c
    c.close()


DEFINITION = """
# with a hidden timestamp
animal_id : int
---
name : varchar(16)
"""


def test_declared_column_is_014s(connection, db_prefix, hidden_timestamp, c14):
    schema = dj.Schema(f"{db_prefix}_dropin_hidden1", connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = DEFINITION

    columns = [row[0] for row in connection.query(f"SHOW COLUMNS FROM {Animal.full_table_name}").fetchall()]
    dj14.config["add_hidden_timestamp"] = True
    try:
        sql14, _ = dj14.declare.declare(Animal.full_table_name, DEFINITION, {})
    finally:
        dj14.config["add_hidden_timestamp"] = False
    expected = re.search(r"`(_[0-9a-f]{40}_timestamp)` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP", sql14)
    assert expected and columns == ["animal_id", "name", expected.group(1)]

    Animal.insert([(1, "a"), (2, "b")])
    assert Animal.heading.names == ["animal_id", "name"]
    assert set(Animal.fetch(as_dict=True)[0]) == {"animal_id", "name"}
    assert Animal.fetch(format="array").dtype.names == ("animal_id", "name")
    assert expected.group(1) not in repr(Animal()) and expected.group(1) not in Animal.describe()
    stamps = connection.query(f"SELECT `{expected.group(1)}` FROM {Animal.full_table_name}").fetchall()
    assert len(stamps) == 2 and all(s[0] is not None for s in stamps)  # kept by the server
    theirs = dj14.FreeTable(c14, Animal.full_table_name)
    assert theirs.heading.names == Animal.heading.names

    @schema
    class Weighing(dj.Manual):
        definition = """
        -> Animal
        weighing : int
        """

    Weighing.insert([(1, 1), (2, 1)])
    assert len(Animal * Weighing) == 2  # each table's hidden column has its own name


def test_off_by_default(connection, db_prefix):
    assert dj.config["add_hidden_timestamp"] is False
    schema = dj.Schema(f"{db_prefix}_dropin_hidden2", connection=connection)

    @schema
    class Plain(dj.Manual):
        definition = DEFINITION

    columns = [row[0] for row in connection.query(f"SHOW COLUMNS FROM {Plain.full_table_name}").fetchall()]
    assert columns == ["animal_id", "name"]


def test_hidden_columns_take_no_part_in_queries(connection, db_prefix, c14):
    db = f"{db_prefix}_dropin_hidden3"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"CREATE TABLE `{db}`.a (id int NOT NULL, _note varchar(8) NOT NULL DEFAULT 'x', "
                     f"PRIMARY KEY (id))")
    connection.query(f"CREATE TABLE `{db}`.b (id int NOT NULL, v int NOT NULL, _note varchar(8) NOT NULL DEFAULT 'y', "
                     f"PRIMARY KEY (id, v))")
    a, b = FreeTable(connection, f"{db}.a"), FreeTable(connection, f"{db}.b")
    a.insert([(1,), (2,)])
    b.insert([(1, 10), (2, 20)])
    assert a.heading.names == dj14.FreeTable(c14, f"`{db}`.`a`").heading.names == ["id"]
    assert a.heading.hidden_attributes == ("_note",)
    assert set(a.fetch(as_dict=True)[0]) == {"id"}
    # as in 0.14, the server's NATURAL JOIN still matches hidden columns of the same name (here
    # 'x' and 'y' never match); add_hidden_timestamp's columns are named per table, so never meet
    joined = (a * b).fetch(order_by="id", as_dict=True)
    theirs = (dj14.FreeTable(c14, f"`{db}`.`a`") * dj14.FreeTable(c14, f"`{db}`.`b`")).fetch(order_by="id", as_dict=True)
    assert joined == theirs == []
    with pytest.raises(dj.DataJointError):
        a.insert1(dict(id=3, _note="q"))


OCTAVE = """
t = dj.FreeTable(dj.conn, '{db}', 'animal');
insert(t, struct('animal_id', 3, 'name', 'c'));
rows = fetch(t, '*');
r.fields = fieldnames(rows)';
r.names = t.header.names;
r.count = numel(rows);
write_json('result.json', r);
"""


def test_octave_sees_the_same_heading(connection, db_prefix, hidden_timestamp, tmp_path):
    from .test_crosslang_support import read_json, run_octave
    schema = dj.Schema(f"{db_prefix}_dropin_hidden4", connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = DEFINITION

    Animal.insert([(1, "a"), (2, "b")])
    run_octave(tmp_path, "hidden", OCTAVE.replace("{db}", schema.database))
    result = read_json(tmp_path / "result.json")
    assert result["fields"] == result["names"] == ["animal_id", "name"]
    assert result["count"] == 3 and len(Animal) == 3
    hidden = Animal.heading.hidden_attributes
    assert len(hidden) == 1
    stamps = connection.query(f"SELECT `{hidden[0]}` FROM {Animal.full_table_name}").fetchall()
    assert all(s[0] is not None for s in stamps) and len(stamps) == 3
