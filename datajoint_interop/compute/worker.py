"""The populate loop of one worker: walk the keys, reserve, make() each in its own transaction.

Which keys and in what order is decided by autopopulate.py; the ``~jobs`` statements are jobs.py.
"""
import contextlib
import logging
import os
import random
import sys
import time
import traceback

from ..core import catalog, errors
from ..core.errors import DataJointError
from ..core.sql import execute
from ..query import compiler
from ..codec.hash import key_hash


logger = logging.getLogger(__name__.split(".")[0])

class PopulateInputsChanged(DataJointError):
    """make_fetch() returned different data inside the insert transaction than before compute."""


class StopRequested(KeyboardInterrupt):
    """A worker was told to stop now (a scheduler's SIGTERM after its grace period).

    Unlike a user's Ctrl-C, which 0.14 records as an error job, the interrupted key is rolled
    back and its reservation handed back, so another worker computes it: preemption is not a
    failure of the key.
    """


def _error_message(error):
    text = str(error)
    return f"{error.__class__.__name__}: {text}" if text else error.__class__.__name__


def _as_tuple(value):
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    return (value,)


# ====================================================================== the populate loop
class _Outcome:
    """Counts of one worker's populate() call; picklable so pool workers can return it."""

    def __init__(self):
        self.success_count = 0
        self.error_list = []
        self.skipped = 0
        self.attempts = 0
        self.refused = 0
        self.refreshes = 0
        self.reconnects = 0

    def merge(self, other):
        for name in ("success_count", "skipped", "attempts", "refused", "refreshes", "reconnects"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.error_list.extend(other.error_list)

    def result(self):
        return {"success_count": self.success_count, "error_list": self.error_list}


class _KeyOrder:
    """The keys one worker still may attempt, in the caller's order, with work-splitting jumps.

    Workers walk their list sequentially. When a reservation is refused (another worker got
    there first) the list is refreshed from the server and the walk resumes in the middle of the
    longest run of keys nobody has touched, so concurrent workers end up on disjoint stretches.
    """

    def __init__(self, items, start=0, fences=()):
        self.items = items  # [(hash, key)]
        self.available = [True] * len(items)
        self.cursor = start % len(items) if items else 0
        self.fences = set(fences) - {self.cursor}  # where sibling processes started walking
        self.at_fence = False
        self.rng = random.Random(f"{os.getpid()}:{time.time_ns()}")

    def __len__(self):
        return sum(self.available)

    def take(self, n):
        """Up to ``n`` consecutive available indices from the cursor on (never across a key known
        to be taken, which is where another worker's stretch begins)."""
        out = []
        size = len(self.items)
        for step in range(size):
            i = (self.cursor + step) % size
            if i in self.fences:
                if not out:
                    self.at_fence = True  # our stretch is done: look before stepping into the next
                break
            if self.available[i]:
                out.append(i)
                if len(out) == n:
                    break
            elif out:
                break
        return out

    def ahead(self):
        """Indices of the open stretch from the cursor on (up to a fence or a key known taken)."""
        out = []
        size = len(self.items)
        for step in range(size):
            i = (self.cursor + step) % size
            if not self.available[i] or (i in self.fences and out):
                break
            out.append(i)
        return out

    def done(self, index):
        self.available[index] = False
        self.cursor = index + 1 if index + 1 < len(self.items) else 0

    def restrict(self, still_open, stay=False):
        """Keep only keys whose hash is in ``still_open``; jump into the longest untouched run
        (with ``stay``, keep walking from the cursor if its key is still open)."""
        self.fences = set()
        self.at_fence = False
        best_start, best_len, run_start, run_len = 0, 0, 0, 0
        for i, (hash_, _) in enumerate(self.items):
            if self.available[i] and hash_ not in still_open:
                self.available[i] = False
            if self.available[i]:
                if run_len == 0:
                    run_start = i
                run_len += 1
                if run_len > best_len:
                    best_start, best_len = run_start, run_len
            else:
                run_len = 0
        if stay and self.items and self.available[self.cursor % len(self.items)]:
            return best_len
        # near the middle, jittered per worker: workers refreshing at the same moment land apart
        self.cursor = best_start + int(best_len * self.rng.uniform(0.35, 0.65)) if best_len else 0
        return best_len


def _ordered(keys, order):
    keys = list(keys)
    if order == "reverse":
        keys.reverse()
    elif order == "random":
        random.shuffle(keys)
    return keys


def _progress_bar(table, total):
    from tqdm import tqdm
    return tqdm(total=total, desc=type(table).__name__)


_BATCH_MAX = 8          # reservations per statement for fast makes while no other worker is in the way
_BATCH_CROWDED = 2      # ... once another worker was met: a collision then wastes at most one attempt
_BATCH_WORK = 0.02      # ... and never more than about this many seconds of make() held in reserve
_PROBE_MIN = 16         # keys walked between two looks for workers in the stretch ahead, at least


def _independent_start(connection, size):
    """Where an independent worker starts walking: a hash of who it is, so that workers started
    together on one table begin at different, scattered points of the same list."""
    import hashlib
    import platform
    if size <= 1:
        return 0
    who = f"{platform.node()}:{os.getpid()}:{connection.connection_id}:{time.time_ns()}"
    return int(hashlib.md5(who.encode()).hexdigest()[:12], 16) % size


def _set_autocommit(connection, on):
    """Switch the session's autocommit only when it differs (the driver tracks the server's flag
    from every reply, so asking costs no round trip). True when the session is known to be in the
    requested state; False if the driver cannot tell (callers then use explicit transactions)."""
    raw = getattr(connection, "_conn", None)
    if raw is None or not hasattr(raw, "get_autocommit") or not raw.open:
        return False
    if raw.get_autocommit() != on:
        catalog.set_autocommit(connection, on)
    return raw.get_autocommit() == on


def _work(table, items, queue, start, progress, *, suppress_errors, return_exception_objects, make_kwargs,
          restrictions, reservation_timeout, fences=(), monitor=None):
    """One worker's loop over ``items`` (the whole to-do list; it starts at ``start``).

    With atomic reservations and a one-part make the worker runs *chained*: the session's
    autocommit is off, so a make's transaction starts implicitly with its first statement and a key
    costs its make, the deletion of its reservation and one COMMIT (docs/jobs.md §4.3); the
    reservation statement of each batch is followed by a COMMIT. Bookkeeping off the hot path
    runs with autocommit back on.

    ``monitor`` (used by ``dji worker``) is asked ``should_stop(table)`` before each key and told
    ``made(table, seconds, key, status)`` after it, so limits and signals stop the walk between
    keys; reservations taken ahead are then handed back.
    """
    connection = table.connection
    outcome = _Outcome()
    walk = _KeyOrder(items, start, fences)
    chained = (queue is not None and queue._target is not None
               and not (table._uses_default_make() and table._is_three_part()))
    retried = set()
    fruitless = 0
    batch = []  # indices reserved by us and not yet made
    make_time, makes = 0.0, 0
    window = 1  # batch size grows while reservations succeed and restarts at 1 after a refusal
    crowded = False  # another worker was met: smaller batches from now on
    reserved_by = None  # connection id that holds the current batch's reservations
    walked = 0
    next_probe = max(_PROBE_MIN, len(walk.ahead()) // 2)
    try:
        while True:
            if monitor is not None and monitor.should_stop(table):
                break
            if not batch:
                if queue is not None and walked >= next_probe:
                    # look for a worker that started or jumped into our stretch before we run into it
                    ahead = walk.ahead()
                    others = queue.reserved_by_others() if ahead else set()
                    if others and others.intersection(items[i][0] for i in ahead):
                        crowded = True
                        _refresh(table, walk, queue, restrictions, outcome, stay=True)
                    next_probe = walked + max(_PROBE_MIN, len(walk.ahead()) // 2)
                size = 1
                if queue is not None and makes:
                    limit = max(1, min(_BATCH_CROWDED if crowded else _BATCH_MAX,
                                       int(_BATCH_WORK * makes / max(make_time, 1e-6))))
                    size = min(window, limit)
                indices = walk.take(size)
                if not indices and walk.at_fence:
                    _refresh(table, walk, queue, restrictions, outcome)
                    continue
                if not indices:
                    if queue is None or not items or fruitless >= 2:
                        break
                    # End of our list: keys may have come back (reclaimed from dead workers, retried).
                    fruitless += 1
                    _set_autocommit(connection, True)
                    reclaimed = queue.reclaim_stale(reservation_timeout)
                    if not _refresh(table, walk, queue, restrictions, outcome, reset=bool(reclaimed)):
                        break
                    next_probe = walked + max(_PROBE_MIN, len(walk.ahead()) // 2)
                    continue
                if queue is None:
                    batch = indices
                else:
                    if chained:
                        _set_autocommit(connection, False)
                    reserved_by = connection.connection_id
                    mine = queue.reserve_many([items[i] for i in indices])
                    if chained:
                        catalog.commit(connection)
                    batch = [i for i in indices if items[i][0] in mine]
                    refused = [i for i in indices if items[i][0] not in mine]
                    for index in refused:
                        walk.done(index)
                        outcome.skipped += 1
                    if progress is not None and refused:
                        progress.update(len(refused))
                    if refused:
                        window, crowded = 1, True
                        _refresh(table, walk, queue, restrictions, outcome)
                        next_probe = walked + max(_PROBE_MIN, len(walk.ahead()) // 2)
                    else:
                        window = min(2 * window, _BATCH_MAX)
                    if not batch:
                        continue
            fruitless = 0
            index = batch[0]
            hash_, key = items[index]
            began = time.perf_counter()
            status = _populate1(table, key, hash_, queue, suppress_errors, return_exception_objects, make_kwargs,
                                reserved_by, chained)
            elapsed = time.perf_counter() - began
            make_time += elapsed
            makes += 1
            if monitor is not None:
                monitor.made(table, elapsed, key, status)
            walked += 1
            if status == "lost":
                batch = []  # our reservations died with the old connection and were released
                if hash_ not in retried:
                    retried.add(hash_)
                    outcome.reconnects += 1
                    continue  # the index is still available: retried on the new connection
            if batch:
                batch.pop(0)
            walk.done(index)
            if status is True:
                outcome.success_count += 1
            elif status == "lost":
                outcome.error_list.append(_lost_twice(key, hash_, queue, suppress_errors,
                                                      return_exception_objects))
            elif status is not False:
                outcome.error_list.append(status)
            if progress is not None:
                progress.update(1)
    finally:
        if queue is not None:
            with contextlib.suppress(errors.DataJointError):
                _set_autocommit(connection, True)
                if batch:  # stopped by an error or interrupt: hand the unstarted keys back
                    queue.release([items[i][0] for i in batch])
            outcome.attempts, outcome.refused = queue.attempts, queue.refused
    return outcome


def _refresh(table, walk, queue, restrictions, outcome, reset=False, stay=False):
    """Re-read what is still open (not computed, no job row); returns True if anything is."""
    outcome.refreshes += 1
    open_now = {key_hash(table._job_key(k)) for k in table._fetch_todo(restrictions)} - queue.taken()
    if reset:
        walk.available = [True] * len(walk.items)
    return walk.restrict(open_now, stay=stay) > 0


def _populate1(table, key, hash_, queue, suppress_errors, return_exception_objects, make_kwargs,
               reserved_by=None, chained=False):
    """make() one key in a transaction. True on success, False if already done, "lost" if the
    connection dropped (the key should be retried), else (key, error) when errors are suppressed.

    ``chained``: autocommit is off, so the transaction begins with make's first statement."""
    connection = table.connection
    three_part = not chained and table._uses_default_make() and table._is_three_part()
    try:
        if three_part:
            fetched = _as_tuple(table.make_fetch(dict(key)))
            computed = _as_tuple(table.make_compute(dict(key), *fetched))
        if chained and _set_autocommit(connection, False):  # again: e.g. after a reconnect
            connection._in_transaction = True  # the implicit transaction of autocommit=0
        else:
            connection.start_transaction()
        atomic = queue is not None and queue._target is not None
        if not atomic and _exists(table.target, key):
            connection.cancel_transaction()
            if queue is not None:
                queue.complete(hash_=hash_)
            return False
        if queue is not None and reserved_by is not None and reserved_by != connection.connection_id:
            # the connection was silently re-opened since we reserved: take the row over; if a
            # worker reclaimed it as stale meanwhile, reserve it afresh or leave it to its new owner
            if not queue.adopt(hash_, reserved_by) and not queue.reserve(key, hash_):
                connection.cancel_transaction()
                return False
        table.__class__._allow_insert = True
        try:
            if three_part:
                again = _as_tuple(table.make_fetch(dict(key)))
                if _fingerprint(again) != _fingerprint(fetched):
                    raise PopulateInputsChanged(
                        f"The inputs of {type(table).__name__} for key {key} changed while it was being "
                        "computed; nothing was inserted. Populate again to recompute it.")
                table.make_insert(dict(key), *computed)
            else:
                table.make(dict(key), **make_kwargs)
        finally:
            table.__class__._allow_insert = False
        if atomic:
            # completing inside the transaction costs no extra commit, and the reservation then
            # disappears exactly when the results appear (docs/jobs.md §4.4)
            queue.complete(hash_=hash_)
        connection.commit_transaction()
        if queue is not None and not atomic:
            queue.complete(hash_=hash_)
    except errors.LostConnectionError as error:
        _recover_connection(table, key, hash_, queue, error)
        return "lost"
    except (KeyboardInterrupt, SystemExit, Exception) as error:
        connection.cancel_transaction()
        message = _error_message(error)
        if queue is not None:
            stopped = isinstance(error, StopRequested)
            # a stop may have cut a statement short: then the caller frees the key on a new connection
            with contextlib.suppress(errors.DataJointError if stopped else errors.LostConnectionError):
                _set_autocommit(connection, True)
                if stopped:
                    queue.release([hash_])
                else:
                    queue.error(key, message, traceback.format_exc(), hash_=hash_)
        if isinstance(error, (KeyboardInterrupt, SystemExit)) or not suppress_errors:
            raise
        logger.warning("%s: make(%s) failed: %s", type(table).__name__, key, message)
        return key, (error if return_exception_objects else message)
    return True


def _lost_twice(key, hash_, queue, suppress_errors, return_exception_objects):
    """A key whose make() lost the connection again after one retry fails as any error does in
    0.14: recorded in the jobs table, raised unless errors are suppressed."""
    error = errors.LostConnectionError(
        "The database connection was lost twice while computing this key; the server rolled "
        "back both attempts")
    message = _error_message(error)
    if queue is not None:
        queue.error(key, message, hash_=hash_)
    if not suppress_errors:
        raise error
    return key, (error if return_exception_objects else message)


def _recover_connection(table, key, hash_, queue, error):
    """The server dropped us (KILL, restart, network): report, reconnect, free our reservation."""
    connection = table.connection
    old_id = connection.connection_id
    print(f"datajoint_interop populate {type(table).__name__}: lost the database connection "
          f"(id {old_id}) while computing key {key}: {error}. The server rolled the transaction back; "
          "reconnecting and retrying the key.", file=sys.stderr, flush=True)
    logger.warning("lost connection %s during make(%s): %s", old_id, key, error)
    connection.connect()
    if queue is not None:
        queue.release_connection(old_id)


def _exists(target, key):
    """Whether the target already holds the key (its attributes that the target has)."""
    names = [n for n in key if n in target.heading.names]
    if not names:
        return False
    sql, params = compiler.compile_exists(target & {n: key[n] for n in names})
    return bool(execute(target.connection, sql, params).fetchone()[0])


def _fingerprint(value):
    """A digest of fetched inputs that is equal exactly when the data are equal."""
    import hashlib
    digest = hashlib.md5()

    def feed(v):
        digest.update(type(v).__name__.encode())
        if isinstance(v, dict):
            for k in sorted(v, key=repr):
                feed(k)
                feed(v[k])
        elif isinstance(v, (list, tuple)):
            digest.update(str(len(v)).encode())
            for item in v:
                feed(item)
        elif hasattr(v, "tobytes") and hasattr(v, "dtype"):
            digest.update(str(v.dtype).encode() + str(getattr(v, "shape", ())).encode())
            if v.dtype.hasobject:
                for item in v.ravel():
                    feed(item)
            else:
                digest.update(v.tobytes())
        else:
            digest.update(repr(v).encode())
        digest.update(b"\x00")

    feed(value)
    return digest.hexdigest()
