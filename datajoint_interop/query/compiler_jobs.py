"""The statements over the job tables: ``~jobs`` and dji's side tables ``~jobs_runs``, ``~jobs_priority``.

The job queue is a protocol shared with DataJoint 0.14 and MATLAB workers (docs/jobs.md), so its
statements are fixed text, not compiled from expressions; they are kept here, one function per
statement, beside the compiler of statements over user tables. Every function returns statement
text only: table names come in already quoted and %-escaped (``sql_table``), values are ``%s``
placeholders the caller binds in the order the docstring gives.
"""
from ..core.sql import sql_name

_RESERVE_COLUMNS = "`table_name`,`key_hash`,`status`,`key`,`user`,`host`,`pid`,`connection_id`"


# --- ~jobs: reservation --------------------------------------------------------------------------

def reserve(jobs, target=None, names=None):
    """Reserve one key: (table_name, key_hash, key, user, host, pid, connection_id[, key values]).

    With a `target` (a table name escaped for statement text) and its key `names`, the row is
    inserted only if the key is not in the target yet; the key values are bound last."""
    if names is None:
        return f"INSERT INTO {jobs} ({_RESERVE_COLUMNS}) VALUES (%s,%s,'reserved',%s,%s,%s,%s,%s)"
    where = " AND ".join(f"{sql_name(n)}=%s" for n in names)
    return (f"INSERT INTO {jobs} ({_RESERVE_COLUMNS}) SELECT %s,%s,'reserved',%s,%s,%s,%s,%s "
            f"FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM {target} WHERE {where})")


def reserve_many(jobs, target, names, count):
    """Reserve `count` keys missing from `target` in one statement: (table_name, user, host, pid,
    connection_id), then per key (key_hash, key blob, key values in `names` order)."""
    row = "SELECT %s AS h, %s AS b" + "".join(f", %s AS k{i}" for i in range(len(names)))
    where = " AND ".join(f"t.{sql_name(n)} = v.k{i}" for i, n in enumerate(names))
    return (f"INSERT IGNORE INTO {jobs} "
            "(`table_name`,`key_hash`,`status`,`key`,`user`,`host`,`pid`,`connection_id`) "
            "SELECT %s, v.h, 'reserved', v.b, %s, %s, %s, %s FROM ("
            + " UNION ALL ".join([row] * count) +
            f") AS v WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {where})")


def reserved_by(jobs, count):
    """Which of `count` hashes are reserved by a connection: (table_name, connection_id, hashes...)."""
    marks = ",".join(["%s"] * count)
    return (f"SELECT `key_hash` FROM {jobs} WHERE `table_name`=%s AND `status`='reserved' "
            f"AND `connection_id`=%s AND `key_hash` IN ({marks})")


def adopt(jobs):
    """Move a reservation to a new connection: (new connection_id, table_name, key_hash, old connection_id)."""
    return (f"UPDATE {jobs} SET `connection_id`=%s, `timestamp`=CURRENT_TIMESTAMP "
            "WHERE `table_name`=%s AND `key_hash`=%s "
            "AND `status`='reserved' AND `connection_id`=%s")


def release(jobs, count):
    """Delete `count` reservations of one connection: (table_name, connection_id, hashes...)."""
    marks = ",".join(["%s"] * count)
    return (f"DELETE FROM {jobs} WHERE `table_name`=%s AND `status`='reserved' AND `connection_id`=%s "
            f"AND `key_hash` IN ({marks})")


def release_connection(jobs):
    """Delete every reservation of a table held by a connection: (table_name, connection_id)."""
    return f"DELETE FROM {jobs} WHERE `table_name`=%s AND `status`='reserved' AND `connection_id`=%s"


def complete(jobs):
    """Delete a key's row, whatever its status: (table_name, key_hash)."""
    return f"DELETE FROM {jobs} WHERE `table_name`=%s AND `key_hash`=%s"


def reserved_by_others(jobs):
    """Hashes reserved by other connections: (table_name, our connection_id)."""
    return (f"SELECT `key_hash` FROM {jobs} WHERE `table_name`=%s AND `status`='reserved' "
            "AND `connection_id`<>%s")


def release_if_mine(jobs):
    """Delete a reservation still held by a connection (one we lost, or one judged dead):
    (table_name, key_hash, connection_id)."""
    return (f"DELETE FROM {jobs} WHERE `table_name`=%s AND `key_hash`=%s AND `status`='reserved' "
            "AND `connection_id`=%s")


def error(jobs):
    """Record a failure over any row of the key: (table_name, key_hash, key, error_message,
    error_stack, user, host, pid, connection_id)."""
    return (f"REPLACE INTO {jobs} (`table_name`,`key_hash`,`status`,`key`,`error_message`,"
            "`error_stack`,`user`,`host`,`pid`,`connection_id`) "
            "VALUES (%s,%s,'error',%s,%s,%s,%s,%s,%s,%s)")


def ignore(jobs):
    """Mark a key ignored: (table_name, key_hash, key, user, host, pid, connection_id)."""
    return (f"INSERT INTO {jobs} (`table_name`,`key_hash`,`status`,`key`,`user`,`host`,`pid`,"
            "`connection_id`) VALUES (%s,%s,'ignore',%s,%s,%s,%s,%s)")


def taken(jobs):
    """Hashes with any row for a table: (table_name)."""
    return f"SELECT `key_hash` FROM {jobs} WHERE `table_name`=%s"


def reservations(jobs):
    """Reservations of a table with their owner and age in seconds: (table_name)."""
    return (f"SELECT `key_hash`, `connection_id`, `user`, TIMESTAMPDIFF(SECOND, `timestamp`, NOW()) "
            f"FROM {jobs} WHERE `table_name`=%s AND `status`='reserved'")


# --- ~jobs: listing (dji jobs) --------------------------------------------------------------------

def count_by_status(jobs):
    """Rows per status of the whole queue, in status order (no parameters)."""
    return f"SELECT `status`, COUNT(*) FROM {jobs} GROUP BY `status` ORDER BY `status`"


def count_by_status_of(jobs):
    """Rows per status of one table: (table_name)."""
    return f"SELECT `status`, COUNT(*) FROM {jobs} WHERE `table_name`=%s GROUP BY `status`"


def listing(jobs, by_status=False, with_key=False):
    """Jobs oldest first with their age in seconds: ([status,] limit)."""
    where = "WHERE `status`=%s" if by_status else ""
    return (f"SELECT `table_name`, `status`, `key_hash`, `user`, `host`, `pid`, `timestamp`, "
            f"TIMESTAMPDIFF(SECOND, `timestamp`, NOW()), `error_message`{', `key`' if with_key else ''} "
            f"FROM {jobs} {where} ORDER BY `timestamp`, `table_name`, `key_hash` LIMIT %s")


# --- ~jobs_runs -----------------------------------------------------------------------------------

def record_runs(runs, count):
    """Store `count` finished makes: per row (table_name, key_hash, status, duration, code_version,
    error_message, host, pid)."""
    marks = ",".join(["(%s,%s,%s,%s,%s,%s,%s,%s)"] * count)
    return (f"INSERT INTO {runs} (`table_name`,`key_hash`,`status`,`duration`,"
            f"`code_version`,`error_message`,`host`,`pid`) VALUES {marks}")


def recent_durations(runs):
    """Durations of the last successful makes, newest first: (table_name, count)."""
    return (f"SELECT `duration` FROM {runs} WHERE `table_name`=%s AND `status`='success' "
            "ORDER BY `finished` DESC LIMIT %s")


def retry_errors(jobs, runs, patterns):
    """Delete retryable error jobs: (table_name, one LIKE pattern per `patterns`, max_retries)."""
    likes = " OR ".join(["`error_message` LIKE %s"] * patterns)
    return (f"DELETE FROM {jobs} WHERE `table_name`=%s AND `status`='error' AND ({likes}) "
            f"AND (SELECT COUNT(*) FROM {runs} AS r WHERE r.`table_name`={jobs}.`table_name` "
            f"AND r.`key_hash`={jobs}.`key_hash` AND r.`status`='error') <= %s")


def recent_rate(runs):
    """Count and first/last finish of recent successful makes: (table_name, window seconds)."""
    return (f"SELECT COUNT(*), UNIX_TIMESTAMP(MIN(`finished`)), UNIX_TIMESTAMP(MAX(`finished`)) "
            f"FROM {runs} WHERE `table_name`=%s AND `status`='success' "
            "AND `finished` >= NOW(3) - INTERVAL %s SECOND")


# --- ~jobs_priority -------------------------------------------------------------------------------

def schedule(priority, count, delayed):
    """Upsert `count` priorities: per row (table_name, key_hash, priority[, delay seconds])."""
    start = "NOW() + INTERVAL %s SECOND" if delayed else "NULL"
    rows = ",".join([f"(%s,%s,%s,{start})"] * count)
    return (f"INSERT INTO {priority} (`table_name`,`key_hash`,`priority`,`not_before`) VALUES {rows} "
            "ON DUPLICATE KEY UPDATE `priority`=VALUES(`priority`), `not_before`=VALUES(`not_before`)")


def priorities(priority):
    """Each key's priority and whether its start lies ahead: (table_name)."""
    return (f"SELECT `key_hash`, `priority`, `not_before` IS NOT NULL AND `not_before` > NOW() "
            f"FROM {priority} WHERE `table_name`=%s")
