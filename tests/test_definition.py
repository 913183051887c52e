"""Definition grammar (both languages): parsing, syntax errors, and what each feature declares.

Parsing tests need no server; every grammar feature is then declared on the real MariaDB and read
back from information_schema, so the test fails if the SQL we emit does not do what it says.
"""
import re

import pytest

import datajoint_interop as dj
from datajoint_interop.declare import ParentInfo, Column, compile_definition, declare, type_category
from datajoint_interop.definition import (MATLAB, extract_matlab_definition,
                                          parse_definition, parse_matlab_class)
from datajoint_interop.errors import DefinitionError

ANIMAL = ParentInfo("`db`.`animal`", [Column("animal_id", "int", "animal id")])
TWO = ParentInfo("`db`.`pair`", [Column("a", "int", ""), Column("b", "smallint", "")])


def sql_of(definition, parent=ANIMAL, language="python"):
    return compile_definition("`db`.`t`", definition, resolver=lambda ref: parent, language=language).sql


# --- parsing ---------------------------------------------------------------------------------------
def test_table_comment_and_plain_lines():
    model = parse_definition("""
        # my table
        a : int   # the a
        # a comment line

        ---
        b = 5 : float
    """)
    assert model.comment == "my table"
    a, b = model.items
    assert (a.name, a.type, a.comment, a.in_key) == ("a", "int", "the a", True)
    assert (b.name, b.default, b.in_key, b.nullable) == ("b", "5", False, False)


@pytest.mark.parametrize("divider", ["---", "-----------------", "___", "---  # secondary attributes"])
def test_dividers_of_any_length(divider):
    model = parse_definition(f"a : int\n{divider}\nb : int")
    assert [item.in_key for item in model.items] == [True, False]


def test_second_divider_changes_nothing():
    model = parse_definition("a : int\n---\nb : int\n-----\nc : int")
    assert [item.in_key for item in model.items] == [True, False, False]


def test_legacy_matlab_header():
    model = parse_definition("lab.Scan (computed) # scans\na : int", MATLAB)
    assert (model.tier, model.header_class, model.comment) == ("computed", "lab.Scan", "scans")
    with pytest.raises(DefinitionError, match="tier"):
        parse_definition("lab.Scan (weird) # scans\na : int", MATLAB)


def test_continuations():
    model = parse_definition("a : \\\n  int   # first\nb : varchar(\\\n8)", "python")
    assert [(i.name, i.type) for i in model.items] == [("a", "int"), ("b", "varchar( 8)")]
    matlab = parse_definition("a : ...\n int # the ...\n   a\nb : int # so...", MATLAB)
    assert [(i.name, i.type, i.comment) for i in matlab.items] == [("a", "int", "the a"), ("b", "int", "so")]
    python = parse_definition("b : int # so...\nc : int")  # '...' only continues MATLAB lines
    assert [i.name for i in python.items] == ["b", "c"]


def test_attribute_with_quoted_colon_and_hash_in_default():
    (attr,) = parse_definition('a = "x:y # z" : varchar(16)  # real comment').items
    assert (attr.default, attr.type, attr.comment) == ('"x:y # z"', "varchar(16)", "real comment")


def test_comment_trailing_hashes_removed():
    (attr,) = parse_definition("a : int  # value ##").items
    assert attr.comment == "value"


def test_attributes_named_index_are_attributes():
    model = parse_definition("index_count : int\nindex : int\nindexer = 3 : int\nindex(index_count, index)")
    assert [i.name for i in model.attributes] == ["index_count", "index", "indexer"]
    assert [(i.attributes, i.unique) for i in model.indexes] == [(["index_count", "index"], False)]


def test_index_lines():
    model = parse_definition("a : int\nb : int\nUNIQUE INDEX (a, b)\nindex(b)")
    assert [(i.attributes, i.unique) for i in model.indexes] == [(["a", "b"], True), (["b"], False)]


def test_foreign_key_forms_python():
    fks = parse_definition("""
        -> Animal
        -> Animal()
        ---
        -> [nullable, UNIQUE] lab.Animal.proj(mother='animal_id')  # comment
        -> [nullable]  Other
    """).foreign_keys
    assert [f.ref for f in fks] == ["Animal", "Animal", "lab.Animal", "Other"]
    assert [f.in_key for f in fks] == [True, True, False, False]
    assert fks[2].renames == {"mother": "animal_id"} and fks[2].unique and fks[2].nullable
    assert fks[3].nullable and not fks[3].unique


def test_foreign_key_forms_matlab():
    fks = parse_definition("(mother) -> lab.Animal\n(x, y) -> [unique] lab.Pair(a, b)\n->lab.Animal", MATLAB).foreign_keys
    assert (fks[0].new_names, fks[0].old_names, fks[0].ref) == (["mother"], [], "lab.Animal")
    assert (fks[1].new_names, fks[1].old_names, fks[1].unique) == (["x", "y"], ["a", "b"], True)
    assert fks[2].ref == "lab.Animal"


@pytest.mark.parametrize("line, expected", [
    ("-> Animal & 'a=1'", "no restrictions"),
    ("-> Animal * Other", "no restrictions"),
    ("-> Animal.proj(x=1)", "new='old'"),
    ("-> [sometimes] Animal", "options"),
    ("->", "referenced table"),
    ("(a) -> Animal.proj(b='c')", "not both"),
    ("(a, b) -> lab.Pair(a)", "as many new names"),
    ("-> [nullable] Animal", "only below the divider"),
    ("(Bad) -> Animal", "lowercase"),
])
def test_foreign_key_errors(line, expected):
    with pytest.raises(DefinitionError, match=expected):
        parse_definition(f"k : int\n{line}", MATLAB if line.startswith("(") and "proj" not in line else "python")


def test_matlab_rename_form_in_python_strings():
    (fk, _) = parse_definition("(mother, x) -> Pair(a, b)\nk : int").items
    assert (fk.ref, fk.new_names, fk.old_names) == ("Pair", ["mother", "x"], ["a", "b"])
    assert "FOREIGN KEY (`mother`,`x`) REFERENCES `db`.`pair` (`a`,`b`)" in sql_of("(mother, x) -> Pair(a, b)", TWO)
    with pytest.raises(DefinitionError, match="new names before"):
        parse_definition("-> Pair(a)")


def test_matlab_reference_must_be_package_class():
    with pytest.raises(DefinitionError, match=r"line 1: '-> Animal'.*package.ClassName"):
        parse_definition("-> Animal", MATLAB)


@pytest.mark.parametrize("line, expected", [
    ("Name : int", "lowercase"),
    ("a int", "expected an attribute"),
    ("a : ", "type after"),
    ("a = : int", "default value"),
    ("a = 5 int", "':'"),
    ("a : int  # :uuid: sneaky", "does not start with ':'"),
    ("a = null : int", "no '= null' in the primary key"),
    ("index()", "at least one attribute"),
    ("index(a b)", "index"),
])
def test_attribute_syntax_errors_name_line_and_expectation(line, expected):
    with pytest.raises(DefinitionError) as info:
        parse_definition(f"# comment\n{line}")
    message = str(info.value)
    assert "line 2" in message and repr(line.strip()) in message and "expected" in message
    assert expected in message


def test_duplicate_attribute_and_table_comment_colon():
    with pytest.raises(DefinitionError, match="declared twice"):
        parse_definition("a : int\n---\na : float")
    with pytest.raises(DefinitionError, match="table comment"):
        parse_definition("# :weird\na : int")


def test_matlab_file_parsing():
    source = "% header\n%{\n# comment\na : int\n%}\nclassdef Foo < dj.Manual\nend\n"
    parsed = parse_matlab_class(source, "lab")
    assert (parsed.name, parsed.tier, parsed.qualified_name) == ("Foo", "manual", "lab.Foo")
    assert parsed.model.items[0].line_no == 4  # line numbers are those of the .m file
    assert extract_matlab_definition("%<\na : int\n%>\n")[0] == "a : int"
    assert parse_matlab_class("function x = getSchema\nend\n") is None
    part = parse_matlab_class("%{\n-> lab.Foo\nb : int\n%}\nclassdef FooBar < dj.Part\n"
                              "properties(SetAccess=protected)\nmaster = lab.Foo\nend\nend\n", "lab")
    assert (part.tier, part.master) == ("part", "lab.Foo")
    legacy = parse_matlab_class("%{\nlab.Old (imported) # old\na : int\n%}\nclassdef Old < dj.Relvar & dj.AutoPopulate\nend")
    assert legacy.tier == "imported"


@pytest.mark.parametrize("source, expected", [
    ("%{\na : int\n\nclassdef A < dj.Manual\nend", "never closed"),
    ("classdef A < dj.Manual\nend", "no %{"),
    ("%{\na : int\n%}\nclassdef A < dj.Relvar\nend", "cannot tell the tier"),
    ("%{\nlab.A (lookup)\na : int\n%}\nclassdef A < dj.Manual\nend", "header says tier"),
    ("%{\nlab.B (manual)\na : int\n%}\nclassdef A < dj.Relvar\nend", "header names"),
    ("%{\na : int\n%}\nclassdef AB < dj.Part\nend", "master"),
])
def test_matlab_file_errors(source, expected):
    with pytest.raises(DefinitionError, match=expected):
        parse_matlab_class(source, "lab")


# --- compiling (no server) -----------------------------------------------------------------------
@pytest.mark.parametrize("type_text", [
    "varchar(8), evil int", "int); drop table x; --", "enum('a') , b int", "enum(a, b)", "text",
    "varchar", "decimal(5,2) signed", "blob@Bad", "<adapter>"])
def test_types_are_checked_strictly(type_text):
    with pytest.raises(DefinitionError, match="type|adapter"):
        sql_of(f"a : {type_text}")


def test_type_categories():
    assert type_category("INT UNSIGNED AUTO_INCREMENT") == ("integer", None)
    assert type_category("blob@my-store") == ("external_blob", "my-store")
    assert type_category("enum('a''b', \"c\")")[0] == "enum"


@pytest.mark.parametrize("default, expected", [
    ("null", "DEFAULT NULL"), ("NULL", "DEFAULT NULL"), ("0", 'NOT NULL DEFAULT "0"'),
    ("CURRENT_TIMESTAMP", "NOT NULL DEFAULT CURRENT_TIMESTAMP"), ('"txt"', 'NOT NULL DEFAULT "txt"'),
    ("'txt'", "NOT NULL DEFAULT 'txt'"), ("a\\b", 'NOT NULL DEFAULT "a\\\\b"'),
])
def test_defaults(default, expected):
    sql = sql_of(f"k : int\n---\na = {default} : varchar(16)")
    assert f"`a` varchar(16) {expected}" in sql


@pytest.mark.parametrize("definition, expected", [
    ('k : int\n---\na = "x", b int, c = "y" : varchar(8)', "one quoted string"),
    ("k : int\n---\na = 1 : longblob", "only default to null"),
    ("k : int\n---\na = 'x' : uuid", "only default to null"),
    ("---\na : int", "no primary key"),
    ("k : int\nindex(nope)", "not an attribute"),
    ("-> Animal\n---\nanimal_id : int", "already added by the foreign key"),
    ("-> Animal.proj(x='nope')", "not a primary-key attribute"),
])
def test_compile_errors(definition, expected):
    with pytest.raises(DefinitionError, match=expected):
        sql_of(definition)


def test_matlab_rename_shorthand():
    assert "`mother` int NOT NULL" in sql_of("(mother) -> lab.Animal\n", language=MATLAB)
    sql = sql_of("a : int\n(c) -> lab.Pair", TWO, MATLAB)  # the one parent key attribute not yet present
    assert "FOREIGN KEY (`a`,`c`) REFERENCES `db`.`pair` (`a`,`b`)" in sql
    with pytest.raises(DefinitionError, match="ambiguous"):
        sql_of("(c) -> lab.Pair", TWO, MATLAB)


def test_declare_signature_matches_oracle():
    sql, stores = declare("`db`.`t`", "k : int\n---\nx = null : blob@shared\ny : attach@other",
                          {"unused": None})
    assert stores == ["shared", "other"]
    assert "`x` binary(16) DEFAULT NULL COMMENT \":blob@shared:\"" in sql
    assert "REFERENCES `db`.`~external_shared` (`hash`) ON UPDATE RESTRICT ON DELETE RESTRICT" in sql


def test_unknown_reference_in_context():
    with pytest.raises(DefinitionError, match="'Missing' is not defined"):
        declare("`db`.`t`", "-> Missing\nk : int", {})
    with pytest.raises(DefinitionError, match="not a table declared in a schema"):
        declare("`db`.`t`", "-> Free\nk : int", {"Free": type("Free", (), {})})


# --- declared on the server ----------------------------------------------------------------------
def columns(connection, database, table):
    cursor = connection.query(
        "SELECT column_name, column_type, is_nullable, column_default, column_comment, column_key "
        "FROM information_schema.columns WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position",
        (database, table))
    return {row[0]: row[1:] for row in cursor.fetchall()}


def test_every_feature_declares_on_the_server(connection, schema_name):
    database = schema_name("grammar")
    schema = dj.Schema(database, connection=connection)

    @schema
    class Parent(dj.Manual):
        definition = """
        # parent with "odd" comments
        pid : char(4)   # key "quoted" with a backslash \\ and 100%
        ---
        weird = "a:b" : varchar(8)   # default with a colon
        """

    @schema
    class Child(dj.Manual):
        definition = """
        # child: renames, options and indexes
        -> Parent
        idx : tinyint unsigned   # 'single' quotes
        ---
        -> [nullable] Parent.proj(backup='pid')
        -> [unique] Parent.proj(other='pid')
        index_count = 0 : int   # not an index
        kind = 'a' : enum('a', 'b')
        price = null : decimal(6,2)
        tag = null : uuid   # rfid
        seen = CURRENT_TIMESTAMP : timestamp
        data = null : longblob
        flag = 1 : bool
        INDEX (kind, index_count)
        unique index(price)
        """

    cols = columns(connection, database, "child")
    assert list(cols) == ["pid", "idx", "backup", "other", "index_count", "kind", "price", "tag", "seen",
                          "data", "flag"]
    assert cols["pid"][0] == "char(4)" and cols["pid"][1] == "NO"
    assert cols["pid"][3] == 'key "quoted" with a backslash \\ and 100%'  # copied comment, escaped again
    assert cols["backup"][1] == "YES" and cols["other"][1] == "NO"
    assert cols["tag"][0] == "binary(16)" and cols["tag"][3] == ":uuid:rfid"
    assert cols["idx"][3] == "'single' quotes" and cols["index_count"][2] == "0"
    assert cols["seen"][2].lower().startswith("current_timestamp")
    assert cols["flag"][0] == "tinyint(1)"
    assert columns(connection, database, "parent")["weird"][2] == "'a:b'"
    indexes = connection.query(f"SHOW INDEX FROM `{database}`.`child`").fetchall()
    by_name = {}
    for row in indexes:
        by_name.setdefault(row[2], (row[1], []))[1].append(row[4])
    assert (1, ["kind", "index_count"]) in [(u, c) for u, c in by_name.values()]
    assert (0, ["other"]) in [(u, c) for u, c in by_name.values()]  # unique FK index
    assert (0, ["price"]) in [(u, c) for u, c in by_name.values()]
    fks = connection.query(
        "SELECT constraint_name, column_name, referenced_column_name FROM information_schema.key_column_usage "
        "WHERE table_schema=%s AND table_name='child' AND referenced_table_name='parent' "
        "ORDER BY constraint_name, ordinal_position", (database,)).fetchall()
    assert sorted((c, r) for _, c, r in fks) == [("backup", "pid"), ("other", "pid"), ("pid", "pid")]
    comment = connection.query("SELECT table_comment FROM information_schema.tables WHERE table_schema=%s "
                               "AND table_name='parent'", (database,)).fetchone()[0]
    assert comment == 'parent with "odd" comments'


def test_external_store_tables_are_created(connection, schema_name):
    database = schema_name("ext")
    schema = dj.Schema(database, connection=connection)

    @schema
    class Stored(dj.Manual):
        definition = """
        k : int
        ---
        payload = null : blob@shared
        """

    cols = columns(connection, database, "~external_shared")
    assert list(cols) == ["hash", "size", "attachment_name", "filepath", "contents_hash", "timestamp"]
    assert cols["hash"][3] == ":uuid:hash of contents (blob), of filename + contents (attach), or relative filepath (filepath)"
    assert columns(connection, database, "stored")["payload"][3] == ":blob@shared:"


def test_reference_to_undeclared_class_is_reported(connection, schema_name):
    schema = dj.Schema(schema_name("undeclared"), connection=connection)

    class Loose(dj.Manual):
        definition = "k : int"

    with pytest.raises(DefinitionError, match=r"Orphan, line 1: Loose in '-> Loose' is not a table declared"):
        @schema
        class Orphan(dj.Manual):
            definition = "-> Loose\nj : int"


# --- hostile input -------------------------------------------------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = st.sampled_from(["a", "b_1", ":", "=", "#", "->", "(", ")", "[", "]", ",", "'", '"', "\\", "...",
                           "---", "index", "unique", "nullable", "int", "varchar(8)", "enum('x')", "null",
                           "lab.P", "P", ".proj(", "x='a'", " ", "\n", "%{", "%}", ";", "`", "\x00", "é"])


_HOSTILE = st.text(alphabet="ab1 :=#'\"\\;`%-()[],.\x00é\n", max_size=12)
_LINE = st.one_of(
    st.tuples(st.sampled_from(["a", "b_1", "index_x", "k"]), st.one_of(st.none(), _HOSTILE),
              st.sampled_from(["int", "varchar(8)", "enum('x', 'y')", "longblob", "uuid", "float", "date"]),
              st.one_of(st.none(), _HOSTILE)).map(
        lambda t: t[0] + ("" if t[1] is None else " = " + t[1]) + " : " + t[2] + ("" if t[3] is None else " # " + t[3])),
    st.sampled_from(["-> P", "-> [nullable] P", "-> [unique] P.proj(x='a')", "(y) -> P(b)", "---",
                     "index(a)", "unique index(k, a)", "# " , ""]),
    _HOSTILE,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=8).map(lambda lines: "\n".join(["k : int"] + lines)),
       st.sampled_from(["python", MATLAB]))
def test_random_text_parses_or_raises_definition_error(text, language):
    try:
        model = parse_definition(text, language)
    except DefinitionError:
        return
    try:
        sql = compile_definition("`db`.`t`", model, resolver=lambda ref: TWO).sql
    except DefinitionError:
        return
    # whatever compiled keeps every literal closed: outside literals there is no quote, ';' or '--'
    outside = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.|\'\')*\'|`(?:[^`]|``)*`', "", sql)
    assert not set(outside) & set("\"';`\x00") and "--" not in outside.replace("---", "")


def test_references_to_projections_and_restrictions_in_context(connection, schema_name):
    schema = dj.Schema(schema_name("projref"), connection=connection)

    @schema
    class Person(dj.Manual):
        definition = "person_id : int   # person"

    Mother = Person.proj(mother="person_id")  # noqa: N806 - a context variable holding a projection

    @schema
    class Child(dj.Manual):
        definition = """
        child : int
        ---
        -> Mother
        """

    cols = columns(connection, schema.database, "child")
    assert list(cols) == ["child", "mother"] and cols["mother"][3] == "person"
    Restricted = Person & "person_id=1"  # noqa: N806
    with pytest.raises(DefinitionError, match="restricted or joined"):
        @schema
        class Bad(dj.Manual):
            definition = "-> Restricted\nb : int"
    with pytest.raises(DefinitionError, match="rename only once"):
        @schema
        class Twice(dj.Manual):
            definition = "-> Mother.proj(m='mother')\nb : int"


def test_matlab_lookup_contents():
    from datajoint_interop.definition import parse_matlab_contents

    source = "%{\na : int\n%}\nclassdef A < dj.Lookup\nproperties\ncontents = {1 'x''y' 2.5; 2, 'z', -1e3}\nend\nend"
    assert parse_matlab_class(source, "lab").contents == [(1, "x'y", 2.5), (2, "z", -1000.0)]
    assert parse_matlab_contents("classdef A < dj.Lookup\nend") is None
    with pytest.raises(DefinitionError, match="only numbers, 'strings' and true/false"):
        parse_matlab_contents("contents = {1 pi}")


# every error again, through @schema on the server: the error names the class and nothing is created
_ERROR_CASES = [
    ("a int", "expected an attribute"),
    ("Name : int", "lowercase"),
    ("a : int  # :uuid: sneaky", "does not start with ':'"),
    ("a = null : int", "no '= null' in the primary key"),
    ("a : int\nindex()", "at least one attribute"),
    ("a : int\n-> [sometimes] Parent", "options"),
    ("a : int\n-> Parent & 'pid=1'", "no restrictions"),
    ("-> [nullable] Parent", "only below the divider"),
    ("(x) -> Parent.proj(y='pid')", "not both"),
    ("-> Parent.proj(x='nope')", "not a primary-key attribute"),
    ("-> Missing", "'Missing' is not defined"),
    ("a : varchar(8), evil int", "Unsupported attribute type"),
    ('a : int\n---\nb = "x", c int, d = "y" : varchar(8)', "one quoted string"),
    ("a : int\n---\nb = 1 : longblob", "only default to null"),
    ("---\na : int", "no primary key"),
    ("a : int\nindex(nope)", "not an attribute"),
    ("-> Parent\n---\npid : int", "already added by the foreign key"),
    ("a : <graph>", "Adapted Attribute types is disabled"),  # DJ_SUPPORT_ADAPTED_TYPES unset
]


@pytest.fixture(scope="module")
def error_schema(connection, db_prefix):
    schema = dj.Schema(f"{db_prefix}_def_errors", connection=connection)

    @schema
    class Parent(dj.Manual):
        definition = "pid : int"

    return schema, Parent


@pytest.mark.parametrize("definition, expected", _ERROR_CASES)
def test_errors_through_the_decorator_create_nothing(error_schema, connection, definition, expected):
    schema, Parent = error_schema
    before = connection.query(f"SELECT COUNT(*) FROM `{schema.database}`.`~log`").fetchone()[0]
    cls = type("Faulty", (dj.Manual,), {"definition": definition})
    with pytest.raises(DefinitionError, match=expected) as info:
        schema(cls, context={"Parent": Parent})
    assert str(info.value).startswith("Faulty")
    assert not connection.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema=%s AND "
                                "table_name='faulty'", (schema.database,)).fetchone()[0]
    assert connection.query(f"SELECT COUNT(*) FROM `{schema.database}`.`~log`").fetchone()[0] == before
