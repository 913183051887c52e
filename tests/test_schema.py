"""Schemas, tiers, parts, ~log, re-declaration, spawned classes and virtual modules (real server).

The cross-implementation tests use DataJoint 0.14 as the oracle: a schema it declares must be
usable through our virtual modules, and the reverse.
"""
import warnings

import pytest

import datajoint_interop as dj
from datajoint_interop import naming
from datajoint_interop.errors import DataJointError, DefinitionError
from datajoint_interop.schemas import DefinitionMismatchWarning

from .server_env import configure_oracle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the oracle's pyparsing


def table_names(connection, database):
    cursor = connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema=%s",
                              (database,))
    return {row[0] for row in cursor.fetchall()}


def log_events(connection, database):
    cursor = connection.query(f"SELECT version, event FROM `{database}`.`~log` ORDER BY id")
    return cursor.fetchall()


def make_lab(schema, dj=dj):
    """A small pipeline of every tier, in our classes or the oracle's (``dj=datajoint``)."""

    @schema
    class Animal(dj.Manual):
        definition = """
        # animals
        animal_id : int   # animal
        ---
        species = "mouse" : varchar(16)
        """

    @schema
    class Band(dj.Lookup):
        definition = """
        band : varchar(8)
        ---
        lo : float
        hi : float
        """
        contents = [("alpha", 8, 12), ("beta", 13, 30)]

    @schema
    class Session(dj.Imported):
        definition = """
        -> Animal
        session : smallint
        ---
        note = "" : varchar(64)
        """

        def make(self, key):
            self.insert1(dict(key, session=1))

    @schema
    class Power(dj.Computed):
        definition = """
        -> Session
        -> Band
        ---
        power : float
        """

        class Channel(dj.Part):
            definition = """
            -> master
            channel : tinyint
            ---
            value : float
            """

        def make(self, key):
            self.insert1(dict(key, power=1.5))
            self.Channel.insert1(dict(key, channel=0, value=0.5))

    return Animal, Band, Session, Power


def test_tiers_names_parts_and_log(connection, schema_name):
    database = schema_name("lab")
    schema = dj.Schema(database, connection=connection)
    Animal, Band, Session, Power = make_lab(schema)
    assert table_names(connection, database) == {"~log", "animal", "#band", "_session", "__power",
                                                 "__power__channel"}
    assert Power.Channel.table_name == "__power__channel" and Power.Channel.master is Power
    assert Animal.full_table_name == f"`{database}`.`animal`"
    assert schema.list_tables() == ["#band", "animal", "_session", "__power", "__power__channel"]
    events = log_events(connection, database)
    assert events[0] == (f"{dj.__version__}py", "created")
    assert [e for _, e in events[1:]] == [f"Declared `{database}`.`{t}`"
                                         for t in ["animal", "#band", "_session", "__power", "__power__channel"]]
    # lookup contents were inserted; the tiers behave
    assert sorted(Band.fetch("band").tolist()) == ["alpha", "beta"]
    Animal.insert1((1, "rat"))
    Session.populate()
    Power.populate()
    assert len(Power()) == 2 and len(Power.Channel()) == 2
    with pytest.raises(DataJointError, match="Cannot delete from a Part directly"):
        Power.Channel().delete()
    with pytest.raises(DataJointError, match="Cannot drop a Part directly"):
        Power.Channel().drop()
    assert schema.jobs.table_name == "~jobs"


def test_same_definition_twice_is_a_no_op_and_a_change_is_reported(connection, schema_name):
    database = schema_name("redo")
    schema = dj.Schema(database, connection=connection)
    make_lab(schema)
    before = log_events(connection, database)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no mismatch warning allowed
        Animal, Band, *_ = make_lab(schema)
    assert log_events(connection, database) == before
    assert len(Band()) == 2  # contents not inserted twice

    with pytest.warns(DefinitionMismatchWarning) as record:
        @schema
        class Animal(dj.Manual):  # noqa: F811
            definition = """
            # animals
            animal_id : bigint   # animal
            ---
            species = null : varchar(16)
            weight : float
            """
    message = str(record[0].message)
    assert "animal_id" in message and "bigint" in message and "'weight' is in the definition" in message
    assert "species': not nullable in the table, nullable in the definition" in message
    assert log_events(connection, database) == before


def test_deferred_activation_and_create_flags(connection, schema_name):
    schema = dj.Schema()

    @schema
    class Thing(dj.Manual):
        definition = "thing : int"

    assert not schema.is_activated() and Thing.database is None
    database = schema_name("later")
    schema.activate(database, connection=connection)
    assert Thing.database == database and "thing" in table_names(connection, database)

    with pytest.raises(DataJointError, match="does not exist; pass create_schema=True"):
        dj.Schema(schema_name("absent"), connection=connection, create_schema=False)

    strict = dj.Schema(database, connection=connection, create_tables=False)

    @strict  # as 0.14: silent at decoration, the missing table shows when the class is used
    class Other(dj.Manual):
        definition = "other : int"

    assert "other" not in table_names(connection, database)
    with pytest.raises(DataJointError):
        len(Other())


def test_class_name_rules():
    assert naming.from_camel_case("CamelCaseName2D") == "camel_case_name2_d"
    assert naming.table_name("Unit", "part", "__scan") == "__scan__unit"
    assert naming.table_name("Trial", "part", "_session") == "_session__trial"
    assert naming.to_camel_case("two_photon_scan") == "TwoPhotonScan"
    assert naming.parse_table_name("#lens__spec") == ("part", "#lens")
    assert naming.parse_table_name("~log") == (None, None)
    with pytest.raises(DataJointError, match="Invalid table class name"):
        naming.from_camel_case("bad_name")
    with pytest.raises(DataJointError, match="exceeds 64"):
        naming.table_name("A" * 40, "computed")


def test_part_must_be_nested_and_bad_classes_rejected(connection, schema_name):
    schema = dj.Schema(schema_name("rules"), connection=connection)

    class Loose(dj.Part):
        definition = "x : int"

    with pytest.raises(DataJointError, match="nested in its master"):
        schema(Loose)
    with pytest.raises(DataJointError, match="not a table class"):
        schema(type("Plain", (), {}))
    with pytest.raises(DefinitionError, match=r"Broken: .*line 2"):
        @schema
        class Broken(dj.Manual):
            definition = "a : int\nb int"


def test_spawn_virtual_module_list_and_drop(connection, schema_name):
    database = schema_name("spawn")
    schema = dj.Schema(database, connection=connection)
    Animal, *_ = make_lab(schema)
    Animal.insert1((7, "rat"))
    namespace = {}
    dj.Schema(database, connection=connection).spawn_missing_classes(context=namespace)
    assert {"Animal", "Band", "Session", "Power"} <= set(namespace)
    assert issubclass(namespace["Power"], dj.Computed) and issubclass(namespace["Band"], dj.Lookup)
    assert namespace["Power"].Channel.table_name == "__power__channel"
    module = dj.VirtualModule("lab", database, connection=connection)
    assert module.Animal.fetch1("species") == "rat"
    assert issubclass(module.Session, dj.Imported)
    assert module.schema.database == database
    assert database in dj.list_schemas(connection)
    other = dj.create_virtual_module("lab2", database, connection=connection)
    assert len(other.Band()) == 2
    schema.drop(force=True)
    assert database not in dj.list_schemas(connection)


# --- the oracle ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def oracle():
    import datajoint
    configure_oracle(datajoint, dj)
    return datajoint


def test_schema_declared_by_oracle_is_usable_here(oracle, connection, schema_name):
    database = schema_name("by_oracle")
    schema = oracle.Schema(database)
    Animal, Band, Session, Power = make_lab(schema, oracle)
    Animal.insert1((3, "mouse"))
    Session.populate()
    Power.populate()
    module = dj.VirtualModule("theirs", database, connection=connection)
    assert module.Animal.fetch1("animal_id") == 3
    assert sorted(module.Band.fetch("band").tolist()) == ["alpha", "beta"]
    assert len(module.Power()) == 2 and len(module.Power.Channel()) == 2
    assert module.Power.primary_key == ["animal_id", "session", "band"]
    # declaring the same definitions through our decorator is a no-op on the oracle's tables
    ours = dj.Schema(database, connection=connection)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_lab(ours)
    # and the oracle's log entries sit next to ours in one ~log
    assert ("0.14.10py", "created") in log_events(connection, database)


def test_schema_declared_here_is_usable_by_oracle(oracle, connection, schema_name):
    database = schema_name("by_us")
    schema = dj.Schema(database, connection=connection)
    Animal, Band, Session, Power = make_lab(schema)
    Animal.insert1((5, "rat"))
    Session.populate()
    Power.populate()
    module = oracle.VirtualModule("ours", database)
    assert module.Animal.fetch1("species") == "rat"
    assert len(module.Power & {"band": "beta"}) == 1
    assert len(module.Power.Channel()) == 2
    assert set(module.schema.list_tables()) == {"animal", "#band", "_session", "__power", "__power__channel"}
    module.Power.populate()  # nothing left to do, the oracle agrees on the key source
    assert len(module.Power()) == 2


MATLAB_ANIMAL = """CREATE TABLE `{db}`.`animal` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`species` enum("mouse","rat") NOT NULL COMMENT "species",
`dob` date NOT NULL COMMENT "date of birth",
PRIMARY KEY (`animal_id`)
) ENGINE = InnoDB, COMMENT "experimental animals\""""
MATLAB_SCAN = """CREATE TABLE `{db}`.`__scan` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`scan_idx` smallint NOT NULL COMMENT "scan index within animal",
`depth` float NOT NULL DEFAULT "0" COMMENT "microns",
`lens` varchar(8) NOT NULL DEFAULT "25x" COMMENT "",
`ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "",
`img` longblob NOT NULL COMMENT "",
PRIMARY KEY (`animal_id`,`scan_idx`),
CONSTRAINT `XZEjXncX` FOREIGN KEY (`animal_id`) REFERENCES `{db}`.`animal` (`animal_id`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE = InnoDB, COMMENT "two-photon scans\""""


def test_tables_in_matlab_form_match_python_definitions(connection, schema_name):
    """Tables as MATLAB 3.5 creates them (schema-conventions §10) are the ones our definitions mean."""
    database = schema_name("matlab_form")
    connection.query(f"CREATE DATABASE `{database}`")
    connection.query(MATLAB_ANIMAL.format(db=database))
    connection.query(MATLAB_SCAN.format(db=database))
    schema = dj.Schema(database, connection=connection)
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        @schema
        class Animal(dj.Manual):
            definition = """
            # experimental animals
            animal_id : int   # unique animal id
            ---
            species : enum('mouse', 'rat')  # species
            dob : date    # date of birth
            """

        @schema
        class Scan(dj.Computed):
            definition = """
            # two-photon scans
            -> Animal
            scan_idx : smallint   # scan index within animal
            ---
            depth = 0 : float # microns
            lens = "25x": varchar(8)
            ts = CURRENT_TIMESTAMP : timestamp
            img : longblob
            """

    module = dj.VirtualModule("from_matlab", database, connection=connection)
    assert issubclass(module.Scan, dj.Computed) and module.Scan.primary_key == ["animal_id", "scan_idx"]
    assert module.Animal.heading.table_comment == "experimental animals"
    with pytest.warns(DefinitionMismatchWarning, match="table comment 'experimental animals' in the table, "
                                                       "'animals' in the definition"):
        @schema
        class Animal(dj.Manual):  # noqa: F811
            definition = """
            # animals
            animal_id : int   # unique animal id
            ---
            species : enum('mouse', 'rat')  # species
            dob : date    # date of birth
            """


def test_no_declaration_inside_a_transaction_and_drop_needs_yes(connection, schema_name, monkeypatch):
    database = schema_name("tx")
    schema = dj.Schema(database, connection=connection)
    with pytest.raises(DataJointError, match="inside a transaction"):
        with connection.transaction:
            @schema
            class Late(dj.Manual):
                definition = "late : int"
    assert "late" not in table_names(connection, database)
    monkeypatch.setitem(dj.config, "safemode", True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    schema.drop()
    assert database in dj.list_schemas(connection)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    schema.drop()
    assert database not in dj.list_schemas(connection)


def test_changed_defaults_references_and_indexes_are_reported(connection, schema_name):
    schema = dj.Schema(schema_name("drift"), connection=connection)

    @schema
    class Left(dj.Manual):
        definition = "left_id : int"

    @schema
    class Right(dj.Manual):
        definition = "right_id : int"

    @schema
    class Link(dj.Manual):
        definition = """
        link : int
        ---
        -> Left
        level = 1.5 : float
        name = "x" : varchar(8)
        index(level)
        """

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema(type("Link", (dj.Manual,), {"definition": Link.definition.replace("1.5", "1.50")}),
               context={"Left": Left})  # same value written differently: no warning

    with pytest.warns(DefinitionMismatchWarning) as record:
        @schema
        class Link(dj.Manual):  # noqa: F811
            definition = """
            link : int
            ---
            -> Left
            -> [nullable] Right
            level = 2 : float
            name = "x" : varchar(8)
            unique index(name)
            """
    message = str(record[0].message)
    assert "default 1.5 in the table, 2 in the definition" in message
    assert "foreign key (right_id) -> `" in message and "is in the definition but not in the table" in message
    assert "indexes: index(level) in the table, unique index(name) in the definition" in message


def test_redeclaring_every_type_is_silent(connection, schema_name):
    schema = dj.Schema(schema_name("types"), connection=connection)
    definition = """
    # every type
    id : serial
    ---
    a = 1 : tinyint unsigned
    b = null : smallint
    c : mediumint
    d = -5 : bigint
    e = 7 : integer unsigned
    f = 1 : bool
    g = 1.25 : decimal(6,2) unsigned
    h = null : numeric(4,1)
    i = 0.5 : float
    j = 2 : double
    k = null : real
    l = "ab" : char(2)
    m = 'x' : varchar(16)
    n = "b" : enum("a", "b")
    o = "2024-01-02" : date
    p = null : time
    q = CURRENT_TIMESTAMP(3) : timestamp(3)
    r = null : datetime(6)
    s = 2024 : year
    t = null : json
    u = null : tinyblob
    v = null : mediumblob
    w = null : uuid
    x = null : attach
    y = null : blob@shared
    index(a, b)
    """
    schema(type("Everything", (dj.Manual,), {"definition": definition}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema(type("Everything", (dj.Manual,), {"definition": definition}))
    with pytest.warns(DefinitionMismatchWarning, match="attribute 'g': default 1.25 in the table, 1.3"):
        schema(type("Everything", (dj.Manual,), {"definition": definition.replace("1.25", "1.3")}))
