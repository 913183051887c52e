"""External storage cross-checked with DataJoint for Python 0.14 (the oracle) on one store directory.

Each side writes, the other reads: the same object files (same MD5 names, same bytes), the same
~external_<store> rows, and cleanup by either side removes only what nobody references.
"""
import hashlib
from pathlib import Path

import numpy as np
import pytest

import datajoint as dj14  # the 0.14 oracle (test dependency)
import datajoint_interop as dj
from datajoint_interop import blob

DEFINITION = """
id : int
---
img = null : blob@shared
doc = null : attach@shared
note = null : attach
"""


@pytest.fixture
def both(connection, schema_name, tmp_path):
    location = tmp_path / "store"
    location.mkdir()
    saved = dj.config["stores"], dict(dj14.config.get("stores") or {})
    dj.config["stores"] = {"shared": {"protocol": "file", "location": str(location)}}
    dj14.config["stores"] = {"shared": {"protocol": "file", "location": str(location)}}
    dj14.config["safemode"] = False
    name = schema_name("extoracle")
    ours = dj.Schema(name, connection=connection)

    @ours
    class Ours(dj.Manual):
        definition = DEFINITION

    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    theirs = dj14.Schema(name, connection=c14)

    @theirs
    class Theirs(dj14.Manual):
        definition = DEFINITION

    # each side also opens the other's table
    yield dict(schema=ours, schema14=theirs, location=location, ours=Ours, theirs=Theirs,
               ours_on_theirs=dj.FreeTable(connection, f"`{name}`.`theirs`"),
               theirs_on_ours=dj14.FreeTable(c14, f"`{name}`.`ours`"))
    c14.close()
    dj.config["stores"] = saved[0]
    dj14.config["stores"] = saved[1]


def _files(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def _attachment(tmp_path, name, data):
    path = tmp_path / "src" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def test_same_declaration_of_external_table(both, connection):
    db = both["schema"].database
    rows = connection.query(f"SHOW CREATE TABLE `{db}`.`~external_shared`").fetchone()[1]
    # declared by us (first); 0.14 found it compatible and uses it
    assert "external storage tracking" in rows
    assert both["schema14"].external["shared"].heading.names == both["schema"].external["shared"].heading.names


def test_we_write_they_read(both, tmp_path):
    value = np.arange(20, dtype=np.int32).reshape(4, 5)
    doc = _attachment(tmp_path, "report.pdf", b"%PDF-1.4 pretend")
    note = _attachment(tmp_path, "note.txt", b"plain note")
    both["ours"].insert1(dict(id=1, img=value, doc=doc, note=note))
    out = tmp_path / "theirs_out"
    row = (both["theirs_on_ours"] & "id=1").fetch1(download_path=str(out))
    np.testing.assert_array_equal(row["img"], value)
    assert row["img"].dtype == np.int32
    assert Path(row["doc"]).read_bytes() == b"%PDF-1.4 pretend" and Path(row["doc"]).name == "report.pdf"
    assert Path(row["note"]).read_bytes() == b"plain note" and Path(row["note"]).name == "note.txt"
    # 0.14 finds the same paths for the tracked objects
    theirs_paths = sorted(str(p) for _, p in both["schema14"].external["shared"].fetch_external_paths())
    ours_paths = sorted(str(p) for _, p in both["schema"].external["shared"].fetch_external_paths())
    assert theirs_paths == ours_paths and len(ours_paths) == 2


def test_they_write_we_read(both, tmp_path):
    value = {"x": np.linspace(0, 1, 7), "label": "trial"}
    doc = _attachment(tmp_path, "movie.bin", bytes(range(256)) * 10)
    note = _attachment(tmp_path, "n.txt", b"from 0.14")
    both["theirs"].insert1(dict(id=5, img=value, doc=str(doc), note=str(note)))
    out = tmp_path / "ours_out"
    row = (both["ours_on_theirs"] & "id=5").fetch1(download_path=out)
    np.testing.assert_array_equal(row["img"]["x"], value["x"])
    assert row["img"]["label"] == "trial"
    assert Path(row["doc"]).read_bytes() == bytes(range(256)) * 10
    assert Path(row["note"]).read_bytes() == b"from 0.14"


def test_same_files_and_hashes_both_ways(both, tmp_path):
    value = np.random.default_rng(1).normal(size=(30, 30))
    doc = _attachment(tmp_path, "same.dat", b"identical contents")
    both["ours"].insert1(dict(id=1, img=value, doc=doc))
    mine = _files(both["location"])
    both["theirs"].insert1(dict(id=1, img=value, doc=str(doc)))
    assert _files(both["location"]) == mine  # 0.14 found our objects: nothing new written
    ext = both["schema"].external["shared"]
    assert len(ext) == 2
    db = both["schema"].database
    raw_ours = both["schema"].connection.query(f"SELECT img, doc FROM `{db}`.`ours`").fetchone()
    raw_theirs = both["schema"].connection.query(f"SELECT img, doc FROM `{db}`.`theirs`").fetchone()
    assert raw_ours == raw_theirs
    packed = dj14.blob.pack(value)
    assert packed[:6] == b"ZL123\0"  # a compressed blob: the case where writers could differ
    assert raw_ours[0] == hashlib.md5(packed).digest()
    assert raw_ours[1] == hashlib.md5(b"same.dat\x00identical contents").digest()
    h = raw_ours[0].hex()
    assert (both["location"] / db / h[:2] / h[2:4] / h).read_bytes() == packed
    sizes = dict(zip(*ext.fetch("attachment_name", "size")))
    assert sizes == {None: len(packed), "same.dat": len(b"identical contents")}


def test_cleanup_by_either_side(both, tmp_path):
    doc = _attachment(tmp_path, "keep.txt", b"keep")
    both["ours"].insert([dict(id=1, img=np.ones(3)), dict(id=2, img=np.full(3, 2.0), doc=doc)])
    both["theirs"].insert([dict(id=1, img=np.full(3, 3.0)), dict(id=2, img=np.ones(3))])
    ext = both["schema"].external["shared"]
    assert len(ext) == 4
    # 0.14 cleans up after our delete; the ones-blob is still used by their row 2
    (both["ours"] & "id=1").delete()
    assert both["schema14"].external["shared"].delete(delete_external_files=True, display_progress=False) == []
    assert len(ext) == 4 and len(_files(both["location"])) == 4
    # we clean up after their delete
    (both["theirs"] & "id=1").delete()
    (both["ours"] & "id=2").delete()
    assert len(ext.unused()) == 3
    assert ext.delete(delete_external_files=True) == []
    remaining = _files(both["location"])
    ones = hashlib.md5(blob.pack(np.ones(3))).hexdigest()
    assert len(remaining) == 1 and remaining[0].endswith(ones)
    np.testing.assert_array_equal((both["theirs"] & "id=2").fetch1("img"), np.ones(3))
    np.testing.assert_array_equal((both["ours_on_theirs"] & "id=2").fetch1("img"), np.ones(3))
