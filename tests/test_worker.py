"""`dji worker` as a scheduler runs it: real worker processes on the real server's ~jobs queue.

Each worker is a `dji worker tests/worker_pipeline.py` subprocess with its own connection; the
pipeline records every committed make of Comp in Calls, so "computed exactly once" is checkable.
"""
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import datajoint_interop as dj
from datajoint_interop.compute.scheduler import end_time_from
from datajoint_interop.cli.worker import slurm_script

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PIPELINE = os.path.join(HERE, "worker_pipeline.py")
DJI = [sys.executable, "-c", "import sys; from datajoint_interop.cli import main; sys.exit(main())"]
SUMMARY = re.compile(r"dji worker: (\d+) computed, (\d+) failed, (\d+) done by others, (\d+) interrupted and "
                     r"handed back, (\d+) retried, (\d+) idle polls, [\d.]+ s; stopped: (.+); exit (\d+)$")


@pytest.fixture
def db(schema_name, connection):
    """A fresh schema holding the pipeline with ``n`` source keys."""
    def make(n, **env):
        name = schema_name("worker")
        environment = _env(name, **env)
        subprocess.run([sys.executable, "-c", "import tests.worker_pipeline as p; p.Src.insert("
                        f"[(i,) for i in range({n})])"], env=environment, cwd=ROOT, check=True, timeout=120)
        return name
    return make


def _env(database, **extra):
    env = dict(os.environ, WORKER_TEST_DB=database,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start(database, *args, **env):
    return subprocess.Popen([*DJI, "worker", PIPELINE, *args], env=_env(database, **env), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("dji worker:")]
    assert len(lines) == 1, f"no single summary line (exit {process.returncode}):\n{out}\n{err}"
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    computed, failed, others, handed, retried, polls = (int(g) for g in match.groups()[:6])
    summary = dict(computed=computed, failed=failed, others=others, handed=handed, retried=retried, polls=polls,
                   reason=match.group(7), exit=int(match.group(8)))
    assert summary["exit"] == process.returncode, (summary, err)
    return summary


def rows(connection, database, sql):
    return connection.query(sql.replace("{db}", f"`{database}`")).fetchall()


def job_rows(connection, database, status=None):
    where = f" WHERE status='{status}'" if status else ""
    return rows(connection, database, "SELECT status, key_hash FROM {db}.`~jobs`" + where)


def calls_per_key(connection, database):
    return dict(rows(connection, database, "SELECT sid, COUNT(*) FROM {db}.`calls` GROUP BY sid"))


def wait_for(predicate, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_worker_populates_in_dependency_order_and_records_runs(connection, db):
    database = db(6)
    summary = finish(start(database, "--tables", "Double,Comp", "--code-version", "v1.2-abc"))
    assert summary["exit"] == 0 and summary["reason"] == "no work left"
    assert summary["computed"] == 12 and summary["failed"] == 0  # Double after Comp, in one run
    assert calls_per_key(connection, database) == {i: 1 for i in range(6)}
    assert rows(connection, database, "SELECT COUNT(*) FROM {db}.`__double`")[0][0] == 6
    assert job_rows(connection, database) == ()
    runs = rows(connection, database,
                "SELECT table_name, status, code_version, duration >= 0 FROM {db}.`~jobs_runs`")
    assert sorted(set(runs)) == [("__comp", "success", "v1.2-abc", 1), ("__double", "success", "v1.2-abc", 1)]
    assert len(runs) == 12


def test_max_jobs_stops_with_exit_3_and_no_reservation(connection, db):
    database = db(8)
    summary = finish(start(database, "--tables", "Comp", "--max-jobs", "3"))
    assert (summary["exit"], summary["reason"], summary["computed"]) == (3, "max-jobs", 3)
    assert sum(calls_per_key(connection, database).values()) == 3
    assert job_rows(connection, database) == ()


def test_max_time_uses_recent_make_durations(connection, db):
    database = db(20, WORKER_TEST_SLEEP=0.4)
    began = time.time()
    summary = finish(start(database, "--tables", "Comp", "--max-time", "2", "--margin", "0",
                           WORKER_TEST_SLEEP=0.4))
    assert (summary["exit"], summary["reason"]) == (3, "max-time")
    # the first make has no estimate; after it, no key is taken that would end past 2 s
    assert 1 <= summary["computed"] <= 5
    assert job_rows(connection, database) == ()
    assert time.time() - began < 2 + 0.4 + 10  # interpreter start-up included
    # a new worker knows the durations from ~jobs_runs: 0.3 s is too short for a 0.4 s make
    summary = finish(start(database, "--tables", "Comp", "--max-time", "0.3", "--margin", "0",
                           WORKER_TEST_SLEEP=0.4))
    assert (summary["exit"], summary["reason"], summary["computed"]) == (3, "max-time", 0)
    # ... and without --max-time it takes all the others
    done = sum(calls_per_key(connection, database).values())
    summary = finish(start(database, "--tables", "Comp"))
    assert (summary["exit"], summary["computed"]) == (0, 20 - done)


def test_slurm_job_end_time_is_read():
    assert end_time_from(environ={"SLURM_JOB_END_TIME": "1000"}, now=0) == 1000
    assert end_time_from(max_time=50, deadline=900, environ={"SLURM_JOB_END_TIME": "1000"}, now=0) == 50
    assert end_time_from(environ={}, now=0) is None
    with pytest.raises(dj.DataJointError, match="SLURM_JOB_END_TIME"):
        end_time_from(environ={"SLURM_JOB_END_TIME": "soon"})


def test_worker_stops_before_slurm_job_end_time(connection, db):
    database = db(3)
    summary = finish(start(database, "--tables", "Comp", SLURM_JOB_END_TIME=int(time.time()) + 5))
    assert (summary["exit"], summary["reason"], summary["computed"]) == (3, "max-time", 0)  # 10 s margin
    summary = finish(start(database, "--tables", "Comp", "--margin", "1", SLURM_JOB_END_TIME=int(time.time()) + 60))
    assert (summary["exit"], summary["computed"]) == (0, 3)


def _reserved_and_calling(connection, database):
    """The worker holds one reservation (its ~jobs table may not exist yet)."""
    try:
        return len(job_rows(connection, database, "reserved")) == 1
    except dj.errors.MissingTableError:
        return False


@pytest.mark.parametrize("grace", ["0.5", "0"])
def test_sigterm_mid_make_rolls_back_and_hands_the_key_back(connection, db, grace):
    database = db(3, WORKER_TEST_SLEEP=60)
    worker = start(database, "--tables", "Comp", "--grace", grace, WORKER_TEST_SLEEP=60)
    wait_for(lambda: _reserved_and_calling(connection, database))
    time.sleep(0.3)  # well inside make's sleep
    worker.send_signal(signal.SIGTERM)
    summary = finish(worker, timeout=30)
    assert summary["exit"] == 128 + signal.SIGTERM and summary["reason"] == "signal SIGTERM"
    assert summary["handed"] == 1 and summary["computed"] == 0
    assert job_rows(connection, database) == ()  # no stale reservation, no error row
    assert calls_per_key(connection, database) == {}  # the make's transaction was rolled back


def test_sigterm_lets_the_current_make_finish_within_grace(connection, db):
    database = db(3, WORKER_TEST_SLEEP=1.5)
    worker = start(database, "--tables", "Comp", "--grace", "20", WORKER_TEST_SLEEP=1.5)
    wait_for(lambda: _reserved_and_calling(connection, database))
    worker.send_signal(signal.SIGINT)
    summary = finish(worker, timeout=30)
    assert summary["exit"] == 128 + signal.SIGINT
    assert (summary["computed"], summary["handed"]) == (1, 0)
    assert sum(calls_per_key(connection, database).values()) == 1
    assert job_rows(connection, database) == ()


def test_retryable_errors_are_retried_up_to_the_maximum_and_others_are_not(connection, db, tmp_path):
    counter = tmp_path / "flaky"
    database = db(4)
    env = dict(WORKER_TEST_FAIL=1, WORKER_TEST_FLAKY=f"2:{counter}:2")
    summary = finish(start(database, "--tables", "Comp", "--max-retries", "2", **env))
    assert summary["exit"] == 4  # no work left, but a make failed for good
    assert counter.read_text() == "3"  # two deadlocks, then success
    assert summary["retried"] == 2 and summary["computed"] == 3 and summary["failed"] == 3
    errors = rows(connection, database, "SELECT status, error_message FROM {db}.`~jobs`")
    assert len(errors) == 1 and errors[0][0] == "error" and errors[0][1].startswith("ValueError")

    # with one retry allowed, a key that keeps deadlocking stays an error after two attempts
    counter2 = tmp_path / "flaky2"
    database2 = db(3)
    summary = finish(start(database2, "--tables", "Comp", "--max-retries", "1",
                           WORKER_TEST_FLAKY=f"0:{counter2}:5"))
    assert summary["exit"] == 4 and counter2.read_text() == "2" and summary["retried"] == 1
    assert [r[0] for r in job_rows(connection, database2)] == ["error"]


def test_idle_exit_polls_with_backoff(connection, db):
    database = db(0)
    began = time.time()
    summary = finish(start(database, "--tables", "Comp", "--idle-exit", "2", "--poll", "0.3"))
    assert (summary["exit"], summary["polls"]) == (0, 2)
    assert "after 2 idle polls" in summary["reason"]
    assert time.time() - began >= 0.3 + 0.6


def test_idle_worker_picks_up_keys_inserted_while_it_polls(connection, db):
    database = db(0)
    worker = start(database, "--tables", "Comp", "--idle-exit", "3", "--poll", "0.5")
    time.sleep(0.5)
    subprocess.run([sys.executable, "-c", "import tests.worker_pipeline as p; p.Src.insert([(7,), (8,)])"],
                   env=_env(database), cwd=ROOT, check=True, timeout=120)
    summary = finish(worker)
    assert summary["exit"] == 0 and summary["computed"] == 2


def test_dji_workers_and_a_014_worker_share_the_queue(connection, db):
    n = 40
    database = db(n, WORKER_TEST_SLEEP=0.02)
    ours = [start(database, "--tables", "Comp", WORKER_TEST_SLEEP=0.02, WORKER_TEST_NAME=f"ours{i}")
            for i in range(2)]
    oracle = subprocess.Popen([sys.executable, PIPELINE], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=_env(database, WORKER_TEST_MODULE="datajoint", WORKER_TEST_SLEEP=0.02,
                                                  WORKER_TEST_NAME="dj014"))
    summaries = [finish(p) for p in ours]
    out, err = oracle.communicate(timeout=120)
    assert oracle.returncode == 0, err
    assert calls_per_key(connection, database) == {i: 1 for i in range(n)}
    by_worker = dict(rows(connection, database, "SELECT worker, COUNT(*) FROM {db}.`calls` GROUP BY worker"))
    assert sum(s["computed"] for s in summaries) == by_worker.get("ours0", 0) + by_worker.get("ours1", 0)
    assert job_rows(connection, database) == ()


def test_jobs_summary_counts_add_up(connection, db):
    database = db(10)
    finish(start(database, "--tables", "Comp", "--max-jobs", "4", WORKER_TEST_FAIL=0))
    out = subprocess.run([*DJI, "jobs", database, "--summary", "--pipeline", PIPELINE], env=_env(database),
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["table", "total", "done", "pending", "reserved", "error", "ignore", "rate/s", "ETA"]
    comp = next(line.split() for line in lines if line.startswith("Comp "))
    assert comp[1:7] == ["10", "3", "6", "0", "1", "0"]
    assert float(comp[7]) > 0 and re.fullmatch(r"\d+:\d\d:\d\d", comp[8])
    double = next(line.split() for line in lines if line.startswith("Double "))
    assert double[1:8] == ["3", "0", "3", "0", "0", "0", "-"]


def test_jobs_summary_needs_the_pipeline(db):
    database = db(1)
    out = subprocess.run([*DJI, "jobs", database, "--summary"], env=_env(database), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "--pipeline" in out.stderr


def test_slurm_script_text():
    from datajoint_interop.cli import build_parser
    args = build_parser().parse_args(["worker", "my pipe.py", "--max-jobs", "50", "--restriction", "sid > 3",
                                      "--slurm-script", "--array", "8", "--walltime", "02:00:00", "--grace", "30"])
    from datajoint_interop.cli.worker import worker_argv
    text = slurm_script(worker_argv(args, args.defaults), args.array, args.walltime, args.grace)
    assert text.startswith("#!/bin/bash\n")
    assert "#SBATCH --array=0-7\n" in text and "#SBATCH --time=02:00:00\n" in text
    assert "#SBATCH --signal=B:TERM@40\n" in text  # grace + 10 s before the limit
    assert text.rstrip().splitlines()[-1] == \
        "exec dji worker 'my pipe.py' --max-jobs 50 --grace 30.0 --restriction 'sid > 3'"
    with pytest.raises(dj.DataJointError, match="walltime"):
        slurm_script(["p"], 2, "2h; rm -rf /", 20)
    with pytest.raises(dj.DataJointError, match="array"):
        slurm_script(["p"], 0, "01:00:00", 20)


def test_slurm_script_from_the_command_line():
    out = subprocess.run([*DJI, "worker", "pipe", "--slurm-script", "--array", "4"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "#SBATCH --array=0-3" in out.stdout
    assert out.stdout.rstrip().endswith("exec dji worker pipe")


def _schedule(database, *args):
    out = subprocess.run([*DJI, "schedule", PIPELINE, "Comp", *args], env=_env(database), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_priority_orders_keys_and_delay_holds_them_back(connection, db):
    database = db(6)
    assert "2 keys at priority 5" in _schedule(database, "--priority", "5", "--restriction", "sid in (4, 5)")
    assert "1 keys at priority 0, starting in 3600 s" in _schedule(database, "--delay", "3600",
                                                                    "--restriction", "sid = 0")
    summary = finish(start(database, "--tables", "Comp"))
    assert (summary["exit"], summary["computed"]) == (3, 5)
    assert summary["reason"] == "1 delayed keys not yet due"
    order = [r[0] for r in rows(connection, database, "SELECT sid FROM {db}.`calls` ORDER BY call_id")]
    assert order[:2] == [4, 5] and sorted(order) == [1, 2, 3, 4, 5]
    # once due, the delayed key is computed
    _schedule(database, "--delay", "0", "--restriction", "sid = 0")
    summary = finish(start(database, "--tables", "Comp"))
    assert (summary["exit"], summary["computed"]) == (0, 1)
    assert job_rows(connection, database) == ()


def test_schedule_rejects_bad_values(db):
    database = db(1)
    out = subprocess.run([*DJI, "schedule", PIPELINE, "Comp", "--priority", "99999999999"], env=_env(database),
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "32-bit" in out.stderr
    out = subprocess.run([*DJI, "schedule", PIPELINE, "Nope"], env=_env(database),
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "no computed table named Nope" in out.stderr


def test_sigterm_while_idle_polling_exits_promptly(connection, db):
    database = db(0)
    worker = start(database, "--tables", "Comp", "--idle-exit", "100", "--poll", "5")
    wait_for(lambda: _runs_table_exists(connection, database))
    time.sleep(0.5)
    began = time.time()
    worker.send_signal(signal.SIGTERM)
    summary = finish(worker, timeout=30)
    assert time.time() - began < 3  # not after the 5 s poll
    assert (summary["exit"], summary["reason"], summary["computed"]) == (143, "signal SIGTERM", 0)


def _runs_table_exists(connection, database):
    return bool(rows(connection, database,
                     f"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='{database}' "
                     "AND table_name='~jobs_runs'")[0][0])
