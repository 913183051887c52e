"""``Table.describe()`` returns exactly DataJoint 0.14's text, for tables of many shapes, with
parents named from the given context (or by full table name when the context has no class)."""
import pytest

import datajoint_interop as dj

import datajoint as dj14  # the 0.14 oracle (test dependency)


@pytest.fixture(scope="module")
def described(connection, db_prefix):
    other = dj.Schema(f"{db_prefix}_describe_other", connection=connection)
    schema = dj.Schema(f"{db_prefix}_describe", connection=connection)

    @other
    class Rig(dj.Lookup):
        definition = """
        rig : varchar(8)   # rig name
        """

    @schema
    class Animal(dj.Manual):
        definition = """
        # an animal, 'quoted'
        animal_id : int unsigned   # the id
        ---
        species = "mouse" : enum('mouse','Rat')
        dob = null : date
        weight = 2.5 : double
        tag : uuid   # a tag
        """

    @schema
    class Session(dj.Manual):
        definition = """
        -> Animal
        session : smallint auto_increment
        ---
        -> [nullable] Rig
        (buddy) -> Animal(animal_id)
        data = null : longblob
        note : varchar(255)
        unique index (note)
        index (session, note)
        """

        class Trial(dj.Part):
            definition = """
            -> master
            trial : int
            ---
            -> [unique] Rig
            """

    @schema
    class Stamp(dj.Manual):
        definition = """
        stamp_id : int
        ---
        stamp = CURRENT_TIMESTAMP : timestamp
        """

    @schema
    class Pair(dj.Manual):
        definition = """
        -> Animal.proj(first="animal_id")
        -> Animal.proj(second="animal_id")
        """

    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    yield schema, other, c14
    c14.close()


def test_describe_text_is_014s(described, connection):
    schema, other, c14 = described
    ours_other = dj.VirtualModule("ours_other", other.database, connection=connection)
    ours = dj.VirtualModule("ours", schema.database, connection=connection)
    theirs_other = dj14.VirtualModule("theirs_other", other.database, connection=c14)
    theirs = dj14.VirtualModule("theirs", schema.database, connection=c14)
    pairs = [(ours.Animal, theirs.Animal), (ours.Session, theirs.Session), (ours.Pair, theirs.Pair),
             (ours.Session.Trial, theirs.Session.Trial), (ours_other.Rig, theirs_other.Rig)]
    for mine, oracle in pairs:
        # names found in the context (the other schema through a module-like namespace too)
        ours_context = {**vars(ours), "ours_other": ours_other}
        theirs_context = {**vars(theirs), "ours_other": theirs_other}
        expected = oracle().describe(context=theirs_context)
        assert mine().describe(context=ours_context) == expected
        assert mine.describe(context=ours_context) == expected  # through the class, as in 0.14
        # no class in the context: full table names
        assert mine().describe(context={}) == oracle().describe(context={})
    text = ours.Session().describe(context={**vars(ours), "ours_other": ours_other})
    assert "-> [nullable] ours_other.Rig" in text and "UNIQUE INDEX (note)" in text
    assert "-> Animal.proj(buddy=\"animal_id\")" in text


def test_describe_default_context_is_the_callers(described, connection):
    schema, other, c14 = described
    Animal = dj.VirtualModule("ours2", schema.database, connection=connection).Session
    text = Animal().describe()
    assert f"-> `{schema.database}`.`animal`" in text  # Animal here is not the animal table
    assert dj.FreeTable(connection, f"{schema.database}.pair").describe(context={}) == \
        dj14.FreeTable(c14, f"`{schema.database}`.`pair`").describe(context={})


def test_current_timestamp_default_stays_unquoted(described, connection):
    """Deliberate difference: 0.14 on MariaDB writes stamp="current_timestamp()", a quoted string
    that cannot be declared again; the unquoted function re-creates the same table."""
    schema, other, c14 = described
    text = dj.FreeTable(connection, f"{schema.database}.stamp").describe(context={})
    assert "stamp=current_timestamp() : timestamp" in text
    copy = dj.Schema(schema.database + "_copy", connection=connection)
    twin = type("Stamp", (dj.Manual,), {"definition": text})
    copy(twin, context={})
    assert dj.FreeTable(connection, f"{copy.database}.stamp").describe(context={}) == text
    copy.drop(force=True)


def test_schema_code_reaches_other_schemas_through_virtual_modules(described):
    schema, other, c14 = described
    code = schema.code
    assert f"vmod0 = dj.VirtualModule('vmod0', {other.database!r})" in code
    assert "-> [nullable] vmod0.Rig" in code and "-> [unique] vmod0.Rig" in code
    assert "-> Animal.proj(buddy='animal_id')" in code
    # DataJoint 0.14 itself declares the same tables from the code
    from .server_env import configure_oracle
    configure_oracle(dj14, dj)
    copy = schema.database + "_code14"
    namespace = {}
    exec(compile(code.replace(repr(schema.database), repr(copy)), "<schema.code>", "exec"), namespace)
    assert sorted(namespace["schema"].list_tables()) == sorted(schema.list_tables())
    for table in schema.list_tables():
        assert (dj.FreeTable(schema.connection, f"{copy}.{table}").describe(context={})
                == dj.FreeTable(schema.connection, f"{schema.database}.{table}").describe(context={})
                .replace(f"`{schema.database}`", f"`{copy}`"))


def test_hidden_attributes_are_not_described(described, connection):
    schema, other, c14 = described
    connection.query(f"ALTER TABLE `{schema.database}`.`stamp` ADD `_hidden` int NOT NULL DEFAULT 0")
    try:
        from datajoint_interop.schema.heading import forget_heading
        forget_heading()
        ours = dj.FreeTable(connection, f"{schema.database}.stamp").describe(context={})
        assert "_hidden" not in ours
        assert ours == dj14.FreeTable(c14, f"`{schema.database}`.`stamp`").describe(context={}) \
            .replace('"current_timestamp()"', "current_timestamp()")
    finally:
        connection.query(f"ALTER TABLE `{schema.database}`.`stamp` DROP `_hidden`")
        forget_heading()
