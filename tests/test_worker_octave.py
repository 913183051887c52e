"""dj.worker in Octave: a package's tables in dependency order, limits, summary, next to `dji worker`."""
import re

from .test_crosslang_support import run_octave, start_octave, write_class, write_get_schema
from .test_worker import calls_per_key, db, finish, job_rows, rows, start  # noqa: F401 - db is a fixture

SUMMARY = re.compile(r"dj\.worker: (\d+) computed, (\d+) failed, (\d+) idle polls, [\d.]+ s; stopped: (.+); exit (\d+)")

COMP_BODY = """    methods (Access = protected)
        function makeTuples(self, key)
            % negative ids: never among the auto_increment ids of Python's inserts
            insert(xw.Calls, struct('call_id', -1 - key.sid, 'sid', key.sid, 'worker', 'octave'));
            pause(0.02);
            key.val = key.sid;
            insert(self, key)
        end
    end
"""
DOUBLE_BODY = """    methods (Access = protected)
        function makeTuples(self, key)
            key.twice = 2 * fetch1(xw.Comp & key, 'val');
            insert(self, key)
        end
    end
"""


def write_worker_package(tmp_path, database, comp_body=COMP_BODY):
    """Package +xw: the tables of tests/worker_pipeline.py, with Comp's make given by ``comp_body``."""
    write_get_schema(tmp_path, "xw", database)
    write_class(tmp_path, "xw", "Src", "#\nsid: int", "dj.Manual")
    write_class(tmp_path, "xw", "Calls", "#\ncall_id: int auto_increment\n---\nsid: int\nworker: varchar(16)",
                "dj.Manual")
    # Double sorts before Comp by name: dj.worker must still populate Comp first
    write_class(tmp_path, "xw", "Double", "#\n-> xw.Comp\n---\ntwice: int", "dj.Computed", DOUBLE_BODY)
    write_class(tmp_path, "xw", "Comp", "#\n-> xw.Src\n---\nval: int", "dj.Computed", comp_body)


def _summary(out):
    match = SUMMARY.search(out)
    assert match, out
    computed, failed, polls = (int(g) for g in match.groups()[:3])
    return dict(computed=computed, failed=failed, polls=polls, reason=match.group(4), exit=int(match.group(5)))


def test_octave_worker_populates_the_package_in_order_with_limits(connection, db, tmp_path):
    database = db(5)
    write_worker_package(tmp_path, database)
    out = run_octave(tmp_path, "limited", "s = dj.worker('xw', 'maxJobs', 3);\nassert(s.exitCode == 3);\n")
    assert _summary(out) == dict(computed=3, failed=0, polls=0, reason="max-jobs", exit=3), out
    assert job_rows(connection, database) == ()
    out = run_octave(tmp_path, "rest", "s = dj.worker('xw');\nassert(s.exitCode == 0);\n")
    assert _summary(out)["computed"] == 2 + 5 and _summary(out)["reason"] == "no work left"
    assert calls_per_key(connection, database) == {i: 1 for i in range(5)}
    assert rows(connection, database, "SELECT COUNT(*) FROM {db}.`__double`")[0][0] == 5


def test_octave_worker_rejects_bad_options(tmp_path, db):
    database = db(1)
    write_worker_package(tmp_path, database)
    out = run_octave(tmp_path, "bad", """
try
    dj.worker('xw', 'maxJobs', -1);
    error('no error');
catch e
    assert(strcmp(e.identifier, 'DataJoint:worker:badArgument'), e.identifier);
end
try
    dj.worker('xw', 'tables', {'Nope'});
    error('no error');
catch e
    assert(strcmp(e.identifier, 'DataJoint:worker:noTable'), e.identifier);
end
setenv('SLURM_JOB_END_TIME', 'soon');
try
    dj.worker('xw');
    error('no error');
catch e
    assert(strcmp(e.identifier, 'DataJoint:worker:badEnvironment'), e.identifier);
end
disp('BAD-OPTIONS-OK')
""")
    assert "BAD-OPTIONS-OK" in out


def test_octave_and_python_dji_workers_share_the_queue(connection, db, tmp_path):
    n = 40
    database = db(n, WORKER_TEST_SLEEP=0.02)
    write_worker_package(tmp_path, database)
    octave = start_octave(tmp_path, "together", "s = dj.worker('xw', 'tables', {'Comp'});\n")
    python = start(database, "--tables", "Comp", "--idle-exit", "1", WORKER_TEST_SLEEP=0.02)
    out, _ = octave.communicate(timeout=300)
    assert octave.returncode == 0, out
    ours = finish(python)
    theirs = _summary(out)
    assert calls_per_key(connection, database) == {i: 1 for i in range(n)}
    assert ours["computed"] + theirs["computed"] == n
    assert job_rows(connection, database) == ()
