"""Hostile blobs through the Octave MEX: every decode ends quickly with a value or a mym:* error.

The codec is fuzzed in C (scripts/fuzz-codec) and Python (test_blob_hostile.py), but the MEX has
loops of its own that turn the codec's tree into MATLAB values. Each script here runs in a real
octave-cli under a hard timeout (SIGKILL: a spinning MEX ignores SIGTERM), so a hang fails the
test instead of blocking the suite.
"""
import glob
import json
import os
import struct

import pytest

from datajoint_interop.blob import unpack
from .server_env import connection_settings
from .test_crosslang_support import MATLAB_DIR, ROOT, run_octave

HELPERS = os.path.join(MATLAB_DIR, "tests", "helpers")
FUZZ_DIR = os.path.join(ROOT, "tests", "fuzz")


def _struct_blob(dims, stray_zero=True):
    """A zero-field struct of the given dims: no bytes per element, whatever numel claims."""
    body = b"mYm\0S" + struct.pack("<Q", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
    return body + struct.pack("<I", 0) + (b"\0" if stray_zero else b"")


def _octave_bytes(data):
    return "uint8([%s])" % " ".join(str(b) for b in data)


def _run(tmp_path, name, body, timeout=120):
    settings = connection_settings()
    os.environ.setdefault("DJ_HOST", settings["host"])
    return run_octave(tmp_path, name, f"addpath('{HELPERS}');\n" + body, timeout=timeout)


def test_zero_field_struct_with_2p47_elements_decodes_at_once(tmp_path):
    """The 34-byte blob of issue 14 item 4: once an endless loop in mym('deserialize')."""
    blob = _struct_blob([1, 2**47 + 1])
    assert len(blob) == 34
    with open(os.path.join(FUZZ_DIR, "struct_nofields_2p47.bin"), "rb") as f:
        assert f.read() == blob, "tests/fuzz keeps the same input for the C and Python fuzzers"
    assert unpack(blob).shape == (1, 2**47 + 1)
    out = _run(tmp_path, "nofields", f"""
v = mym('deserialize', {_octave_bytes(blob)});
assert(isstruct(v) && isempty(fieldnames(v)), 'expected a struct with no fields');
fprintf('SIZE %d %d\\n', size(v, 1), size(v, 2));
""", timeout=60)
    assert "SIZE 1 140737488355329" in out


def test_zero_field_struct_row_is_fetched_at_once(tmp_path, connection, schema_name):
    """A plain SELECT of such a row takes the same path and must not spin either."""
    db = schema_name("mexhost")
    connection.query("CREATE DATABASE `%s`" % db)
    connection.query("CREATE TABLE `%s`.t (id int PRIMARY KEY, v longblob)" % db)
    connection.query("INSERT INTO `%s`.t VALUES (1, %%s)" % db, (_struct_blob([1, 2**47 + 1]),))
    out = _run(tmp_path, "nofields_fetch", f"""
id = db_open();
r = mym(id, 'SELECT v FROM `{db}`.t WHERE id = 1');
mym(id, 'close');
fprintf('SIZE %d %d\\n', size(r.v{{1}}, 1), size(r.v{{1}}, 2));
""", timeout=60)
    assert "SIZE 1 140737488355329" in out


@pytest.mark.parametrize("label, blob", [
    ("numel over 2^48-1", _struct_blob([1, 2**48])),
    ("one dim of 2^48, numel 0", _struct_blob([0, 2**48], stray_zero=False)),
    ("1-d dims of 2^64-1", _struct_blob([2**64 - 1], stray_zero=False)),
    ("sparse with 2^63 rows", b"mYm\0P" + struct.pack("<QQQII", 2**63, 1, 0, 6, 0)
     + struct.pack("<QQ", 0, 0)),
])
def test_arrays_larger_than_matlab_allows_are_refused(tmp_path, label, blob):
    """MATLAB arrays hold at most 2^48-1 elements per dimension and in total: say so, by id."""
    out = _run(tmp_path, "toolarge", f"""
try
  v = mym('deserialize', {_octave_bytes(blob)});
  fprintf('DECODED %s\\n', mat2str(size(v)));
catch err
  fprintf('ERROR %s | %s\\n', err.identifier, err.message);
end
""", timeout=60)
    assert "ERROR mym:blob | " in out, f"{label}: {out}"
    assert "a MATLAB array can" in out, out


def test_fuzz_corpus_and_mutations_through_the_mex(tmp_path):
    """Golden vectors + tests/fuzz + 10 s of mutations: only values or mym:* errors, no hang."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in glob.glob(os.path.join(ROOT, "tests", "golden", "blobs", "*.json")):
        with open(p) as f:
            (corpus / (os.path.basename(p)[:-5] + ".bin")).write_bytes(bytes.fromhex(json.load(f)["hex"]))
    files = sorted(glob.glob(os.path.join(FUZZ_DIR, "*.bin"))) + sorted(map(str, corpus.iterdir()))
    assert len(files) > 100
    cell = "{" + ", ".join("'%s'" % f for f in files) + "}"
    out = _run(tmp_path, "replay", f"""
n = mym_fuzz_replay({cell}, 10, 7, '{tmp_path / "last.bin"}');
fprintf('DECODED %d\\n', n);
""", timeout=150)
    n = int(out.split("DECODED ")[1].split()[0])
    assert n > len(files), out
