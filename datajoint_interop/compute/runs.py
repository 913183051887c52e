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
from ..core.sql import escape_percent, execute, full_table_name, sql_table
from ..query import compiler_jobs as statements
from ..schema import ddl
from .jobs import JOBS_TABLE_NAME

RUNS_TABLE_NAME = "~jobs_runs"

# error messages (``Class: text``) that say the key itself is fine and only the attempt failed;
# ``DataJoint:lostConnection`` is how MATLAB/Octave workers record a lost connection (dj.worker
# retries the same texts, so each language retries the other's)
RETRYABLE_DEFAULT = ("LostConnectionError", "Deadlock found", "Lock wait timeout",
                     "MySQL server has gone away", "Lost connection to", "DataJoint:lostConnection")


def runs_table(database):
    """The quoted full name of the schema's ``~jobs_runs``, escaped for statement text."""
    return sql_table(full_table_name(database, RUNS_TABLE_NAME))


def declare_runs_table(connection, database):
    """Create ``~jobs_runs`` if missing (idempotent, one statement)."""
    execute(connection, escape_percent(ddl.runs_table(database, RUNS_TABLE_NAME)))


def record_runs(connection, database, runs, code_version=""):
    """Store finished makes ``[(table_name, key_hash, ok, seconds, message)]`` in one statement."""
    if not runs:
        return
    host, pid = platform.node()[:255], os.getpid()
    rows = [(table, hash_, "success" if ok else "error", float(seconds), code_version[:255],
             (message or "")[:2047], host, pid) for table, hash_, ok, seconds, message in runs]
    execute(connection, statements.record_runs(runs_table(database), len(rows)),
            tuple(value for row in rows for value in row))


def recent_durations(connection, database, table_name, count=20):
    """Durations (s) of the table's last ``count`` successful makes, newest first."""
    return [row[0] for row in execute(connection, statements.recent_durations(runs_table(database)),
        (table_name, int(count))).fetchall()]


def retry_errors(connection, database, table_name, patterns, max_retries):
    """Delete error jobs of ``table_name`` whose message contains one of ``patterns`` and that
    failed fewer than ``max_retries`` + 1 times, so workers take them again. Returns how many."""
    if not patterns or max_retries <= 0:
        return 0
    jobs = sql_table(full_table_name(database, JOBS_TABLE_NAME))
    params = [table_name, *("%" + _like_escape(p) + "%" for p in patterns), max_retries]
    return execute(connection, statements.retry_errors(jobs, runs_table(database), len(patterns)),
                   tuple(params)).rowcount


def _like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def job_counts(connection, database, table_name):
    """``{"reserved": n, "error": n, "ignore": n}`` for one table, one indexed statement."""
    counts = {"reserved": 0, "error": 0, "ignore": 0}
    jobs = sql_table(full_table_name(database, JOBS_TABLE_NAME))
    for status, count in execute(connection, statements.count_by_status_of(jobs), (table_name,)).fetchall():
        counts[status] = int(count)
    return counts


def recent_rate(connection, database, table_name, window=600):
    """Successful makes per second over the last ``window`` seconds (None without any)."""
    count, first, last = execute(connection, statements.recent_rate(runs_table(database)),
                                 (table_name, int(window))).fetchone()
    if not count:
        return None
    span = max(float(last) - float(first), 1.0) if count > 1 else float(window)
    return count / span


def has_runs_table(connection, database):
    """Whether any dji worker has recorded runs in this schema."""
    return catalog.table_exists(connection, database, RUNS_TABLE_NAME)
