"""``Table.alter()`` as in DataJoint 0.14, and ``-> self.x`` references resolved from the class.

The same definition edits are applied by 0.14 to one table and by us to an identical twin; the
resulting columns (order, types, defaults, comments) and table comments must be the same.
"""
import pytest

import datajoint_interop as dj
from datajoint_interop.core.errors import DataJointError

import datajoint as dj14  # the 0.14 oracle (test dependency)

BEFORE = """
# a table to alter
item : int
---
-> {parent}
size : int                 # in bytes
label = "x" : varchar(16)
obsolete = null : float
"""

AFTER = """
# an altered table
item : int
---
-> {parent}
label = "y" : varchar(32)  # a label
size : bigint              # in bytes
extra = 0.5 : double       # added
"""


def _columns(connection, database, table):
    cursor = connection.query(
        "SELECT column_name, column_type, is_nullable, column_default, column_comment "
        "FROM information_schema.columns WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position",
        (database, table))
    comment = connection.query("SELECT table_comment FROM information_schema.tables "
                               "WHERE table_schema=%s AND table_name=%s", (database, table)).fetchone()[0]
    return comment, cursor.fetchall()


def _declare_pair(connection, db_prefix, label):
    """A table declared by us (schema s) and its twin declared by 0.14 (schema s14), with rows."""
    ours = dj.Schema(f"{db_prefix}_alter_{label}", connection=connection)
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    theirs = dj14.Schema(f"{db_prefix}_alter14_{label}", connection=c14)

    @ours
    class Parent(dj.Lookup):
        definition = "pid : int"
        contents = [(1,)]

    @ours
    class Thing(dj.Manual):
        definition = BEFORE.format(parent="Parent")

    @theirs
    class Parent14(dj14.Lookup):
        definition = "pid : int"
        contents = [(1,)]

    @theirs
    class Thing14(dj14.Manual):
        definition = BEFORE.format(parent="Parent14")

    Thing.insert1(dict(item=1, pid=1, size=3))
    Thing14.insert1(dict(item=1, pid=1, size=3))
    return Thing, Parent, Thing14, Parent14, c14


def test_alter_matches_014(connection, db_prefix):
    Thing, Parent, Thing14, Parent14, c14 = _declare_pair(connection, db_prefix, "a")
    try:
        before = _columns(connection, Thing.database, Thing.table_name)
        Thing.definition = AFTER.format(parent="Parent")
        Thing14.definition = AFTER.format(parent="Parent14")
        Thing14.alter(prompt=False, context=dict(Parent14=Parent14))
        Thing.alter(prompt=False, context=dict(Parent=Parent))
        ours = _columns(connection, Thing.database, Thing.table_name)
        theirs = _columns(connection, Thing14.database, Thing14.table_name)
        assert ours != before
        assert ours == theirs
        assert ours[0] == "an altered table"
        assert [c[0] for c in ours[1]] == ["item", "pid", "label", "size", "extra"]
        # the data stay; the heading is read again
        assert Thing.fetch1("size", "label", "extra") == (3, "x", 0.5)
        assert "obsolete" not in Thing.heading.names
        assert "Altered " + Thing.full_table_name in Thing().connection.schemas[Thing.database].log.fetch("event")
        Thing.alter(prompt=False)  # nothing left to do
        assert _columns(connection, Thing.database, Thing.table_name) == ours
    finally:
        c14.close()


def test_alter_refuses_key_changes_like_014(connection, db_prefix):
    Thing, Parent, Thing14, Parent14, c14 = _declare_pair(connection, db_prefix, "b")
    try:
        before = _columns(connection, Thing.database, Thing.table_name)
        Thing.definition = BEFORE.format(parent="Parent").replace("item : int", "item : int\nitem2 : int")
        with pytest.raises(NotImplementedError, match="primary key"):
            Thing.alter(prompt=False)
        Thing.definition = BEFORE.format(parent="Parent").replace("-> Parent\n", "")
        with pytest.raises(NotImplementedError, match="foreign keys"):
            Thing.alter(prompt=False)
        Thing.definition = BEFORE.format(parent="Parent") + "index(size)\n"
        with pytest.raises(NotImplementedError, match="indexes"):
            Thing.alter(prompt=False)
        assert _columns(connection, Thing.database, Thing.table_name) == before
        with pytest.raises(DataJointError, match="transaction"):
            with connection.transaction:
                Thing.alter(prompt=False)
    finally:
        c14.close()


def test_reference_through_self(connection, schema_name):
    schema = dj.Schema(schema_name("selfref"), connection=connection)

    @schema
    class Source(dj.Manual):
        definition = "sid : int"

    @schema
    class Derived(dj.Manual):
        source = Source
        definition = """
        -> self.source
        n : int
        """

        class Detail(dj.Part):
            definition = """
            -> master
            -> self.master.source
            d : int
            """

    assert Derived.parents() == [Source.full_table_name]
    assert Source.full_table_name in Derived.Detail.parents()


def test_alter_renames_like_014(connection, db_prefix):
    Thing, Parent, Thing14, Parent14, c14 = _declare_pair(connection, db_prefix, "c")
    try:
        renamed = BEFORE.replace("size : int                 # in bytes", "bytes : int   # {{size}}")
        Thing.definition = renamed.format(parent="Parent")
        Thing14.definition = renamed.format(parent="Parent14")
        Thing14.alter(prompt=False, context=dict(Parent14=Parent14))
        Thing.alter(prompt=False, context=dict(Parent=Parent))
        ours = _columns(connection, Thing.database, Thing.table_name)
        assert ours == _columns(connection, Thing14.database, Thing14.table_name)
        assert "bytes" in [c[0] for c in ours[1]] and "size" not in [c[0] for c in ours[1]]
        assert Thing.fetch1("bytes") == 3  # the values moved with the column
        twice = BEFORE.replace("label = \"x\" : varchar(16)", "a : int # {{size}}\nb : int # {{size}}")
        Thing.definition = twice.format(parent="Parent")
        with pytest.raises(DataJointError, match="twice"):
            Thing.alter(prompt=False, context=dict(Parent=Parent))
        Thing.definition = BEFORE.format(parent="Parent").replace("# in bytes", "# {nothing}")
        with pytest.raises(DataJointError, match="does not exist"):
            Thing.alter(prompt=False, context=dict(Parent=Parent))
    finally:
        c14.close()
