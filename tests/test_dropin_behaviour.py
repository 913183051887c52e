"""Issue 16's "different behaviour": where DataJoint 0.14 code observes values, error types or
object identity, ours behaves the same. Each case runs the same operation through datajoint 0.14
(the test oracle) wherever that makes the expectation exact.
"""
import math
import uuid

import numpy as np
import pymysql
import pytest

import datajoint_interop as dj
import datajoint_interop.settings
from datajoint_interop.errors import DataJointError

import datajoint as dj14  # the 0.14 oracle (test dependency)


@pytest.fixture
def schema(connection, schema_name):
    s = dj.Schema(schema_name("behave"), connection=connection)
    yield s
    s.drop(force=True)


@pytest.fixture(scope="module")
def oracle(connection):
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    yield c14
    c14.close()


def _measure(schema):
    @schema
    class Measure(dj.Manual):
        definition = """
        mid : int
        ---
        value = null : float
        precise = null : double
        count = null : int
        """
    return Measure


def test_null_float_by_name_is_nan(schema, oracle):
    Measure = _measure(schema)
    Measure.insert([(1, None, None, None), (2, 1.5, 2.5, 3)])
    theirs = dj14.FreeTable(oracle, Measure.full_table_name)
    for restriction in ("mid = 1", "mid = 2"):
        mine, their = Measure & restriction, theirs & restriction
        for name in ("value", "precise", "count"):
            a, b = mine.fetch1(name), their.fetch1(name)
            assert (a is None and b is None) or (math.isnan(a) and math.isnan(b)) or a == b, (name, a, b)
        assert mine.fetch1() == their.fetch1()  # the whole row keeps None, as in 0.14
        v1, c1 = mine.fetch1("value", "count")
        v2, c2 = their.fetch1("value", "count")
        assert (math.isnan(v1) and math.isnan(v2)) or v1 == v2
        assert c1 == c2
    assert np.isnan(Measure.fetch("value", order_by="mid")[0])


def test_unknown_attribute_is_also_a_key_error(schema, oracle):
    Measure = _measure(schema)
    theirs = dj14.FreeTable(oracle, Measure.full_table_name)
    with pytest.raises(KeyError):
        theirs.heading["nosuch"]
    for call in (lambda: Measure.heading["nosuch"], lambda: Measure.fetch("nosuch"),
                 lambda: Measure.proj("nosuch"), lambda: Measure.insert1(dict(mid=5, nosuch=1))):
        with pytest.raises(KeyError) as info:
            call()
        assert isinstance(info.value, DataJointError)
        assert "nosuch" in str(info.value) and not str(info.value).startswith("'")


def test_connection_failure_is_pymysql_operational_error(connection):
    with pytest.raises(pymysql.err.OperationalError):
        dj14.Connection("127.0.0.1", "root", "", port=1, use_tls=False)
    with pytest.raises(pymysql.err.OperationalError) as info:
        dj.Connection("127.0.0.1", connection.user, "", port=1)
    assert isinstance(info.value, dj.errors.ConnectionFailedError)
    assert "Cannot connect" in str(info.value)


def test_decorating_an_existing_table_does_not_recompile(connection, schema_name):
    name = schema_name("recompile")
    first = dj.Schema(name, connection=connection)

    @first
    class Base(dj.Manual):
        definition = """
        base : int
        """

    @first
    class Child(dj.Manual):
        definition = """
        -> Base
        child : int
        """

    again = dj.Schema(name, connection=connection, context={})  # `Base` is not in this context

    class Child(dj.Manual):  # noqa: F811
        definition = """
        -> Base
        child : int
        """

    again(Child)  # 0.14 does not compile the definition of a declared table
    Base.insert1((1,))
    Child.insert1((1, 2))
    assert Child.fetch1() == dict(base=1, child=2)
    first.drop(force=True)


def test_missing_definition_is_not_implemented(schema):
    class NoDefinition(dj.Manual):
        pass

    with pytest.raises(NotImplementedError):
        schema(NoDefinition)
    with pytest.raises(DataJointError, match="no definition"):
        schema(NoDefinition)


def test_missing_create_privilege_skips_declaration(connection, schema_name, db_prefix):
    name = schema_name("nocreate")
    owner = dj.Schema(name, connection=connection)

    @owner
    class Present(dj.Manual):
        definition = """
        present : int
        """

    Present.insert1((1,))
    user = f"u16_{uuid.uuid4().hex[:8]}"
    connection.query("CREATE USER %s@'%%' IDENTIFIED BY 'pw16'", (user,))
    try:
        connection.query(f"GRANT SELECT, INSERT ON `{name}`.* TO %s@'%%'", (user,))
        limited = dj.Connection(connection.host, user, "pw16", port=connection.port)
        try:
            reader = dj.Schema(name, connection=limited)

            @reader
            class Present(dj.Manual):  # noqa: F811
                definition = """
                present : int
                """

            @reader
            class Absent(dj.Manual):
                definition = """
                absent : int
                """

            assert Present.fetch("present").tolist() == [1]
            assert not Absent.is_declared
        finally:
            limited.close()
    finally:
        connection.query("DROP USER %s@'%%'", (user,))
    owner.drop(force=True)


def test_spawn_missing_classes_uses_the_schema_context(connection, schema_name):
    name = schema_name("spawn")
    maker = dj.Schema(name, connection=connection)

    @maker
    class Animal(dj.Manual):
        definition = """
        animal : int
        """

    context = {}
    reader = dj.Schema(name, connection=connection, context=context)
    reader.spawn_missing_classes()
    assert context["Animal"].full_table_name == Animal.full_table_name
    Animal.insert1((7,))
    assert context["Animal"].fetch("animal").tolist() == [7]
    maker.drop(force=True)


def test_conn_reset_and_is_activated(connection, schema_name):
    schema = dj.Schema(schema_name("reset"), connection=dj.conn())

    @schema
    class Thing(dj.Manual):
        definition = """
        thing : int
        """

    old = dj.conn()
    new = dj.conn(reset=True)
    try:
        assert new is not old and dj.conn() is new and dj.conn.connection is new
        assert old.is_connected  # as 0.14, the previous connection stays usable
        Thing.insert1((1,))
        assert schema.is_activated() is True
        assert dj.Schema().is_activated() is False
        assert dj14.Schema().is_activated() is False
    finally:
        schema.drop(force=True)
        dj.conn.connection = old  # later tests share the session fixture's connection
        new.close()


def test_assigning_conn_connection_swaps_the_shared_session(connection, schema_name):
    """0.14 keeps the shared session in ``dj.conn.connection``; code that assigns it (a notebook
    switching servers, a test harness) makes ``dj.conn()`` and new schemas use that session."""
    other = dj.Connection(connection.host, connection.user, connection._password, port=connection.port)
    try:
        dj.conn.connection = other
        assert dj.conn() is other
        schema = dj.Schema(schema_name("swap"))
        assert schema.connection is other
        schema.drop(force=True)
    finally:
        dj.conn.connection = connection
        other.close()
    assert dj.conn() is connection


def test_config_is_one_object():
    assert dj.config is datajoint_interop.settings.config
    assert dj.settings.config is dj.config


@pytest.mark.parametrize("kwargs", [dict(limit="1"), dict(limit=1.5), dict(offset="2"), dict(order_by=3)])
def test_top_argument_types_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        dj14.Top(**kwargs)
    with pytest.raises(TypeError):
        dj.Top(**kwargs)


def test_top_bad_values_stay_datajoint_errors():
    with pytest.raises(DataJointError, match="Top limit"):
        dj.Top(limit=-1)


def test_failed_activate_then_drop(connection, oracle, schema_name):
    name = schema_name("absent")
    schema = dj.Schema(connection=connection, create_schema=False)
    with pytest.raises(DataJointError, match="does not exist"):
        schema.activate(name)
    with pytest.warns(UserWarning, match="does not exist"):
        schema.drop(force=True)
    theirs = dj14.Schema(connection=oracle, create_schema=False)
    with pytest.raises(dj14.DataJointError):
        theirs.activate(name)
    theirs.drop(force=True)  # 0.14: nothing to drop, no error
    schema.activate(name, create_schema=True)
    assert schema.exists
    schema.drop(force=True)


def test_duplicate_error_keeps_the_hint(schema):
    Measure = _measure(schema)
    Measure.insert1((1, None, None, None))
    with pytest.raises(dj.errors.DuplicateError,
                       match="To ignore duplicate entries in insert, set skip_duplicates=True"):
        Measure.insert1((1, None, None, None))


def _killing_pipeline(schema, killer):
    """A Computed table whose make() always loses its connection (the server kills it)."""

    @schema
    class Source(dj.Manual):
        definition = """
        source : int
        """

    @schema
    class Result(dj.Computed):
        definition = """
        -> Source
        ---
        doubled : int
        """

        def make(self, key):
            with killer.cursor() as cursor:
                cursor.execute("KILL CONNECTION %s", (self.connection.connection_id,))
            self.insert1(dict(key, doubled=2 * key["source"]))

    Source.insert([(1,)])
    return Result


@pytest.fixture
def killer_and_schema(connection, schema_name):
    killer = pymysql.connect(host=connection.host, port=connection.port, user=connection.user,
                             password=connection._password, autocommit=True)
    own = dj.Connection(connection.host, connection.user, connection._password, port=connection.port)
    schema = dj.Schema(schema_name("lost"), connection=own)
    yield killer, schema
    schema.connection.connect()
    schema.drop(force=True)
    own.close()
    killer.close()


def test_lost_connection_in_make_is_a_job_error(killer_and_schema):
    killer, schema = killer_and_schema
    Result = _killing_pipeline(schema, killer)
    outcome = Result.populate(reserve_jobs=True, suppress_errors=True)
    assert len(outcome["error_list"]) == 1
    key, message = outcome["error_list"][0]
    assert key == {"source": 1} and message.startswith("LostConnectionError")
    assert len(Result()) == 0
    status, stored = (schema.jobs & {"table_name": Result.table_name}).fetch1("status", "error_message")
    assert status == "error" and stored.startswith("LostConnectionError")


def test_lost_connection_in_make_raises_unless_suppressed(killer_and_schema):
    killer, schema = killer_and_schema
    Result = _killing_pipeline(schema, killer)
    with pytest.raises(dj.errors.LostConnectionError, match="lost twice"):
        Result.populate(reserve_jobs=True)
    schema.connection.connect()
    assert (schema.jobs & {"table_name": Result.table_name}).fetch1("status") == "error"


def test_order_by_reserved_word_attributes_as_014(schema, oracle):
    """0.14 quotes attribute names in order_by, so columns named like SQL keywords sort."""
    @schema
    class Words(dj.Manual):
        definition = """
        key : int
        ---
        select : int
        """

    Words.insert([(1, 5), (2, 7), (3, 6)])
    theirs = dj14.FreeTable(oracle, Words.full_table_name)
    for order_by in ("select desc", "select", ["key DESC"], "select ASC"):
        mine = Words.fetch("key", order_by=order_by).tolist()
        assert mine == theirs.fetch("key", order_by=order_by).tolist()
        top = (Words & dj.Top(limit=2, order_by=order_by)).fetch("key").tolist()
        assert top == (theirs & dj14.Top(limit=2, order_by=order_by)).fetch("key").tolist()
    assert Words.fetch("key", order_by="select desc").tolist() == [2, 3, 1]

    @schema
    class Keyed(dj.Manual):
        definition = """
        id : int
        ---
        key : int
        """

    # only the upper-case word KEY means the primary key; `key desc` is the attribute named key
    Keyed.insert([(1, 20), (2, 30), (3, 10)])
    keyed14 = dj14.FreeTable(oracle, Keyed.full_table_name)
    assert Keyed.fetch("id", order_by="key desc").tolist() == [2, 1, 3]
    assert keyed14.fetch("id", order_by="key desc").tolist() == [2, 1, 3]
    assert (Keyed & dj.Top(limit=1, order_by="key desc")).fetch1("id") == 2
    assert (keyed14 & dj14.Top(limit=1, order_by="key desc")).fetch1("id") == 2
    assert Keyed.fetch("id", order_by="KEY desc").tolist() == [3, 2, 1]
