"""Untrusted archives: hostile `.djx` files built by hand, imported through the Python API and
`dji import` against the real server. An archive is data from elsewhere, so a correct seal proves
only that nobody changed it after it was written, never that its writer meant well."""
import hashlib
import io
import os
import subprocess
import sys
import textwrap
import threading
import uuid

import msgpack
import pymysql
import pytest

from datajoint_interop import archive
from datajoint_interop.archive_format import seal
from datajoint_interop.cli import main
from datajoint_interop.connection import Connection
from datajoint_interop.errors import ArchiveError, DataJointError

from .conftest import connection_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def packb(value):
    return msgpack.packb(value, use_bin_type=True)


def column(name, type="int", nullable=False, **extra):
    return dict(name=name, type=type, nullable=nullable, **extra)


def model(*columns, primary_key=None, **extra):
    columns = list(columns) or [column("a")]
    return dict(columns=columns, primary_key=[columns[0]["name"]] if primary_key is None else primary_key, **extra)


def build(path, tables, schemas=("src",), header_extra=None, raw_rows=None):
    """A correctly sealed archive. `tables`: [(schema, table, model, rows)]; `raw_rows` maps a table
    index to raw bytes written as its rows record (for malformed rows)."""
    out = [packb(seal(dict(kind="header", format="djx", version=2, schemas=[dict(name=s) for s in schemas],
                           tables=[f"{s}.{t}" for s, t, _, _ in tables],
                           row_counts=[len(r) for _, _, _, r in tables], **(header_extra or {}))))]
    total = 0
    for i, (schema, table, table_model, rows) in enumerate(tables):
        out.append(packb(seal(dict(kind="table", schema=schema, table=table, model=table_model))))
        checksum = 0
        if raw_rows and i in raw_rows:
            out.append(raw_rows[i])
        elif rows:
            out.append(packb(dict(kind="rows", rows=rows)))
        for row in rows:
            checksum = (checksum + int.from_bytes(hashlib.sha256(packb(row)).digest(), "big")) % (1 << 256)
        out.append(packb(seal(dict(kind="table_end", schema=schema, table=table, rows=len(rows),
                                   checksum=f"{checksum:064x}"))))
        total += len(rows)
    out.append(packb(seal(dict(kind="end", tables=len(tables), rows=total))))
    path.write_bytes(b"".join(out))
    return path


def one_table(path, table_model, rows=(), table="t", schema="src"):
    return build(path, [(schema, table, table_model, list(rows))], schemas=(schema,))


def dji(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def tables_in(connection, schema):
    return [r[0] for r in connection.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s",
                                           (schema,)).fetchall()]


def schema_exists(connection, name):
    return connection.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=%s",
                            (name,)).fetchone()[0] == 1


def refused_everywhere(connection, capsys, path, target, match):
    """Both the Python API and `dji import` (with and without --check) refuse, leaving no schema:
    the whole archive is checked before anything is created."""
    with pytest.raises(ArchiveError, match=match):
        archive.verify_archive(path)
    with pytest.raises(DataJointError, match=match):
        archive.import_archive(path, rename={"src": target}, progress=False)
    code, out, err = dji(capsys, "import", path, "--rename", f"src={target}", "--no-progress")
    assert code == 1 and "dji: error:" in err, (out, err)
    code, out, err = dji(capsys, "import", path, "--check")
    assert code == 1 and "verified" not in out, (out, err)
    assert not schema_exists(connection, target)
    return err


# ------------------------------------------------------------------------------ SQL in archives
def test_version_1_archive_with_a_select_in_its_ddl_runs_nothing(connection, schema_name, tmp_path, capsys):
    """The reported attack: a v1 CREATE TABLE with a SELECT after the column list copied the
    password hashes; `--check` said 'all checksums verified'. v1 DDL text is never executed now."""
    target = schema_name("v1")
    create = ("CREATE TABLE `t` (a varchar(200) PRIMARY KEY) "
              "(SELECT CONCAT(User, '@', Host) AS a FROM mysql.global_priv)")
    records = [dict(kind="header", format="djx", version=1, schemas=[dict(name="src")], tables=["src.t"],
                    row_counts=[0]),
               dict(kind="table", schema="src", table="t", create=create, columns=["a"], self_referencing=True),
               dict(kind="table_end", schema="src", table="t", rows=0, checksum="0" * 64),
               dict(kind="end", tables=1, rows=0)]
    path = tmp_path / "v1.djx"
    path.write_bytes(b"".join(packb(seal(r)) for r in records))
    err = refused_everywhere(connection, capsys, path, target, "version 1.*re-export")
    assert "re-export" in err
    assert connection.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=%s",
                            (target,)).fetchone()[0] == 0


@pytest.mark.parametrize("table_model, match", [
    (model(column("a", "int) SELECT user FROM mysql.user -- ")), "column 'a' type .* not an allowed"),
    (model(column("a", "varchar(10), b int")), "not an allowed MySQL column type"),
    (model(column("a", "varchar(99999)")), "out of range"),
    (model(column("a", "decimal(70,2)")), "out of range"),
    (model(column("a", "int(\u0663)")), "not an allowed MySQL column type"),  # an Arabic-Indic digit
    (model(column("a", default=["number", "1\n"])), "not an allowed default"),
    (model(column("a", "varchar(5)", charset="utf8mb4\n")), "not a character set"),
    (model(column("a", default=["expression", "(SELECT password FROM mysql.user LIMIT 1)"])), "not an allowed default"),
    (model(column("a", default=["number", "1 ) SELECT 1"])), "not an allowed default"),
    (model(column("a", default=["bit", "2"])), "not an allowed default"),
    (model(column("a", "timestamp", on_update="now(); DROP DATABASE x")), "not CURRENT_TIMESTAMP"),
    (model(column("a", "varchar(5)", charset="utf8mb4 COLLATE x")), "not a character set"),
    (model(column("a", "enum", values=["x", 5])), "member values"),
    (model(column("a", "int", values=["x"])), "not an enum or set"),
    (model(column("a"), engine="CONNECT"), "engine 'CONNECT'"),
    (model(column("a"), indexes=[dict(name="i", unique=False, columns=[["a", "5) , KEY (a"]])]), "prefix length"),
    (model(column("a"), indexes=[dict(name="i", unique=False, columns=[["nope", None]])]), "unknown column"),
    (model(column("a"), primary_key=["a", "a"]), "names a column twice"),
    (model(column("a"), self_referencing=True), "unknown field.*self_referencing"),
    (model(column("a"), create="CREATE TABLE t (a int)"), "unknown field.*create"),
    (model(column("x" * 65)), "not a valid name"),
    (model(column("a\x00b")), "not a valid name"),
    (model(column("a"), column("A")), "same name"),
    (model(column("a"), foreign_keys=[dict(name="f", columns=["a"], schema="src", table="t", referenced=["a"],
                                           on_delete="CASCADE SELECT 1")]), "on_delete"),
])
def test_hostile_models_are_refused_before_any_statement(connection, schema_name, tmp_path, capsys,
                                                         table_model, match):
    path = one_table(tmp_path / "hostile.djx", table_model)
    err = refused_everywhere(connection, capsys, path, schema_name("hm"), match)
    assert "src.t" in err  # the message names the table


def test_models_the_server_refuses_name_the_table(connection, schema_name, tmp_path):
    path = one_table(tmp_path / "auto.djx", model(column("a"), column("b", auto_increment=True)))
    with pytest.raises(ArchiveError, match=r"Cannot create table src\.t .*refused its model .*auto"):
        archive.import_archive(path, rename={"src": schema_name("auto")}, progress=False)


@pytest.mark.parametrize("fk, match", [
    # the reported bypass: an unquoted `REFERENCES other_schema.t` was not seen as outside
    (dict(name="f", columns=["a"], schema="other_schema", table="p", referenced=["a"]), "other_schema.p"),
    (dict(name="f", columns=["a"], schema="mysql", table="user", referenced=["User"]), "mysql.user"),
    (dict(name="f", columns=["a"], schema="src", table="later", referenced=["a"]), "src.later"),
])
def test_foreign_keys_outside_the_archive_or_forward_are_refused(connection, schema_name, tmp_path, capsys,
                                                                  fk, match):
    path = build(tmp_path / "fk.djx", [("src", "t", model(column("a"), foreign_keys=[fk]), []),
                                       ("src", "later", model(column("a")), [])])
    err = refused_everywhere(connection, capsys, path, schema_name("fk"), match + ".*not a table earlier")
    assert "foreign key 'f'" in err


def test_literals_are_bound_and_names_quoted(connection, schema_name, tmp_path):
    """Comments, defaults, enum members and names full of quotes reach the server as data."""
    nasty = "x'); DROP DATABASE `mysql`; -- \\ \" %s %% `"
    table = "we`ird %s name"
    table_model = model(
        column("id`%s", "int", comment=nasty),
        column("label", "varchar(200)", nullable=True, default=["string", nasty], comment=nasty),
        column("kind", "enum", values=["it's", "back\\slash", "%s"], default=["string", "it's"]),
        comment=nasty)
    path = one_table(tmp_path / "nasty.djx", table_model, rows=[["1", None, "%s"]], table=table)
    target = schema_name("lit%s")
    summary = archive.import_archive(path, rename={"src": target}, progress=False)
    assert summary["rows"] == 1
    columns = connection.query(
        "SELECT COLUMN_NAME, COLUMN_DEFAULT, COLUMN_COMMENT, COLUMN_TYPE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s ORDER BY ORDINAL_POSITION", (target, table)).fetchall()
    assert [c[0] for c in columns] == ["id`%s", "label", "kind"]
    assert columns[0][2] == nasty and columns[1][2] == nasty
    assert columns[2][3] == "enum('it''s','back\\\\slash','%s')"
    comment = connection.query("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s",
                               (target,)).fetchone()[0]
    assert comment == nasty
    assert connection.query(f"SELECT `label`, `kind` FROM `{target}`.`we``ird %s name`", args=None).fetchall() == \
        ((None, "%s"),)
    connection.query(f"INSERT INTO `{target.replace('%', '%%')}`.`we``ird %%s name` (`id``%%s`) VALUES (%s)", (2,))
    assert connection.query(f"SELECT `label` FROM `{target}`.`we``ird %s name` WHERE `id``%s` = 2", args=None).fetchone()[0] \
        == nasty  # the default arrived as one literal


# ------------------------------------------------------------------------------ system schemas
@pytest.mark.parametrize("archived, rename", [
    ("mysql", None), ("src", "mysql"), ("src", "MySQL"), ("src", "sys"), ("src", "information_schema"),
    ("src", "performance_schema"), ("sys", None),
])
def test_system_schemas_are_refused_as_targets(connection, tmp_path, capsys, archived, rename):
    table = f"h5_planted_{uuid.uuid4().hex[:8]}"
    path = one_table(tmp_path / "sys.djx", model(column("a")), table=table, schema=archived)
    options = {archived: rename} if rename else None
    with pytest.raises(DataJointError, match="system schema"):
        archive.import_archive(path, rename=options, progress=False)
    argv = ["import", path, "--no-progress"] + (["--rename", f"{archived}={rename}"] if rename else [])
    code, _, err = dji(capsys, *argv)
    assert code == 1 and "system schema" in err and (rename or archived) in err
    assert connection.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME=%s",
                            (table,)).fetchone()[0] == 0


def test_archived_system_schema_may_be_renamed(connection, schema_name, tmp_path):
    """The archive's schema name is only a label: renamed to an ordinary schema it imports."""
    path = one_table(tmp_path / "label.djx", model(column("a")), rows=[["7"]], schema="mysql")
    target = schema_name("fromsys")
    archive.import_archive(path, rename={"mysql": target}, progress=False)
    assert connection.query(f"SELECT a FROM `{target}`.`t`", args=None).fetchall() == ((7,),)


# ------------------------------------------------------------------------------ foreign-key checks
def test_orphans_in_a_self_referencing_table_are_refused(connection, schema_name, tmp_path, capsys):
    """The importer relaxes checks for a self-referencing table itself (no archive flag does) and
    proves every reference before committing; a row pointing at a missing parent is refused."""
    parent = model(column("p"))
    node = model(column("id"), column("up", nullable=True, default=["null"]), column("p"),
                 foreign_keys=[dict(name="up_fk", columns=["up"], schema="src", table="node", referenced=["id"]),
                               dict(name="p_fk", columns=["p"], schema="src", table="parent", referenced=["p"])])
    good = build(tmp_path / "good.djx", [("src", "parent", parent, [["1"]]),
                                         ("src", "node", node, [["2", "1", "1"], ["1", None, "1"]])])
    target = schema_name("selfok")
    archive.import_archive(good, rename={"src": target}, progress=False)  # child-first order is fine
    assert connection.query(f"SELECT COUNT(*) FROM `{target}`.`node`", args=None).fetchone()[0] == 2
    assert connection.query("SELECT @@foreign_key_checks").fetchone()[0] == 1

    for rows, fk in ([["1", "9", "1"]], "up_fk"), ([["1", None, "5"]], "p_fk"):
        bad = build(tmp_path / "bad.djx", [("src", "parent", parent, [["1"]]), ("src", "node", node, rows)])
        target = schema_name("selfbad")
        with pytest.raises(ArchiveError, match=f"do not exist .*{fk}.*rolled back.*dropped"):
            archive.import_archive(bad, rename={"src": target}, progress=False)
        assert not schema_exists(connection, target)  # the parent table committed before is gone too
        assert connection.query("SELECT @@foreign_key_checks").fetchone()[0] == 1
        code, _, err = dji(capsys, "import", bad, "--rename", f"src={schema_name('selfcli')}", "--no-progress")
        assert code == 1 and fk in err


def test_rows_violating_a_foreign_key_name_the_rows(connection, schema_name, tmp_path):
    parent = model(column("p"))
    child = model(column("id"), column("p"),
                  foreign_keys=[dict(name="p_fk", columns=["p"], schema="src", table="parent", referenced=["p"])])
    path = build(tmp_path / "orphan.djx", [("src", "parent", parent, [["1"]]),
                                           ("src", "child", child, [["1", "1"], ["2", "3"]])])
    target = schema_name("orphan")
    with pytest.raises(ArchiveError, match=r"rows 1-2 of table src\.child .*foreign key constraint"):
        archive.import_archive(path, rename={"src": target}, progress=False)
    assert not schema_exists(connection, target)


# ------------------------------------------------------------------------------ malformed streams
def test_deep_nesting_gets_a_clear_message(connection, schema_name, tmp_path, capsys):
    """The reported `corrupt near byte 560: ` (empty message) for 5000 nested lists."""
    path = build(tmp_path / "deep.djx", [("src", "t", model(column("a")), [])])
    data = path.read_bytes()
    header = msgpack.Unpacker()
    header.feed(data)
    first = packb(header.unpack())
    nested = bytes([first[0] + 1]) + first[1:] + packb("note") + b"\x91" * 5000 + b"\xc0"
    path.write_bytes(nested + data[len(first):])
    err = refused_everywhere(connection, capsys, path, schema_name("deep"), "nested more than 16 levels")
    assert "record starting at byte 0" in err
    deep = []
    for _ in range(100):
        deep = [deep]
    # inside a row: values are never containers
    rows = packb(dict(kind="rows", rows=[["1"], [deep]]))
    path = build(tmp_path / "deeprow.djx", [("src", "t", model(column("a")), [["1"], ["2"]])], raw_rows={0: rows})
    err = refused_everywhere(connection, capsys, path, schema_name("deeprow"),
                             r"row 2 of table src\.t .*column 'a': a value must be NULL, text or bytes")


@pytest.mark.parametrize("rows, match", [
    ([["1", "2"]], r"row 1 of table src\.t .* has 2 values but the table has 1 columns"),
    ([[5]], r"row 1 of table src\.t .*column 'a': a value must be NULL"),
    ([{"a": "1"}], r"row 1 of table src\.t .* is not a list"),
])
def test_malformed_rows_name_the_row(connection, schema_name, tmp_path, capsys, rows, match):
    raw = packb(dict(kind="rows", rows=rows))
    path = build(tmp_path / "rows.djx", [("src", "t", model(column("a")), [])], raw_rows={0: raw})
    refused_everywhere(connection, capsys, path, schema_name("mrow"), match)


def test_malformed_headers_are_refused(tmp_path):
    for bad, match in [(dict(schemas="src", tables=[], row_counts=[]), "malformed header"),
                       (dict(schemas=[dict(name="a"), dict(name="a")], tables=[], row_counts=[]), "listed twice"),
                       (dict(schemas=[dict(name="a", charset="x; DROP")], tables=[], row_counts=[]), "charset"),
                       (dict(schemas=[dict(name="a")], tables=["a.t"], row_counts=[-1]), "malformed header")]:
        path = tmp_path / "header.djx"
        path.write_bytes(packb(seal(dict(kind="header", format="djx", version=2, **bad))))
        with pytest.raises(ArchiveError, match=match):
            archive.verify_archive(path)
    path = build(tmp_path / "order.djx", [("src", "a", model(), []), ("src", "b", model(), [])])
    data = path.read_bytes().replace(b"src.a", b"src.c")  # the header announces another table
    header = msgpack.Unpacker()
    header.feed(data)
    record = header.unpack()
    record.pop("sha256")
    path.write_bytes(packb(seal(record)) + data[header.tell():])
    with pytest.raises(ArchiveError, match="not the table the header announces"):
        archive.verify_archive(path)


def test_rows_record_must_put_kind_first(tmp_path):
    raw = b"\x82\xa4rows\x91\x91\xa11\xa4kind\xa4rows"  # {rows: [["1"]], kind: "rows"}
    path = build(tmp_path / "order.djx", [("src", "t", model(column("a")), [["1"]])], raw_rows={0: raw})
    with pytest.raises(ArchiveError, match="with kind first"):
        archive.verify_archive(path)


def test_truncation_and_counts_name_the_table(tmp_path):
    path = build(tmp_path / "cut.djx", [("src", "t", model(column("a", "longblob")), [[b"x" * 1000]])])
    data = path.read_bytes()
    path.write_bytes(data[:data.index(b"x" * 1000) + 500])
    with pytest.raises(ArchiveError, match=r"truncated at byte \d+ inside row 1 of table src\.t"):
        archive.verify_archive(path)
    path = build(tmp_path / "count.djx", [("src", "t", model(), [["1"]])])
    data = path.read_bytes()
    header = msgpack.Unpacker()
    header.feed(data)
    record = header.unpack()
    record.pop("sha256")
    path.write_bytes(packb(seal(dict(record, row_counts=[5]))) + data[header.tell():])
    with pytest.raises(ArchiveError, match=r"src\.t holds 1 rows but the header announces 5"):
        archive.verify_archive(path)


def test_claimed_lengths_cost_nothing_until_the_bytes_are_there(tmp_path):
    """A bin32 header claiming 4 GiB in a tiny file: truncated, found at once, nothing allocated."""
    path = build(tmp_path / "claim.djx", [("src", "t", model(column("a", "longblob")), [])],
                 raw_rows={0: b"\x82\xa4kind\xa4rows\xa4rows\x91\x91\xc6\xff\xff\xff\xf0abc"})
    with pytest.raises(ArchiveError, match="larger than the limit|truncated"):
        archive.verify_archive(path)
    header = tmp_path / "hdr.djx"
    header.write_bytes(b"\xdf\xff\xff\xff\xff\xc0")  # a map claiming 4 billion pairs
    with pytest.raises(ArchiveError, match="truncated|not a djx"):
        archive.verify_archive(header)


# ------------------------------------------------------------------------------ memory
MEMORY_CHILD = textwrap.dedent("""
    import resource, sys
    import datajoint_interop as dj
    from datajoint_interop import archive
    from datajoint_interop.errors import DataJointError
    mode, path, target, host, port, user, password = sys.argv[1:]
    dj.config["database.host"], dj.config["database.port"] = host, int(port)
    dj.config["database.user"], dj.config["database.password"] = user, password
    dj.conn().query("SELECT 1")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        if mode == "check":  # through dji, as a user would check an archive before importing it
            from datajoint_interop.cli import main
            outcome = "ok" if main(["import", path, "--check"]) == 0 else "failed"
        else:
            archive.import_archive(path, rename={"src": target}, progress=False)
            outcome = "ok"
    except DataJointError as error:
        outcome = str(error)[:300]
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("GROWTH", (after - before) // 1024, outcome, flush=True)
""")
WIDTH = 50


def _null_archive(path, nullable):
    """40 MB: one rows record of 800,000 rows of 50 NULLs (each row 51 bytes, 456 as Python lists)."""
    count = 800_000
    columns = [column(f"c{i}", nullable=nullable, default=["null"] if nullable else None) for i in range(WIDTH)]
    table_model = dict(columns=columns, primary_key=[])
    row = b"\xc0" * WIDTH
    packed_row = b"\xdc" + WIDTH.to_bytes(2, "big") + row  # array16: as msgpack packs 50 NULLs
    digest = int.from_bytes(hashlib.sha256(packed_row).digest(), "big")
    rows = b"\x82\xa4kind\xa4rows\xa4rows\xdd" + count.to_bytes(4, "big") + packed_row * count
    with open(path, "wb") as out:
        out.write(packb(seal(dict(kind="header", format="djx", version=2, schemas=[dict(name="src")],
                                  tables=["src.t"], row_counts=[count]))))
        out.write(packb(seal(dict(kind="table", schema="src", table="t", model=table_model))))
        out.write(rows)
        out.write(packb(seal(dict(kind="table_end", schema="src", table="t", rows=count,
                                  checksum=f"{digest * count % (1 << 256):064x}"))))
        out.write(packb(seal(dict(kind="end", tables=1, rows=count))))
    assert os.path.getsize(path) > 40_000_000
    return path


def _measure(mode, path, target):
    s = connection_settings()
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", MEMORY_CHILD, mode, str(path), target, s["host"], str(s["port"]),
                           s["user"], s["password"]], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    line = [text for text in done.stdout.splitlines() if text.startswith("GROWTH ")][-1]
    growth, outcome = line.split(" ", 2)[1:]
    return int(growth), outcome


def test_tiny_null_rows_are_checked_in_bounded_memory(tmp_path):
    """The reported 1.7 GB: a 40 MB rows record of NULLs decoded as one object. The streaming
    reader holds one bounded chunk of rows at a time."""
    growth, outcome = _measure("check", _null_archive(tmp_path / "nulls.djx", nullable=True), "")
    assert outcome == "ok"
    assert growth < 48, f"verify_archive grew by {growth} MB"


def test_tiny_null_rows_import_streams_and_fails_early(connection, schema_name, tmp_path):
    """Import checks the whole archive first (streaming), then inserts chunk by chunk: the first
    chunk already meets NOT NULL and the import stops there (undone, naming the rows) instead of
    decoding 40 MB into gigabytes."""
    target = schema_name("nulls")
    growth, outcome = _measure("import", _null_archive(tmp_path / "nulls.djx", nullable=False), target)
    assert "Cannot insert rows 1-" in outcome and "src.t" in outcome and "cannot be null" in outcome, outcome
    assert growth < 48, f"import grew by {growth} MB"
    assert not schema_exists(connection, target)


# ------------------------------------------------------------------------------ all or nothing
def three_tables(path, last_model=None, last_rows=(), raw_rows=None):
    """parent -> child -> last: two valid tables with rows, then `last` (a hostile model or rows)."""
    parent = model(column("p"))
    child = model(column("p"), column("c", "varchar(20)"), primary_key=["p", "c"],
                  foreign_keys=[dict(name="c_fk", columns=["p"], schema="src", table="parent", referenced=["p"])])
    return build(path, [("src", "parent", parent, [["1"], ["2"]]),
                        ("src", "child", child, [["1", "x"], ["2", "y"]]),
                        ("src", "last", last_model or model(column("z")), list(last_rows))], raw_rows=raw_rows)


def _hostile_last_table(tmp_path, flaw):
    """Archives that are fine up to their last table (or their very end)."""
    if flaw == "model":
        return three_tables(tmp_path / "m.djx", model(column("z", "int) SELECT 1 -- ")))
    if flaw == "row":
        raw = packb(dict(kind="rows", rows=[["1"], ["2", "3"]]))
        return three_tables(tmp_path / "r.djx", last_rows=[["1"], ["2"]], raw_rows={2: raw})
    if flaw == "checksum":
        path = three_tables(tmp_path / "c.djx", last_rows=[["41"]])
        data = path.read_bytes()
        path.write_bytes(data.replace(b"\xa241", b"\xa242"))  # the row, not its end record, was changed
        return path
    path = three_tables(tmp_path / "t.djx", last_rows=[["1"]])
    path.write_bytes(path.read_bytes()[:-30])  # no trailer
    return path


FLAWS = {"model": "column 'z' type", "row": r"row 2 of table src\.last .* has 2 values",
         "checksum": r"checksum error for table src\.last", "truncated": "truncated"}


@pytest.mark.parametrize("flaw", ["model", "row", "checksum", "truncated"])
def test_a_flaw_at_the_end_leaves_nothing_behind(connection, schema_name, tmp_path, capsys, flaw):
    """The whole archive is validated before anything is created: a hostile archive whose third
    table (or trailer) is bad leaves no schema and no table, through the API and `dji import`."""
    path = _hostile_last_table(tmp_path, flaw)
    fresh = schema_name("flaw")
    with pytest.raises(ArchiveError, match=FLAWS[flaw]):
        archive.import_archive(path, rename={"src": fresh}, progress=False)
    assert not schema_exists(connection, fresh)
    fresh = schema_name("flawcli")
    code, out, err = dji(capsys, "import", path, "--rename", f"src={fresh}", "--no-progress")
    assert code == 1 and "dji: error:" in err and "Imported" not in out, (out, err)
    assert not schema_exists(connection, fresh)
    existing = schema_name("flawold")  # a schema that existed keeps existing, and gets no table
    connection.query(f"CREATE DATABASE `{existing}`", args=None)
    code, _, err = dji(capsys, "import", path, "--rename", f"src={existing}", "--no-progress")
    assert code == 1 and schema_exists(connection, existing) and tables_in(connection, existing) == []


def _not_null_in_second_table(tmp_path):
    """Valid as an archive; the server refuses the NULL in the NOT NULL column of `child`."""
    parent = model(column("p"))
    child = model(column("p"), column("c", "varchar(20)"), primary_key=["p"],
                  foreign_keys=[dict(name="c_fk", columns=["p"], schema="src", table="parent", referenced=["p"])])
    other = model(column("o"))
    return build(tmp_path / "notnull.djx", [("src", "parent", parent, [["1"], ["2"]]),
                                            ("src", "child", child, [["1", "x"], ["2", None]]),
                                            ("two", "other", other, [["5"]])], schemas=("src", "two"))


def test_a_server_failure_in_the_second_table_undoes_what_the_import_created(connection, schema_name,
                                                                                tmp_path, capsys):
    """The first table was committed when the second fails on the server: the import drops the
    tables and schemas it created itself, keeps everything that existed before, and says so."""
    path = _not_null_in_second_table(tmp_path)
    for use_cli in (False, True):
        existing, fresh = schema_name("keep"), schema_name("new")
        connection.query(f"CREATE DATABASE `{existing}`", args=None)
        connection.query(f"CREATE TABLE `{existing}`.`mine` (k int PRIMARY KEY)", args=None)
        connection.query(f"INSERT INTO `{existing}`.`mine` VALUES (7)", args=None)
        rename = {"src": existing, "two": fresh}
        if use_cli:
            code, out, message = dji(capsys, "import", path, "--rename", f"src={existing}",
                                     "--rename", f"two={fresh}", "--no-progress")
            assert code == 1 and "Imported" not in out, (out, message)
        else:
            with pytest.raises(ArchiveError) as failure:
                archive.import_archive(path, rename=rename, progress=False)
            message = str(failure.value)
        assert "Cannot insert" in message and "src.child" in message and "cannot be null" in message, message
        assert "dropped" in message and f"`{existing}`.`parent`" in message and f"`{fresh}`" in message, message
        assert not schema_exists(connection, fresh)
        assert tables_in(connection, existing) == ["mine"]
        assert connection.query(f"SELECT k FROM `{existing}`.`mine`", args=None).fetchall() == ((7,),)
        assert connection.query("SELECT @@foreign_key_checks").fetchone()[0] == 1


def test_rows_in_tables_that_existed_before_are_kept_and_named(connection, schema_name, tmp_path):
    """An empty table that existed before is filled and committed like any other; the undo does
    not delete from tables it did not create, and the error says which ones hold imported rows."""
    path = _not_null_in_second_table(tmp_path)
    existing, fresh = schema_name("pre"), schema_name("prenew")
    connection.query(f"CREATE DATABASE `{existing}`", args=None)
    connection.query(f"CREATE TABLE `{existing}`.`parent` (p int NOT NULL, PRIMARY KEY (p)) "
                     "ENGINE=InnoDB COMMENT=''", args=None)
    with pytest.raises(ArchiveError, match=rf"kept.*`{existing}`\.`parent`") as failure:
        archive.import_archive(path, rename={"src": existing, "two": fresh}, progress=False)
    assert "resume" in str(failure.value)
    assert tables_in(connection, existing) == ["parent"]
    assert connection.query(f"SELECT COUNT(*) FROM `{existing}`.`parent`", args=None).fetchone()[0] == 2
    assert not schema_exists(connection, fresh)


def test_an_archive_from_a_pipe_is_spooled_for_the_second_pass(connection, schema_name, tmp_path):
    """A FIFO cannot be read twice: its bytes are spooled to a temporary file while they are
    validated, then imported from there. A flaw at its end still leaves nothing behind."""
    good = three_tables(tmp_path / "good.djx", last_rows=[["3"]]).read_bytes()
    bad = _hostile_last_table(tmp_path, "model").read_bytes()
    for data, fresh in ((good, schema_name("fifo")), (bad, schema_name("fifobad"))):
        fifo = tmp_path / f"{fresh}.fifo"
        os.mkfifo(fifo)
        writer = threading.Thread(target=lambda: fifo.write_bytes(data), daemon=True)
        writer.start()
        try:
            if data is good:
                summary = archive.import_archive(fifo, rename={"src": fresh}, progress=False)
                assert summary["rows"] == 5
                assert connection.query(f"SELECT c FROM `{fresh}`.`child` ORDER BY p", args=None).fetchall() == (("x",), ("y",))
            else:
                with pytest.raises(ArchiveError, match="column 'z' type"):
                    archive.import_archive(fifo, rename={"src": fresh}, progress=False)
                assert not schema_exists(connection, fresh)
        finally:
            writer.join(timeout=10)
    fresh = schema_name("stdin")  # `dji import -` reads standard input, which may be a pipe
    s = connection_settings()
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               DJ_HOST=s["host"], DJ_PORT=str(s["port"]), DJ_USER=s["user"], DJ_PASS=s["password"])
    done = subprocess.run([sys.executable, "-m", "datajoint_interop", "import", "-", "--rename", f"src={fresh}"],
                          input=good, capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"Imported 3 tables (5 rows)" in done.stdout
    assert connection.query(f"SELECT COUNT(*) FROM `{fresh}`.`parent`", args=None).fetchone()[0] == 2


class _ChangingFile:
    """A file object whose content is replaced when it is rewound: an archive changed between
    the validating pass and the importing pass (another process rewrote the file)."""

    def __init__(self, first, second):
        self.first, self.second = io.BytesIO(first), second
        self.current = self.first
        self.name = "changing.djx"

    def read(self, size=-1):
        return self.current.read(size)

    def seekable(self):
        return True

    def tell(self):
        return self.current.tell()

    def seek(self, offset, whence=0):
        if self.current is self.first:
            self.current = io.BytesIO(self.second)
        return self.current.seek(offset, whence)


def test_an_archive_changed_between_the_passes_is_undone(connection, schema_name, tmp_path):
    first = three_tables(tmp_path / "a.djx", last_rows=[["3"]]).read_bytes()
    other = build(tmp_path / "b.djx", [("src", "parent", model(column("p")), [["1"], ["2"]]),
                                       ("src", "child", model(column("q")), [["8"], ["9"]]),
                                       ("src", "last", model(column("z")), [["3"]])]).read_bytes()
    fresh = schema_name("changed")
    with pytest.raises(ArchiveError, match=r"changed while it was imported.*src\.child") as failure:
        archive.import_archive(_ChangingFile(first, other), rename={"src": fresh}, progress=False)
    assert "dropped" in str(failure.value)
    assert not schema_exists(connection, fresh)


def test_progress_bars_for_check_and_both_passes_of_import(connection, schema_name, tmp_path, capsys):
    path = three_tables(tmp_path / "bar.djx", last_rows=[["3"]])
    archive.verify_archive(path, progress=True)
    assert "checking" in capsys.readouterr().err
    archive.import_archive(path, rename={"src": schema_name("bar")}, progress=True)
    err = capsys.readouterr().err
    assert "checking" in err and "import:" in err and "/5 " in err


def test_a_file_object_is_read_from_where_it_stands(connection, schema_name, tmp_path):
    """Both passes start at the archive, not at the start of the file that holds it."""
    data = three_tables(tmp_path / "inner.djx", last_rows=[["3"]]).read_bytes()
    stream = io.BytesIO(b"preamble" + data)
    stream.read(8)
    fresh = schema_name("inner")
    assert archive.import_archive(stream, rename={"src": fresh}, progress=False)["rows"] == 5


def test_the_undo_leaves_what_others_created_meanwhile(connection, schema_name, tmp_path):
    """A schema this import created is dropped only if nothing else is in it: another client's
    table, created there during the import, survives the undo (and so does the schema)."""
    path = _not_null_in_second_table(tmp_path)
    fresh, other = schema_name("shared"), schema_name("sharedtwo")
    s = connection_settings()
    bystander = pymysql.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                                autocommit=True)

    def meanwhile(table, rows):
        if table.endswith("`parent`"):
            bystander.cursor().execute(f"CREATE TABLE IF NOT EXISTS `{fresh}`.`theirs` (k int PRIMARY KEY)")

    try:
        with pytest.raises(ArchiveError, match="cannot be null") as failure:
            archive.import_archive(path, rename={"src": fresh, "two": other}, progress=False, on_batch=meanwhile)
    finally:
        bystander.close()
    message = str(failure.value)
    assert f"`{fresh}`.`parent`" in message and f"`{other}`" in message \
        and f"`{fresh}`," not in message and f"others wrote into meanwhile: `{fresh}`." in message
    assert tables_in(connection, fresh) == ["theirs"]
    assert not schema_exists(connection, other)


def test_an_undo_that_the_server_refuses_names_what_is_left(connection, schema_name, tmp_path):
    """Another client's table references one this import created: the server refuses to drop it,
    and the error names what is left for the user to drop by hand."""
    fresh, theirs = schema_name("pinned"), schema_name("theirs")
    connection.query(f"CREATE DATABASE `{theirs}`", args=None)
    s = connection_settings()
    bystander = pymysql.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                                autocommit=True)

    def meanwhile(table, rows):
        if table.endswith("`child`"):  # parent is committed by now
            bystander.cursor().execute(f"CREATE TABLE IF NOT EXISTS `{theirs}`.`ref` (p int PRIMARY KEY, "
                                       f"FOREIGN KEY (p) REFERENCES `{fresh}`.`parent` (p))")

    def child(fk):
        return model(column("p"), column("c", "varchar(20)"), primary_key=["p"],
                     foreign_keys=[dict(name=fk, columns=["p"], schema="src", table="parent", referenced=["p"])])

    path = build(tmp_path / "pinned.djx", [("src", "parent", model(column("p")), [["1"], ["2"]]),
                                           ("src", "child", child("c_fk"), [["1", "x"]]),
                                           ("src", "more", child("m_fk"), [["1", "x"], ["2", None]])])
    try:
        with pytest.raises(ArchiveError, match="cannot be null") as failure:
            archive.import_archive(path, rename={"src": fresh}, progress=False, on_batch=meanwhile)
    finally:
        bystander.close()
    message = str(failure.value)
    assert "Undoing the import failed" in message and f"drop by hand what it created: `{fresh}`.`parent`, " \
        f"`{fresh}`." in message, message
    assert tables_in(connection, fresh) == ["parent"]  # `more` and `child` were dropped


class _FailingFile(_ChangingFile):
    """Reads once; the second pass meets a read error (a network file system went away)."""

    def read(self, size=-1):
        if self.current is not self.first:
            raise OSError(5, "Input/output error")
        return super().read(size)


def test_a_read_error_in_the_second_pass_is_undone(connection, schema_name, tmp_path):
    data = three_tables(tmp_path / "a.djx", last_rows=[["3"]]).read_bytes()
    fresh = schema_name("eio")
    with pytest.raises(ArchiveError, match="Cannot read changing.djx: Input/output error.*created nothing"):
        archive.import_archive(_FailingFile(data, data), rename={"src": fresh}, progress=False)
    assert not schema_exists(connection, fresh)


def test_foreign_key_names_are_unique_in_a_schema(tmp_path):
    """The server would refuse the second CREATE TABLE after the first was created; the check
    pass refuses the archive instead."""
    def child(fk):
        return model(column("p"), foreign_keys=[dict(name=fk, columns=["p"], schema="src", table="parent",
                                                      referenced=["p"])])
    tables = [("src", "parent", model(column("p")), []), ("src", "a", child("fk"), []), ("src", "b", child("fk"), [])]
    with pytest.raises(ArchiveError, match=r"src\.b .*foreign key 'fk' like an earlier table of schema 'src'"):
        archive.verify_archive(build(tmp_path / "fk.djx", tables))
    tables[2] = ("src", "b", child("fk2"), [])
    assert archive.verify_archive(build(tmp_path / "fk2.djx", tables))["tables"] == 3


def test_a_killed_connection_is_reported_with_what_is_left(connection, schema_name, tmp_path):
    """The server kills the importer's connection in the middle of a table: the undo runs on the
    reconnected connection, and the error says so."""
    s = connection_settings()
    importer = Connection(s["host"], s["user"], s["password"], port=s["port"])
    victim = importer.query("SELECT CONNECTION_ID()").fetchone()[0]
    path = _not_null_in_second_table(tmp_path)
    fresh, other = schema_name("killed"), schema_name("killedtwo")

    def kill(table, rows):
        if table.endswith("`parent`"):
            connection.query(f"KILL {int(victim)}", args=None)

    with pytest.raises(ArchiveError) as failure:
        archive.import_archive(path, rename={"src": fresh, "two": other}, progress=False, on_batch=kill,
                               connection=importer)
    message = str(failure.value)
    assert "connection to the server was lost" in message and "Nothing of this import was kept" in message, message
    assert not schema_exists(connection, fresh) and not schema_exists(connection, other)
    importer.close()
