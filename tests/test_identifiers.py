"""Hostile schema and column names: one quoting function, %-safe statements, no injected DDL.

Names may legally hold ``%``, quotes and backslashes; they must reach exactly the database they
name, whether or not a statement binds parameters; ``Connection.query`` without arguments
%-formats its text like DataJoint 0.14 (pymysql semantics), which internal SQL must not depend on.
"""
import pymysql
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError
from datajoint_interop.jobs import jobs_table_sql
from datajoint_interop.sql import check_identifier, execute, quote_identifier, quote_string, sql_name
from datajoint_interop.table import FreeTable

from .server_env import connection_settings

# suffixes appended to a unique test prefix: each is a legal MySQL database name
HOSTILE_SUFFIXES = ["q%s", "pp%%", "pp%", "bs\\\"x", 'dq"x', "sq'x", "bs\\", "br{}x", "pct%(a)s"]


def _raw():
    s = connection_settings()
    return pymysql.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                           autocommit=True)


def _table_comment(database, table):
    raw = _raw()
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT table_comment FROM information_schema.tables WHERE table_schema=%s "
                        "AND table_name=%s", (database, table))
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        raw.close()


def _schemas_like(prefix):
    raw = _raw()
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
                        (prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%",))
            return sorted(r[0] for r in cur.fetchall())
    finally:
        raw.close()


def _pipeline(connection, database):
    """Declare, fill, populate (with ~jobs) and query a two-table pipeline in `database`."""
    schema = dj.Schema(database, connection=connection)

    @schema
    class Src(dj.Manual):
        definition = """
        # source "rows" with 100% of \\ the hostile comment
        sid : int
        ---
        label = "50%" : varchar(20)  # a default with a % and "quotes"
        """

    @schema
    class Out(dj.Computed):
        definition = """
        -> Src
        ---
        twice : int
        """

        def make(self, key):
            self.insert1(dict(key, twice=2 * key["sid"]))

    Src.insert([dict(sid=1, label="a%sb"), dict(sid=2)])
    Out.populate(reserve_jobs=True)
    assert sorted(Out.fetch("twice").tolist()) == [2, 4]
    assert (Src & {"label": "50%"}).fetch1("sid") == 2
    assert len(Src & "label LIKE 'a%%'") == 1  # user SQL: the compiler doubles its % itself
    assert len(Src * Out & "sid > 1") == 1
    Src.update1(dict(sid=2, label="x%%y"))
    assert (Src & {"sid": 2}).fetch1("label") == "x%%y"
    (Src & {"sid": 1}).delete()
    assert Out.fetch("sid").tolist() == [2]
    return schema, Src, Out


@pytest.mark.parametrize("suffix", HOSTILE_SUFFIXES)
def test_hostile_schema_names_work_end_to_end(connection, db_prefix, suffix):
    database = f"{db_prefix}_id_{suffix}"
    schema, Src, _ = _pipeline(connection, database)
    assert Src.full_table_name == quote_identifier(database) + ".`src`"
    # comments hold the name verbatim: nothing injected, nothing escaped twice
    assert _table_comment(database, "~log") == f"event logging table for `{database}`"
    assert _table_comment(database, "~jobs") == f"job reservation table for `{database}`"
    assert _table_comment(database, "src") == 'source "rows" with 100% of \\ the hostile comment'
    assert len(schema.jobs) == 0
    schema.drop(force=True)
    assert database not in _schemas_like(database)


def test_percent_names_never_collide(connection, db_prefix):
    """`x%` and `x%%` are two databases: neither may read or write the other."""
    single = f"{db_prefix}_col_pp%"
    double = f"{db_prefix}_col_pp%%"
    tables = {}
    for name in (single, double):
        schema = dj.Schema(name, connection=connection)

        @schema
        class Thing(dj.Manual):
            definition = """
            tid : int
            """
        tables[name] = Thing
    tables[double].insert1((7,))
    assert tables[single].fetch("tid").tolist() == []
    assert tables[double].fetch("tid").tolist() == [7]
    raw = _raw()
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT tid FROM `%s`.`thing`" % double.replace("`", "``"))
            assert [r[0] for r in cur.fetchall()] == [7]
            cur.execute("SELECT COUNT(*) FROM `%s`.`thing`" % single.replace("`", "``"))
            assert cur.fetchone()[0] == 0
    finally:
        raw.close()


def test_percent_column_names_of_an_existing_table(connection, db_prefix):
    """Tables declared elsewhere may have columns such as `a%s`: insert, restrict, fetch, update."""
    database = f"{db_prefix}_colpct"
    raw = _raw()
    try:
        with raw.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{database}`")
            cur.execute(f"CREATE TABLE `{database}`.`t%s` (`a%s` int NOT NULL, `b%%` varchar(10) NOT NULL, "
                        "`c\"d` int NOT NULL DEFAULT 0, PRIMARY KEY (`a%s`))")
    finally:
        raw.close()
    table = FreeTable(connection, f"`{database}`.`t%s`")
    table.insert([{"a%s": 1, "b%%": "one"}, {"a%s": 2, "b%%": "two", 'c"d': 5}])
    assert (table & {"a%s": 2}).fetch1("b%%") == "two"
    assert (table & {"b%%": "one"}).fetch1('c"d') == 0
    assert table.proj(renamed="`b%%`").fetch("renamed", order_by="`a%s`").tolist() == ["one", "two"]
    table.update1({"a%s": 1, "b%%": "uno"})
    assert table.fetch("b%%", order_by="KEY").tolist() == ["uno", "two"]
    (table & {"a%s": 1}).delete_quick()
    assert len(table) == 1


@pytest.mark.parametrize("suffix", ["f%s", "f%%", "fq\\\"x"])
def test_internal_sql_holds_when_query_formats_without_args(connection, db_prefix, suffix):
    """Connection.query(sql) %-formats like 0.14 (pymysql): internal SQL with %-bearing names
    must not depend on that, since it goes through sql.execute with args=None."""
    assert connection.query("SELECT '100%%'").fetchone()[0] == "100%"
    assert connection.query("SELECT '100%'", None).fetchone()[0] == "100%"
    database = f"{db_prefix}_fmt_{suffix}"
    schema, _, _ = _pipeline(connection, database)
    assert _table_comment(database, "~log") == f"event logging table for `{database}`"
    schema.drop(force=True)
    assert database not in _schemas_like(database)


@pytest.mark.parametrize("name, problem", [
    ("", "non-empty"),
    ("a\x00b", "NUL"),
    ("x" * 65, "at most 64"),
    ("trailing ", "ends with a space"),
    ("emoji\U0001F600", "outside the Unicode BMP"),
    (b"bytes", "non-empty string"),
])
def test_impossible_names_refused_up_front(connection, db_prefix, name, problem):
    with pytest.raises(DataJointError, match=problem):
        quote_identifier(name)
    with pytest.raises(DataJointError, match=problem):
        check_identifier(name, "schema name")
    if isinstance(name, str) and name:
        full = f"{db_prefix}_bad{name}"
        with pytest.raises(DataJointError, match=f"Invalid schema name.*{problem}"):
            dj.Schema(full, connection=connection)
        assert _schemas_like(f"{db_prefix}_bad") == []


def test_quote_string_cannot_be_escaped():
    assert quote_string('a"b\\c') == '"a\\"b\\\\c"'
    assert quote_string("nul\x00") == '"nul\\0"'
    assert "COMMENT \"job reservation table for `x\\\"y`\"" in jobs_table_sql('x"y')


def test_quoted_literal_round_trips_through_the_server(connection):
    for text in ['plain', 'q"uote', "back\\slash\\", 'ends in \\"', "nul\x00in", "100%"]:
        got = execute(connection, "SELECT " + quote_string(text).replace("%", "%%")).fetchone()[0]
        assert got == text


def test_sql_name_doubles_percent_only():
    assert sql_name("a%b`c") == "`a%%b``c`"
