"""Issue 16's blocking bugs: code written for DataJoint 0.14 runs unchanged.

Where the expectation depends on 0.14's exact output (query text semantics, attribute order, row
sets) the same operation is run by datajoint 0.14 (the test oracle) over the same tables.
"""
import pydoc

import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError
from datajoint_interop.table import FreeTable

import datajoint as dj14  # the 0.14 oracle (test dependency)


@pytest.fixture(scope="module")
def oracle(connection):
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    yield c14
    c14.close()


@pytest.fixture
def schema(connection, schema_name):
    s = dj.Schema(schema_name("dropin"), connection=connection)
    yield s
    s.drop(force=True)


def _master_part(schema):
    @schema
    class Trial(dj.Manual):
        definition = """
        trial : int
        ---
        score = null : float
        """

        class Cell(dj.Part):
            definition = """
            -> master
            cell : int
            """
    return Trial


@pytest.mark.parametrize("sql, expected", [
    ("SELECT '100%%'", "100%"),
    ("SELECT CONCAT('a', '%%', 'b')", "a%b"),
])
def test_query_without_args_formats_like_pymysql(connection, oracle, sql, expected):
    assert connection.query(sql).fetchone()[0] == expected
    assert oracle.query(sql).fetchone()[0] == expected
    assert connection.query(sql.replace("%%", "%"), None).fetchone()[0] == expected


def test_lookup_contents_as_property_is_read_from_an_instance(schema):
    @schema
    class Option(dj.Lookup):
        definition = """
        option : int
        ---
        label : varchar(8)
        """

        @property
        def contents(self):
            return [(1, "one"), (2, "two")]

    assert Option.fetch("label", order_by="option").tolist() == ["one", "two"]
    schema(Option)  # decorating again inserts nothing new and does not fail
    assert len(Option()) == 2


def test_insert_query_with_skip_duplicates(schema):
    Trial = _master_part(schema)
    Trial.insert([(1, 0.5), (2, None)])
    Trial.insert(Trial & "trial = 1", skip_duplicates=True)
    Trial.Cell.insert([(1, 1)])
    Trial.Cell.insert(Trial.Cell.proj(), skip_duplicates=True)
    assert len(Trial()) == 2 and len(Trial.Cell()) == 1
    with pytest.raises(dj.errors.DuplicateError):
        Trial.insert(Trial & "trial = 1")


def test_part_delete_with_force(schema):
    Trial = _master_part(schema)
    Trial.insert([(1, None)])
    Trial.Cell.insert([(1, 1), (1, 2)])
    with pytest.raises(DataJointError, match="Cannot delete from a Part directly"):
        (Trial.Cell & "cell = 1").delete()
    (Trial.Cell & "cell = 1").delete(force=True)
    assert Trial.Cell.fetch("cell").tolist() == [2]
    assert len(Trial()) == 1


def test_drop_refuses_when_a_dependent_part_keeps_its_master(schema, oracle):
    Trial = _master_part(schema)

    @schema
    class Probe(dj.Manual):
        definition = """
        probe : int
        """

    @schema
    class Rig(dj.Manual):
        definition = """
        rig : int
        """

        class Slot(dj.Part):
            definition = """
            -> master
            -> Probe
            """

    dj14.Schema(schema.database, connection=oracle, create_schema=False)  # 0.14 loads activated schemas
    theirs = dj14.FreeTable(oracle, Probe.full_table_name)
    with pytest.raises(dj14.DataJointError, match="before dropping its master"):
        theirs.drop()
    with pytest.raises(DataJointError, match="Attempt to drop part table .*before dropping its master"):
        Probe.drop()
    assert Probe.is_declared and Rig.Slot.is_declared
    with pytest.raises(DataJointError, match="Cannot drop a Part directly"):
        Trial.Cell.drop()
    Trial.Cell.drop(force=True)
    assert not Trial.Cell.is_declared and Trial.is_declared
    Rig.drop()
    Probe.drop()
    assert not Probe.is_declared


def test_restriction_by_universal_set_leaves_the_query_unchanged(schema, oracle):
    Trial = _master_part(schema)
    Trial.insert([(1, 0.5), (2, None), (3, 0.5)])
    theirs = dj14.FreeTable(oracle, Trial.full_table_name)
    for restricted, original in [(Trial & dj.U("score"), Trial()), (Trial() & dj.U("trial"), Trial())]:
        assert restricted.heading.names == original.heading.names == ["trial", "score"]
        assert restricted.fetch(as_dict=True, order_by="trial") == original.fetch(as_dict=True, order_by="trial")
    assert (theirs & dj14.U("score")).heading.names == (Trial & dj.U("score")).heading.names
    assert len(Trial - dj.U("trial")) == len(theirs - dj14.U("trial")) == 0
    # (0.14 counts DISTINCT non-NULL values for len(): compare where no score is NULL)
    assert len(dj.U("score") & (Trial & "trial != 2")) == len(dj14.U("score") & (theirs & "trial != 2")) == 1


def test_proj_rename_keeps_the_key_order(connection, oracle, schema):
    @schema
    class Pair(dj.Manual):
        definition = """
        first : int
        second : int
        ---
        value : int
        note = "" : varchar(8)
        """

    Pair.insert([(1, 2, 3, "x")])
    theirs = dj14.FreeTable(oracle, Pair.full_table_name)
    ours = FreeTable(connection, Pair.full_table_name)
    for args, kwargs in [((), dict(a="first")), ((), dict(b="second")), (("note",), dict(v="value")),
                         ((...,), dict(a="first", v="value")), (("value",), dict(z="first"))]:
        mine, theirs_ = ours.proj(*args, **kwargs), theirs.proj(*args, **kwargs)
        assert mine.primary_key == theirs_.primary_key
        assert mine.heading.names == theirs_.heading.names
        assert mine.fetch(as_dict=True) == theirs_.fetch(as_dict=True)


def test_help_on_table_classes(schema):
    Trial = _master_part(schema)
    Trial.insert([(1, None)])
    for cls in (Trial, Trial.Cell, dj.Manual, dj.Lookup, dj.Computed, dj.Imported, dj.Part):
        text = pydoc.render_doc(cls)
        assert cls.__name__ in text
    assert bool(Trial) and bool(dj.Manual)
    assert len(Trial) == 1  # len() of a class still counts its rows
