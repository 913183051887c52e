"""``~jobs_priority``: priority and delayed start of keys, a side table 0.14 never reads.

An operator (or a pipeline) marks keys of a computed table with a priority and/or an earliest
start time; ``dji worker`` then attempts higher priorities first and leaves keys whose start time
has not come. Keys without a row have priority 0 and may start at once. 0.14 and MATLAB workers
ignore this table, so they keep taking any key in their own order (docs/jobs.md §8.2): priority
is a preference of our workers, not a lock.
"""
from ..core import catalog
from ..core.errors import DataJointError
from ..core.sql import escape_percent, execute, full_table_name, sql_table
from ..query import compiler_jobs as statements
from ..schema import ddl
from ..codec.hash import key_hash

PRIORITY_TABLE_NAME = "~jobs_priority"

_BATCH = 500  # rows per INSERT statement


def _name(database):
    return sql_table(full_table_name(database, PRIORITY_TABLE_NAME))


def schedule(table, keys, priority=0, delay=None):
    """Give ``keys`` (dicts of ``table``'s key source) ``priority`` and, with ``delay`` seconds,
    an earliest start ``delay`` seconds from now (server clock). Returns the number of keys."""
    if not isinstance(priority, int) or isinstance(priority, bool) or not -2**31 <= priority < 2**31:
        raise DataJointError(f"priority must be a 32-bit integer, not {priority!r}")
    if delay is not None and (not isinstance(delay, (int, float)) or not 0 <= delay <= 10 * 365 * 86400):
        raise DataJointError(f"delay must be a number of seconds between 0 and ten years, not {delay!r}")
    connection, database = table.connection, table.database
    execute(connection, escape_percent(ddl.priority_table(database, PRIORITY_TABLE_NAME)))
    hashes = [key_hash(table._job_key(dict(k))) for k in keys]
    for offset in range(0, len(hashes), _BATCH):
        chunk = hashes[offset:offset + _BATCH]
        params = [v for h in chunk for v in ((table.table_name, h, priority, float(delay))
                                             if delay is not None else (table.table_name, h, priority))]
        execute(connection, statements.schedule(_name(database), len(chunk), delay is not None), tuple(params))
    return len(hashes)


def order_keys(table, keys):
    """``(keys in priority order, number held back by a future start)``; unchanged if no row exists."""
    connection, database = table.connection, table.database
    if not catalog.table_exists(connection, database, PRIORITY_TABLE_NAME):
        return keys, 0
    rows = execute(connection, statements.priorities(_name(database)), (table.table_name,)).fetchall()
    if not rows:
        return keys, 0
    info = {h: (int(p), bool(later)) for h, p, later in rows}
    ranked, held = [], 0
    for position, key in enumerate(keys):
        priority, later = info.get(key_hash(table._job_key(key)), (0, False))
        if later:
            held += 1
        else:
            ranked.append((-priority, position, key))
    ranked.sort(key=lambda item: item[:2])
    return [key for _, _, key in ranked], held
