"""Headings read from the server, cross-checked attribute by attribute with DataJoint 0.14."""
import numpy as np
import pytest

from datajoint_interop.errors import MissingTableError
from datajoint_interop.heading import Heading, make_attribute
from datajoint_interop.table import FreeTable

import datajoint as dj14  # the 0.14 oracle (test dependency)

DDL = '''CREATE TABLE {db}.t (
id int(11) NOT NULL AUTO_INCREMENT COMMENT "the id",
u tinyint unsigned NOT NULL DEFAULT 3,
big bigint unsigned NOT NULL DEFAULT 0,
f float NOT NULL DEFAULT 1.5,
d double DEFAULT NULL,
dec1 decimal(5,2) NOT NULL DEFAULT 0.50,
s varchar(8) NOT NULL DEFAULT "25x" COMMENT "lens: with colon",
e enum('a','b') NOT NULL DEFAULT 'a',
dt date DEFAULT NULL,
ts timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
tag binary(16) NOT NULL COMMENT ":uuid:rfid tag",
img longblob DEFAULT NULL,
att longblob DEFAULT NULL COMMENT ":attach:photo",
b tinyint(1) NOT NULL DEFAULT 1,
PRIMARY KEY (id, tag)) COMMENT "my table"'''


@pytest.fixture(scope="module")
def table(connection, db_prefix):
    db = f"{db_prefix}_h4_heading"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(DDL.format(db=f"`{db}`"))
    return FreeTable(connection, f"{db}.t")


def test_heading_matches_datajoint_014(table, connection):
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port, use_tls=False)
    theirs = dj14.FreeTable(c14, table.full_table_name).heading
    ours = table.heading
    assert ours.names == theirs.names
    assert ours.primary_key == theirs.primary_key == ["id", "tag"]
    assert ours.table_comment == "my table"
    for name in ours.names:
        a, b = ours[name], theirs.attributes[name]
        assert (a.type, a.in_key, a.nullable, a.comment, a.autoincrement, a.numeric, a.string) == \
            (b.type, b.in_key, b.nullable, b.comment, b.autoincrement, b.numeric, b.string), name
        assert (a.is_blob, a.is_uuid, a.is_attachment, a.is_external) == (b.is_blob, b.uuid, b.is_attachment, b.is_external), name
        if name != "ts":  # 0.14 wraps MariaDB's current_timestamp() in quotes; we keep it bare SQL
            assert a.default == b.default, name
    assert ours["ts"].default.lower().startswith("current_timestamp")
    c14.close()


def test_heading_details(table):
    h = table.heading
    assert h["id"].sql_type == "int" and h["b"].sql_type == "tinyint"
    assert h["tag"].sql_type == "binary(16)" and h["tag"].type == "uuid"
    assert h["att"].sql_type == "longblob" and not h["att"].is_blob
    assert h.blobs == ["img"]
    assert "img" not in h.non_blobs and "att" not in h.non_blobs and "s" in h.non_blobs
    assert h["big"].dtype == np.dtype(np.uint64) and h["u"].dtype == np.dtype(np.int64)
    assert h["d"].dtype == np.dtype(np.float64) and h["dec1"].dtype == np.dtype(object)
    assert h.secondary_attributes[0] == "u"
    assert "s" in h and "nope" not in h and list(h) == h.names
    assert "# my table" in repr(h)


def test_missing_table_raises(connection, table):
    with pytest.raises(MissingTableError, match="nope"):
        Heading.from_database(connection, table.database, "nope")
    assert not FreeTable(connection, f"{table.database}.nope").is_declared
    assert table.is_declared and table.size_on_disk > 0


def test_external_and_unknown_markers():
    a = make_attribute("ext", "binary(16)", comment=":blob@shared:big data")
    assert (a.is_external, a.store, a.is_blob, a.comment, a.type) == (True, "shared", True, "big data", "blob@shared")
    f = make_attribute("fp", "binary(16)", comment=":filepath@shared:")
    assert f.is_filepath and f.is_external and not f.is_blob
    g = make_attribute("g", "longblob", comment=":<graph>:adapted")
    assert g.unsupported and g.type == "<graph>"
    assert make_attribute("x", "int(10) unsigned").sql_type == "int unsigned"
    assert make_attribute("y", "float(8,3)").sql_type == "float"


def test_from_attributes_understands_special_types():
    h = Heading.from_attributes([
        dict(name="id", type="uuid", in_key=True, comment="rfid"),
        dict(name="doc", type="attach", nullable=True),
        dict(name="ext", type="blob@shared"),
        dict(name="n", sql_type="int(11) unsigned"),
    ])
    assert (h["id"].sql_type, h["id"].is_uuid, h["id"].comment, h["id"].in_key) == ("binary(16)", True, "rfid", True)
    assert h["doc"].is_attachment and h["doc"].sql_type == "longblob" and not h["doc"].is_blob
    assert h["ext"].is_external and h["ext"].store == "shared"
    assert h["n"].type == "int unsigned" and h.primary_key == ["id"]
