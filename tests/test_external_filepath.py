"""filepath@store (opt-in via DJ_SUPPORT_FILEPATH_MANAGEMENT, as in 0.14), cross-checked with 0.14."""
import hashlib
from pathlib import Path

import pytest

import datajoint as dj14  # the 0.14 oracle (test dependency)
import datajoint_interop as dj
from datajoint_interop.errors import DataJointError

DEFINITION = """
id : int
---
path = null : filepath@repo
"""


@pytest.fixture
def setup(connection, schema_name, tmp_path, monkeypatch):
    monkeypatch.setenv("DJ_SUPPORT_FILEPATH_MANAGEMENT", "TRUE")
    location, stage = tmp_path / "store", tmp_path / "stage"
    location.mkdir()
    stage.mkdir()
    spec = {"protocol": "file", "location": str(location), "stage": str(stage)}
    saved = dj.config["stores"], dict(dj14.config.get("stores") or {})
    dj.config["stores"] = {"repo": dict(spec)}
    dj14.config["stores"] = {"repo": dict(spec)}
    schema = dj.Schema(schema_name("extfp"), connection=connection)

    @schema
    class Recording(dj.Manual):
        definition = DEFINITION

    yield schema, Recording, location, stage
    dj.config["stores"] = saved[0]
    dj14.config["stores"] = saved[1]


def _put(stage, relative, data):
    path = stage / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_filepath_roundtrip_and_tracking(setup):
    schema, Recording, location, stage = setup
    local = _put(stage, "sub/dir/rec1.dat", b"recording one")
    Recording.insert1(dict(id=1, path=local))
    assert (location / "sub/dir/rec1.dat").read_bytes() == b"recording one"
    row = schema.external["repo"].fetch1()
    assert row["hash"].bytes == hashlib.md5(b"sub/dir/rec1.dat").digest()
    assert row["contents_hash"].bytes == hashlib.md5(b"recording one").digest()
    assert (row["filepath"], row["size"]) == ("sub/dir/rec1.dat", 13)
    local.unlink()  # fetch restores the file into the stage
    assert Recording.fetch1("path") == str(local)
    assert local.read_bytes() == b"recording one"
    local.write_bytes(b"tampered!!!!!")  # same size, different contents: replaced by the stored copy
    assert Recording.fetch1("path") == str(local) and local.read_bytes() == b"recording one"


def test_filepath_rules(setup, tmp_path):
    schema, Recording, location, stage = setup
    local = _put(stage, "a.txt", b"v1")
    Recording.insert1(dict(id=1, path=local))
    Recording.insert1(dict(id=2, path=str(local)))  # the same file again is fine
    local.write_bytes(b"v2")
    with pytest.raises(DataJointError, match="different version of 'a.txt'"):
        Recording.insert1(dict(id=3, path=local))
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    with pytest.raises(DataJointError, match="not in the stage"):
        Recording.insert1(dict(id=4, path=outside))
    assert sorted(Recording.fetch("id")) == [1, 2]


def test_filepath_is_opt_in(setup, monkeypatch):
    schema, Recording, location, stage = setup
    local = _put(stage, "b.txt", b"b")
    monkeypatch.delenv("DJ_SUPPORT_FILEPATH_MANAGEMENT")
    with pytest.raises(DataJointError, match="DJ_SUPPORT_FILEPATH_MANAGEMENT"):
        Recording.insert1(dict(id=1, path=local))
    Recording.insert1(dict(id=1))
    assert Recording.fetch1("path") is None


def test_filepath_with_014(setup, connection):
    schema, Recording, location, stage = setup
    _put(stage, "ours.bin", b"written by us")
    Recording.insert1(dict(id=1, path=stage / "ours.bin"))
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    try:
        dj14.Schema(schema.database, connection=c14)
        theirs = dj14.FreeTable(c14, f"`{schema.database}`.`recording`")
        (stage / "ours.bin").unlink()
        assert theirs.fetch1("path") == str(stage / "ours.bin")
        assert (stage / "ours.bin").read_bytes() == b"written by us"
        _put(stage, "deep/theirs.bin", b"written by 0.14")
        theirs.insert1(dict(id=2, path=str(stage / "deep/theirs.bin")))
        (stage / "deep/theirs.bin").unlink()
        assert (Recording & "id=2").fetch1("path") == str(stage / "deep/theirs.bin")
        assert (stage / "deep/theirs.bin").read_bytes() == b"written by 0.14"
        assert (location / "deep/theirs.bin").is_file()
        # cleanup by us removes their unreferenced filepath object
        (Recording & "id=2").delete()
        assert schema.external["repo"].delete(delete_external_files=True) == []
        assert not (location / "deep/theirs.bin").exists() and (location / "ours.bin").is_file()
    finally:
        c14.close()


def test_exists_and_external_filepath_as_014(setup, connection):
    """0.14's ExternalTable.exists(path) and _make_external_filepath(relative), as its tests use them."""
    schema, Recording, location, stage = setup
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    Recording.insert1(dict(id=7, path=_put(stage, "a/b.dat", b"bytes")))
    ext = schema.external["repo"]
    path = ext._make_external_filepath("a/b.dat")
    assert Path(path) == location / "a" / "b.dat"
    theirs = dj14.Schema(schema.database, connection=c14, create_schema=False).external["repo"]
    assert Path(theirs._make_external_filepath("a/b.dat")) == Path(path)
    assert ext.exists(path) and theirs.exists(path)
    (Recording & "id = 7").delete()
    ext.delete(delete_external_files=True)
    assert not ext.exists(path) and not theirs.exists(path)
    c14.close()


def test_skipped_checksum_is_logged_as_014(setup, caplog):
    """Above filepath_checksum_size_limit the file is not verified on fetch; 0.14 warns so, and so do we."""
    schema, Recording, location, stage = setup
    local = _put(stage, "big/rec.dat", b"0123456789")
    Recording.insert1(dict(id=8, path=local))
    before = dj.config["filepath_checksum_size_limit"]
    try:
        with caplog.at_level("WARNING", logger="datajoint_interop"):
            assert (Recording & "id = 8").fetch1("path") == str(local)
        assert "Skipped checksum" not in caplog.text  # no limit: verified
        dj.config["filepath_checksum_size_limit"] = 5
        with caplog.at_level("WARNING", logger="datajoint_interop"):
            assert (Recording & "id = 8").fetch1("path") == str(local)
        assert "Skipped checksum for file with hash: " in caplog.text and str(local) in caplog.text
    finally:
        dj.config["filepath_checksum_size_limit"] = before
