"""A small pipeline that tests/test_worker.py runs with `dji worker` (and with DataJoint 0.14).

Configured by the environment so each test gets its own schema and behaviour:
WORKER_TEST_DB (schema), WORKER_TEST_MODULE (datajoint_interop or datajoint for the 0.14 oracle),
WORKER_TEST_SLEEP (seconds per make), WORKER_TEST_FAIL (sid whose make raises ValueError),
WORKER_TEST_FLAKY (sid:counter-file:n: the first n makes of sid raise a deadlock-like error).
Every committed make of Comp inserts a Calls row, so "computed once" is checkable.
"""
import importlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from tests.server_env import point_at_test_server  # noqa: E402

dj = importlib.import_module(os.environ.get("WORKER_TEST_MODULE", "datajoint_interop"))
point_at_test_server(dj)
schema = dj.Schema(os.environ["WORKER_TEST_DB"])
WORKER = os.environ.get("WORKER_TEST_NAME", "ours")


def _flaky(sid):
    """Raise a retryable (deadlock-like) error for the first n makes of one key."""
    spec = os.environ.get("WORKER_TEST_FLAKY")
    if not spec:
        return
    flaky_sid, path, n = spec.split(":")
    if sid != int(flaky_sid):
        return
    count = int(open(path).read() or 0) if os.path.exists(path) else 0
    with open(path, "w") as f:
        f.write(str(count + 1))
    if count < int(n):
        raise RuntimeError("Deadlock found when trying to get lock; try restarting transaction")


@schema
class Src(dj.Manual):
    definition = """
    sid: int
    """


@schema
class Calls(dj.Manual):
    definition = """
    call_id: int auto_increment
    ---
    sid: int
    worker: varchar(16)
    """


@schema
class Comp(dj.Computed):
    definition = """
    -> Src
    ---
    val: int
    """

    def make(self, key):
        Calls.insert1(dict(sid=key["sid"], worker=WORKER))
        time.sleep(float(os.environ.get("WORKER_TEST_SLEEP", "0")))
        if str(key["sid"]) == os.environ.get("WORKER_TEST_FAIL"):
            raise ValueError(f"bad input for sid {key['sid']}")
        _flaky(key["sid"])
        self.insert1(dict(key, val=key["sid"]))


@schema
class Double(dj.Computed):
    definition = """
    -> Comp
    ---
    twice: int
    """

    def make(self, key):
        self.insert1(dict(key, twice=2 * (Comp & key).fetch1("val")))


if __name__ == "__main__":  # the 0.14 oracle worker
    result = Comp.populate(reserve_jobs=True, suppress_errors=True)
    print("ORACLE", result if isinstance(result, dict) else "", flush=True)
