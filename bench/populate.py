"""Benchmark populate: per-key overhead and multi-worker throughput, ours vs DataJoint 0.14.

Run: ``python bench/populate.py [--keys 1000] [--workers-keys 200] [--sleep-ms 20] [--processes 1,2,4,8]``.
Everything is measured in this one run against the same server, and reported as ratios:

1. per-key cost of ``populate()`` and ``populate(reserve_jobs=True)`` for a trivial make (one
   insert1), best of alternating rounds: ms per key, and SQL statements per key besides make's own
   (the server's session ``Questions`` counter);
2. throughput of 1, 2 and 4 independent worker processes (``reserve_jobs=True``) on the same keys
   with a make that sleeps ``--sleep-ms`` and inserts its row, with reservation attempts per key.

Targets (issue 7): ours/0.14 reserve overhead <= 0.5; <= 4 statements per key; <= 1.1 attempts
per key with 2 and 4 workers; 2 workers >= 1.7x the throughput of 1.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from tests.server_env import point_at_test_server  # noqa: E402  (the same DJ_* settings as the tests)

SRC = """
item: int
"""
OUT = """
-> Src
---
val: int
"""


def configure(module):
    point_at_test_server(module)
    module.config["safemode"] = False
    module.config["loglevel"] = "WARNING"


def library(kind):
    if kind == "ours":
        import datajoint_interop as module
    else:
        import datajoint as module
    configure(module)
    return module


def classes(module, database, sleep=0.0, create=False):
    schema = module.Schema(database, create_schema=create, create_tables=create)

    @schema
    class Src(module.Manual):
        definition = SRC

    @schema
    class Out(module.Computed):
        definition = OUT

        def make(self, key):
            if sleep:
                time.sleep(sleep)
            self.insert1(dict(key, val=key["item"]))

    return schema, Src, Out


def questions(module):
    return int(module.conn().query("SHOW SESSION STATUS LIKE 'Questions'").fetchone()[1])


class Overhead:
    """One library's pipeline for the per-key overhead rounds (trivial make: insert its row)."""

    def __init__(self, kind, database, n):
        self.module = library(kind)
        self.schema, self.src, self.out = classes(self.module, database, create=True)
        self.src.insert([(i,) for i in range(n)])
        self.out().key_source  # noqa: B018  (dependency graph loaded outside the measurement)
        self.schema.jobs  # noqa: B018
        self.database, self.n = database, n
        # statements of make() itself (one insert1), to report populate's own statements
        q0 = questions(self.module)
        for i in range(20):
            self.out.insert1(dict(item=i, val=i), allow_direct_insert=True)
        self.make_statements = (questions(self.module) - q0 - 1) / 20

    def round(self, reserve):
        self.out().delete_quick()
        self.module.conn().query(f"DELETE FROM `{self.database}`.`~jobs`")
        q0, t0 = questions(self.module), time.perf_counter()
        self.out.populate(reserve_jobs=reserve)
        elapsed, q1 = time.perf_counter() - t0, questions(self.module)
        assert len(self.out()) == self.n
        return 1000 * elapsed / self.n, (q1 - q0 - 1) / self.n - self.make_statements


# ---------------------------------------------------------------- independent worker processes
def worker(kind, database, sleep, go):
    module = library(kind)
    _, _, out = classes(module, database, sleep=sleep)
    out().key_source  # noqa: B018  (imports, connection and graph before the clock starts)
    while not os.path.exists(go):
        time.sleep(0.005)
    attempts = [0]
    if kind == "dj014":
        import datajoint.jobs as jobs_module
        original = jobs_module.JobTable.reserve

        def counting(self, table_name, key):
            attempts[0] += 1
            return original(self, table_name, key)

        jobs_module.JobTable.reserve = counting
    result = out.populate(reserve_jobs=True)
    if kind == "ours":
        from datajoint_interop.autopopulate import last_populate_stats
        attempts[0] = last_populate_stats["reservation_attempts"]
    print("STATS " + json.dumps(dict(success=result["success_count"], attempts=attempts[0])), flush=True)


def throughput(kind, database, n, processes, sleep):
    module = library(kind)
    schema, src, out = classes(module, database, create=True)
    out().delete_quick()
    schema.jobs  # noqa: B018  (declared before the workers start)
    module.conn().query(f"DELETE FROM `{database}`.`~jobs`")
    if not len(src()):
        src.insert([(i,) for i in range(n)])
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # start the interpreters first, then release them together so import time is not measured
    go = os.path.join("/tmp", f"bench_populate_go_{uuid.uuid4().hex}")
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", kind, database, str(sleep), go],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(processes)]
    time.sleep(3 + processes)
    t0 = time.perf_counter()
    open(go, "w").close()
    stats = []
    for p in procs:
        out_text, err = p.communicate(timeout=600)
        if p.returncode:
            raise SystemExit(f"worker failed:\n{out_text}\n{err}")
        stats.append(json.loads([x for x in out_text.splitlines() if x.startswith("STATS ")][-1][6:]))
    elapsed = time.perf_counter() - t0
    os.unlink(go)
    done = len(out())
    assert done == n, (kind, processes, done)
    return dict(keys_per_s=n / elapsed, attempts_per_key=sum(s["attempts"] for s in stats) / n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--workers-keys", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sleep-ms", type=float, default=20.0)
    parser.add_argument("--processes", default="1,2,4",
                        help="comma-separated worker counts for the throughput table (default 1,2,4)")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, database, sleep, go = args.worker
        worker(kind, database, float(sleep), go)
        return
    try:
        counts = [int(n) for n in args.processes.split(",")]
    except ValueError:
        parser.error(f"--processes {args.processes!r}: give positive integers separated by commas")
    if not counts or min(counts) < 1:
        parser.error("--processes: give positive integers separated by commas")
    tag = f"bench_pop_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    databases = []
    try:
        print(f"Per-key cost of populate, trivial make (one insert1), {args.keys} keys, best of {args.rounds} "
              "alternating rounds")
        print(f"{'':28}{'ours ms':>9}{'0.14 ms':>9}{'ratio':>7}{'ours stm':>10}{'0.14 stm':>10}  (stm = "
              "statements per key besides make)")
        setups = {}
        for kind in ("ours", "dj014"):
            database = f"{tag}_{kind}_overhead"
            databases.append(database)
            setups[kind] = Overhead(kind, database, args.keys)
        for reserve in (False, True):
            best = {kind: (float("inf"), 0) for kind in setups}
            for _ in range(args.rounds):
                for kind, setup in setups.items():
                    ms, stm = setup.round(reserve)
                    best[kind] = min(best[kind], (ms, stm))
            label = "populate(reserve_jobs=True)" if reserve else "populate()"
            print(f"{label:<28}{best['ours'][0]:>9.3f}{best['dj014'][0]:>9.3f}"
                  f"{best['ours'][0] / best['dj014'][0]:>7.2f}{best['ours'][1]:>10.2f}{best['dj014'][1]:>10.2f}")
        print(f"\nIndependent workers, reserve_jobs=True, {args.workers_keys} keys, make sleeps "
              f"{args.sleep_ms:g} ms")
        print(f"{'':10}{'procs':>6}{'keys/s':>10}{'speedup':>9}{'attempts/key':>14}")
        for kind in ("ours", "dj014"):
            database = f"{tag}_{kind}_workers"
            databases.append(database)
            base = None
            for processes in counts:
                r = throughput(kind, database, args.workers_keys, processes, args.sleep_ms / 1000)
                base = base or r["keys_per_s"]
                print(f"{kind:<10}{processes:>6}{r['keys_per_s']:>10.1f}{r['keys_per_s'] / base:>9.2f}"
                      f"{r['attempts_per_key']:>14.3f}")
    finally:
        ours = library("ours")
        connection = ours.conn()
        connection.query("SET FOREIGN_KEY_CHECKS=0")
        for database in databases:
            connection.query(f"DROP DATABASE IF EXISTS `{database}`")
        connection.query("SET FOREIGN_KEY_CHECKS=1")


if __name__ == "__main__":
    main()
