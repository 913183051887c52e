"""populate(): compute the missing entries of Imported/Computed tables, alone or with many workers.

The job protocol (``~jobs`` rows, key hashes, stale-reservation reclaim) is documented in
docs/jobs.md and implemented in jobs.py; this module decides *which* keys to attempt and in what
order; worker.py walks them and runs each ``make`` in its own transaction, pool.py does that in
several processes. Two things differ from DataJoint 0.14 on
purpose, both for throughput with several workers:

* a reservation is refused atomically when the key is already in the target, so a worker never
  starts a transaction just to discover that someone else finished the key;
* after a refused reservation the worker refreshes its to-do list and jumps to the middle of the
  longest run of untouched keys, so workers spread over the key space instead of trailing each
  other (0.14 workers collide on most keys);
* fast makes reserve a few keys per statement and delete the reservation inside the make
  transaction, so a key costs one commit instead of 0.14's three; with autocommit off while the
  worker runs, a make's transaction needs no START TRANSACTION either (about 2.2 statements per
  key besides make, 0.14: about 4.9).
"""
import datetime
import logging
import os

from ..core.errors import DataJointError
from ..codec.hash import key_hash
from ..query.condition import AndList
from ..query.table import FreeTable
from .jobs import JobQueue
from .pool import _run_pool
from .worker import (PopulateInputsChanged, _as_tuple, _exists, _independent_start, _ordered,  # noqa: F401
                     _progress_bar, _work)


logger = logging.getLogger(__name__.split(".")[0])

_ORDERS = ("original", "reverse", "random")

# counters of the last populate() call in this process (reservation attempts, refusals, refreshes
# of the to-do list, reconnects): how bench/populate.py and the tests measure worker efficiency
last_populate_stats = {}


class AutoPopulate:
    """Mixin of Imported and Computed: ``make``, ``key_source``, ``populate``, ``progress``.

    Subclasses define either ``make(self, key)`` (legacy name ``_make_tuples``) or the three-part
    form ``make_fetch(key) -> tuple``, ``make_compute(key, *fetched) -> tuple`` and
    ``make_insert(key, *computed)``. The three-part form runs fetch and compute outside any
    transaction, then opens a short transaction that re-runs ``make_fetch``, checks that the inputs
    are unchanged and calls ``make_insert``; long computations therefore hold no locks.
    """

    _key_source = None
    _allow_insert = False

    # ------------------------------------------------------------------ what to compute
    @property
    def key_source(self):
        """Keys to compute: the join of the primary parents' primary keys (renamed FKs renamed).

        Override by assigning a query expression to the class attribute ``key_source``.
        """
        if self._key_source is None:
            self._key_source = _default_key_source(self)
        return self._key_source

    @property
    def target(self):
        """The table that make() fills (self); a subclass may point elsewhere."""
        return self

    def _job_key(self, key):
        """The dict whose key_hash identifies the job (the key itself, as in 0.14)."""
        return key

    def make(self, key, **kwargs):
        """Compute and insert the entries for ``key``; by default the three-part protocol."""
        legacy = getattr(type(self), "_make_tuples", None)
        if legacy is not None:
            return legacy(self, key, **kwargs)
        if not self._is_three_part():
            raise NotImplementedError(
                f"{type(self).__name__} must define make(self, key) or make_fetch/make_compute/make_insert")
        fetched = self.make_fetch(key)
        computed = self.make_compute(key, *_as_tuple(fetched))
        self.make_insert(key, *_as_tuple(computed))

    def _is_three_part(self):
        cls = type(self)
        return all(callable(getattr(cls, name, None)) for name in ("make_fetch", "make_compute", "make_insert"))

    def _uses_default_make(self):
        return type(self).make is AutoPopulate.make and getattr(type(self), "_make_tuples", None) is None

    def _jobs_to_do(self, restrictions):
        """The key-source query restricted by populate()'s arguments, projected to its key."""
        if getattr(self, "restriction", None):
            raise DataJointError(
                f"Cannot call populate on a restricted table {type(self).__name__}: "
                "pass the conditions to populate() as arguments instead.")
        source = self.key_source
        if isinstance(source, type):
            source = source()
        if restrictions:
            source = source & AndList(restrictions)
        return source.proj()

    def _fetch_todo(self, restrictions, limit=None):
        query = self._jobs_to_do(restrictions) - self.target
        if limit is None:
            return list(query.fetch("KEY"))
        return list(query.fetch("KEY", limit=limit))

    # ------------------------------------------------------------------ populate
    def populate(self, *restrictions, keys=None, suppress_errors=False, return_exception_objects=False,
                 reserve_jobs=False, order="original", limit=None, max_calls=None, display_progress=False,
                 processes=1, make_kwargs=None, reservation_timeout=None):
        """Call make() for every key of key_source (restricted by ``restrictions``) missing from the table.

        Returns ``{"success_count": int, "error_list": [(key, message or exception), ...]}``.
        With ``reserve_jobs=True`` keys are coordinated through the schema's ``~jobs`` table, so any
        number of workers (ours, DataJoint 0.14, the MATLAB toolbox) can run concurrently; errors are
        recorded there and skipped until cleared. ``reservation_timeout`` (seconds) also reclaims
        reservations older than that, in addition to those whose connection is gone.
        """
        if order not in _ORDERS:
            raise DataJointError(f"populate(order={order!r}): order must be one of {', '.join(_ORDERS)}")
        if processes is None or (isinstance(processes, int) and processes < 1):
            processes = os.cpu_count() or 1
        if not isinstance(processes, int):
            raise DataJointError(f"populate(processes={processes!r}) must be a positive integer or None")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise DataJointError(f"populate(limit={limit!r}) must be a non-negative integer")
        if max_calls is not None and (not isinstance(max_calls, int) or max_calls < 0):
            raise DataJointError(f"populate(max_calls={max_calls!r}) must be a non-negative integer")
        return _run_populate(
            self, restrictions, keys=keys, suppress_errors=suppress_errors,
            return_exception_objects=return_exception_objects, reserve_jobs=reserve_jobs, order=order,
            limit=limit, max_calls=max_calls, display_progress=display_progress, processes=processes,
            make_kwargs=make_kwargs or {}, reservation_timeout=reservation_timeout)

    def progress(self, *restrictions, display=False):
        """Return (remaining, total) for the key source restricted by ``restrictions``.

        Quiet unless ``display=True``, the default of 0.14 (notebooks call it for the numbers)."""
        todo = self._jobs_to_do(restrictions)
        total = len(todo)
        remaining = len(todo - self.target)
        if display:
            done = total - remaining
            percent = 100.0 * done / total if total else 100.0
            line = (f"{type(self).__name__:<20} Completed {done} of {total} ({percent:.1f}%)   "
                    f"{datetime.datetime.now():%Y-%m-%d %H:%M:%S}")
            logger.info(line)
            print(line)
        return remaining, total


def _default_key_source(table):
    """Join of the primary parents, each projected to its primary key under the child's names."""
    connection = table.connection
    graph = connection.dependencies
    graph.load(force=False)
    if table.full_table_name not in graph:  # declared after the graph was read
        graph.load(force=True, schemas=[table.database])
    source = None
    for parent, props in graph.foreign_keys_in(table.full_table_name, primary=True):
        renames = {child: par for child, par in (props.get("attr_map") or {}).items() if child != par}
        parent_table = FreeTable(connection, parent)
        projected = parent_table.proj(**renames) if renames else parent_table.proj()
        source = projected if source is None else source * projected
    if source is None:
        raise DataJointError(
            f"{type(table).__name__} has no primary foreign keys, so it has no default key_source: "
            "define key_source or depend on a parent in the primary key.")
    return source


def _target_key_names(table, keys):
    names = set(table.target.heading.names)
    return {tuple(n for n in key if n in names) for key in keys[:1]}.pop() if keys else ()


def _run_populate(table, restrictions, *, keys, suppress_errors, return_exception_objects, reserve_jobs,
                  order, limit, max_calls, display_progress, processes, make_kwargs, reservation_timeout,
                  monitor=None):
    connection = table.connection
    if connection.in_transaction:
        raise DataJointError("populate() cannot run inside a transaction: each make() needs its own.")
    queue = None
    if reserve_jobs:
        target = table.target
        queue = JobQueue(connection, target.database, target.table_name, target=target.full_table_name)
        queue.reclaim_stale(reservation_timeout)
    if keys is None:
        keys = table._fetch_todo(restrictions, limit)
    else:
        keys = [dict(k) for k in keys][:limit] if limit is not None else [dict(k) for k in keys]
    keys = _ordered(keys, order)
    items = [(key_hash(table._job_key(key)), key) for key in keys]
    if queue is not None:
        queue._key_names = _target_key_names(table, keys) or None
        if queue._key_names is None:
            queue._target = None
        taken = queue.taken()
        items = [item for item in items if item[0] not in taken]
    if max_calls is not None:
        items = items[:max_calls]
    options = dict(suppress_errors=suppress_errors, return_exception_objects=return_exception_objects,
                   make_kwargs=make_kwargs, restrictions=restrictions, reservation_timeout=reservation_timeout)
    processes = min(processes, max(len(items), 1))
    if processes > 1:
        outcome = _run_pool(table, items, queue, processes, display_progress, options)
    else:
        progress = _progress_bar(table, len(items)) if display_progress else None
        try:
            # alone, a worker keeps the requested order; when others are already walking, it
            # starts at a scattered point instead of trailing them
            start = 0
            if queue is not None and queue.reserved_by_others():
                start = _independent_start(connection, len(items))
            outcome = _work(table, items, queue, start, progress, monitor=monitor, **options)
        finally:
            if progress is not None:
                progress.close()
    _summarize(table, outcome, display_progress)
    last_populate_stats.clear()
    last_populate_stats.update(
        keys=len(items), success_count=outcome.success_count, errors=len(outcome.error_list),
        skipped=outcome.skipped, reservation_attempts=outcome.attempts, refused=outcome.refused,
        refreshes=outcome.refreshes, reconnects=outcome.reconnects)
    return outcome.result()


def _summarize(table, outcome, display):
    text = (f"{type(table).__name__}: {outcome.success_count} computed, {len(outcome.error_list)} failed"
            + (f", {outcome.skipped} done by other workers" if outcome.skipped else ""))
    logger.info(text)
    if display:
        print(text, flush=True)
