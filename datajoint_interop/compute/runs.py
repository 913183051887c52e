"""``~jobs_runs``: what ``dji worker`` learned about each make, beside the 0.14 ``~jobs`` table.

DataJoint 0.14 lists a schema's tables by name and skips names that start with ``~``, and it never
reads this table, so 0.14 workers and our MATLAB workers keep using ``~jobs`` exactly as before
(docs/jobs.md §7). Each finished make of a ``dji worker`` adds one row: its duration, outcome and
the pipeline's code version. From these rows come the walltime estimates of the next worker, the
retry count of an error, and the rate and ETA of ``dji jobs --summary``.
"""
import os
import platform

from ..core import catalog
from ..core.sql import escape_percent, execute, full_table_name, quote_string, sql_table
from .jobs import JOBS_TABLE_NAME

RUNS_TABLE_NAME = "~jobs_runs"

# error messages (``Class: text``) that say the key itself is fine and only the attempt failed;
# ``DataJoint:lostConnection`` is how MATLAB/Octave workers record a lost connection (dj.worker
# retries the same texts, so each language retries the other's)
RETRYABLE_DEFAULT = ("LostConnectionError", "Deadlock found", "Lock wait timeout",
                     "MySQL server has gone away", "Lost connection to", "DataJoint:lostConnection")

_DDL = """CREATE TABLE IF NOT EXISTS {name} (
`run_id` bigint unsigned NOT NULL AUTO_INCREMENT,
`table_name` varchar(255) NOT NULL COMMENT "className of the table, as in ~jobs",
`key_hash` char(32) NOT NULL COMMENT "key hash, as in ~jobs",
`status` enum('success','error') NOT NULL,
`duration` double NOT NULL COMMENT "seconds in make(), transaction included",
`code_version` varchar(255) NOT NULL DEFAULT "" COMMENT "the worker's --code-version tag",
`error_message` varchar(2047) NOT NULL DEFAULT "",
`host` varchar(255) NOT NULL DEFAULT "",
`pid` int unsigned NOT NULL DEFAULT 0,
`finished` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
PRIMARY KEY (`run_id`),
KEY `by_table` (`table_name`,`finished`),
KEY `by_key` (`table_name`,`key_hash`)
) ENGINE=InnoDB, COMMENT {comment}"""


def runs_table(database):
    """The quoted full name of the schema's ``~jobs_runs``, escaped for statement text."""
    return sql_table(full_table_name(database, RUNS_TABLE_NAME))


def declare_runs_table(connection, database):
    """Create ``~jobs_runs`` if missing (idempotent, one statement)."""
    execute(connection, escape_percent(_DDL.format(
        name=full_table_name(database, RUNS_TABLE_NAME),
        comment=quote_string(f"make durations and outcomes of dji workers for `{database}`"))))


def record_runs(connection, database, runs, code_version=""):
    """Store finished makes ``[(table_name, key_hash, ok, seconds, message)]`` in one statement."""
    if not runs:
        return
    host, pid = platform.node()[:255], os.getpid()
    rows = [(table, hash_, "success" if ok else "error", float(seconds), code_version[:255],
             (message or "")[:2047], host, pid) for table, hash_, ok, seconds, message in runs]
    marks = ",".join(["(%s,%s,%s,%s,%s,%s,%s,%s)"] * len(rows))
    execute(connection,
            f"INSERT INTO {runs_table(database)} (`table_name`,`key_hash`,`status`,`duration`,"
            f"`code_version`,`error_message`,`host`,`pid`) VALUES {marks}",
            tuple(value for row in rows for value in row))


def recent_durations(connection, database, table_name, count=20):
    """Durations (s) of the table's last ``count`` successful makes, newest first."""
    return [row[0] for row in execute(connection,
        f"SELECT `duration` FROM {runs_table(database)} WHERE `table_name`=%s AND `status`='success' "
        "ORDER BY `finished` DESC LIMIT %s", (table_name, int(count))).fetchall()]


def retry_errors(connection, database, table_name, patterns, max_retries):
    """Delete error jobs of ``table_name`` whose message contains one of ``patterns`` and that
    failed fewer than ``max_retries`` + 1 times, so workers take them again. Returns how many."""
    if not patterns or max_retries <= 0:
        return 0
    jobs = sql_table(full_table_name(database, JOBS_TABLE_NAME))
    likes = " OR ".join(["`error_message` LIKE %s"] * len(patterns))
    params = [table_name, *("%" + _like_escape(p) + "%" for p in patterns), max_retries]
    return execute(connection,
        f"DELETE FROM {jobs} WHERE `table_name`=%s AND `status`='error' AND ({likes}) "
        f"AND (SELECT COUNT(*) FROM {runs_table(database)} AS r WHERE r.`table_name`={jobs}.`table_name` "
        f"AND r.`key_hash`={jobs}.`key_hash` AND r.`status`='error') <= %s", tuple(params)).rowcount


def _like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def job_counts(connection, database, table_name):
    """``{"reserved": n, "error": n, "ignore": n}`` for one table, one indexed statement."""
    counts = {"reserved": 0, "error": 0, "ignore": 0}
    for status, count in execute(connection,
            f"SELECT `status`, COUNT(*) FROM {sql_table(full_table_name(database, JOBS_TABLE_NAME))} "
            "WHERE `table_name`=%s GROUP BY `status`", (table_name,)).fetchall():
        counts[status] = int(count)
    return counts


def recent_rate(connection, database, table_name, window=600):
    """Successful makes per second over the last ``window`` seconds (None without any)."""
    count, first, last = execute(connection,
        f"SELECT COUNT(*), UNIX_TIMESTAMP(MIN(`finished`)), UNIX_TIMESTAMP(MAX(`finished`)) "
        f"FROM {runs_table(database)} WHERE `table_name`=%s AND `status`='success' "
        "AND `finished` >= NOW(3) - INTERVAL %s SECOND", (table_name, int(window))).fetchone()
    if not count:
        return None
    span = max(float(last) - float(first), 1.0) if count > 1 else float(window)
    return count / span


def has_runs_table(connection, database):
    """Whether any dji worker has recorded runs in this schema."""
    return catalog.table_exists(connection, database, RUNS_TABLE_NAME)
