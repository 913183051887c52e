"""The LOAD DATA LOCAL path of a large insert: rows as a tab-separated upload built in memory.

For many rows the server parses a tab-separated upload faster than the text of multi-row INSERT
statements, and the upload is smaller (binary values travel as themselves, not as hex literals):
see docs/performance.md for the figures. But ``LOAD DATA LOCAL`` turns every error an INSERT
would raise (duplicate key, out-of-range value, truncated text, missing value) into a warning and
goes on, so this path is only *tried*: it runs in a transaction (or under a savepoint inside the
caller's), and any warning, a row count that is not the number of rows sent, or any server error
rolls it back, and the insert runs again as multi-row INSERTs, which give 0.14's exact errors.
Only values whose text is certain go this way (ints, floats, decimals, text, bytes, dates and
datetimes, written as the INSERT path's driver writes them); rows with any other value (times,
subclasses of these types, text with lone surrogates) go as INSERT statements. The server may
refuse LOCAL INFILE (``local_infile=OFF``): the refusal is logged once per connection and inserts
use multi-row INSERTs.
"""
import datetime
import decimal
import logging

from . import compiler
from ..core import catalog
from ..core.errors import LostConnectionError, QueryError
from ..core.sql import execute, load_local

logger = logging.getLogger(__name__.split(".")[0])

#: fewer rows than this go as multi-row INSERTs: the extra transaction statements would cost more
#: than the faster parsing saves (docs/performance.md)
MIN_ROWS = 2000

_NULL = b"\\N"
#: engines whose ROLLBACK undoes a LOAD DATA (MyISAM, Aria, MEMORY keep what was loaded)
_TRANSACTIONAL = frozenset({"InnoDB"})
_SAVEPOINT = "datajoint_insert"  # inside a caller's transaction, a failed load rolls back to here
# the server's "not allowed" answers to LOAD DATA LOCAL: 1148 (MySQL, older MariaDB), 3948 (MySQL 8),
# 4166 (MariaDB 10.5+: "LOAD DATA LOCAL INFILE is disabled")
_REFUSED = frozenset({1148, 3948, 4166})


class _Unsuitable(Exception):
    """The rows cannot travel as an upload, or the server did not take them exactly."""


def _escaped(values):
    """Bytes values with the upload's escape, field and line separators escaped (backslash
    first). Chained replaces in one comprehension: no Python call per value."""
    return [v.replace(b"\\", b"\\\\").replace(b"\t", b"\\t").replace(b"\n", b"\\n") for v in values]


def _column_fields(col, default):
    """One column's values as upload fields (bytes), or _Unsuitable for a value the upload
    cannot carry exactly. `default` (the insert's DEFAULT marker) becomes ``\\N``."""
    kinds = set(map(type, col))
    try:
        if kinds == {int}:
            return [b"%d" % v for v in col]
        if kinds == {float}:
            return [repr(v).encode() for v in col]
        if kinds == {str}:
            return _escaped([v.encode("utf-8") for v in col])
        if kinds == {bytes}:
            return _escaped(col)
    except UnicodeEncodeError:  # a lone surrogate: the INSERT path reports it
        raise _Unsuitable from None
    out = []
    for v in col:
        t = type(v)
        if v is default:
            out.append(_NULL)
        elif t is int:
            out.append(b"%d" % v)
        elif t is float:
            out.append(repr(v).encode())
        elif t is bytes:
            out.extend(_escaped([v]))
        elif t is str:
            try:
                out.extend(_escaped([v.encode("utf-8")]))
            except UnicodeEncodeError:
                raise _Unsuitable from None
        elif t is decimal.Decimal:
            out.append(str(v).encode())
        elif t is datetime.datetime:  # the fields only, an aware datetime's offset ignored (as pymysql)
            text = f"{v.year:04}-{v.month:02}-{v.day:02} {v.hour:02}:{v.minute:02}:{v.second:02}"
            out.append((text + f".{v.microsecond:06}" if v.microsecond else text).encode())
        elif t is datetime.date:
            out.append(f"{v.year:04}-{v.month:02}-{v.day:02}".encode())
        else:
            raise _Unsuitable
    return out


def payload(columns, default):
    """The upload of rows given column by column, or None when a value cannot travel as text
    exactly (then the rows go as INSERT statements)."""
    try:
        fields = [_column_fields(col, default) for col in columns]
    except _Unsuitable:
        return None
    return b"\n".join(map(b"\t".join, zip(*fields))) + b"\n"


def _refused(conn):
    return getattr(conn, "_local_infile_refused", None) == conn.connection_id


#: which path inserts take: "auto" (large ones try LOAD DATA LOCAL), "insert" (always INSERT
#: statements) or "load" (LOAD DATA LOCAL tried whatever the number of rows); for tests and benchmarks
MODE = "auto"


def suitable(conn, n_rows, skip_duplicates):
    """Whether an insert of `n_rows` should try this path at all. skip_duplicates stays with
    INSERT ... ON DUPLICATE KEY UPDATE: LOAD DATA would report skipped rows as warnings, which
    cannot be told apart from lost values once there are more than the server lists."""
    if MODE == "insert" or skip_duplicates or not conn.can_load_local or _refused(conn):
        return False
    return MODE == "load" or n_rows >= MIN_ROWS


def try_load(conn, table, names, columns, batches, default, replace=False, progress=None):
    """Insert the rows by LOAD DATA LOCAL; True when done, False when nothing was changed and the
    rows must go as INSERT statements instead (unsuitable values, a table that cannot roll back,
    a refusing server, or anything the server did not take exactly)."""
    table_name = table.full_table_name
    if catalog.table_engine(conn, table.database, table.table_name) not in _TRANSACTIONAL:
        return False  # a rolled-back attempt would leave its rows behind
    defaulted = [n for n, c in zip(names, columns) if default in c]  # (`in`: identity first, in C)
    sql = compiler.compile_load_local(table_name, names, defaulted, replace=replace)
    first = payload([c[batches[0][0]:batches[0][1]] for c in columns], default)
    if first is None:
        return False
    nested = conn.in_transaction
    if nested:
        catalog.savepoint(conn, _SAVEPOINT)
    else:
        conn.start_transaction()
    try:
        for k, (a, b) in enumerate(batches):  # one upload in memory at a time
            count, data = b - a, first if k == 0 else payload([c[a:b] for c in columns], default)
            first = None
            if data is None:
                raise _Unsuitable("a value that cannot travel as text")
            cursor = load_local(conn, sql, data)
            # REPLACE counts a replaced row twice (deleted, inserted)
            if cursor.warning_count or not count <= cursor.rowcount <= (2 * count if replace else count):
                raise _Unsuitable(f"{cursor.warning_count} warning(s), {cursor.rowcount} of {count} rows")
            if progress is not None:
                progress.update(count)
    except LostConnectionError:
        if not nested:
            conn.cancel_transaction()
        raise
    except (_Unsuitable, QueryError) as reason:
        _undo(conn, nested)
        if isinstance(reason, QueryError) and getattr(reason, "errno", 0) in _REFUSED:
            conn._local_infile_refused = conn.connection_id
            logger.info("The server refuses LOAD DATA LOCAL INFILE (%s); inserts use INSERT statements "
                        "on this connection", reason)
        else:
            logger.debug("LOAD DATA LOCAL into %s not taken exactly (%s); inserting with INSERT "
                         "statements", table_name, reason)
        if progress is not None:
            progress.reset()
        return False
    except BaseException:
        _undo(conn, nested)
        raise
    if nested:
        catalog.release_savepoint(conn, _SAVEPOINT)
    else:
        conn.commit_transaction()
    return True


def _undo(conn, nested):
    if nested:
        catalog.rollback_to_savepoint(conn, _SAVEPOINT)
    else:
        conn.cancel_transaction()
