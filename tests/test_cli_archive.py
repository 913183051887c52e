"""`dji export` / `dji import` / `dji tables` / `dji schemas` / `dji jobs` against the real server."""
import pytest

from datajoint_interop.cli import main
from datajoint_interop.cli.inspect import tier_and_class


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small(connection, schema_name):
    db = schema_name("cli")
    connection.query(f"CREATE DATABASE `{db}`", args=None)
    connection.query(f"CREATE TABLE `{db}`.`#kind` (k int PRIMARY KEY) COMMENT 'kinds'", args=None)
    connection.query(f"CREATE TABLE `{db}`.`item` (k int, i int, b longblob, PRIMARY KEY (k, i), "
                     f"FOREIGN KEY (k) REFERENCES `#kind` (k))", args=None)
    connection.query(f"CREATE TABLE `{db}`.`__item__part` (k int, i int, p int, PRIMARY KEY (k, i, p), "
                     f"FOREIGN KEY (k, i) REFERENCES `item` (k, i))", args=None)
    connection.query(f"INSERT INTO `{db}`.`#kind` VALUES (1), (2)", args=None)
    connection.query(f"INSERT INTO `{db}`.`item` VALUES (1, 1, %s), (1, 2, NULL), (2, 1, %s)",
                     (b"\x00\x01blob", bytes(range(256))))
    return db


def test_export_import_commands(connection, small, schema_name, tmp_path, capsys):
    path = tmp_path / "small.djx"
    code, out, err = run(capsys, "export", small, "-o", path, "--no-progress")
    assert code == 0, err
    assert "3 tables, 5 rows" in out
    code, out, _ = run(capsys, "import", path, "--check")
    assert code == 0 and "all checksums verified" in out
    copy = schema_name("clicopy")
    code, out, err = run(capsys, "import", path, "--rename", f"{small}={copy}", "--no-progress")
    assert code == 0, err
    assert "Imported 3 tables (5 rows)" in out
    for table in ("#kind", "item"):
        assert (connection.query(f"SELECT * FROM `{copy}`.`{table}` ORDER BY 1", args=None).fetchall()
                == connection.query(f"SELECT * FROM `{small}`.`{table}` ORDER BY 1", args=None).fetchall())
    code, out, _ = run(capsys, "import", path, "--rename", f"{small}={copy}", "--no-progress")
    assert code == 0 and "2 already complete, skipped" in out  # the empty part table is simply re-verified

    restricted = tmp_path / "one.djx"
    code, out, err = run(capsys, "export", small, "-o", restricted, "--restrict", "Item: i = 2", "--no-progress")
    assert code == 0, err
    assert "2 rows" in out  # item (1,2) and kind 1


def test_archive_errors_exit_cleanly(small, tmp_path, capsys):
    bad = tmp_path / "bad.djx"
    bad.write_bytes(b"not an archive at all")
    code, _, err = run(capsys, "import", bad)
    assert code == 1 and "dji: error:" in err and "djx" in err
    code, _, err = run(capsys, "export", "djtest_missing_schema_q", "-o", tmp_path / "x.djx", "--no-progress")
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "import", tmp_path / "nothing.djx", "--check")
    assert code == 1 and "Cannot read" in err
    code, _, err = run(capsys, "export", small, "-o", tmp_path / "no" / "dir" / "x.djx", "--no-progress")
    assert code == 1 and "Cannot write" in err


def test_tables_and_schemas(connection, small, capsys):
    code, out, _ = run(capsys, "schemas")
    assert code == 0 and small in out.split()
    code, out, _ = run(capsys, "tables", small, "--no-progress")
    assert code == 0
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:-1]}
    assert lines["#kind"][1:4] == ["lookup", "Kind", "2"]
    assert lines["item"][1:4] == ["manual", "Item", "3"]
    assert lines["__item__part"][1:4] == ["part", "Item.Part", "0"]
    code, _, err = run(capsys, "tables", "djtest_missing_schema_q")
    assert code == 1 and "does not exist" in err


def test_jobs_listing(connection, small, capsys):
    code, out, _ = run(capsys, "jobs", small)
    assert code == 0 and "no job table" in out
    connection.query(
        f"CREATE TABLE `{small}`.`~jobs` (table_name varchar(255) NOT NULL, key_hash char(32) NOT NULL, "
        "status enum('reserved','error','ignore') NOT NULL, `key` blob, error_message varchar(2047) NOT NULL DEFAULT '', "
        "error_stack mediumblob, user varchar(255) NOT NULL DEFAULT '', host varchar(255) NOT NULL DEFAULT '', "
        "pid int unsigned NOT NULL DEFAULT 0, connection_id bigint unsigned NOT NULL DEFAULT 0, "
        "timestamp timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (table_name, key_hash))", args=None)
    connection.query(f"INSERT INTO `{small}`.`~jobs` (table_name, key_hash, status, error_message, user) VALUES "
                     "('__item__part', 'a1', 'error', %s, 'me@h'), ('__item__part', 'b2', 'reserved', '', 'you@h')",
                     ("ValueError: " + "x" * 300,))
    code, out, _ = run(capsys, "jobs", small)
    assert code == 0 and "1 reserved, 1 error" in out
    assert "ValueError: xxx" in out and "x" * 200 not in out
    code, out, _ = run(capsys, "jobs", small, "--status", "error", "--full")
    assert "a1" in out and "b2" not in out and "x" * 300 in out
    code, _, err = run(capsys, "jobs", "djtest_missing_schema_q")
    assert code == 1 and "does not exist" in err


def test_tier_and_class_names():
    assert tier_and_class("two_photon_scan") == ("manual", "TwoPhotonScan")
    assert tier_and_class("#lens") == ("lookup", "Lens")
    assert tier_and_class("_scan") == ("imported", "Scan")
    assert tier_and_class("__scan__unit") == ("part", "Scan.Unit")
    assert tier_and_class("~jobs") == ("hidden", "~jobs")


def test_names_with_percent_signs(connection, schema_name, tmp_path, capsys):
    db = schema_name("pct%d")
    connection.query(f"CREATE DATABASE `{db}`", args=None)
    connection.query(f"CREATE TABLE `{db}`.`rate%s` (`a%s` int PRIMARY KEY, b blob)", args=None)
    connection.query(f"INSERT INTO `{db.replace('%', '%%')}`.`rate%%s` VALUES (%s, %s)", (1, b"%s%d"))
    connection.query(f"CREATE TABLE `{db}`.`~jobs` (table_name varchar(255) NOT NULL, key_hash char(32) NOT NULL, "
                     "status enum('reserved','error','ignore') NOT NULL, error_message varchar(2047) NOT NULL "
                     "DEFAULT '', user varchar(255) NOT NULL DEFAULT '', host varchar(255) NOT NULL DEFAULT '', "
                     "pid int unsigned NOT NULL DEFAULT 0, timestamp timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, "
                     "PRIMARY KEY (table_name, key_hash))", args=None)
    connection.query(f"INSERT INTO `{db}`.`~jobs` (table_name, key_hash, status) VALUES ('rate%s', 'k', 'error')", args=None)
    code, out, err = run(capsys, "jobs", db, "--status", "error")
    assert code == 0 and "rate%s" in out, err
    path = tmp_path / "pct.djx"
    assert run(capsys, "export", db, "-o", path, "--no-progress")[0] == 0
    copy = schema_name("pct%copy")
    code, out, err = run(capsys, "import", path, "--rename", f"{db}={copy}", "--no-progress")
    assert code == 0, err
    assert connection.query(f"SELECT * FROM `{copy}`.`rate%s`", args=None).fetchall() == ((1, b"%s%d"),)
