"""Jobs reserved by Octave read like jobs reserved by Python (docs/jobs.md §5): the `key` blob of a
~jobs row is the same dj0 dict, byte for byte, whichever language wrote it, so `schema.jobs.fetch('key')`
(ours and DataJoint 0.14's) returns dicts, and `dji jobs --full` shows key, status, host, pid, age and error."""
import datetime
import decimal
import re
import socket
import time
import uuid

import datajoint
import pytest

import datajoint_interop as dj
from datajoint_interop.cli import main as dji
from datajoint_interop.jobs import decode_key
from .server_env import configure_oracle
from .test_crosslang_support import start_octave, write_class, write_get_schema

# every kind of key value: each is stored in the key blob with its own Python type
SRC = """
a : tinyint unsigned
b : bigint
c : decimal(6,3)
e : enum('x','y')
f : datetime(3)
g : time
u : uuid
ts : timestamp
dd : double
d : date
s : varchar(16)
x : float
"""
FAILING = 1    # Octave's make raises for a=1 (an error row) ...
BLOCKING = 200  # ... and holds a=200 reserved until the test lets it go

ROW = dict(b=-2 ** 40, c="1.500", e="y", f="2024-01-02 03:04:05.250", g="-01:02:03",
           u=uuid.UUID("2a3ef8a8-8fd2-4ee1-9a4f-5a3b0e8d9b77"), ts="2024-05-06 07:08:09", dd=0.1,
           d="2023-12-31", s="café", x=1.5)


def _expected_key(a):
    """The key as Python fetches it: what both languages must store."""
    return dict(a=a, b=-2 ** 40, c=decimal.Decimal("1.500"), e="y",
                f=datetime.datetime(2024, 1, 2, 3, 4, 5, 250000), g="-1 day, 22:57:57",
                u=ROW["u"], ts=datetime.datetime(2024, 5, 6, 7, 8, 9), dd=0.1,
                d=datetime.date(2023, 12, 31), s="café", x=1.5)


def _raw_keys(connection, db):
    """{a: (status, key blob bytes)} of the ~jobs rows."""
    rows = connection.query(f"SELECT `status`, `key` FROM `{db}`.`~jobs`").fetchall()
    return {decode_key(raw)["a"]: (status, bytes(raw)) for status, raw in rows}


def _wait_for(path, proc, what):
    deadline = time.time() + 90
    while not path.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert path.exists(), f"{what}: {proc.communicate()[0] if proc.poll() is not None else 'timed out'}"


def test_octave_reserved_jobs_have_python_keys(connection, schema_name, tmp_path, capsys):
    db = schema_name("xjob")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Src(dj.Manual):
        definition = SRC

    @schema
    class Comp(dj.Computed):
        definition = """
        -> Src
        """

        def make(self, key):
            raise ValueError(f"python refuses {key['a']}")

    Src.insert([dict(ROW, a=FAILING), dict(ROW, a=BLOCKING)])
    ready, go = tmp_path / "ready", tmp_path / "go"
    write_get_schema(tmp_path, "xjob", db)
    write_class(tmp_path, "xjob", "Src", SRC, "dj.Manual")
    write_class(tmp_path, "xjob", "Comp", "-> xjob.Src", "dj.Computed", f"""    methods (Access = protected)
        function makeTuples(self, key)
            if key.a == {FAILING}
                error('xjob:fail', 'octave refuses %d', key.a);
            end
            fclose(fopen('{ready}', 'w'));
            t0 = tic;
            while ~exist('{go}', 'file') && toc(t0) < 90
                pause(0.02);
            end
            insert(self, key)
        end
    end
""")
    proc = start_octave(tmp_path, "worker", "parpopulate(xjob.Comp);\n")
    try:
        _wait_for(ready, proc, "the Octave worker did not reserve its key")
        # while Octave holds a=200 reserved (and has recorded a=1 as an error)
        octave = _raw_keys(connection, db)
        assert {a: status for a, (status, _) in octave.items()} == {FAILING: "error", BLOCKING: "reserved"}
        keys = sorted(schema.jobs.fetch("key"), key=lambda k: k["a"])
        assert keys == [_expected_key(FAILING), _expected_key(BLOCKING)]
        assert all(isinstance(k, dict) for k in keys)

        assert dji(["jobs", db, "--full"]) == 0
        out = capsys.readouterr().out
        reserved = out[out.index("__comp  reserved"):]
        assert f"key:   {_expected_key(BLOCKING)!r}" in reserved
        assert f"host:  {socket.gethostname()}  pid {proc.pid}" in reserved
        assert " ago)" in reserved.splitlines()[0]
        errored = out[out.index("__comp  error"):]
        assert f"key:   {_expected_key(FAILING)!r}" in errored
        assert "error: xjob:fail: octave refuses 1" in errored
    finally:
        go.write_text("go")
        output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, output
    assert len(Comp()) == 1

    # DataJoint 0.14 reads the Octave-written key as the same dict
    configure_oracle(datajoint, dj)
    oracle = datajoint.Schema(db, create_schema=False, create_tables=False)
    assert oracle.jobs.fetch("key").tolist() == [_expected_key(FAILING)]

    # Python writes the very same bytes for the same keys
    schema.jobs.delete()
    (Comp & f"a={BLOCKING}").delete_quick()
    Comp.populate(reserve_jobs=True, suppress_errors=True)
    python = _raw_keys(connection, db)
    assert python[FAILING][1] == octave[FAILING][1]
    assert python[BLOCKING][1] == octave[BLOCKING][1]


def test_legacy_matlab_struct_keys_read_as_dicts():
    """DataJoint for MATLAB 3.5 stored the key as a 1x1 struct: shown as a dict too."""
    from datajoint_interop.blob import MatStruct, pack
    import numpy as np
    struct = np.rec.array([[(np.array([[3.0]]), "ab")]], dtype=[("sid", "O"), ("name", "O")]).view(MatStruct)
    assert decode_key(pack(struct)) == {"sid": 3.0, "name": "ab"}
    assert decode_key(None) is None
    with pytest.raises(dj.DataJointError, match="not a key"):
        decode_key(pack([1, 2]))


def test_jobs_full_shows_unreadable_keys_without_failing(connection, schema_name, capsys):
    """Key blobs come from the database: garbage, truncated or missing keys are reported, never fatal."""
    from datajoint_interop.blob import pack
    from datajoint_interop.jobs import JobTable
    db = schema_name("xjob_bad")
    dj.Schema(db, connection=connection)
    JobTable(connection, db)
    good = pack({"sid": 5})
    rows = [("garbage", b"not a blob"), ("cut", good[:-3]), ("none", None), ("list", pack([1, 2])), ("good", good)]
    for hash_, raw in rows:
        connection.query(f"INSERT INTO `{db}`.`~jobs` (table_name, key_hash, status, `key`, host, pid) "
                         "VALUES ('__t', %s, 'error', %s, 'h', 7)", (hash_, raw))
    assert dji(["jobs", db, "--full"]) == 0
    out = capsys.readouterr().out
    listed = re.findall(r"key:   (.*)\n    host:  h  pid 7  user \n    hash:  (\w+)", out)
    keys = {hash_: text for text, hash_ in listed}
    assert set(keys) == {h for h, _ in rows}, out
    assert keys["good"] == "{'sid': 5}" and keys["none"] == "(none)"
    for hash_ in ("garbage", "cut", "list"):
        assert keys[hash_].startswith("(unreadable key blob: "), keys[hash_]
