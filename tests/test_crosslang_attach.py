"""attach, attach@store and filepath@store shared by Python and Octave (issue 17 item 9): each reads
what the other wrote, the same file from either language is one object (same name, same row), and a
table Octave declares has the columns Python declares. Octave takes the store from the `stores` key
of ./dj_local_conf.json, as in tests/test_crosslang_external.py."""
import hashlib
import json
from pathlib import Path

import pytest

import datajoint_interop as dj

from .test_crosslang_support import read_json, run_octave, write_class, write_get_schema

DOC = """
# documents
doc_id : int
---
inside = null : attach
outside = null : attach@files
tracked = null : filepath@files
"""


@pytest.fixture
def files_store(tmp_path, monkeypatch):
    saved = dj.config["stores"]
    location, stage = tmp_path / "store", tmp_path / "stage"
    location.mkdir()
    stage.mkdir()
    spec = {"protocol": "file", "location": str(location), "stage": str(stage)}
    dj.config["stores"] = {"files": spec}
    (tmp_path / "dj_local_conf.json").write_text(json.dumps({"stores": {"files": spec}}))
    monkeypatch.setenv("DJ_SUPPORT_FILEPATH_MANAGEMENT", "TRUE")
    yield location, stage
    dj.config["stores"] = saved


def _md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def test_python_and_octave_share_attachments_and_filepaths(connection, schema_name, files_store, tmp_path):
    location, stage = files_store
    db, db2 = schema_name("xatt"), schema_name("xatto")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Doc(dj.Manual):
        definition = DOC

    src = tmp_path / "src"
    src.mkdir()
    notes = src / "notes.txt"
    notes.write_bytes(b"python notes\x00\xff")
    scan = src / "scan.bin"
    scan.write_bytes(bytes(range(256)) * 20)
    (stage / "day1").mkdir()
    ephys = stage / "day1" / "ephys.dat"
    ephys.write_bytes(b"spikes" * 100)
    Doc.insert1(dict(doc_id=1, inside=str(notes), outside=str(scan), tracked=str(ephys)))

    write_get_schema(tmp_path, "xa", db)
    write_class(tmp_path, "xa", "Doc", DOC, "dj.Manual")
    write_get_schema(tmp_path, "xao", db2)
    write_class(tmp_path, "xao", "Page", "# pages\npage : int\n---\nfile : attach@files\npath = null : filepath@files",
                "dj.Manual")
    run_octave(tmp_path, "attach", OCTAVE.replace("{stage}", str(stage)).replace("{scan}", str(scan)))
    r = read_json(tmp_path / "result.json")
    assert tmp_path / r["inside"] == tmp_path / "dl_octave" / "notes.txt" and r["inside_md5"] == _md5(notes)
    assert tmp_path / r["outside"] == tmp_path / "dl_octave" / "scan.bin" and r["outside_md5"] == _md5(scan)
    assert Path(r["tracked"]) == ephys and r["tracked_md5"] == _md5(ephys)

    # what Octave wrote, read by Python
    download = tmp_path / "dl_python"
    row = (Doc & "doc_id=2").fetch1(download_path=str(download))
    assert Path(row["inside"]).name == "octave.txt" and Path(row["inside"]).read_bytes() == b"oct\x00\xc8"
    assert Path(row["outside"]).read_bytes() == scan.read_bytes()
    assert Path(row["tracked"]) == stage / "day2" / "lfp.dat"
    assert (location / "day2" / "lfp.dat").read_bytes() == bytes(range(1, 201))

    # the same file from either language is one object and one row
    raw = dict(connection.query(f"SELECT doc_id, outside FROM `{db}`.`doc`").fetchall())
    assert raw[1] == raw[2]
    ext = schema.external["files"]
    names = sorted(r["attachment_name"] for r in ext.fetch(as_dict=True) if r["attachment_name"])
    assert names == ["scan.bin"]
    digest = hashlib.md5(b"scan.bin\x00" + scan.read_bytes()).hexdigest()
    assert (location / db / digest[:2] / digest[2:4] / f"{digest}.scan.bin").is_file()
    paths = sorted(r["filepath"] for r in ext.fetch(as_dict=True) if r["filepath"])
    assert paths == ["day1/ephys.dat", "day2/lfp.dat"]

    # the table Octave declared reads in Python like its own
    page = dj.create_virtual_module("xao", db2, connection=connection).Page
    assert Path(page.fetch1("file", download_path=str(download))).read_bytes() == b"oct\x00\xc8"
    assert page.fetch1("path") is None

    def columns(database, table):
        return connection.query(
            "SELECT column_name, column_type, column_comment FROM information_schema.columns "
            "WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position", (database, table)).fetchall()

    assert columns(db2, "page")[1:] == (("file", "binary(16)", ":attach@files:"),
                                        ("path", "binary(16)", ":filepath@files:"))


OCTAVE = """
s = fetch(xa.Doc & 'doc_id=1', '*', 'download_path', 'dl_octave');
r.inside = s.inside;
r.outside = s.outside;
r.tracked = s.tracked;
r.inside_md5 = dj.lib.DataHash(r.inside, 'file');
r.outside_md5 = dj.lib.DataHash(r.outside, 'file');
r.tracked_md5 = dj.lib.DataHash(r.tracked, 'file');
mkdir('osrc');
f = fopen(fullfile('osrc', 'octave.txt'), 'w'); fwrite(f, uint8([111 99 116 0 200])); fclose(f);
mkdir(fullfile('{stage}', 'day2'));
f = fopen(fullfile('{stage}', 'day2', 'lfp.dat'), 'w'); fwrite(f, uint8(1:200)); fclose(f);
insert(xa.Doc, struct('doc_id', 2, 'inside', fullfile(pwd, 'osrc', 'octave.txt'), ...
    'outside', '{scan}', 'tracked', fullfile('{stage}', 'day2', 'lfp.dat')));
insert(xao.Page, struct('page', 1, 'file', fullfile(pwd, 'osrc', 'octave.txt'), 'path', []));
write_json('result.json', r);
"""
