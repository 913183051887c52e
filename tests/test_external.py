"""External storage against the real server and real store directories (tmp_path).

What is checked is the layout 0.14 also uses: object file names are MD5 hashes of the packed blob
(or of file name + NUL + contents), placed under <location>/<database>/<subfolds>/, and tracked in
~external_<store> with their size. See test_external_oracle.py for the cross-check with 0.14.
"""
import hashlib
import os
import uuid
from pathlib import Path

import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop import blob
from datajoint_interop.errors import DataJointError, IntegrityError
from datajoint_interop.external import MissingExternalFile, subfold


@pytest.fixture
def stores(tmp_path):
    saved = dj.config["stores"], dj.config["cache"]
    locations = {name: tmp_path / f"store_{name}" for name in ("main", "flat", "deep")}
    for path in locations.values():
        path.mkdir()
    dj.config["stores"] = {
        "main": {"protocol": "file", "location": str(locations["main"])},
        "flat": {"protocol": "file", "location": str(locations["flat"]), "subfolding": None},
        "deep": {"protocol": "file", "location": str(locations["deep"]), "subfolding": (1, 3, 2)},
    }
    yield locations
    dj.config["stores"], dj.config["cache"] = saved


@pytest.fixture
def pipeline(connection, schema_name, stores):
    schema = dj.Schema(schema_name("ext"), connection=connection)

    @schema
    class Scan(dj.Manual):
        definition = """
        scan : int
        ---
        image = null : blob@main
        flat = null : blob@flat
        deep = null : blob@deep
        doc = null : attach@main
        note = null : attach
        """

    return schema, Scan


def _files(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def _md5(data):
    return hashlib.md5(data).hexdigest()


def test_blob_layout_hash_and_tracking(pipeline, stores):
    schema, Scan = pipeline
    value = np.arange(12.0).reshape(3, 4)
    Scan.insert1(dict(scan=1, image=value, flat=value, deep=value))
    packed = blob.pack(value)
    h = _md5(packed)
    db = schema.database
    assert _files(stores["main"]) == [f"{db}/{h[:2]}/{h[2:4]}/{h}"]
    assert _files(stores["flat"]) == [f"{db}/{h}"]
    assert _files(stores["deep"]) == [f"{db}/{h[0]}/{h[1:4]}/{h[4:6]}/{h}"]
    assert (stores["main"] / db / h[:2] / h[2:4] / h).read_bytes() == packed
    # the column holds the hash; the tracking row holds the size
    raw = schema.connection.query(f"SELECT image FROM `{db}`.`scan`").fetchone()[0]
    assert raw == bytes.fromhex(h)
    rows = schema.external["main"].fetch(as_dict=True)
    assert [(r["hash"], r["size"], r["attachment_name"]) for r in rows] == [(uuid.UUID(h), len(packed), None)]
    got = (Scan & {"scan": 1}).fetch1()
    for name in ("image", "flat", "deep"):
        np.testing.assert_array_equal(got[name], value)
    assert got["doc"] is None and got["note"] is None


def test_identical_values_are_stored_once(pipeline, stores):
    schema, Scan = pipeline
    Scan.insert([dict(scan=i, image=np.ones(5)) for i in range(3)] + [dict(scan=9, image=np.zeros(5))])
    assert len(_files(stores["main"])) == 2
    assert len(schema.external["main"]) == 2
    images = Scan.fetch("image", order_by="scan")
    assert [float(v.sum()) for v in images] == [5.0, 5.0, 5.0, 0.0]


def test_nested_values_and_squeeze(pipeline):
    schema, Scan = pipeline
    value = {"a": [1, 2, 3], "b": "text", "c": np.eye(2)}
    Scan.insert1(dict(scan=1, image=value, deep=np.ones((1, 4))))
    got = (Scan & "scan=1").fetch1("image")
    assert got["a"] == [1, 2, 3] and got["b"] == "text"
    np.testing.assert_array_equal(got["c"], np.eye(2))
    assert (Scan & "scan=1").fetch1("deep", squeeze=True).shape == (4,)
    assert (Scan & "scan=1").fetch("deep")[0].shape == (1, 4)


def test_internal_attachment(pipeline, tmp_path):
    schema, Scan = pipeline
    src = tmp_path / "in" / "notes.txt"
    src.parent.mkdir()
    src.write_bytes(b"first\x00binary")
    Scan.insert1(dict(scan=1, note=src))
    raw = schema.connection.query(f"SELECT note FROM `{schema.database}`.`scan`").fetchone()[0]
    assert raw == b"notes.txt\x00first\x00binary"
    out = tmp_path / "out"
    path = (Scan & "scan=1").fetch1("note", download_path=out)
    assert path == str(out / "notes.txt") and Path(path).read_bytes() == b"first\x00binary"
    # an identical file already there is reused; a different one is kept and an alias is written
    assert (Scan & "scan=1").fetch1("note", download_path=out) == path
    Path(path).write_bytes(b"changed locally")
    again = (Scan & "scan=1").fetch1("note", download_path=out)
    assert again == str(out / "notes_0000.txt") and Path(again).read_bytes() == b"first\x00binary"
    assert Path(path).read_bytes() == b"changed locally"
    assert (Scan & "scan=1").fetch("note", download_path=out)[0] == again


def test_external_attachment(pipeline, stores, tmp_path):
    schema, Scan = pipeline
    src = tmp_path / "data.tar.gz"
    contents = os.urandom(3000)
    src.write_bytes(contents)
    Scan.insert([dict(scan=1, doc=src), dict(scan=2, doc=str(src))])
    h = _md5(b"data.tar.gz\x00" + contents)
    db = schema.database
    assert _files(stores["main"]) == [f"{db}/{h[:2]}/{h[2:4]}/{h}.data.tar.gz"]
    rows = schema.external["main"].fetch(as_dict=True)
    assert [(r["hash"].hex, r["size"], r["attachment_name"]) for r in rows] == [(h, 3000, "data.tar.gz")]
    out = tmp_path / "download"
    paths = Scan.fetch("doc", order_by="scan", download_path=out)
    assert list(paths) == [str(out / "data.tar.gz")] * 2
    assert (out / "data.tar.gz").read_bytes() == contents


def test_cleanup_removes_only_unreferenced(pipeline, stores, tmp_path):
    schema, Scan = pipeline
    src = tmp_path / "a.txt"
    src.write_text("attached")
    Scan.insert([dict(scan=1, image=np.ones(3), doc=src), dict(scan=2, image=np.zeros(3)),
                 dict(scan=3, image=np.zeros(3))])
    ext = schema.external["main"]
    assert len(ext) == 3 and len(ext.unused()) == 0 and len(ext.used()) == 3
    before = _files(stores["main"])
    # a referenced object cannot be forgotten
    with pytest.raises(IntegrityError):
        ext.delete_quick()
    (Scan & "scan in (1, 2)").delete()
    assert len(ext.unused()) == 2  # the ones-blob and the attachment; zeros is still used by scan 3
    assert ext.delete(delete_external_files=False) == []
    assert len(ext) == 1 and _files(stores["main"]) == before  # rows gone, files kept
    Scan.insert1(dict(scan=4, image=np.arange(3)))
    (Scan & "scan=4").delete()
    assert ext.delete(delete_external_files=True) == []
    zeros = _md5(blob.pack(np.zeros(3)))
    arange = _md5(blob.pack(np.arange(3)))
    remaining = _files(stores["main"])
    assert f"{schema.database}/{zeros[:2]}/{zeros[2:4]}/{zeros}" in remaining
    assert not any(arange in f for f in remaining)
    np.testing.assert_array_equal((Scan & "scan=3").fetch1("image"), np.zeros(3))
    with pytest.raises(DataJointError, match="delete_external_files"):
        ext.delete()


def test_update1_external_blob(pipeline, stores):
    schema, Scan = pipeline
    Scan.insert1(dict(scan=1, image=np.ones(2)))
    Scan.update1(dict(scan=1, image=np.full(2, 7.0)))
    np.testing.assert_array_equal((Scan & "scan=1").fetch1("image"), [7.0, 7.0])
    assert len(schema.external["main"]) == 2 and len(schema.external["main"].unused()) == 1


def test_missing_object_file(pipeline, stores):
    schema, Scan = pipeline
    Scan.insert1(dict(scan=1, image=np.ones(2)))
    for path in Path(stores["main"]).rglob("*"):
        if path.is_file():
            path.unlink()
    with pytest.raises(MissingExternalFile, match="Missing external file"):
        (Scan & "scan=1").fetch1("image")
    assert (Scan & "scan=1").fetch1("scan") == 1  # other columns still fetch


def test_cache_folder(pipeline, stores, tmp_path):
    schema, Scan = pipeline
    dj.config["cache"] = str(tmp_path / "cache")
    Scan.insert1(dict(scan=1, image=np.ones(2)))
    h = _md5(blob.pack(np.ones(2)))
    (Scan & "scan=1").fetch1("image")
    cached = tmp_path / "cache" / h[:2] / h[2:4] / h
    assert cached.read_bytes() == blob.pack(np.ones(2))
    for path in Path(stores["main"]).rglob(h):
        path.unlink()
    np.testing.assert_array_equal((Scan & "scan=1").fetch1("image"), np.ones(2))


def test_configuration_errors(connection, schema_name, stores, tmp_path):
    schema = dj.Schema(schema_name("extcfg"), connection=connection)
    with pytest.raises(DataJointError, match="'nowhere' is requested but not configured"):
        schema.external["nowhere"]
    dj.config["stores"]["s3store"] = {"protocol": "s3", "location": "x"}
    with pytest.raises(DataJointError, match="'s3' is not supported"):
        schema.external["s3store"]
    dj.config["stores"]["nolocation"] = {"protocol": "file"}
    with pytest.raises(DataJointError, match="missing 'location'"):
        schema.external["nolocation"]
    dj.config["stores"]["typo"] = {"protocol": "file", "location": str(tmp_path), "subfoldng": (2, 2)}
    with pytest.raises(DataJointError, match="subfoldng"):
        schema.external["typo"]
    dj.config["stores"]["badfold"] = {"protocol": "file", "location": str(tmp_path), "subfolding": (2, -1)}
    with pytest.raises(DataJointError, match="subfolding"):
        schema.external["badfold"]
    dj.config["stores"]["gone"] = {"protocol": "file", "location": str(tmp_path / "absent")}

    @schema
    class Gone(dj.Manual):
        definition = """
        k : int
        ---
        v = null : blob@gone
        """

    with pytest.raises(DataJointError, match="inaccessible local directory"):
        Gone.insert1(dict(k=1, v=1))
    assert len(Gone()) == 0
    Gone.insert1(dict(k=2))  # NULL needs no store
    assert Gone.fetch1("v") is None


def test_attachment_errors(pipeline, tmp_path):
    schema, Scan = pipeline
    with pytest.raises(DataJointError, match="not a readable file"):
        Scan.insert1(dict(scan=1, doc=tmp_path / "missing.bin"))
    with pytest.raises(DataJointError, match="not a readable file"):
        Scan.insert1(dict(scan=1, note=tmp_path))
    assert len(Scan()) == 0


def test_two_schemas_share_a_store(connection, schema_name, stores):
    schemas = [dj.Schema(schema_name(f"ext{i}"), connection=connection) for i in range(2)]
    for schema in schemas:
        @schema
        class Item(dj.Manual):
            definition = """
            k : int
            ---
            v : blob@main
            """
        Item.insert1(dict(k=1, v=np.ones(3)))
    h = _md5(blob.pack(np.ones(3)))
    assert _files(stores["main"]) == sorted(f"{s.database}/{h[:2]}/{h[2:4]}/{h}" for s in schemas)
    assert sorted(schemas[0].external) == ["main"]


def test_external_table_on_demand(connection, schema_name, stores):
    schema = dj.Schema(schema_name("extdemand"), connection=connection)
    assert list(schema.external) == []
    ext = schema.external["flat"]  # declared on first use, empty
    assert list(schema.external) == ["flat"] and "flat" in schema.external and len(ext) == 0
    assert ext.heading.names == ["hash", "size", "attachment_name", "filepath", "contents_hash", "timestamp"]
    assert "hash" in repr(ext)
    with pytest.raises(DataJointError, match="Invalid store name"):
        schema.external["Bad`name"]


def test_subfold():
    assert subfold("ABcdefg", (2, 3)) == ["ab", "cde"]
    assert subfold("abc", ()) == [] and subfold("abc", None) == []


def test_concurrent_writers_of_one_object(tmp_path):
    """Several processes writing the same object leave one complete file and no temporary files."""
    import multiprocessing

    from datajoint_interop.storage.objects import _write_new

    target = tmp_path / "ab" / "cd" / "object"
    data = os.urandom(1 << 20)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write_new, args=(target, data)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0] * 4
    assert target.read_bytes() == data
    assert _files(tmp_path) == ["ab/cd/object"]


def test_failed_insert_leaves_only_collectable_objects(pipeline, stores):
    schema, Scan = pipeline
    Scan.insert1(dict(scan=1, image=np.ones(2)))
    with pytest.raises(dj.errors.DuplicateError):
        Scan.insert1(dict(scan=1, image=np.full(2, 5.0)))
    ext = schema.external["main"]
    # the object of the refused row is tracked but unused: cleanup removes it, keeps the other
    assert ext.delete(delete_external_files=True) == []
    assert len(ext) == 1 and len(_files(stores["main"])) == 1
    np.testing.assert_array_equal(Scan.fetch1("image"), np.ones(2))


def test_unicode_attachment_names(pipeline, stores, tmp_path):
    schema, Scan = pipeline
    src = tmp_path / "données é.txt"
    src.write_bytes(b"accents")
    Scan.insert1(dict(scan=1, doc=src, note=src))
    h = _md5("données é.txt".encode() + b"\x00accents")
    assert _files(stores["main"]) == [f"{schema.database}/{h[:2]}/{h[2:4]}/{h}.données é.txt"]
    doc, note = Scan.fetch1("doc", "note", download_path=tmp_path / "dl")
    assert doc == note == str(tmp_path / "dl" / "données é.txt")


def test_hostile_attachment_names_stay_in_download_path(pipeline, tmp_path):
    """Names written by other clients cannot make a fetch write outside download_path."""
    schema, Scan = pipeline
    db = schema.database
    conn = schema.connection
    conn.query(f"INSERT INTO `{db}`.`scan` (scan, note) VALUES (1, %s)", (b"../../escape.txt\x00payload",))
    out = tmp_path / "dl" / "inner"
    path = (Scan & "scan=1").fetch1("note", download_path=out)
    assert path == str(out / "escape.txt") and Path(path).read_bytes() == b"payload"
    ext = schema.external["main"]  # an external attachment whose tracked name is a path
    h = uuid.uuid4()
    conn.query(f"INSERT INTO `{db}`.`~external_main` (hash, size, attachment_name) VALUES (%s, 1, %s)",
               (h.bytes, "../evil.txt"))
    conn.query(f"INSERT INTO `{db}`.`scan` (scan, doc) VALUES (2, %s)", (h.bytes,))
    with pytest.raises(DataJointError, match="invalid stored name"):
        (Scan & "scan=2").fetch1("doc", download_path=out)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["escape.txt"]
    assert len(ext) == 1
    conn.query(f"INSERT INTO `{db}`.`scan` (scan, note) VALUES (3, %s)", (b"no separator",))
    with pytest.raises(DataJointError, match="malformed"):
        (Scan & "scan=3").fetch1("note", download_path=out)


def test_cli_summary_and_cleanup(pipeline, stores, capsys):
    from datajoint_interop.cli import main

    schema, Scan = pipeline
    Scan.insert([dict(scan=1, image=np.ones(4)), dict(scan=2, image=np.zeros(4))])
    (Scan & "scan=2").delete()
    assert main(["external", schema.database, "main"]) == 0
    out = capsys.readouterr().out
    assert "used:   1 objects" in out and "unused: 1 objects" in out
    assert len(_files(stores["main"])) == 2
    assert main(["external", schema.database, "main", "--delete-files"]) == 0
    assert "deleted 1 unused objects" in capsys.readouterr().out
    assert len(_files(stores["main"])) == 1 and len(schema.external["main"]) == 1
    assert main(["external", schema.database, "other"]) == 1
    assert "has no objects in store 'other'" in capsys.readouterr().err
