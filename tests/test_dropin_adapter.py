"""``dj.AttributeAdapter`` and ``<name>`` attributes as in DataJoint 0.14: declared as the adapter's
stored type with ``:<name>:`` in the comment, values converted by put/get on insert and fetch, in
classes, spawned classes and virtual modules, and only with DJ_SUPPORT_ADAPTED_TYPES=TRUE.
"""
import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError

import datajoint as dj14  # the 0.14 oracle (test dependency)


class Edges(dj.AttributeAdapter):
    """A set of (a, b) pairs stored as an n x 2 blob."""
    attribute_type = "longblob"

    def put(self, obj):
        return np.array(sorted(obj), dtype=np.int64).reshape(-1, 2)

    def get(self, value):
        return {tuple(int(v) for v in row) for row in value}


class Tag(dj.AttributeAdapter):
    """A word stored upper-case in a varchar."""
    attribute_type = "varchar(16)"

    def put(self, obj):
        return obj.upper()

    def get(self, value):
        return value.lower()


class Edges14(dj14.AttributeAdapter):
    attribute_type = "longblob"

    def put(self, obj):
        return np.array(sorted(obj), dtype=np.int64).reshape(-1, 2)

    def get(self, value):
        return {tuple(int(v) for v in row) for row in value}


edges, tag = Edges(), Tag()

DEFINITION = """
net : int
---
links : <edges>   # the edges
label = null : <tag>
"""


@pytest.fixture
def adapted_on(monkeypatch):
    monkeypatch.setenv("DJ_SUPPORT_ADAPTED_TYPES", "TRUE")


def test_adapter_is_exported_where_014_has_it():
    import datajoint_interop.attribute_adapter as module
    assert dj.AttributeAdapter is module.AttributeAdapter
    with pytest.raises(NotImplementedError):
        dj.AttributeAdapter().attribute_type


def test_declare_insert_fetch(connection, schema_name, adapted_on):
    schema = dj.Schema(schema_name("adapt"), connection=connection)

    @schema
    class Net(dj.Manual):
        definition = DEFINITION

    Net.insert1(dict(net=1, links={(1, 2), (2, 3)}, label="Ring"))
    Net.insert([dict(net=2, links=set())])
    assert (Net & "net=1").fetch1("links") == {(1, 2), (2, 3)}
    row = (Net & "net=1").fetch1()
    assert row["label"] == "ring" and row["links"] == {(1, 2), (2, 3)}
    assert list(Net.fetch("label", order_by="net")) == ["ring", None]
    assert connection.query(f"SELECT label FROM {Net.full_table_name} WHERE net=1").fetchone()[0] == "RING"
    assert Net.heading["links"].adapter is edges and Net.heading["links"].type == "<edges>"
    assert Net.heading["label"].type == "<tag>"
    columns = connection.query(
        "SELECT column_name, column_type, column_comment FROM information_schema.columns "
        "WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position", (schema.database, "net")).fetchall()
    assert columns[1:] == (("links", "longblob", ":<edges>:the edges"), ("label", "varchar(16)", ":<tag>:"))

    # 0.14 reads what we wrote, through its own adapter
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    try:
        vm14 = dj14.VirtualModule("vm14", schema.database, connection=c14, add_objects=dict(edges=Edges14()))
        assert (vm14.Net & "net=1").fetch1("links") == {(1, 2), (2, 3)}
        vm14.Net.insert1(dict(net=3, links={(5, 6)}))
    finally:
        c14.close()
    assert (Net & "net=3").fetch1("links") == {(5, 6)}

    # virtual modules and spawned classes use the adapters they are given
    vm = dj.VirtualModule("vm", schema.database, connection=connection, add_objects=dict(edges=edges, tag=tag))
    assert (vm.Net & "net=1").fetch1("links", "label") == ({(1, 2), (2, 3)}, "ring")
    spawned = {"edges": edges, "tag": tag}
    dj.Schema(schema.database, connection=connection).spawn_missing_classes(context=spawned)
    assert (spawned["Net"] & "net=1").fetch1("label") == "ring"


def test_unknown_adapter_fails_on_use_like_014(connection, schema_name, adapted_on):
    database = schema_name("adapt_unknown")
    schema = dj.Schema(database, connection=connection)

    @schema
    class Graph(dj.Manual):
        definition = DEFINITION

    Graph.insert1(dict(net=1, links={(1, 2)}))
    from datajoint_interop.schema.heading import forget_heading, _ADAPTERS
    _ADAPTERS.pop((id(connection), database), None)
    forget_heading()
    with pytest.raises(NotImplementedError):
        Graph.fetch1("links")


def test_switch_and_bad_adapters(connection, schema_name, monkeypatch):
    schema = dj.Schema(schema_name("adapt_off"), connection=connection)
    monkeypatch.delenv("DJ_SUPPORT_ADAPTED_TYPES", raising=False)
    with pytest.raises(DataJointError, match="disabled"):
        @schema
        class Off(dj.Manual):
            definition = DEFINITION
    monkeypatch.setenv("DJ_SUPPORT_ADAPTED_TYPES", "TRUE")
    with pytest.raises(DataJointError, match="'nothing' is not defined"):
        @schema
        class Missing(dj.Manual):
            definition = "n : int\n---\nx : <nothing>"
    not_adapter = object()  # noqa: F841  (found in the context, but not an adapter)
    with pytest.raises(DataJointError, match="must be an instance"):
        @schema
        class Wrong(dj.Manual):
            definition = "n : int\n---\nx : <not_adapter>"

    class Broken(dj.AttributeAdapter):
        attribute_type = "<edges>"

    broken = Broken()  # noqa: F841
    with pytest.raises(DataJointError, match="Invalid attribute type"):
        @schema
        class Bad(dj.Manual):
            definition = "n : int\n---\nx : <broken>"
    assert schema.list_tables() == []


def test_alter_and_describe_keep_adapted_types(connection, schema_name, adapted_on):
    schema = dj.Schema(schema_name("adapt_alter"), connection=connection)

    @schema
    class Labelled(dj.Manual):
        definition = "n : int\n---\nlabel : <tag>\n"

    Labelled.insert1(dict(n=1, label="Ab"))
    Labelled.definition = "n : int\n---\nlabel : <tag>  # now commented\nextra = 1 : int\n"
    Labelled.alter(prompt=False)
    assert Labelled.fetch1() == dict(n=1, label="ab", extra=1)
    assert "label                : <tag>                        # now commented\n" in Labelled.describe()
    assert connection.query(f"SELECT column_comment FROM information_schema.columns WHERE table_schema=%s "
                            "AND column_name='label'", (schema.database,)).fetchone()[0] == ":<tag>:now commented"
