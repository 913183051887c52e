"""One worker process as a scheduler runs it (``dji worker``): limits, signals, exit code, summary.

Slurm, Kubernetes or a shell loop start many of these on one ``~jobs`` queue. Each walks its
pipeline's tables in dependency order with ``populate(reserve_jobs=True)`` and stops when no work
is left, a limit is reached, or the scheduler says so (SIGTERM/SIGINT). Stopping never leaves a
reservation behind: the current make is allowed to finish within a grace period, after which it is
rolled back and its key handed back to the queue (docs/jobs.md §8).
"""
import collections
import contextlib
import os
import signal
import time

from ..core.errors import DataJointError
from ..core import catalog
from ..codec.hash import key_hash
from .autopopulate import _run_populate, last_populate_stats
from .jobs import JobQueue, declare_jobs_table
from . import priority, runs as run_log
from .worker import StopRequested

# exit codes: what a scheduler (or a wrapper deciding to resubmit) needs to tell apart
EXIT_DONE = 0        # no work left for these tables
EXIT_LIMIT = 3       # --max-jobs or --max-time reached; work may remain
EXIT_FAILED = 4      # no work left, but some makes failed (error jobs recorded)
EXIT_SIGNAL = 128    # + the signal number, the shell's convention (SIGTERM: 143, SIGINT: 130)

_DURATIONS_KEPT = 20   # recent makes per table that estimate the next one


class _Monitor:
    """Limits and signals, consulted by the populate loop before each key (worker.py ``monitor``)."""

    def __init__(self, max_jobs=None, end_time=None, margin=0.0, grace=0.0):
        self.max_jobs = max_jobs
        self.end_time = end_time
        self.margin = margin
        self.grace = grace
        self.made_count = 0
        self.computed = 0
        self.failed = 0
        self.stop_reason = None
        self.signal = None
        self.in_make = False
        self.interrupted = 0
        self.durations = collections.defaultdict(lambda: collections.deque(maxlen=_DURATIONS_KEPT))
        self.pending_runs = []

    def estimate(self, table):
        """Seconds the table's next make is expected to take: the slowest of its recent makes."""
        recent = self.durations.get(type(table).__name__)
        return max(recent) if recent else 0.0

    def should_stop(self, table):
        """Called before each key: True stops the walk (the loop hands back keys reserved ahead)."""
        if self.stop_reason is None:
            if self.signal is not None:
                self.stop_reason = f"signal {signal.Signals(self.signal).name}"
            elif self.max_jobs is not None and self.made_count >= self.max_jobs:
                self.stop_reason = "max-jobs"
            elif self.end_time is not None and \
                    time.time() + self.estimate(table) + self.margin > self.end_time:
                self.stop_reason = "max-time"
        self.in_make = self.stop_reason is None
        return not self.in_make

    def made(self, table, seconds, key, status):
        """Called after each make: count it and remember its duration and outcome."""
        self.in_make = False
        if status is False or status == "lost":
            return
        self.made_count += 1
        ok = status is True
        name = type(table).__name__
        if ok:
            self.computed += 1
            self.durations[name].append(seconds)
        else:
            self.failed += 1
        message = "" if ok else str(status[1])
        self.pending_runs.append((table.table_name, key_hash(table._job_key(key)), ok, seconds, message))

    # -------------------------------------------------------------- signals
    def on_signal(self, signum, frame):
        """First SIGTERM/SIGINT: take no more keys, let the current make finish within ``grace``
        seconds. Another signal, or the grace period running out, interrupts the make now."""
        first = self.signal is None
        self.signal = signum
        if first and self.grace > 0:
            signal.setitimer(signal.ITIMER_REAL, self.grace)
            return
        self.interrupt_make()

    def on_alarm(self, signum, frame):
        self.interrupt_make()

    def interrupt_make(self):
        if self.in_make:
            self.in_make = False
            self.interrupted += 1
            raise StopRequested(f"stopped by signal {self.signal}")


@contextlib.contextmanager
def _signals(monitor):
    """Route SIGTERM, SIGINT and the grace alarm to the monitor while the worker runs."""
    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)
    previous = {s: signal.getsignal(s) for s in handled}
    signal.signal(signal.SIGTERM, monitor.on_signal)
    signal.signal(signal.SIGINT, monitor.on_signal)
    signal.signal(signal.SIGALRM, monitor.on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for s, handler in previous.items():
            signal.signal(s, handler)


def end_time_from(max_time=None, deadline=None, environ=None, now=None):
    """The earliest of now + ``max_time``, ``deadline`` (epoch seconds) and Slurm's job end
    (``SLURM_JOB_END_TIME``, epoch seconds); None if none is given."""
    environ = os.environ if environ is None else environ
    now = time.time() if now is None else now
    ends = []
    if max_time is not None:
        ends.append(now + max_time)
    if deadline is not None:
        ends.append(deadline)
    slurm = environ.get("SLURM_JOB_END_TIME", "").strip()
    if slurm:
        try:
            ends.append(float(slurm))
        except ValueError:
            raise DataJointError(
                f"SLURM_JOB_END_TIME={slurm!r} is not a time in epoch seconds; unset it or fix the job "
                "script") from None
    return min(ends) if ends else None


def order_tables(tables):
    """The tables in dependency order (parents first), whatever order they were named in."""
    if not tables:
        return []
    graph = tables[0].connection.dependencies
    graph.load(force=True)
    rank = {name: i for i, name in enumerate(graph.topo_sort())}
    missing = [type(t).__name__ for t in tables if t.full_table_name not in rank]
    if missing:
        raise DataJointError(f"dji worker: tables not declared on the server: {', '.join(missing)}")
    return sorted(tables, key=lambda t: rank[t.full_table_name])


class WorkerResult:
    """What one worker did; ``line()`` is the summary a scheduler logs."""

    def __init__(self, monitor, skipped, released, retried, polls, seconds, exit_code, reason):
        self.computed, self.failed = monitor.computed, monitor.failed
        self.skipped, self.released, self.retried = skipped, released, retried
        self.polls, self.seconds, self.exit_code, self.reason = polls, seconds, exit_code, reason

    def line(self):
        return (f"dji worker: {self.computed} computed, {self.failed} failed, {self.skipped} done by others, "
                f"{self.released} interrupted and handed back, {self.retried} retried, {self.polls} idle polls, "
                f"{self.seconds:.1f} s; stopped: {self.reason}; exit {self.exit_code}")


def run_worker(tables, *, restrictions=(), max_jobs=None, max_time=None, deadline=None, margin=0.0,
               idle_exit=0, poll=1.0, poll_max=60.0, grace=20.0, retry_patterns=run_log.RETRYABLE_DEFAULT,
               max_retries=2, code_version="", reservation_timeout=None, sleep=time.sleep):
    """Populate ``tables`` (AutoPopulate instances) in dependency order until done or told to stop.

    ``idle_exit``: empty passes to wait through (sleeping ``poll`` seconds, doubling up to
    ``poll_max``) before exiting, for keys that other workers may still hand back or that a
    pipeline upstream is still producing. Returns a ``WorkerResult``.
    """
    if max_jobs is not None and max_jobs < 0:
        raise DataJointError(f"dji worker: --max-jobs must be >= 0, not {max_jobs}")
    if idle_exit < 0 or poll <= 0 or poll_max < poll or grace < 0:
        raise DataJointError("dji worker: need --idle-exit >= 0, 0 < --poll <= --poll-max and --grace >= 0")
    tables = order_tables(list(tables))
    if not tables:
        raise DataJointError("dji worker: no table to populate")
    started = time.time()
    monitor = _Monitor(max_jobs, end_time_from(max_time, deadline), margin, grace)
    connection = tables[0].connection
    skipped = retried = polls = 0
    wait = poll
    with _signals(monitor):  # from here on a signal stops the worker cleanly
        for database in sorted({t.database for t in tables}):
            declare_jobs_table(connection, database)
            run_log.declare_runs_table(connection, database)
            for table in (t for t in tables if t.database == database):
                monitor.durations[type(table).__name__].extend(reversed(
                    run_log.recent_durations(connection, database, table.table_name, _DURATIONS_KEPT)))
        try:
            while True:
                before = monitor.made_count
                held = 0
                for table in tables:
                    retried += run_log.retry_errors(connection, table.database, table.table_name,
                                                    retry_patterns, max_retries)
                    keys, later = priority.order_keys(table, table._fetch_todo(restrictions))
                    held += later
                    _run_populate(table, restrictions, keys=keys, suppress_errors=True,
                                  return_exception_objects=False, reserve_jobs=True, order="original",
                                  limit=None, max_calls=None, display_progress=False, processes=1,
                                  make_kwargs={}, reservation_timeout=reservation_timeout, monitor=monitor)
                    monitor.in_make = False  # between tables a late alarm must not interrupt bookkeeping
                    skipped += last_populate_stats.get("skipped", 0)
                    _flush(connection, monitor, tables, code_version)
                    if monitor.stop_reason:
                        break
                if monitor.stop_reason:
                    break
                if monitor.made_count > before:
                    wait = poll
                    continue  # a pass that did work: look again at once (children may be ready now)
                if polls >= idle_exit:
                    if held:
                        monitor.stop_reason = f"{held} delayed keys not yet due"
                    break
                polls += 1
                _sleep_unless_stopped(monitor, wait, sleep)
                wait = min(wait * 2, poll_max)
                if monitor.signal is not None:
                    monitor.should_stop(tables[0])
                    break
        except StopRequested:
            monitor.stop_reason = monitor.stop_reason or f"signal {signal.Signals(monitor.signal).name}"
            _release_own(tables)
            _flush(connection, monitor, tables, code_version)
    reason = monitor.stop_reason or ("no work left" if not polls else f"no work left after {polls} idle polls")
    if monitor.signal is not None:
        code = EXIT_SIGNAL + monitor.signal
    elif monitor.stop_reason:
        code = EXIT_LIMIT
    else:
        code = EXIT_FAILED if monitor.failed else EXIT_DONE
    return WorkerResult(monitor, skipped, monitor.interrupted, retried, polls, time.time() - started, code, reason)


def _sleep_unless_stopped(monitor, seconds, sleep):
    """Sleep in short steps so that a signal ends the wait promptly."""
    end = time.monotonic() + seconds
    while monitor.signal is None and time.monotonic() < end:
        sleep(min(0.1, max(end - time.monotonic(), 0)))


def _flush(connection, monitor, tables, code_version):
    """Write the makes recorded since the last flush to each schema's ``~jobs_runs``."""
    if not monitor.pending_runs:
        return
    by_name = {t.table_name: t.database for t in tables}
    pending, monitor.pending_runs = monitor.pending_runs, []
    for database in sorted(set(by_name.values())):
        run_log.record_runs(connection, database,
                            [r for r in pending if by_name.get(r[0]) == database], code_version)


def _release_own(tables):
    """After an interrupted make: drop every reservation this worker's connection still holds.

    The interrupt may have cut a statement short and left the session unusable; then reconnect
    and free the old connection's rows, so no key waits for stale-reservation reclaim."""
    connection = tables[0].connection
    old_id = connection.connection_id
    try:
        connection.cancel_transaction()
        catalog.ping(connection)
    except Exception:  # noqa: BLE001 - any failure here means: this session is no longer trustworthy
        with contextlib.suppress(Exception):
            connection.close()
        connection.connect()
    for table in tables:
        JobQueue(connection, table.database, table.table_name).release_connection(old_id)
