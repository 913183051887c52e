"""Export/import archives against the real server: byte-exact round trips, restricted closures,
resumption after a killed import, and refusal of corrupt or foreign archives."""
import os
import random
import signal
import subprocess
import sys
import textwrap

import msgpack
import pytest

from datajoint_interop import archive
from datajoint_interop.archive_format import seal
from datajoint_interop.errors import ArchiveError, DataJointError, MissingTableError

from .conftest import connection_settings

MARK = b"\xde\xad\xbe\xef" * 8  # a recognizable blob, so a test can corrupt exactly its bytes
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def q(name):
    return "`" + name + "`"


def build_pipeline(connection, lab, extra):
    """Lookup, manual, part, renamed FKs, a cross-schema child, blobs, every common column type."""
    for db in (lab, extra):
        connection.query(f"CREATE DATABASE {q(db)}", args=None)
    L = q(lab)
    connection.query(f"CREATE TABLE {L}.`#species` (species_id tinyint unsigned NOT NULL, "
                     "name varchar(30) NOT NULL, PRIMARY KEY (species_id)) COMMENT 'species'", args=None)
    connection.query(
        f"CREATE TABLE {L}.`subject` (subject_id int NOT NULL, species_id tinyint unsigned NOT NULL, "
        "born date DEFAULT NULL, weight float DEFAULT NULL, height double DEFAULT NULL, "
        "price decimal(8,3) DEFAULT NULL, note varchar(255) NOT NULL DEFAULT '' COMMENT 'free text', "
        "sex enum('F','M','U') NOT NULL DEFAULT 'U', seen timestamp(6) NULL DEFAULT NULL, "
        "daily time(3) DEFAULT NULL, token binary(16) DEFAULT NULL COMMENT ':uuid:token', flags bit(7) DEFAULT NULL, "
        "PRIMARY KEY (subject_id), FOREIGN KEY (species_id) REFERENCES `#species` (species_id) "
        "ON UPDATE CASCADE ON DELETE RESTRICT)", args=None)
    connection.query(
        f"CREATE TABLE {L}.`session` (subject_id int NOT NULL, session smallint NOT NULL, "
        "data longblob COMMENT 'raw', PRIMARY KEY (subject_id, session), "
        f"FOREIGN KEY (subject_id) REFERENCES {L}.`subject` (subject_id) ON UPDATE CASCADE ON DELETE RESTRICT)", args=None)
    connection.query(
        f"CREATE TABLE {L}.`session__unit` (subject_id int NOT NULL, session smallint NOT NULL, "
        "unit int NOT NULL, spikes mediumblob NOT NULL, PRIMARY KEY (subject_id, session, unit), "
        "FOREIGN KEY (subject_id, session) REFERENCES `session` (subject_id, session))", args=None)
    connection.query(
        f"CREATE TABLE {L}.`pairing` (pair_id int NOT NULL, mother int NOT NULL, father int DEFAULT NULL, "
        "PRIMARY KEY (pair_id), FOREIGN KEY (mother) REFERENCES `subject` (subject_id), "
        "FOREIGN KEY (father) REFERENCES `subject` (subject_id))", args=None)
    connection.query(f"CREATE TABLE {L}.`~log` (id int PRIMARY KEY, event varchar(255) NOT NULL)", args=None)
    connection.query(f"CREATE TABLE {L}.`~jobs` (table_name varchar(255) NOT NULL, key_hash char(32) NOT NULL, "
                     "status enum('reserved','error','ignore') NOT NULL, PRIMARY KEY (table_name, key_hash))", args=None)
    connection.query(
        f"CREATE TABLE {q(extra)}.`__analysis` (subject_id int NOT NULL, session smallint NOT NULL, "
        "result longblob, PRIMARY KEY (subject_id, session), "
        f"FOREIGN KEY (subject_id, session) REFERENCES {L}.`session` (subject_id, session))", args=None)

    rng = random.Random(7)
    connection.query(f"INSERT INTO {L}.`#species` VALUES (1, 'mouse'), (2, 'rat'), (3, 'fly')", args=None)
    connection.query(
        f"INSERT INTO {L}.`subject` VALUES "
        "(1, 1, '2020-01-31', 0.1, 0.1, 12.345, 'Grüße, \"quoted\" ''x''', 'F', '2021-03-04 05:06:07.890123', "
        "'-10:00:00.250', %s, b'1010101'), "
        "(2, 1, NULL, NULL, 1e300, NULL, '', 'M', NULL, NULL, NULL, NULL), "
        "(3, 2, '1999-12-31', -3.25, -0.0, -0.001, 'percent %% and backslash \\\\', 'U', "
        "'2000-01-01 00:00:00', '838:59:59', %s, b'0'), "
        "(4, 1, NULL, 1.5, 2.5, 0, 'tab\\there', 'F', NULL, NULL, NULL, NULL)",
        (bytes(range(16)), b"\x00" * 16))
    sessions = [(1, 1), (1, 2), (2, 1), (3, 1), (3, 2)]
    for subject, session in sessions:
        connection.query(f"INSERT INTO {L}.`session` VALUES (%s, %s, %s)",
                         (subject, session, MARK if (subject, session) == (3, 2) else rng.randbytes(3000)))
        for unit in range(3):
            connection.query(f"INSERT INTO {L}.`session__unit` VALUES (%s, %s, %s, %s)",
                             (subject, session, unit, rng.randbytes(rng.randint(0, 5000))))
        connection.query(f"INSERT INTO {q(extra)}.`__analysis` VALUES (%s, %s, %s)",
                         (subject, session, None if subject == 2 else bytes([subject, session]) * 100))
    connection.query(f"INSERT INTO {L}.`pairing` VALUES (1, 1, 2), (2, 3, NULL), (3, 4, 2)", args=None)
    connection.query(f"INSERT INTO {L}.`~log` VALUES (1, 'created')", args=None)
    connection.query(f"INSERT INTO {L}.`~jobs` VALUES ('session', 'abc', 'error')", args=None)


TABLES = {"lab": ["#species", "subject", "session", "session__unit", "pairing"], "extra": ["__analysis"]}


@pytest.fixture(scope="module")
def pipeline(connection, db_prefix, tmp_path_factory):
    lab, extra = f"{db_prefix}_arc_lab", f"{db_prefix}_arc_extra"
    build_pipeline(connection, lab, extra)
    path = tmp_path_factory.mktemp("djx") / "lab.djx"
    summary = archive.export([lab, extra], path, progress=False)
    yield dict(lab=lab, extra=extra, path=path, summary=summary)
    for db in (extra, lab):  # the child schema first: its foreign keys pin the parent
        connection.query(f"DROP DATABASE IF EXISTS {q(db)}", args=None)


def rows(connection, db, table):
    return connection.query(f"SELECT * FROM {q(db)}.{q(table)} ORDER BY 1, 2", args=None).fetchall()


def assert_same_rows(connection, source, target, tables):
    for table in tables:
        expected = rows(connection, source, table)
        got = rows(connection, target, table)
        assert got == expected, table
        for a, b in zip(expected, got):  # blobs and binary columns byte for byte
            assert [type(v) for v in a] == [type(v) for v in b]


def test_export_import_roundtrip_under_new_names(connection, pipeline, schema_name):
    lab2, extra2 = schema_name("lab2"), schema_name("extra2")
    assert pipeline["summary"]["rows"] == 3 + 4 + 5 + 15 + 3 + 5
    result = archive.import_archive(pipeline["path"], rename={pipeline["lab"]: lab2, pipeline["extra"]: extra2},
                                    progress=False)
    assert result["rows"] == pipeline["summary"]["rows"] and not result["skipped"]
    assert_same_rows(connection, pipeline["lab"], lab2, TABLES["lab"])
    assert_same_rows(connection, pipeline["extra"], extra2, TABLES["extra"])
    assert rows(connection, lab2, "session")[-1][2] == MARK
    # hidden tables: ~log never, ~jobs only on request
    names = {r[0] for r in connection.query(f"SHOW TABLES FROM {q(lab2)}", args=None).fetchall()}
    assert names == set(TABLES["lab"])
    # every foreign key now points into the renamed schemas
    refs = connection.query(
        "SELECT DISTINCT REFERENCED_TABLE_SCHEMA FROM information_schema.KEY_COLUMN_USAGE "
        "WHERE TABLE_SCHEMA IN (%s, %s) AND REFERENCED_TABLE_NAME IS NOT NULL", (lab2, extra2)).fetchall()
    assert {r[0] for r in refs} == {lab2}
    for table in TABLES["lab"]:
        before = connection.query(f"SHOW CREATE TABLE {q(pipeline['lab'])}.{q(table)}", args=None).fetchone()[1]
        after = connection.query(f"SHOW CREATE TABLE {q(lab2)}.{q(table)}", args=None).fetchone()[1]
        assert after == before
    # importing the same archive again changes nothing and says so
    again = archive.import_archive(pipeline["path"], rename={pipeline["lab"]: lab2, pipeline["extra"]: extra2},
                                   progress=False)
    assert again["imported"] == [] and len(again["skipped"]) == 6


def test_include_jobs_and_header(connection, pipeline, tmp_path):
    path = tmp_path / "jobs.djx"
    archive.export(pipeline["lab"], path, include_jobs=True, progress=False)
    header = archive.archive_info(path)
    assert header["format"] == "djx" and header["version"] == 2
    assert f"{pipeline['lab']}.~jobs" in header["tables"]
    assert f"{pipeline['lab']}.~log" not in header["tables"]
    # parents come before children
    order = [t.split(".", 1)[1] for t in header["tables"]]
    assert order.index("#species") < order.index("subject") < order.index("session") < order.index("session__unit")


def test_restricted_export_takes_upstream_closure(connection, pipeline, schema_name, tmp_path):
    path = tmp_path / "restricted.djx"
    lab, extra = pipeline["lab"], pipeline["extra"]
    archive.export([lab, extra], path, restrictions=["Session: session = 2"], progress=False)
    lab2, extra2 = schema_name("rlab"), schema_name("rextra")
    archive.import_archive(path, rename=[f"{lab}={lab2}", f"{extra}={extra2}"], progress=False)

    def keys(db, table, n):
        return {r[:n] for r in rows(connection, db, table)}

    assert keys(lab2, "session", 2) == {(1, 2), (3, 2)}
    assert keys(lab2, "session__unit", 3) == {(s, 2, u) for s in (1, 3) for u in range(3)}  # downstream
    assert keys(extra2, "__analysis", 2) == {(1, 2), (3, 2)}  # downstream, other schema
    assert keys(lab2, "subject", 1) == {(1,), (3,)}  # upstream closure
    assert keys(lab2, "#species", 1) == {(1,), (2,)}  # closure of the closure
    assert keys(lab2, "pairing", 1) == set()  # unrelated to the restriction
    full = {r[:2]: r for r in rows(connection, lab, "session")}
    assert all(full[r[:2]] == r for r in rows(connection, lab2, "session"))


def test_restriction_targets_are_checked(connection, pipeline, tmp_path):
    with pytest.raises(DataJointError, match="matches no table"):
        archive.export(pipeline["lab"], tmp_path / "x.djx", restrictions={"Nope": "1"}, progress=False)
    with pytest.raises(DataJointError, match="Table: condition"):
        archive.export(pipeline["lab"], tmp_path / "x.djx", restrictions=["no colon"], progress=False)
    with pytest.raises(DataJointError, match="no ';'"):
        archive.export(pipeline["lab"], tmp_path / "x.djx", restrictions=["Subject: 1; DROP TABLE x"],
                       progress=False)
    assert not (tmp_path / "x.djx").exists() and not (tmp_path / "x.djx.part").exists()


def test_export_refuses_references_outside_the_archive(connection, pipeline, tmp_path):
    with pytest.raises(ArchiveError, match="outside the archive"):
        archive.export(pipeline["extra"], tmp_path / "x.djx", progress=False)
    with pytest.raises(MissingTableError, match="does not exist"):
        archive.export("djtest_no_such_schema_xyz", tmp_path / "x.djx", progress=False)


def flip(path, offset, target):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    return target


def test_one_corrupt_byte_in_a_blob_gives_checksum_error(connection, pipeline, schema_name, tmp_path):
    data = pipeline["path"].read_bytes()
    offset = data.index(MARK) + 5
    bad = flip(pipeline["path"], offset, tmp_path / "bad.djx")
    lab2, extra2 = schema_name("blab"), schema_name("bextra")
    with pytest.raises(ArchiveError, match="checksum error for table .*session"):
        archive.import_archive(bad, rename={pipeline["lab"]: lab2, pipeline["extra"]: extra2}, progress=False)
    # the whole archive is checked before anything is created: nothing was
    for name in (lab2, extra2):
        assert connection.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=%s",
                                (name,)).fetchone()[0] == 0
    with pytest.raises(ArchiveError, match="checksum"):
        archive.verify_archive(bad)


def test_any_flipped_byte_is_detected(pipeline, tmp_path):
    size = pipeline["path"].stat().st_size
    for offset in sorted(random.Random(3).sample(range(size), 40)) + [0, 10, size - 1]:
        bad = flip(pipeline["path"], offset, tmp_path / "flip.djx")
        with pytest.raises(ArchiveError):
            archive.verify_archive(bad)


def test_unknown_version_and_foreign_files_are_refused(tmp_path, pipeline):
    future = tmp_path / "future.djx"
    future.write_bytes(msgpack.packb(seal(dict(kind="header", format="djx", version=3, schemas=[], tables=[]))))
    with pytest.raises(ArchiveError, match="version 3"):
        archive.import_archive(future, progress=False)
    other = tmp_path / "other.djx"
    other.write_bytes(b"PK\x03\x04 this is a zip file")
    with pytest.raises(ArchiveError, match="not a djx archive|corrupt"):
        archive.import_archive(other, progress=False)
    empty = tmp_path / "empty.djx"
    empty.write_bytes(b"")
    with pytest.raises(ArchiveError, match="empty"):
        archive.verify_archive(empty)
    cut = tmp_path / "cut.djx"
    cut.write_bytes(pipeline["path"].read_bytes()[:-20])
    with pytest.raises(ArchiveError, match="truncated|corrupt"):
        archive.verify_archive(cut)


def test_import_refuses_conflicting_existing_rows_and_bad_renames(connection, pipeline, schema_name):
    with pytest.raises(DataJointError, match="not in the archive"):
        archive.import_archive(pipeline["path"], rename={"nope": "x"}, progress=False)
    with pytest.raises(DataJointError, match="Invalid rename"):
        archive.import_archive(pipeline["path"], rename=["nope"], progress=False)
    with pytest.raises(DataJointError, match="merge"):
        archive.import_archive(pipeline["path"], rename={pipeline["lab"]: pipeline["extra"]}, progress=False)
    with pytest.raises(DataJointError, match="Invalid new schema name"):
        archive.import_archive(pipeline["path"], rename={pipeline["lab"]: "a`b"}, progress=False)
    lab2, extra2 = schema_name("clab"), schema_name("cextra")
    connection.query(f"CREATE DATABASE {q(lab2)}", args=None)
    connection.query(f"CREATE TABLE {q(lab2)}.`#species` (species_id tinyint unsigned NOT NULL, "
                     "name varchar(30) NOT NULL, PRIMARY KEY (species_id))", args=None)
    connection.query(f"INSERT INTO {q(lab2)}.`#species` VALUES (9, 'other')", args=None)
    with pytest.raises(ArchiveError, match="differ from the archive"):
        archive.import_archive(pipeline["path"], rename={pipeline["lab"]: lab2, pipeline["extra"]: extra2},
                               progress=False)


KILLED_IMPORT = textwrap.dedent("""
    import sys, time
    import datajoint_interop as dj
    from datajoint_interop import archive
    host, port, user, password, path, old, new, old2, new2 = sys.argv[1:]
    dj.config["database.host"], dj.config["database.port"] = host, int(port)
    dj.config["database.user"], dj.config["database.password"] = user, password
    def on_batch(table, done):
        if table.endswith("`session__unit`") and done >= 4:
            print("MARKER", table, done, flush=True)
            time.sleep(120)
    archive.import_archive(path, rename={old: new, old2: new2}, batch_bytes=6000, progress=False,
                           on_batch=on_batch)
    print("FINISHED", flush=True)
""")


def test_killed_import_resumes(connection, pipeline, schema_name, tmp_path):
    lab2, extra2 = schema_name("klab"), schema_name("kextra")
    s = connection_settings()
    script = tmp_path / "killed_import.py"
    script.write_text(KILLED_IMPORT)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen(
        [sys.executable, str(script), s["host"], str(s["port"]), s["user"], s["password"], str(pipeline["path"]),
         pipeline["lab"], lab2, pipeline["extra"], extra2], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline()
        assert line.startswith("MARKER"), line
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    # tables before the interrupted one were committed; it holds nothing (rolled back by the server)
    order = archive.archive_info(pipeline["path"])["tables"]
    done = [t.split(".", 1)[1] for t in order[:order.index(pipeline["lab"] + ".session__unit")]]
    assert {"#species", "subject", "session"} <= set(done)
    assert_same_rows(connection, pipeline["lab"], lab2, [t for t in done if t in TABLES["lab"]])
    assert rows(connection, lab2, "session__unit") == ()
    result = archive.import_archive(pipeline["path"], rename={pipeline["lab"]: lab2, pipeline["extra"]: extra2},
                                    progress=False)
    skipped = {name.split(".")[1].strip("`") for name in result["skipped"]}
    assert skipped == set(done)
    assert [name.split(".")[1].strip("`") for name in result["imported"]] == [
        t.split(".", 1)[1] for t in order[len(done):]]
    assert_same_rows(connection, pipeline["lab"], lab2, TABLES["lab"])
    assert_same_rows(connection, pipeline["extra"], extra2, TABLES["extra"])


def test_reader_account_can_export(connection, pipeline, tmp_path):
    import uuid

    import datajoint_interop as dj
    from datajoint_interop import admin
    name, password = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin.create_user(name, password, connection=connection)
    try:
        for db in (pipeline["lab"], pipeline["extra"]):
            admin.grant(name, db.replace("_", "\\_"), "reader", connection=connection)
        s = connection_settings()
        reader = dj.Connection(s["host"], name, password, port=s["port"])
        try:
            summary = archive.export([pipeline["lab"], pipeline["extra"]], tmp_path / "r.djx",
                                     connection=reader, progress=False)
        finally:
            reader.close()
        assert summary["rows"] == pipeline["summary"]["rows"]
        assert archive.verify_archive(tmp_path / "r.djx")["rows"] == summary["rows"]
    finally:
        admin.drop_user(name, connection=connection)


def test_restricted_closure_follows_renamed_foreign_keys(connection, pipeline, schema_name, tmp_path):
    path = tmp_path / "pair.djx"
    lab = pipeline["lab"]
    summary = archive.export(lab, path, restrictions={f"{lab}.pairing": "pair_id = 3"}, progress=False)
    lab2 = schema_name("plab")
    archive.import_archive(path, rename={lab: lab2}, progress=False)
    assert [r[0] for r in rows(connection, lab2, "pairing")] == [3]
    assert [r[0] for r in rows(connection, lab2, "subject")] == [2, 4]  # mother 4 and father 2
    assert [r[0] for r in rows(connection, lab2, "#species")] == [1]
    assert rows(connection, lab2, "session") == ()
    assert summary["rows"] == 4


def test_pipeline_declared_with_the_python_api(connection, schema_name, tmp_path):
    """Tables declared by dj.Schema, filled by populate, come back fetchable through a virtual module."""
    import numpy as np

    import datajoint_interop as dj
    source, target = schema_name("apisrc"), schema_name("apidst")
    schema = dj.Schema(source, connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = """
        animal_id : int
        ---
        weight : float
        """

    @schema
    class Trace(dj.Computed):
        definition = """
        -> Animal
        ---
        trace : longblob
        """

        def make(self, key):
            self.insert1(dict(key, trace=np.arange(key["animal_id"] * 3.0).reshape(-1, 3)))

    Animal.insert([(1, 2.5), (2, 3.5), (3, 4.5)])
    Trace.populate()
    restricted = archive.export(schema, tmp_path / "one.djx", restrictions={Trace: ["animal_id > 1", "animal_id < 3"]},
                                progress=False)
    assert restricted["rows"] == 2  # trace 2 and animal 2
    (Animal & "animal_id = 3").delete(safemode=False)
    summary = archive.export(schema, tmp_path / "api.djx", progress=False)
    assert summary["rows"] == 4
    assert archive.archive_info(tmp_path / "api.djx")["tables"] == [f"{source}.animal", f"{source}.__trace"]
    archive.import_archive(tmp_path / "api.djx", rename={source: target}, progress=False)
    copy = dj.create_virtual_module("copy", target, connection=connection)
    fetched = copy.Trace.fetch(order_by="animal_id", as_dict=True)
    assert [r["animal_id"] for r in fetched] == [1, 2]
    np.testing.assert_array_equal(fetched[1]["trace"], np.arange(6.0).reshape(2, 3))
    assert_same_rows(connection, source, target, ["animal", "__trace"])


def test_table_models_reproduce_every_column_feature(connection, schema_name, tmp_path):
    """Export reads a structured model and import rebuilds the table from it: the result is the
    same table, down to SHOW CREATE TABLE (defaults, charsets, keys, indexes, rules, comments)."""
    source, target = schema_name("feat"), schema_name("featcopy")
    S = q(source)
    connection.query(f"CREATE DATABASE {S}", args=None)
    connection.query(f"CREATE TABLE {S}.`#kind` (k smallint(5) unsigned zerofill NOT NULL, "
                     "PRIMARY KEY (k)) ENGINE=InnoDB COMMENT 'kinds'", args=None)
    connection.query(
        f"CREATE TABLE {S}.`thing` (id int NOT NULL AUTO_INCREMENT, k smallint(5) unsigned zerofill DEFAULT NULL, "
        "up int DEFAULT NULL, label varchar(40) NOT NULL DEFAULT 'it''s \\\\ \"q\"\\n%s', "
        "code char(3) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'abc', "
        "price decimal(9,3) DEFAULT -1.250, ratio double DEFAULT 1e-5, small float(7,3) DEFAULT NULL, "
        "flags bit(5) DEFAULT b'10101', tags set('a','b''c') DEFAULT 'a', "
        "mood enum('ok','it''s') NOT NULL DEFAULT 'ok' COMMENT 'with ''quote''', "
        "doc json DEFAULT NULL, y year DEFAULT 2024, "
        "made timestamp(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3), "
        "body mediumtext, raw varbinary(300) DEFAULT NULL, "
        "PRIMARY KEY (id), UNIQUE KEY by_label (label, code), KEY prefix (body(10), raw(4)), "
        f"CONSTRAINT kind_fk FOREIGN KEY (k) REFERENCES {S}.`#kind` (k) ON DELETE SET NULL ON UPDATE CASCADE, "
        "CONSTRAINT up_fk FOREIGN KEY (up) REFERENCES `thing` (id) ON DELETE CASCADE"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT 'a \"thing\" ''here'''", args=None)
    connection.query(f"INSERT INTO {S}.`#kind` VALUES (7)", args=None)
    connection.query(f"INSERT INTO {S}.`thing` (k, label, doc, body) VALUES (7, 'x', '{{\"a\": 1}}', 'long text')", args=None)
    connection.query(f"INSERT INTO {S}.`thing` (up, label) VALUES (1, 'y')", args=None)
    path = tmp_path / "feat.djx"
    archive.export(source, path, progress=False)
    archive.import_archive(path, rename={source: target}, progress=False)
    for table in ("#kind", "thing"):
        before = connection.query(f"SHOW CREATE TABLE {S}.{q(table)}", args=None).fetchone()[1]
        after = connection.query(f"SHOW CREATE TABLE {q(target)}.{q(table)}", args=None).fetchone()[1]
        assert after == before
        assert (connection.query(f"SELECT * FROM {q(target)}.{q(table)} ORDER BY 1", args=None).fetchall()
                == connection.query(f"SELECT * FROM {S}.{q(table)} ORDER BY 1", args=None).fetchall())


@pytest.mark.parametrize("definition, why", [
    ("a int PRIMARY KEY, b int AS (a + 1) VIRTUAL", "generated"),
    ("a int PRIMARY KEY, b int, CONSTRAINT positive CHECK (b > 0)", "CHECK constraint 'positive'"),
    ("a int PRIMARY KEY, t text, FULLTEXT KEY ft (t)", "FULLTEXT"),
    ("a int PRIMARY KEY, b int DEFAULT (a * 2)", "default"),
])
def test_export_refuses_what_a_model_cannot_carry(connection, schema_name, tmp_path, definition, why):
    db = schema_name("nomodel")
    connection.query(f"CREATE DATABASE {q(db)}", args=None)
    connection.query(f"CREATE TABLE {q(db)}.`t` ({definition})", args=None)
    with pytest.raises(ArchiveError, match=f"Cannot export {db}.t: .*{why}"):
        archive.export(db, tmp_path / "x.djx", progress=False)
    assert not (tmp_path / "x.djx").exists()
