"""dj.worker in Octave: a package's tables in dependency order, limits, summary, next to `dji worker`;
the side tables (priority and delayed start, runs with durations and code version, retry by
error class) shared with `dji worker`, and a killed Octave worker whose reservation is reclaimed."""
import os
import re
import signal
import subprocess
import sys
import time

from .test_crosslang_support import run_octave, start_octave, write_class, write_get_schema
from .test_worker import ROOT, _env, calls_per_key, db, finish, job_rows, rows, start, wait_for  # noqa: F401

SUMMARY = re.compile(r"dj\.worker: (\d+) computed, (\d+) failed, (\d+) retried, (\d+) idle polls, [\d.]+ s; "
                     r"stopped: (.+); exit (\d+)")

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
    computed, failed, retried, polls = (int(g) for g in match.groups()[:4])
    return dict(computed=computed, failed=failed, retried=retried, polls=polls, reason=match.group(5),
                exit=int(match.group(6)))


def test_octave_worker_populates_the_package_in_order_with_limits(connection, db, tmp_path):
    database = db(5)
    write_worker_package(tmp_path, database)
    out = run_octave(tmp_path, "limited", "s = dj.worker('xw', 'maxJobs', 3);\nassert(s.exitCode == 3);\n")
    assert _summary(out) == dict(computed=3, failed=0, retried=0, polls=0, reason="max-jobs", exit=3), out
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


# ------------------------------------------------------------------ side tables shared with dji worker
FLAKY_BODY = """    methods (Access = protected)
        function makeTuples(self, key)
            % sid 1 fails like a deadlock the first OCT_DEADLOCKS times; sid 2 always fails with
            % a user error
            if key.sid == 1
                counter = fullfile(getenv('OCT_FLAG_DIR'), 'deadlocks');
                n = 0;
                if exist(counter, 'file')
                    n = numel(fileread(counter));
                end
                if n < str2double(getenv('OCT_DEADLOCKS'))
                    f = fopen(counter, 'a');
                    fprintf(f, 'x');
                    fclose(f);
                    error('DataJoint:query', 'Deadlock found when trying to get lock; try restarting transaction');
                end
            end
            if key.sid == 2
                error('test:userError', 'the data of this key are bad');
            end
            insert(xw.Calls, struct('call_id', -1 - key.sid, 'sid', key.sid, 'worker', 'octave'));
            key.val = key.sid;
            insert(self, key)
        end
    end
"""


def _python(database, code):
    subprocess.run([sys.executable, "-c", "import tests.worker_pipeline as p\n" + code], env=_env(database),
                   cwd=ROOT, check=True, timeout=120)


def test_octave_worker_honours_priority_and_delay_and_records_runs(connection, db, tmp_path):
    database = db(5)
    write_worker_package(tmp_path, database)
    _python(database, "from datajoint_interop.compute import priority\n"
                      "priority.schedule(p.Comp(), [{'sid': 3}, {'sid': 4}], priority=5)\n"
                      "priority.schedule(p.Comp(), [{'sid': 0}], delay=3600)\n")
    out = run_octave(tmp_path, "first", "s = dj.worker('xw', 'tables', {'Comp'}, 'maxJobs', 2, "
                                        "'codeVersion', 'v1.2-oct');\n")
    assert _summary(out)["computed"] == 2, out
    assert set(calls_per_key(connection, database)) == {3, 4}, "priority 5 first"
    out = run_octave(tmp_path, "rest", "s = dj.worker('xw', 'tables', {'Comp'});\nassert(s.exitCode == 3);\n")
    summary = _summary(out)
    assert summary["computed"] == 2 and summary["reason"] == "1 delayed keys not yet due", out
    assert set(calls_per_key(connection, database)) == {1, 2, 3, 4}, "sid 0 may not start for an hour"
    runs = rows(connection, database, "SELECT status, duration, code_version, pid, host "
                                      "FROM {db}.`~jobs_runs` ORDER BY run_id")
    assert len(runs) == 4 and all(r[0] == "success" and r[1] > 0 and r[3] > 0 and r[4] for r in runs), runs
    assert [r[2] for r in runs] == ["v1.2-oct", "v1.2-oct", "", ""]
    # the next Python worker judges its first key by the durations Octave recorded, and the same
    # delay holds for it
    python = start(database, "--tables", "Comp")
    result = finish(python)
    assert result["computed"] == 0 and result["exit"] == 3 and "delayed" in result["reason"], result


def _flaky_run(db, tmp_path, keys, deadlocks, script):
    """A schema of ``keys`` keys whose Comp make deadlocks ``deadlocks`` times on sid 1 and always
    fails on sid 2; runs ``script`` in Octave and returns the schema and its output."""
    database = db(keys)
    write_worker_package(tmp_path, database)
    write_class(tmp_path, "xw", "Comp", "#\n-> xw.Src\n---\nval: int", "dj.Computed", FLAKY_BODY)
    os.environ.update(OCT_FLAG_DIR=str(tmp_path), OCT_DEADLOCKS=str(deadlocks))
    try:
        return database, run_octave(tmp_path, f"flaky{deadlocks}", script)
    finally:
        del os.environ["OCT_FLAG_DIR"], os.environ["OCT_DEADLOCKS"]


def test_octave_worker_retries_errors_by_class(connection, db, tmp_path):
    database, out = _flaky_run(db, tmp_path, 4, 1, "s = dj.worker('xw', 'tables', {'Comp'});\nassert(s.exitCode == 4);\n")
    summary = _summary(out)
    assert summary == dict(computed=3, failed=2, retried=1, polls=0, reason="no work left", exit=4), out
    assert set(calls_per_key(connection, database)) == {0, 1, 3}, "the deadlocked key was computed on retry"
    errors = rows(connection, database, "SELECT key_hash, error_message FROM {db}.`~jobs` WHERE status='error'")
    assert len(errors) == 1 and errors[0][1].startswith("test:userError: "), errors
    runs = rows(connection, database, "SELECT status, error_message FROM {db}.`~jobs_runs` WHERE status='error' "
                                      "ORDER BY run_id")
    assert [r[1].split(":")[0] for r in runs] == ["DataJoint", "test"] and "Deadlock found" in runs[0][1], runs
    # a user error is never retried, however often the worker runs
    out = run_octave(tmp_path, "again", "s = dj.worker('xw', 'tables', {'Comp'});\n")
    assert _summary(out)["retried"] == 0 and _summary(out)["computed"] == 0


def test_octave_worker_stops_retrying_after_max_retries(connection, db, tmp_path):
    database, out = _flaky_run(db, tmp_path, 2, 10, "s = dj.worker('xw', 'tables', {'Comp'}, 'maxRetries', 2);\n")
    summary = _summary(out)
    assert summary["computed"] == 1 and summary["failed"] == 3 and summary["retried"] == 2, out
    assert (tmp_path / "deadlocks").read_text() == "xxx", "one attempt and two retries"
    errors = rows(connection, database, "SELECT error_message FROM {db}.`~jobs` WHERE status='error'")
    assert len(errors) == 1 and "Deadlock found" in errors[0][0], "after the retries the error stays"


def test_octave_worker_options_of_the_side_tables(tmp_path, db):
    database = db(1)
    write_worker_package(tmp_path, database)
    out = run_octave(tmp_path, "badside", """
bad = {{'retryOn', {''}}, {'retryOn', 3}, {'codeVersion', 7}, {'maxRetries', -1}};
for i = 1:numel(bad)
    try
        dj.worker('xw', bad{i}{:});
        error('no error');
    catch e
        assert(strcmp(e.identifier, 'DataJoint:worker:badArgument'), e.identifier);
    end
end
disp('SIDE-OPTIONS-OK')
""")
    assert "SIDE-OPTIONS-OK" in out


# ------------------------------------------------------------------ a killed Octave worker
SLOW_BODY = """    methods (Access = protected)
        function makeTuples(self, key)
            insert(xw.Calls, struct('call_id', -1 - key.sid, 'sid', key.sid, 'worker', 'octave'));
            pause(str2double(getenv('OCT_MAKE_SECONDS')));
            key.val = key.sid;
            insert(self, key)
        end
    end
"""


def _reserved_now(connection, database):
    """Reserved rows, or () while the worker has not created ``~jobs`` yet."""
    exists = rows(connection, database, "SELECT COUNT(*) FROM information_schema.tables "
                  f"WHERE table_schema='{database}' AND table_name='~jobs'")[0][0]
    return job_rows(connection, database, "reserved") if exists else ()


def _stale_after_kill(connection, db, tmp_path, signum):
    """Start an Octave worker on slow makes and signal it inside a make; it must not finish."""
    database = db(3)
    write_worker_package(tmp_path, database)
    write_class(tmp_path, "xw", "Comp", "#\n-> xw.Src\n---\nval: int", "dj.Computed", SLOW_BODY)
    os.environ["OCT_MAKE_SECONDS"] = "30"
    try:
        octave = start_octave(tmp_path, "killed", "s = dj.worker('xw', 'tables', {'Comp'});\n")
    finally:
        del os.environ["OCT_MAKE_SECONDS"]
    try:
        wait_for(lambda: _reserved_now(connection, database), timeout=120)
        time.sleep(0.5)  # inside the make: Calls row inserted, transaction open
        octave.send_signal(signum)
        out, _ = octave.communicate(timeout=60)
    finally:
        if octave.poll() is None:
            octave.kill()
            octave.communicate()
    assert octave.returncode != 0, out
    assert "dj.worker:" not in out, "the worker did not get to its summary"
    return database, out


def test_sigterm_octave_worker_hands_its_key_back_for_python(connection, db, tmp_path):
    database, out = _stale_after_kill(connection, db, tmp_path, signal.SIGTERM)
    # Octave's SIGTERM handler unwinds the make: rolled back, reservation deleted, no error row
    assert job_rows(connection, database) == (), (job_rows(connection, database), out)
    assert calls_per_key(connection, database) == {}, "the server rolled the make back"
    assert not (tmp_path / "octave-workspace").exists(), "no workspace dump in the job's folder"
    result = finish(start(database, "--tables", "Comp"))
    assert result["computed"] == 3 and result["exit"] == 0, result
    assert calls_per_key(connection, database) == {0: 1, 1: 1, 2: 1}
    assert job_rows(connection, database) == ()


def test_killed_octave_worker_reservation_is_reclaimed_by_octave(connection, db, tmp_path):
    database, _ = _stale_after_kill(connection, db, tmp_path, signal.SIGKILL)
    assert len(job_rows(connection, database, "reserved")) == 1, "a killed worker leaves its reservation"
    assert calls_per_key(connection, database) == {}, "the server rolled the make back"
    os.environ["OCT_MAKE_SECONDS"] = "0"
    try:
        out = run_octave(tmp_path, "after", "s = dj.worker('xw', 'tables', {'Comp'});\nassert(s.exitCode == 0);\n")
    finally:
        del os.environ["OCT_MAKE_SECONDS"]
    assert _summary(out)["computed"] == 3, out
    assert calls_per_key(connection, database) == {0: 1, 1: 1, 2: 1}
    assert job_rows(connection, database) == ()
