"""What decorating a class does, as in DataJoint 0.14 (pipeline/schemas.py Schema._declare).

- Only Lookup tiers are filled from ``contents``; a Manual (or Computed, ...) class with a
  ``contents`` attribute gets no rows.
- ``contents`` is inserted only when it lists more rows than the table holds (so deleting a row
  and decorating again puts it back, and decorating a full table sends nothing); an auto_increment
  Lookup is never filled, with a warning.
- ``create_tables=False`` and a table that does not exist: decorating is silent, using the class
  raises. Contents are still inserted into an existing Lookup table by such a schema, as in 0.14.
Each behaviour is checked against DataJoint 0.14 on the same server where that is possible.
"""
import warnings

import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError

import datajoint as dj14  # the 0.14 oracle (test dependency)
from .server_env import configure_oracle

ROWS = [(1, "one"), (2, "two")]


@pytest.fixture
def schemas(connection, schema_name):
    """Our schema and 0.14's on two fresh databases of the same server."""
    configure_oracle(dj14, dj)
    c14 = dj14.Connection(dj.config["database.host"], dj.config["database.user"],
                          dj.config["database.password"], port=dj.config["database.port"], use_tls=False)
    ours = dj.Schema(schema_name("decorate"), connection=connection)
    theirs = dj14.Schema(schema_name("decorate14"), connection=c14)
    yield ours, theirs
    c14.close()


def _classes(module, tier):
    class Thing(getattr(module, tier)):
        definition = """
        thing : int
        ---
        label : varchar(8)
        """
        contents = ROWS
    return Thing


@pytest.mark.parametrize("tier", ["Manual", "Imported", "Computed", "Lookup"])
def test_only_lookup_tables_are_filled_from_contents(schemas, tier):
    ours, theirs = schemas
    mine, oracle = ours(_classes(dj, tier)), theirs(_classes(dj14, tier))
    assert len(mine()) == len(oracle()) == (2 if tier == "Lookup" else 0)


def test_contents_are_inserted_again_only_when_rows_are_missing(schemas):
    ours, theirs = schemas
    for schema, module in ((ours, dj), (theirs, dj14)):
        Thing = schema(_classes(module, "Lookup"))
        (Thing & "thing = 1").delete_quick()
        Thing.update1(dict(thing=2, label="changed"))
        schema(Thing)  # 1 row < 2 listed: insert with skip_duplicates (the changed row stays)
        assert Thing.fetch("label", order_by="thing").tolist() == ["one", "changed"]


def test_autoincrement_lookup_is_not_filled_and_warns(schemas):
    ours, _ = schemas

    class Counter(dj.Lookup):
        definition = """
        counter : int auto_increment
        ---
        label : varchar(8)
        """
        contents = ROWS

    with pytest.warns(UserWarning, match="Counter has autoincrement"):
        ours(Counter)
    assert len(Counter()) == 0


def test_create_tables_false_is_silent_until_the_class_is_used(connection, schemas):
    ours, _ = schemas
    strict = dj.Schema(ours.database, connection=connection, create_tables=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        @strict
        class Missing(dj.Manual):
            definition = "missing : int"

    assert "missing" not in ours.list_tables()
    with pytest.raises(DataJointError, match="not declared|doesn't exist"):
        Missing.insert1((1,))

    ours(_classes(dj, "Lookup"))  # declared (and filled) by the creating schema
    Thing = _classes(dj, "Lookup")
    Thing.contents = ROWS + [(3, "three")]
    strict(Thing)  # as 0.14, a schema without create_tables still fills an existing Lookup
    assert len(Thing()) == 3


def test_docstring_gets_the_definition_as_in_014(schemas):
    ours, theirs = schemas
    classes = []
    for schema, module in ((ours, dj), (theirs, dj14)):
        class Thing(getattr(module, "Manual")):
            """Things."""
            definition = """
            thing : int
            """

            class Piece(getattr(module, "Part")):
                definition = """
                -> master
                piece : int
                """

        schema(Thing)
        assert Thing.__doc__ == "Things.\nTable definition:\n\n" + Thing.definition
        assert Thing.Piece.__doc__.endswith("Table definition:\n\n" + Thing.Piece.definition)
        assert Thing.definition in Thing().__doc__
        classes.append(Thing)
    mine = classes[0]
    documented = mine.__doc__
    ours(mine)  # ours does not append it a second time (0.14 does)
    assert mine.__doc__ == documented


def test_bad_class_name_message_has_014s_wording(schemas):
    ours, theirs = schemas
    for schema, module in ((ours, dj), (theirs, dj14)):
        class Table_With_Underscores(getattr(module, "Manual")):
            definition = "x : int"

        with pytest.raises(Exception, match="must be alphanumeric in CamelCase"):
            schema(Table_With_Underscores)


def test_parts_inherited_from_a_base_class_are_declared(connection, schema_name):
    """0.14 declares the parts a decorated class inherits (with `-> self.source` set by the subclass)."""
    schema = dj.Schema(schema_name("inherit"), connection=connection)

    @schema
    class Source(dj.Manual):
        definition = "source_id : int"

    class Base(dj.Manual):
        source = None
        definition = """
        -> self.source
        base_id : int
        """

        class Named(dj.Part):
            definition = """
            -> master
            name : varchar(16)
            """

        class Linked(dj.Part):
            definition = """
            -> master
            -> master.Named
            """

    class Derived(Base):
        source = Source

    schema(Derived)
    assert Derived.Named.table_name == "derived__named" and Derived.Linked.master is Derived
    Source.insert1((1,))
    Derived.insert1((1, 1))
    Derived.Named.insert1((1, 1, "n"))
    Derived.Linked.insert1((1, 1, "n"))
    assert len(Derived * Derived.Linked) == 1
    assert sorted(Derived.parts()) == sorted([Derived.Named.full_table_name, Derived.Linked.full_table_name])
