"""External blobs (`blob@store`) shared by Python and Octave: each reads what the other wrote, both
write an identical value to the same object (same bytes, same MD5 name), and a table Octave declares
gets the same ~external_<store> table as Python's. Octave takes the store from the `stores` key of
./dj_local_conf.json, the file Python users keep it in (docs/external.md)."""
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import datajoint_interop as dj

from .test_crosslang_support import read_json, run_octave, write_class, write_get_schema

CLIP = """
# clips
clip : int
---
frames : blob@shared   # movie frames
note = null : blob@shared
"""


@pytest.fixture
def store(tmp_path):
    saved = dj.config["stores"]
    location = tmp_path / "store"
    location.mkdir()
    dj.config["stores"] = {"shared": {"protocol": "file", "location": str(location)}}
    (tmp_path / "dj_local_conf.json").write_text(json.dumps(
        {"stores": {"shared": {"protocol": "file", "location": str(location), "subfolding": [2, 2]}}}))
    yield location
    dj.config["stores"] = saved


def _objects(location):
    return sorted(p.name for p in Path(location).rglob("*") if p.is_file())


def test_python_and_octave_share_external_blobs(connection, schema_name, store, tmp_path):
    db, db2 = schema_name("xext"), schema_name("xexto")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Clip(dj.Manual):
        definition = CLIP

    # values MATLAB can represent (mYm format, not Python's native dj0 format)
    Clip.insert([dict(clip=1, frames=np.arange(12.0).reshape(3, 4), note=np.array([[-3, 7]], dtype=np.int16)),
                 dict(clip=2, frames=np.zeros((40, 40))),          # compressed (0.14's rule)
                 dict(clip=3, frames=np.array([[True, False, True]]))])
    python_objects = _objects(store)

    write_get_schema(tmp_path, "xe", db)
    write_class(tmp_path, "xe", "Clip", CLIP.replace("# clips", "# clips"), "dj.Manual")
    write_get_schema(tmp_path, "xeo", db2)
    write_class(tmp_path, "xeo", "Take", "# takes\ntake : int\n---\nmovie : blob@shared", "dj.Manual")
    run_octave(tmp_path, "external", """
s = fetch(xe.Clip, '*', 'ORDER BY clip');
r.n = numel(s);
r.same1 = isequal(s(1).frames, reshape(0:11, 4, 3)');
r.note1 = isequal(s(1).note, int16([-3 7]));
r.same2 = isequal(s(2).frames, zeros(40, 40));
r.bool3 = isequal(s(3).frames, [true false true]);
r.null3 = isempty(s(3).note) && isnumeric(s(3).note);
insert(xe.Clip, struct('clip', {11, 12, 13}, 'frames', {zeros(40, 40), magic(5), struct('a', 1, 'b', 'x')}, ...
    'note', {[], 'some text', eye(2)}));
insert(xeo.Take, struct('take', 1, 'movie', int32([1 2 3])));
write_json('result.json', r);
""")
    r = read_json(tmp_path / "result.json")
    assert r["n"] == 3 and r["same1"] and r["same2"], r
    assert r["note1"] and r["bool3"] and r["null3"], r

    rows = {row["clip"]: row for row in Clip.fetch(as_dict=True)}
    np.testing.assert_array_equal(rows[11]["frames"], np.zeros((40, 40)))
    np.testing.assert_array_equal(rows[12]["frames"], np.array(
        [[17, 24, 1, 8, 15], [23, 5, 7, 14, 16], [4, 6, 13, 20, 22], [10, 12, 19, 21, 3], [11, 18, 25, 2, 9]]))
    assert rows[11]["note"] is None  # [] into a nullable blob is NULL, as in DataJoint for MATLAB 3.x
    assert rows[12]["note"] == "some text"
    struct = rows[13]["frames"]
    assert struct["a"][0, 0].item() == 1.0 and struct["b"][0, 0] == "x"
    np.testing.assert_array_equal(rows[13]["note"], np.eye(2))

    # the same value from either language is one object (same bytes, same name)
    raw = dict(connection.query(f"SELECT clip, frames FROM `{db}`.`clip`").fetchall())
    assert raw[11] == raw[2]
    objects = _objects(store)
    assert set(python_objects) <= set(objects)
    for path in Path(store).rglob("*"):
        if path.is_file():
            assert hashlib.md5(path.read_bytes()).hexdigest() == path.name
            assert path.relative_to(store).parts[1:3] == (path.name[:2], path.name[2:4])
    tracked = {row["hash"].hex for row in schema.external["shared"].fetch(as_dict=True)}
    # Python: 4 values; Octave: magic, struct, text, eye(2) (its zeros(40,40) is Python's object; [] is NULL)
    assert len(tracked) == 4 + 4 and tracked <= set(objects)

    # the table Octave declared, and its ~external_shared, read from Python
    take = dj.create_virtual_module("xeo", db2, connection=connection).Take
    np.testing.assert_array_equal(take.fetch1("movie"), np.array([[1, 2, 3]], dtype=np.int32))

    def ddl(database):
        text = connection.query(f"SHOW CREATE TABLE `{database}`.`~external_shared`").fetchone()[1]
        return text.replace(database, "DB")

    assert ddl(db2) == ddl(db)
    fk = connection.query(
        "SELECT referenced_table_name FROM information_schema.key_column_usage "
        "WHERE table_schema=%s AND table_name='take' AND column_name='movie'", (db2,)).fetchone()
    assert fk == ("~external_shared",)
