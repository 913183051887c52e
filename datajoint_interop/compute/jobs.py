"""The ``~jobs`` table: reservations, errors and ignores shared by all workers of a schema.

The protocol is specified in docs/jobs.md; DataJoint 0.14 workers and our MATLAB toolbox follow
the same rules, so all three coordinate on one table. ``JobQueue`` holds the per-key operations
as single SQL statements (populate calls them in its hot loop, so each is one round trip);
``JobTable`` is the queryable table users see as ``schema.jobs``.
"""
import datetime
import logging
import os
import platform

from ..core.errors import DataJointError, DuplicateError
from ..codec.hash import key_hash
from ..codec.values import bind_value
from ..core.sql import escape_percent, execute, full_table_name, sql_table
from ..codec import blob
from ..codec.blob import unpack
from ..query.table import FreeTable
from ..core import catalog
from ..query import compiler_jobs as statements
from ..schema import ddl

__all__ = ["JobQueue", "JobTable", "JOBS_TABLE_NAME", "jobs_table_sql", "ERROR_MESSAGE_LENGTH", "decode_key"]

logger = logging.getLogger(__name__.split(".")[0])

JOBS_TABLE_NAME = "~jobs"
ERROR_MESSAGE_LENGTH = 2047
TRUNCATION_APPENDIX = "...truncated"

def jobs_table_sql(database):
    """The CREATE TABLE statement of ``~jobs``, identical to DataJoint 0.14's (plain text, no %-escaping)."""
    return ddl.jobs_table(database, JOBS_TABLE_NAME)


def truncate_message(message, limit=ERROR_MESSAGE_LENGTH):
    """Cut an error message to the column width, marking the cut as 0.14 does."""
    if len(message) <= limit:
        return message
    return message[: limit - len(TRUNCATION_APPENDIX)] + TRUNCATION_APPENDIX


def _pack(value):
    """dj0 blobs for keys and stacks, as 0.14 writes them, whatever the user's blob setting."""
    return blob.pack(value, allow_dj0=True)


def _key_blob(key):
    """The ``key`` column: a dj0 dict of the job key, as 0.14 writes it (docs/jobs.md §5).

    A ``time`` column's value (a ``timedelta``) has no blob encoding, in 0.14 either, where it makes
    reserving fail; it is stored as its ``str()``, the text ``key_hash`` hashes and MATLAB writes.
    """
    return _pack({name: str(value) if isinstance(value, datetime.timedelta) else value
                  for name, value in dict(key).items()})


def decode_key(raw):
    """A ``key`` blob as a dict, whoever wrote it; None for NULL.

    Python and our MATLAB toolbox write a dj0 dict. DataJoint for MATLAB 3.5 wrote a 1x1 struct,
    whose fields are taken with squeezed values (``{'sid': 3.0}``). Raises ``BlobError`` for bytes
    that are no blob at all.
    """
    if raw is None:
        return None
    value = unpack(raw, squeeze=True)
    if isinstance(value, dict):
        return value
    names = getattr(getattr(value, "dtype", None), "names", None)
    if names and getattr(value, "size", 0) == 1:
        record = value.reshape(-1)[0]
        return {name: _plain(record[name]) for name in names}
    raise DataJointError(f"The job key blob holds a {type(value).__name__}, not a key")


def _plain(value):
    """A squeezed struct field as a Python scalar where it is one (0-d arrays, 1-element arrays)."""
    item = getattr(value, "item", None)
    if item is not None and getattr(value, "size", 0) == 1:
        return item()
    return value


def _sql_value(value):
    """Key values as bound parameters compare with their columns (uuid is stored as binary(16))."""
    return bind_value(None, value)


def declare_jobs_table(connection, database):
    """Create ``~jobs`` if it is missing.

    The server checks the CREATE privilege even for ``CREATE TABLE IF NOT EXISTS`` on an existing
    table, so look first: a writer (no CREATE) must be able to use a queue an admin created.
    """
    if not catalog.table_exists(connection, database, JOBS_TABLE_NAME):
        execute(connection, escape_percent(jobs_table_sql(database)))


class JobQueue:
    """One worker's view of ``~jobs`` for one target table: every method is one statement.

    ``attempts`` counts reservation statements sent, ``refused`` those that did not reserve;
    populate's efficiency targets are measured with them.
    """

    def __init__(self, connection, database, table_name, *, target=None, key_names=None):
        self.connection = connection
        self.database = database
        self.table_name = table_name
        self.name = sql_table(full_table_name(database, JOBS_TABLE_NAME))  # for %-formatted statements
        self.attempts = 0
        self.refused = 0
        declare_jobs_table(connection, database)
        self.user = connection.get_user()
        self.host = platform.node()
        self.pid = os.getpid()
        self._message_limit = self._read_message_limit()
        self._reserve_sql = {}
        # full table name whose rows make a reservation pointless, escaped for statement text
        self._target = None if target is None else sql_table(target)
        self._key_names = tuple(key_names) if key_names else None

    def _read_message_limit(self):
        """A MATLAB-created ~jobs has varchar(1023): truncate to whatever the column holds."""
        length = catalog.column_max_length(self.connection, self.database, JOBS_TABLE_NAME, "error_message")
        return length or ERROR_MESSAGE_LENGTH

    # ------------------------------------------------------------------ reservation
    def _insert_sql(self, names):
        sql = self._reserve_sql.get(names)
        if sql is None:
            sql = statements.reserve(self.name, self._target, names)
            self._reserve_sql[names] = sql
        return sql

    def reserve(self, key, hash_=None):
        """Reserve ``key``; False if it is reserved/errored/ignored already or (when the queue
        knows its target) already computed. One round trip."""
        hash_ = hash_ or key_hash(key)
        names = None
        values = ()
        if self._target is not None:
            names = self._key_names or tuple(key)
            values = tuple(_sql_value(key[n]) for n in names)
        args = (self.table_name, hash_, _key_blob(key), self.user, self.host, self.pid,
                self.connection.connection_id) + values
        self.attempts += 1
        try:
            cursor = execute(self.connection, self._insert_sql(names), args)
        except DuplicateError:
            self.refused += 1
            return False
        if cursor.rowcount != 1:
            self.refused += 1
            return False
        return True

    def reserve_many(self, items):
        """Reserve several ``(hash, key)`` at once; returns the set of hashes now reserved by us.

        One statement (plus one SELECT only when some keys were refused): INSERT IGNORE of all
        rows whose key is not yet in the target. Fast makes are dominated by the server's commit
        cost, so reserving a few keys per commit is what makes many small jobs cheap.
        """
        if len(items) == 1 or self._target is None:
            return {h for h, k in items if self.reserve(k, h)}
        names = self._key_names or tuple(items[0][1])
        sql = self._reserve_sql.get((names, len(items)))
        if sql is None:
            sql = statements.reserve_many(self.name, self._target, names, len(items))
            self._reserve_sql[(names, len(items))] = sql
        connection_id = self.connection.connection_id
        args = [self.table_name, self.user, self.host, self.pid, connection_id]
        for hash_, key in items:
            args += [hash_, _key_blob(key)] + [_sql_value(key[n]) for n in names]
        self.attempts += len(items)
        inserted = execute(self.connection, sql, tuple(args)).rowcount
        hashes = [h for h, _ in items]
        if inserted == len(items):
            return set(hashes)
        mine = {row[0] for row in execute(self.connection, statements.reserved_by(self.name, len(hashes)),
            (self.table_name, connection_id, *hashes)).fetchall()}
        self.refused += len(items) - len(mine)
        return mine

    def adopt(self, hash_, old_connection_id):
        """Move our reservation to the current connection id after a reconnect; False if it is gone.

        The timestamp is renewed too: the reconnect may have been to a restarted server, and a
        reservation older than the server is judged dead by everyone (``reclaim_stale``)."""
        return execute(self.connection, statements.adopt(self.name),
            (self.connection.connection_id, self.table_name, hash_, old_connection_id)).rowcount == 1

    def release(self, hashes):
        """Hand back reservations we hold but will not work on (only ours, only 'reserved')."""
        if not hashes:
            return 0
        return execute(self.connection, statements.release(self.name, len(hashes)),
            (self.table_name, self.connection.connection_id, *hashes)).rowcount

    def release_connection(self, connection_id):
        """Drop every reservation of this table held by ``connection_id`` (a connection we lost)."""
        return execute(self.connection, statements.release_connection(self.name),
            (self.table_name, connection_id)).rowcount

    def complete(self, key=None, hash_=None):
        """The key is done (or abandoned): delete its row so it is available again."""
        hash_ = hash_ or key_hash(key)
        execute(self.connection, statements.complete(self.name), (self.table_name, hash_))

    def reserved_by_others(self):
        """Hashes reserved right now by other connections: where the other workers are walking.

        A cheap probe (a handful of rows): populate uses it to notice a worker that started or
        jumped into the stretch ahead of it before running into it.
        """
        return {row[0] for row in execute(self.connection, statements.reserved_by_others(self.name),
            (self.table_name, self.connection.connection_id)).fetchall()}

    def release_if_mine(self, hash_, connection_id):
        """Delete a reservation only if it still carries ``connection_id`` (lost-connection recovery)."""
        return execute(self.connection, statements.release_if_mine(self.name),
                       (self.table_name, hash_, connection_id)).rowcount

    def error(self, key, error_message, error_stack=None, hash_=None):
        """Record a failed key (replacing its reservation); it is skipped until the row is deleted."""
        hash_ = hash_ or key_hash(key)
        message = truncate_message(error_message, self._message_limit)
        stack = _pack(error_stack) if error_stack is not None else None
        execute(self.connection, statements.error(self.name),
            (self.table_name, hash_, _key_blob(key), message, stack, self.user, self.host, self.pid,
             self.connection.connection_id))

    def ignore(self, key, hash_=None):
        """Mark a key to be skipped by all workers; False if it already has a row."""
        hash_ = hash_ or key_hash(key)
        try:
            execute(self.connection, statements.ignore(self.name),
                (self.table_name, hash_, _key_blob(key), self.user, self.host, self.pid,
                 self.connection.connection_id))
        except DuplicateError:
            return False
        return True

    def taken(self):
        """Hashes with any row (reserved, error or ignore) for this table: not to be attempted."""
        cursor = execute(self.connection, statements.taken(self.name), (self.table_name,))
        return {row[0] for row in cursor.fetchall()}

    # ------------------------------------------------------------------ crash recovery
    def can_see_all_connections(self):
        """True if PROCESSLIST shows other accounts' threads (PROCESS privilege)."""
        account, _ = catalog.current_grantees(self.connection)
        return "PROCESS" in catalog.global_privileges(self.connection, [account])

    def server_uptime(self):
        """Seconds since the server started (readable without any privilege)."""
        return catalog.server_uptime(self.connection)

    def reclaim_stale(self, timeout=None):
        """Delete reservations whose owner is provably gone (or older than ``timeout`` seconds).

        A reservation is dead when it is older than the server itself (made before a restart: its
        connection id may since have been given to an unrelated live connection, so PROCESSLIST
        cannot tell), or when its ``connection_id`` is absent from PROCESSLIST and we could have
        seen it there: always with the PROCESS privilege, otherwise only for rows written by our
        own database account. Returns the list of reclaimed key hashes.
        """
        rows = execute(self.connection, statements.reservations(self.name), (self.table_name,)).fetchall()
        if not rows:
            return []
        uptime = self.server_uptime()
        live = catalog.connection_ids(self.connection)
        see_all = None
        me = self.user.split("@", 1)[0]
        reclaimed, before_restart = [], []
        for hash_, connection_id, user, age in rows:
            stale = timeout is not None and age is not None and age > timeout
            # whole seconds on both sides: a row reserved after the start is at most uptime+1 old
            if not stale and age is not None and age > uptime + 1:
                stale = True
                before_restart.append(hash_)
            if not stale and connection_id not in live and connection_id:
                if (user or "").split("@", 1)[0] == me:
                    stale = True
                else:
                    if see_all is None:
                        see_all = self.can_see_all_connections()
                    stale = see_all
            if stale and execute(self.connection, statements.release_if_mine(self.name),
                    (self.table_name, hash_, connection_id)).rowcount:
                reclaimed.append(hash_)
        restarted = [h for h in before_restart if h in reclaimed]
        if restarted:
            logger.warning(
                "Reclaimed %d reservation(s) of %s made before the database server last restarted "
                "(%d s ago); their connection ids may since belong to other connections: %s",
                len(restarted), self.table_name, uptime,
                ", ".join(restarted[:5]) + (" ..." if len(restarted) > 5 else ""))
        return reclaimed


class _JobTableMixin:
    """0.14's JobTable methods, addressed by table_name, on top of the queryable table."""

    def _queue(self, table_name):
        return JobQueue(self.connection, self.database, table_name)

    def reserve(self, table_name, key):
        return self._queue(table_name).reserve(key)

    def complete(self, table_name, key):
        self._queue(table_name).complete(key)

    def error(self, table_name, key, error_message, error_stack=None):
        self._queue(table_name).error(key, error_message, error_stack)

    def ignore(self, table_name, key):
        return self._queue(table_name).ignore(key)

    def reclaim_stale(self, table_name, timeout=None):
        return self._queue(table_name).reclaim_stale(timeout)

    def delete(self, *args, **kwargs):
        """Deleting job rows never cascades and needs no confirmation (as in 0.14)."""
        return self.delete_quick()

    def drop(self, *args, **kwargs):
        return self.drop_quick()

    def __repr__(self):
        """The rows, as 0.14 shows ``schema.jobs`` (a table class there, not a FreeTable)."""
        return super(FreeTable, self).__repr__()


_JOB_TABLE_CLASS = None


def JobTable(connection, database):  # noqa: N802 - a factory named like the class it returns
    """The ``~jobs`` table of ``database`` (created if missing) as a queryable FreeTable."""
    global _JOB_TABLE_CLASS
    if _JOB_TABLE_CLASS is None:
        _JOB_TABLE_CLASS = type("JobTable", (_JobTableMixin, FreeTable), {"__module__": __name__})
    declare_jobs_table(connection, database)
    return _JOB_TABLE_CLASS(connection, full_table_name(database, JOBS_TABLE_NAME))
