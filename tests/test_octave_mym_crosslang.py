"""Blobs cross between Octave (our mym MEX) and Python (datajoint_interop.blob) through MariaDB.

Python writes values with pack(); an Octave process fetches them with mym and checks them, then
writes its own values with "{M}"/"{uM}"; Python fetches those and checks unpack() results and,
for uncompressed blobs, that both writers produce identical bytes. Octave is driven through
octave-cli; a missing octave-cli is a FAILURE (set DJI_NO_OCTAVE=1 to skip deliberately).
"""
import os
import shutil
import subprocess
import textwrap

import numpy as np
import pytest

from datajoint_interop.blob import MatCell, MatChar, MatStruct, pack, unpack

from .conftest import connection_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = "h\u00e9llo \u20ac \U0001F600"


def _octave():
    exe = shutil.which("octave-cli")
    if exe:
        return exe
    if os.environ.get("DJI_NO_OCTAVE") == "1":
        pytest.skip("DJI_NO_OCTAVE=1: Octave cross-language tests deliberately disabled")
    pytest.fail("octave-cli not found: install Octave (Debian: apt-get install octave-dev) "
                "or set DJI_NO_OCTAVE=1 to skip the Octave cross-language tests")


def _matchar(text):
    return MatChar(text, (1, len(text.encode("utf-16-le")) // 2))


def _struct():
    arr = np.empty((1, 1), dtype=[("a", "O"), ("b", "O")])
    arr[0, 0]["a"] = np.array([[1.0]])
    arr[0, 0]["b"] = _matchar("xy")
    return arr.view(MatStruct)


def _cell():
    c = np.empty((1, 2), dtype=object)
    c[0, 0] = np.array([[1.0]])
    c[0, 1] = _matchar("a")
    return c.view(MatCell)


def python_values():
    return {
        1: np.array([[1.0, 2.0, 3.0]]),
        2: np.arange(24, dtype=float).reshape((2, 3, 4), order="F"),
        3: np.array([[-(2 ** 63), 2 ** 63 - 1]], dtype=np.int64),
        4: np.array([[1 + 2j, -3.5j]]),
        5: np.array([[True, False]]),
        6: _matchar(TEXT),
        7: _struct(),
        8: _cell(),
        9: np.arange(1e6).reshape(1, -1),
        10: [1, "a"],                       # dj0: MATLAB reads it as {int64(1), 'a'}
        11: np.array([1.0, 2.0]),           # 1-d: arrives in MATLAB as a column
    }


OCTAVE_SCRIPT = r"""
addpath(fullfile(getenv('DJI_ROOT'), 'matlab'));
addpath(fullfile(getenv('DJI_ROOT'), 'matlab', 'tests', 'helpers'));
build_mex();
s = db_settings();
id = mym(-1, 'open', s.address, s.user, s.pass);
mym(id, 'use', getenv('MYM_XLANG_DB'));
text = native2unicode(uint8([104 195 169 108 108 111 32 226 130 172 32 240 159 152 128]), 'UTF-8');
expected = {[1 2 3], reshape(0:23, 2, 3, 4), [intmin('int64') intmax('int64')], [1+2i, -3.5i], ...
            logical([1 0]), text, struct('a', 1, 'b', 'xy'), {1, 'a'}, 0:999999, [], [1; 2]};
r = mym(id, 'SELECT id, v FROM py2oct WHERE id <> 10 ORDER BY id');
assert(isequal(r.id', [1:9 11]), 'ids %s', mat2str(r.id'));
for k = 1:numel(r.id)
  [ok, why] = same_value(r.v{k}, expected{r.id(k)});
  assert(ok, 'row %d from Python: %s', r.id(k), why);
end
r10 = mym(id, 'SELECT v FROM py2oct WHERE id = 10');
[ok, why] = same_value(r10.v{1}, {int64(1), 'a'});
assert(ok, 'dj0 row 10: %s', why);
ins = 'INSERT INTO oct2py VALUES ({Si}, "{M}")';
for k = [1:9 11]
  v = expected{k};
  if k == 11
    v = ['ab'; 'cd'];
  end
  mym(id, ins, k, v);
end
mym(id, ins, 12, single(pi));
mym(id, 'INSERT INTO oct2py VALUES ({Si}, "{uM}")', 13, [1 2 3]);
mym(id, 'INSERT INTO oct2py VALUES ({Si}, "{uM}")', 14, struct('a', 1, 'b', 'xy'));
mym(id, 'INSERT INTO oct2py VALUES ({Si}, "{uM}")', 15, {1, 'a'});
mym(id, 'INSERT INTO oct2py VALUES ({Si}, "{uM}")', 16, text);
mym(id, 'close');
disp('OCTAVE-XLANG-OK');
"""


@pytest.fixture
def xlang_db(connection, schema_name):
    db = schema_name("mymx")
    connection.query("CREATE DATABASE `%s`" % db)
    connection.query("CREATE TABLE `%s`.py2oct (id int PRIMARY KEY, v longblob)" % db)
    connection.query("CREATE TABLE `%s`.oct2py (id int PRIMARY KEY, v longblob)" % db)
    return db


@pytest.fixture
def octave_run(xlang_db, connection, tmp_path):
    exe = _octave()
    for key, value in python_values().items():
        connection.query("INSERT INTO `%s`.py2oct VALUES (%%s, %%s)" % xlang_db, (key, pack(value)))
    script = tmp_path / "xlang.m"
    script.write_text(textwrap.dedent(OCTAVE_SCRIPT))
    settings = connection_settings()
    env = dict(os.environ, DJI_ROOT=ROOT, MYM_XLANG_DB=xlang_db, DJ_HOST=settings["host"],
               DJ_PORT=str(settings["port"]), DJ_USER=settings["user"], DJ_PASS=settings["password"])
    proc = subprocess.run([exe, "--norc", "--no-history", str(script)], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "OCTAVE-XLANG-OK" in proc.stdout, (
        "Octave side failed (exit %d):\n%s\n%s" % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
    cur = connection.query("SELECT id, v FROM `%s`.oct2py ORDER BY id" % xlang_db)
    return {row[0]: bytes(row[1]) for row in cur.fetchall()}


def test_octave_reads_python_and_python_reads_octave(octave_run):
    got = {k: unpack(v) for k, v in octave_run.items()}
    assert sorted(got) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16]
    for k in (1, 13):
        assert got[k].shape == (1, 3) and got[k].dtype == np.float64
        np.testing.assert_array_equal(got[k], [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(got[2], np.arange(24, dtype=float).reshape((2, 3, 4), order="F"))
    assert got[3].dtype == np.int64 and got[3].tolist() == [[-(2 ** 63), 2 ** 63 - 1]]
    assert got[4].dtype == np.complex128 and got[4].tolist() == [[1 + 2j, -3.5j]]
    assert got[5].dtype == np.bool_ and got[5].tolist() == [[True, False]]
    for k in (6, 16):
        assert str(got[k]) == TEXT, "non-ASCII text written by Octave must read back exactly"
    for k in (7, 14):
        s = got[k]
        assert isinstance(s, MatStruct) and s.shape == (1, 1)
        assert s[0, 0]["a"].tolist() == [[1.0]] and str(s[0, 0]["b"]) == "xy"
    for k in (8, 15):
        c = got[k]
        assert isinstance(c, MatCell) and c.shape == (1, 2)
        assert c[0, 0].tolist() == [[1.0]] and str(c[0, 1]) == "a"
    assert octave_run[9][:6] == b"ZL123\0", "8 MB of doubles from {M} must be compressed"
    np.testing.assert_array_equal(got[9], np.arange(1e6).reshape(1, -1))
    assert got[11].rows() == ["ab", "cd"]
    assert got[12].dtype == np.float32 and got[12].tolist() == [[np.float32(np.pi)]]


def test_both_writers_produce_identical_bytes(octave_run):
    py = python_values()
    assert octave_run[13] == pack(py[1], compress=False)
    assert octave_run[14] == pack(py[7], compress=False)
    assert octave_run[15] == pack(py[8], compress=False)
    assert octave_run[16] == pack(py[6], compress=False)
    # small values from {M} are not compressed: same bytes as Python's pack
    for k in (1, 2, 3, 4, 5, 6, 7, 8):
        assert octave_run[k] == pack(py[k], compress=False), "row %d differs" % k


def test_missing_octave_is_a_failure_not_a_skip(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("DJI_NO_OCTAVE", raising=False)
    with pytest.raises(pytest.fail.Exception, match="octave-cli not found"):
        _octave()
    monkeypatch.setenv("DJI_NO_OCTAVE", "1")
    with pytest.raises(pytest.skip.Exception):
        _octave()
