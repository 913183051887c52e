"""An Octave worker and a Python worker populate one computed table concurrently through the
shared ~jobs queue (docs/jobs.md): every key is computed once, and errors recorded by either
language keep the other away from the key."""
import time

import datajoint_interop as dj
from .test_crosslang_support import read_json, run_octave, start_octave, write_class, write_get_schema

N_KEYS = 40
OCTAVE_FAILS = 7      # Octave's make raises for this key, Python's would not
PYTHON_FAILS = 13     # and the reverse

COMP_MATLAB = """
# computed by either language
-> xpop.Src
---
val : int
worker : varchar(8)
"""
COMP_BODY = f"""    methods (Access = protected)
        function makeTuples(self, key)
            if key.sid == {OCTAVE_FAILS}
                error('xpop:fail', 'octave refuses %d', key.sid);
            end
            pause(0.04);
            key.val = key.sid * 3;
            key.worker = 'octave';
            insert(self, key)
        end
    end
"""


def _declare_src_and_comp(schema, python_make):
    """Src(sid) and Comp(-> Src, val, worker), the Python side of COMP_MATLAB; Comp.make is python_make."""

    @schema
    class Src(dj.Manual):
        definition = """
        sid : int
        """

    @schema
    class Comp(dj.Computed):
        definition = """
        -> Src
        ---
        val : int
        worker : varchar(8)
        """

        def make(self, key):
            python_make(self, key)

    return Src, Comp


def _wait_for_file(path, proc, what):
    """Wait (at most 60 s) until the Octave process creates path; fail with its output if it exits first."""
    deadline = time.time() + 60
    while not path.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert path.exists(), f"{what}: {proc.communicate()[0] if proc.poll() is not None else 'timed out'}"


def test_octave_and_python_workers_share_one_queue(connection, schema_name, tmp_path):
    db = schema_name("xpop")
    schema = dj.Schema(db, connection=connection)

    def make(self, key):
        if key["sid"] == PYTHON_FAILS:
            raise ValueError(f"python refuses {key['sid']}")
        time.sleep(0.04)
        self.insert1(dict(key, val=key["sid"] * 3, worker="python"))

    Src, Comp = _declare_src_and_comp(schema, make)
    Src.insert([dict(sid=i) for i in range(N_KEYS)])
    write_get_schema(tmp_path, "xpop", db)
    write_class(tmp_path, "xpop", "Src", "# sources\nsid : int", "dj.Manual")
    write_class(tmp_path, "xpop", "Comp", COMP_MATLAB, "dj.Computed", COMP_BODY)

    # each language records an error for the key it cannot compute
    run_octave(tmp_path, "fail_one", f"parpopulate(xpop.Comp, 'sid={OCTAVE_FAILS}');\n")
    result = Comp.populate(f"sid={PYTHON_FAILS}", reserve_jobs=True, suppress_errors=True)
    assert result["success_count"] == 0 and len(result["error_list"]) == 1
    assert len(Comp()) == 0
    jobs = schema.jobs.fetch(as_dict=True, order_by="error_message")
    assert [j["status"] for j in jobs] == ["error", "error"]
    assert {j["table_name"] for j in jobs} == {"__comp"}
    assert {j["key_hash"] for j in jobs} == {dj.key_hash({"sid": OCTAVE_FAILS}), dj.key_hash({"sid": PYTHON_FAILS})}
    assert any("xpop:fail" in j["error_message"] for j in jobs)
    assert any("ValueError: python refuses" in j["error_message"] for j in jobs)

    # both workers start together on the rest
    ready = tmp_path / "ready"
    go = tmp_path / "go"
    out = tmp_path / "oct.json"
    proc = start_octave(tmp_path, "worker", f"""
c = xpop.Comp;
c.heading();
fclose(fopen('{ready}', 'w'));
t0 = tic;
while ~exist('{go}', 'file') && toc(t0) < 60
    pause(0.01);
end
[failed, errs] = parpopulate(c);
c0 = dj.conn;
j = c0.query(sprintf(['SELECT key_hash AS h, error_message AS m FROM `%s`.`~jobs` ' ...
    'WHERE status=''error'' ORDER BY error_message'], '{db}'));
r.failed = numel(failed);
r.jobs = j;
r.mine = count(xpop.Comp & 'worker="octave"');
write_json('{out}', r);
""")
    try:
        _wait_for_file(ready, proc, "octave worker did not start")
        go.write_text("go")
        result = Comp.populate(reserve_jobs=True, suppress_errors=True)
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    octave = read_json(out)

    assert result["error_list"] == [], "Python worker: no key failed or was computed twice"
    assert octave["failed"] == 0, f"Octave worker: no key failed or was computed twice\n{output}"
    rows = Comp.fetch(as_dict=True, order_by="sid")
    expected = [i for i in range(N_KEYS) if i not in (OCTAVE_FAILS, PYTHON_FAILS)]
    assert [r["sid"] for r in rows] == expected, "every key once, the failed ones skipped by both"
    assert all(r["val"] == 3 * r["sid"] for r in rows)
    by_python = sum(r["worker"] == "python" for r in rows)
    by_octave = sum(r["worker"] == "octave" for r in rows)
    assert by_python > 0 and by_octave > 0, (by_python, by_octave)
    assert by_octave == octave["mine"] and result["success_count"] == by_python
    # the error rows are untouched and the same for both languages
    jobs = schema.jobs.fetch(as_dict=True, order_by="error_message")
    assert len(jobs) == 2 and all(j["status"] == "error" for j in jobs)
    # (Octave read them when it finished; the Python worker may still have held a reservation then)
    octave_hashes = octave["jobs"]["h"]
    assert sorted(octave_hashes) == sorted(j["key_hash"] for j in jobs)
    assert any("python refuses" in m for m in octave["jobs"]["m"]), "Octave sees Python's error"

    # clearing the errors re-enables the keys for either language
    (schema.jobs & 'status="error"').delete()
    run_octave(tmp_path, "finish", f"parpopulate(xpop.Comp, 'sid={PYTHON_FAILS}');\n")
    assert len(Comp & {"sid": PYTHON_FAILS}) == 1
    assert len(schema.jobs) == 0


KILL_BODY = """    methods (Access = protected)
        function makeTuples(self, key)
            marker = fullfile(pwd, 'inmake');
            if key.sid == 1 && ~exist(marker, 'file')
                fclose(fopen(marker, 'w'));
                t0 = tic;
                while ~exist(fullfile(pwd, 'killed'), 'file') && toc(t0) < 30
                    pause(0.02);
                end
            end
            key.val = key.sid * 3;
            key.worker = 'octave';
            insert(self, key)
        end
    end
"""


def test_octave_worker_survives_a_killed_connection(connection, schema_name, tmp_path):
    """docs/jobs.md 4.7: the server kills the Octave worker's connection mid make; the worker says
    so, reconnects, releases its reservation and computes the key once on the new connection."""
    db = schema_name("xkill")
    schema = dj.Schema(db, connection=connection)

    def make(self, key):
        raise AssertionError("only the Octave worker runs here")

    Src, Comp = _declare_src_and_comp(schema, make)
    Src.insert([dict(sid=i) for i in range(3)])
    write_get_schema(tmp_path, "xkill", db)
    write_class(tmp_path, "xkill", "Src", "# sources\nsid : int", "dj.Manual")
    write_class(tmp_path, "xkill", "Comp", COMP_MATLAB.replace("xpop.", "xkill."), "dj.Computed", KILL_BODY)
    out = tmp_path / "oct.json"
    proc = start_octave(tmp_path, "killed_worker", f"""
[failed, errs] = parpopulate(xkill.Comp);
r.failed = numel(failed);
write_json('{out}', r);
""")
    try:
        _wait_for_file(tmp_path / "inmake", proc, "octave worker never entered its make")
        row = (schema.jobs & {"key_hash": dj.key_hash({"sid": 1})}).fetch1()
        assert row["status"] == "reserved" and row["table_name"] == "__comp"
        connection.query(f"KILL {int(row['connection_id'])}")
        (tmp_path / "killed").write_text("x")
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert read_json(out)["failed"] == 0, output
    assert "Lost the connection" in output and "retrying the key once" in output, output
    assert sorted(Comp.fetch("sid")) == [0, 1, 2]
    assert len(schema.jobs) == 0
