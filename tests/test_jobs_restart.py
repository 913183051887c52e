"""A server restart hands old connection ids to new connections: a reservation made before the
restart must still be recognised as dead, or populate reports success while its key stays
reserved forever. Runs against a private server that the test stops and starts again."""
import time

import pymysql
import pytest

import datajoint_interop as dj
from datajoint_interop.connection import Connection
from datajoint_interop.jobs import JobQueue
from datajoint_interop.server import PrivateServer


@pytest.fixture
def private(tmp_path):
    server = PrivateServer(home=str(tmp_path / "s"))  # unix socket paths must stay short
    server.start()
    yield server
    server.stop()


def _connect(server):
    state = server.state()
    return Connection("127.0.0.1", state["user"], state["password"], port=state["port"])


def _pipeline(connection):
    schema = dj.Schema("restart_jobs", connection=connection)

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
        """

        def make(self, key):
            self.insert1(dict(key, val=10 * key["sid"]))

    return Src, Comp


def _take_connection_id(server, wanted):
    """Open raw connections until the server hands out id `wanted`; return that live connection."""
    state = server.state()
    for _ in range(1000):
        raw = pymysql.connect(host="127.0.0.1", port=state["port"], user=state["user"],
                              password=state["password"])
        if raw.thread_id() == wanted:
            return raw
        raw.close()
        assert raw.thread_id() < wanted, f"the restarted server skipped connection id {wanted}"
    raise AssertionError(f"connection id {wanted} was never handed out again")


def test_reservation_from_before_a_restart_is_reclaimed(private, caplog):
    setup = _connect(private)
    Src, _ = _pipeline(setup)
    Src.insert([(1,), (2,), (3,)])
    worker = _connect(private)  # a worker reserves key 1, then the server restarts under it
    assert JobQueue(worker, "restart_jobs", "__comp").reserve({"sid": 1})
    dead_id = worker.connection_id
    time.sleep(2.5)  # reservation ages are whole seconds: keep it clearly older than the new server
    private.stop()
    private.start()
    unrelated = _take_connection_id(private, dead_id)  # the dead worker's id is alive again
    try:
        popper = _connect(private)
        _, Comp = _pipeline(popper)
        with caplog.at_level("WARNING", logger="datajoint_interop"):
            result = Comp.populate(reserve_jobs=True)
        assert result["success_count"] == 3 and not result["error_list"]
        assert sorted(Comp.fetch("val").tolist()) == [10, 20, 30]
        assert len(dj.Schema("restart_jobs", connection=popper).jobs) == 0
        assert "made before the database server last restarted" in caplog.text
    finally:
        unrelated.close()
