"""`dji worker --slurm-script` on a real one-node Slurm cluster (tests/slurm_cluster.py).

An sbatch array of 4 workers, 2 Python `dji worker` and 2 Octave `dj.worker`, populates one
table of 500 keys through the shared ~jobs queue while `scancel` stops one worker of each
language mid-run: the Python one by SIGTERM (it finishes its make and exits 143), the Octave one
unwinds and exits at once, handing back the key of the make it was in. A worker that ignores
SIGTERM too long is killed after KillWait and its reservation is reclaimed by the next worker.
Every committed make writes one Calls row (tests/worker_pipeline.py), so "computed exactly once"
is a count.
"""
import os
import re
import subprocess

import pytest

from datajoint_interop.codec.hash import key_hash

from .slurm_cluster import KILL_WAIT, SlurmCluster
from .test_crosslang_support import MATLAB_DIR, octave_binary
from .test_worker_octave import write_worker_package
from .test_worker import DJI, PIPELINE, ROOT, SUMMARY, _env, db, job_rows, rows, wait_for  # noqa: F401 - db

KEYS = 500
OCTAVE_SUMMARY = re.compile(r"dj\.worker: (?P<computed>\d+) computed, (?P<failed>\d+) failed, "
                            r"(?P<retried>\d+) retried, (?P<idle>\d+) idle polls, [\d.]+ s; "
                            r"stopped: (?P<stopped>.+); exit (?P<exit>\d+)")

# Each Octave make tags its Calls row with its array task, like WORKER_TEST_NAME in Python's. The
# toolbox's insert needs call_id: negative ids never meet Python's auto_increment ones, and each
# (key, task) has its own, so two tasks completing one key would show as two rows. Task 3's sixth
# make waits while the file WORKER_TEST_HOLD exists, so the test can stop it inside a make.
OCTAVE_COMP = """    methods (Access = protected)
        function makeTuples(self, key)
            task = str2double(getenv('SLURM_ARRAY_TASK_ID'));
            insert(xw.Calls, struct('call_id', -1 - (100 * key.sid + task), 'sid', key.sid, ...
                'worker', sprintf('oct%d', task)));
            made = str2double(getenv('XW_MADE'));
            if isnan(made)
                made = 0;
            end
            setenv('XW_MADE', sprintf('%d', made + 1));
            while task == 3 && made == 5 && exist(getenv('WORKER_TEST_HOLD'), 'file')
                pause(0.05);
            end
            pause(0.03);
            key.val = key.sid;
            insert(self, key)
        end
    end
"""


@pytest.fixture(scope="module")
def cluster():
    octave_binary()  # fail clearly when Octave is missing, before starting anything
    instance = SlurmCluster()
    with instance:
        yield instance
    assert instance.leftover_processes() == []


def _array_script(folder, workers, dji_args, octave_tasks=()):
    """The script `dji worker --slurm-script` writes, edited as its comments tell an operator to:
    the Python environment put on PATH, and (for ``octave_tasks``) dj.worker run instead."""
    out = subprocess.run([*DJI, "worker", PIPELINE, *dji_args, "--slurm-script", "--array", str(workers),
                          "--walltime", "00:10:00"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    script = out.stdout
    exec_line = next(line for line in script.splitlines() if line.startswith("exec dji worker "))
    octave = (f"addpath('{MATLAB_DIR}'); addpath('{folder}'); sigterm_dumps_octave_core(false); "
              "s = dj.worker('xw', 'tables', {'Comp'}, 'idleExit', 2, 'poll', 0.5); exit(s.exitCode)")
    tasks = " ".join(str(t) for t in octave_tasks) or "none"
    setup = (f"export PATH={os.path.dirname(DJI[0])}:$PATH\n"
             "export WORKER_TEST_NAME=py$SLURM_ARRAY_TASK_ID\n"
             "echo \"TASK $SLURM_ARRAY_TASK_ID PID $$\"\n"
             f"case \" {tasks} \" in *\" $SLURM_ARRAY_TASK_ID \"*)\n"
             f"    exec {octave_binary()} --norc --no-history --eval \"{octave}\";;\n"
             "esac\n")
    path = folder / "array.sh"
    path.write_text(script.replace(exec_line, setup + exec_line))
    return path


def _submit(cluster, folder, script, database, **env):
    environment = dict(_env(database, **env), SLURM_CONF=cluster.conf)
    result = cluster.client("sbatch", "--parsable", f"--chdir={folder}", str(script), env=environment)
    return result.stdout.strip().split(";")[0]


def _output(folder, job, task):
    path = folder / f"dji-worker-{job}_{task}.out"
    return path.read_text() if path.exists() else ""


def _pid(folder, job, task):
    match = re.search(r"^TASK \d+ PID (\d+)$", _output(folder, job, task), re.M)
    return int(match.group(1)) if match else None


def _running(cluster, job):
    return cluster.client("squeue", "-h", "-j", job, "-o", "%i").stdout.split()


def _calls_by_worker(connection, database):
    return dict(rows(connection, database, "SELECT worker, COUNT(*) FROM {db}.`calls` GROUP BY worker"))


def _reserved_by(connection, database, pid):
    return rows(connection, database, "SELECT key_hash FROM {db}.`~jobs` WHERE status='reserved' AND pid=%d" % pid)


def _jobs_table_exists(connection, database):
    return bool(rows(connection, database, "SELECT COUNT(*) FROM information_schema.tables WHERE "
                     f"table_schema='{database}' AND table_name='~jobs'")[0][0])


def test_mixed_array_computes_every_key_once_while_tasks_are_cancelled(cluster, connection, db, tmp_path):
    database = db(KEYS)
    write_worker_package(tmp_path, database, OCTAVE_COMP)
    script = _array_script(tmp_path, 4, ["--tables", "Comp", "--idle-exit", "2", "--poll", "0.5"],
                           octave_tasks=(2, 3))
    hold = tmp_path / "hold"
    hold.write_text("")
    job = _submit(cluster, tmp_path, script, database, WORKER_TEST_SLEEP=0.03, WORKER_TEST_HOLD=hold)
    try:
        # mid-run: each victim has computed keys and the table is far from done
        wait_for(lambda: _calls_by_worker(connection, database).get("py1", 0) >= 10, timeout=120)
        cluster.client("scancel", f"{job}_1")
        # Octave task 3 made 5 keys and waits inside its sixth make, holding that key's reservation
        wait_for(lambda: _calls_by_worker(connection, database).get("oct3", 0) >= 5, timeout=120)
        octave_pid = _pid(tmp_path, job, 3)
        wait_for(lambda: _reserved_by(connection, database, octave_pid), timeout=30)
        held, = _reserved_by(connection, database, octave_pid)
        cluster.client("scancel", f"{job}_3")
        wait_for(lambda: f"{job}_3" not in _running(cluster, job), timeout=60)
        left_by_octave = _reserved_by(connection, database, octave_pid)
        hold.unlink()
        done_at_cancel = sum(_calls_by_worker(connection, database).values())
        wait_for(lambda: not _running(cluster, job), timeout=240)
    except AssertionError:
        pytest.fail("the array did not run as expected:\n" + "\n".join(
            f"--- task {t}\n{_output(tmp_path, job, t)}" for t in range(4)) + "\n" + cluster.logs())
    outputs = {t: _output(tmp_path, job, t) for t in range(4)}
    states = {t: cluster.job(f"{job}_{t}") for t in range(4)}
    report = "\n".join(f"--- task {t}: {states[t].get('JobState')} {states[t].get('ExitCode')}\n{outputs[t]}"
                       for t in range(4))
    report += "\n--- ~jobs: %s\n--- computed: %d, left by the killed Octave worker: %s" % (
        rows(connection, database, "SELECT status, key_hash, pid, connection_id, error_message FROM {db}.`~jobs`"),
        rows(connection, database, "SELECT COUNT(*) FROM {db}.`__comp`")[0][0], left_by_octave)
    assert done_at_cancel < KEYS, report

    # every key computed exactly once, and no reservation left (the dead Octave worker's too)
    calls = dict(rows(connection, database, "SELECT sid, COUNT(*) FROM {db}.`calls` GROUP BY sid"))
    assert calls == {i: 1 for i in range(KEYS)}, report
    assert rows(connection, database, "SELECT COUNT(*) FROM {db}.`__comp`")[0][0] == KEYS
    assert job_rows(connection, database) == (), report
    by_worker = _calls_by_worker(connection, database)
    assert set(by_worker) == {"py0", "py1", "oct2", "oct3"}, (by_worker, report)

    # Slurm's view: the cancelled tasks are CANCELLED, the others ran out of work and exited 0
    assert [states[t]["JobState"] for t in range(4)] == ["COMPLETED", "CANCELLED", "COMPLETED", "CANCELLED"], report
    assert states[0]["ExitCode"] == states[2]["ExitCode"] == "0:0", report

    # the Python worker handled SIGTERM: its summary line, exit 128 + 15, and its count matches
    python = {t: SUMMARY.match(line) for t in (0, 1) for line in outputs[t].splitlines()
              if line.startswith("dji worker:")}
    assert set(python) == {0, 1}, report
    assert python[1].group(7) == "signal SIGTERM" and python[1].group(8) == "143", report
    assert states[1]["ExitCode"] == "143:0", report
    assert python[0].group(8) == "0" and python[0].group(2) == "0", report
    assert int(python[0].group(1)) == by_worker["py0"] and int(python[1].group(1)) == by_worker["py1"], report
    # the surviving Octave worker's summary, and the killed one printed none
    octave = OCTAVE_SUMMARY.search(outputs[2])
    assert octave and int(octave["computed"]) == by_worker["oct2"] and octave["exit"] == "0", report
    assert not OCTAVE_SUMMARY.search(outputs[3]), report
    # Octave, stopped inside a make, rolled it back and handed the key back on its way out; another
    # worker computed that key
    assert left_by_octave == () and by_worker["oct3"] == 5, report
    sid, = [i for i in range(KEYS) if key_hash({"sid": i}) == held[0]]
    assert rows(connection, database, "SELECT worker FROM {db}.`calls` WHERE sid=%d" % sid)[0][0] != "oct3", report

    # the operators' view adds up
    out = subprocess.run([*DJI, "jobs", database, "--summary", "--pipeline", PIPELINE], env=_env(database),
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    comp = next(line.split() for line in out.stdout.splitlines() if line.startswith("Comp "))
    assert comp[1:7] == [str(KEYS), str(KEYS), "0", "0", "0", "0"], out.stdout


def test_scancel_during_a_long_make_hands_the_key_back_before_kill_wait(cluster, connection, db, tmp_path):
    database = db(2)
    script = _array_script(tmp_path, 1, ["--tables", "Comp", "--grace", "2"])
    job = _submit(cluster, tmp_path, script, database, WORKER_TEST_SLEEP=600)
    wait_for(lambda: _jobs_table_exists(connection, database) and
             len(job_rows(connection, database, "reserved")) == 1, timeout=120)
    cluster.client("scancel", f"{job}_0")
    wait_for(lambda: not _running(cluster, job), timeout=60)
    output = _output(tmp_path, job, 0)
    state = cluster.job(f"{job}_0")
    summary = [SUMMARY.match(line) for line in output.splitlines() if line.startswith("dji worker:")]
    # the worker's own exit after the 2 s grace, not Slurm's SIGKILL 10 s (KillWait) after SIGTERM
    assert len(summary) == 1 and summary[0], output
    assert summary[0].group(4) == "1" and summary[0].group(1) == "0", output  # 1 handed back, 0 computed
    assert (summary[0].group(7), summary[0].group(8)) == ("signal SIGTERM", "143"), output
    assert (state["JobState"], state["ExitCode"]) == ("CANCELLED", "143:0"), state
    assert job_rows(connection, database) == ()  # released, not stale, not an error
    assert rows(connection, database, "SELECT COUNT(*) FROM {db}.`calls`")[0][0] == 0  # rolled back


def test_kill_after_kill_wait_leaves_a_reservation_that_the_next_worker_reclaims(cluster, connection, db, tmp_path):
    database = db(2)
    # a grace longer than KillWait: Slurm's SIGKILL ends the make before the worker can hand back
    script = _array_script(tmp_path, 1, ["--tables", "Comp", "--grace", str(3 * KILL_WAIT)])
    job = _submit(cluster, tmp_path, script, database, WORKER_TEST_SLEEP=600)
    wait_for(lambda: _jobs_table_exists(connection, database) and
             len(job_rows(connection, database, "reserved")) == 1, timeout=120)
    cluster.client("scancel", f"{job}_0")
    wait_for(lambda: not _running(cluster, job), timeout=6 * KILL_WAIT)
    state = cluster.job(f"{job}_0")
    assert (state["JobState"], state["ExitCode"]) == ("CANCELLED", "0:9"), state  # killed by signal 9
    assert not SUMMARY.search(_output(tmp_path, job, 0))
    assert len(job_rows(connection, database, "reserved")) == 1  # left behind by the dead worker
    assert rows(connection, database, "SELECT COUNT(*) FROM {db}.`calls`")[0][0] == 0  # rolled back
    # the next array task reclaims it (its connection is gone) and computes both keys
    (tmp_path / "second").mkdir()
    script = _array_script(tmp_path / "second", 1, ["--tables", "Comp"])
    job = _submit(cluster, tmp_path / "second", script, database)
    wait_for(lambda: not _running(cluster, job), timeout=120)
    output = _output(tmp_path / "second", job, 0)
    assert cluster.job(f"{job}_0")["ExitCode"] == "0:0", output
    assert [m.group(1) for m in map(SUMMARY.match, output.splitlines()) if m] == ["2"], output
    assert dict(rows(connection, database, "SELECT sid, COUNT(*) FROM {db}.`calls` GROUP BY sid")) == {0: 1, 1: 1}
    assert job_rows(connection, database) == ()
