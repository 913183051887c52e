"""Insert and update1: rows from dicts, tuples, record arrays, DataFrames or a query.

Rows are validated against the heading before anything is sent (unknown, missing and ill-typed
attributes are named in the error), values are encoded per attribute (blobs packed, UUIDs as 16
bytes), and sent as multi-row INSERT statements whose size stays under the server's
``max_allowed_packet``; several statements run inside one transaction so a failure inserts nothing.
Large inserts first try ``LOAD DATA LOCAL`` (``bulk.py``), which gives the rows back here whenever
it could not store them exactly, so errors always come from the INSERT statements.
"""
import collections.abc
import csv
import pathlib
import re
import sys

import numpy as np

from . import bulk, compiler
from ..core.errors import (DataJointError, DuplicateError, MissingAttributeError, QueryError,
                     UnknownAttributeError)
from .expression import QueryExpression
from ..core.sql import execute
from ..codec.values import DEFAULT, check_text
from ..storage.objects import attribute_codec
from ..core import catalog

_DEFAULT = DEFAULT  # marker: let the server use the column default
_ABSENT = object()  # marker: the row does not name this attribute


def _max_statement(connection):
    return max(64 * 1024, min(catalog.max_allowed_packet(connection) // 2, 16 * 1024 * 1024))


def _encoder(table, attr):
    """A function: user value -> value to bind, or _DEFAULT (the attribute's codec's encode)."""
    return attribute_codec(table.connection, table.database, attr, f"{table.full_table_name}.`{attr.name}`").encode


def _as_columns(rows, heading):
    """(field names, one list of values per field) for the supported row containers.

    Column-major from the start: no per-row containers are built for the common cases, which
    keeps large inserts cheap (and out of the garbage collector's way)."""
    if isinstance(rows, np.ndarray) and rows.dtype.names:
        flat = rows.ravel()
        return list(rows.dtype.names), [flat[n].tolist() for n in rows.dtype.names]
    if type(rows).__name__ == "DataFrame" and hasattr(rows, "to_dict"):
        frame = rows.reset_index() if any(n is not None for n in rows.index.names) else rows
        return [str(c) for c in frame.columns], [frame[c].tolist() for c in frame.columns]
    if isinstance(rows, (collections.abc.Mapping, str, bytes)):
        raise DataJointError("insert() takes a collection of rows; use insert1() for a single row")
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return None, []
    first = rows[0]
    if isinstance(first, collections.abc.Mapping):
        names = list(first)
        keys = first.keys()
        if all(isinstance(r, dict) and r.keys() == keys for r in rows):  # the common case, at C speed
            return names, [[r[k] for r in rows] for k in names]
        known = set(names)
        for i, r in enumerate(rows):
            if not isinstance(r, collections.abc.Mapping):
                raise DataJointError(f"Row {i} is a {type(r).__name__} while the first row is a dict")
            for k in r:  # rows may name different attributes; absent ones take their defaults
                if k not in known:
                    known.add(k)
                    names.append(k)
        return names, [[r.get(k, _ABSENT) for r in rows] for k in names]
    if isinstance(first, np.void) and first.dtype.names:
        names = list(first.dtype.names)
        return names, [list(c) for c in zip(*(r.tolist() for r in rows))]
    names = heading.names
    for i, r in enumerate(rows):
        if isinstance(r, (str, bytes)) or not isinstance(r, (collections.abc.Sequence, np.ndarray)):
            raise DataJointError(f"Row {i} ({r!r}) is neither a dict nor a sequence of values")
        if len(r) != len(names):
            raise DataJointError(f"Row {i} has {len(r)} values but {names} has {len(names)} attributes")
    return names, [list(c) for c in zip(*rows)]


def _read_csv(path):
    """Rows of a CSV file with a header line (0.14's ``insert(pathlib.Path)``): every value a string."""
    try:
        with open(path, newline="", encoding="utf-8") as file:
            return list(csv.DictReader(file, delimiter=","))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataJointError(f"Cannot read rows from the CSV file {str(path)!r}: {error}") from error


def _check_allowed(table, allow_direct_insert):
    if getattr(table, "_allow_insert", True) is False and not allow_direct_insert:
        raise DataJointError(
            f"Inserts into auto-populated table {table.full_table_name} are only allowed inside its make() "
            f"during populate; pass allow_direct_insert=True to override")


def _skip_key(table, names, skip_duplicates):
    """The column a skipped duplicate sets to itself, or None when duplicates are not skipped."""
    if not skip_duplicates:
        return None
    return (table.heading.primary_key or names[:1])[0]


#: DataJoint 0.14's hint on a duplicate key; users search their logs for it
DUPLICATE_HINT = "To ignore duplicate entries in insert, set skip_duplicates=True"
# the server's refusal of a value ("Data truncated for column 'x' at row 3" for an enum value not
# in the list, "Incorrect ... value: ... for column `db`.`t`.`x`" for other conversions)
_BAD_VALUE = re.compile(r"for column (?:`[^`]*`\.)*[`']?(?P<name>[^`']+)[`']? at row \d+")


def enum_values(sql_type):
    """The allowed values of an ``enum('a','b')`` column type, or None for other types."""
    match = re.fullmatch(r"\s*enum\s*\((?P<body>.*)\)\s*", sql_type or "", re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    return [a.replace("''", "'") if a or not b else b.replace('""', '"')
            for a, b in re.findall(r"'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"", match.group("body"))]


def _enum_hint(table, error, names, columns):
    """For a refused enum value: the attribute, its allowed values and the offending values.

    The server names only the column; this says what the user may write instead. Values are
    compared as the server does for the usual case-insensitive collations (trailing spaces ignored)."""
    match = _BAD_VALUE.search(getattr(error, "server_message", "") or "")
    if not match or match.group("name") not in table.heading:
        return ""
    attr = table.heading[match.group("name")]
    allowed = enum_values(attr.sql_type)
    if allowed is None:
        return ""
    text = f"Attribute `{attr.name}` accepts only " + ", ".join(repr(v) for v in allowed)
    if names and attr.name in names:
        known = {v.rstrip().casefold() for v in allowed}
        column = columns[names.index(attr.name)]
        bad = list(dict.fromkeys(v for v in column if isinstance(v, str) and v.rstrip().casefold() not in known))
        if bad:
            text += "; got " + ", ".join(repr(v) for v in bad[:5]) + (" ..." if len(bad) > 5 else "")
    return text


def _explain(table, error, names=None, columns=None, doing="inserting into"):
    """The server's error with the table named and, where it helps, what to do about it."""
    msg = error.args[0] if error.args else str(error)
    text = f"{msg} -- while {doing} {table.full_table_name}"
    if isinstance(error, DuplicateError) and doing == "inserting into":
        hint = DUPLICATE_HINT
    else:
        hint = _enum_hint(table, error, names, columns)
    if hint:
        text += f". {hint}"
    new = type(error)(text)
    for attr in ("errno", "server_message"):
        if hasattr(error, attr):
            setattr(new, attr, getattr(error, attr))
    return new


def insert(table, rows, replace=False, skip_duplicates=False, ignore_extra_fields=False,
           allow_direct_insert=None):
    _check_allowed(table, allow_direct_insert)
    heading = table.heading
    conn = table.connection
    if isinstance(rows, type) and issubclass(rows, QueryExpression):
        rows = rows()
    if isinstance(rows, QueryExpression):
        names = [n for n in rows.heading.names if n in heading]
        extra = [n for n in rows.heading.names if n not in heading]
        if extra and not ignore_extra_fields:
            raise UnknownAttributeError(
                f"Attribute {extra[0]} not found. To ignore extra attributes in insert, set "
                f"ignore_extra_fields=True. ({table.full_table_name} lacks the query's {extra})")
        sql, params = compiler.compile_insert_query(table.full_table_name, names, rows, replace=replace,
                                                    skip_duplicates_on=_skip_key(table, names, skip_duplicates))
        try:
            execute(conn, sql, params)
        except QueryError as e:
            raise _explain(table, e) from e
        return
    if isinstance(rows, pathlib.PurePath):
        rows = _read_csv(rows)
    names, columns = _as_columns(rows, heading)
    if not columns or not columns[0]:
        return
    unknown = [n for n in names if n not in heading]
    if unknown:
        if not ignore_extra_fields:
            raise UnknownAttributeError(
                f"`{unknown[0]}` is not in the table heading {table.full_table_name} {heading.names}; "
                f"use ignore_extra_fields=True to skip {unknown}")
        columns = [c for n, c in zip(names, columns) if n in heading]
        names = [n for n in names if n in heading]
    required = [a.name for a in heading.attributes.values()
                if not a.nullable and a.default is None and not a.autoincrement]
    missing = [n for n in required if n not in names]
    if not missing:
        missing = [n for n, c in zip(names, columns) if n in required and any(v is _ABSENT for v in c)]
    if missing:
        raise MissingAttributeError(
            f"Missing value(s) for attribute(s) {missing} of {table.full_table_name}")
    columns = [_encode_column(table, heading[n], col) for n, col in zip(names, columns)]
    clauses = compiler.insert_clauses(table.full_table_name, names, replace=replace,
                                      skip_duplicates_on=_skip_key(table, names, skip_duplicates))
    head, tail = clauses
    batches = _batches(columns, _max_statement(conn) - len(head) - len(tail))
    _check_packet(table, conn, names, columns, batches, len(head) + len(tail))
    with _progress(len(columns[0]), len(batches)) as progress:
        if bulk.suitable(conn, len(columns[0]), skip_duplicates) and bulk.try_load(
                conn, table, names, columns, batches, _DEFAULT, replace=replace,
                progress=progress):
            return
        _insert_statements(table, conn, clauses, names, columns, batches, progress)


class _NoProgress:
    """The progress bar where none is shown."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass

    def reset(self):
        pass


def _progress(total, steps):
    """A progress bar on a terminal (stderr) that appears only once an insert has run a few
    seconds (tqdm's ``delay``); nothing when stderr is not a terminal or the insert is one
    statement (nothing to report before it ends)."""
    if steps < 2 or not sys.stderr.isatty():
        return _NoProgress()
    from tqdm import tqdm
    return tqdm(total=total, unit="row", unit_scale=True, delay=PROGRESS_DELAY, leave=False,
                file=sys.stderr)


#: seconds an insert runs before its progress bar appears (on a terminal)
PROGRESS_DELAY = 3.0


def _insert_statements(table, conn, clauses, names, columns, batches, progress):
    """The rows as multi-row INSERT statements, one per batch, in one transaction."""
    own = len(batches) > 1 and not conn.in_transaction
    try:
        if own:
            conn.start_transaction()
        for a, b in batches:
            sql, p = compiler.compile_insert_rows(clauses, [c[a:b] for c in columns], _DEFAULT)
            execute(conn, sql, p)
            progress.update(b - a)
        if own:
            conn.commit_transaction()
    except QueryError as e:
        if own:
            conn.cancel_transaction()
        raise _explain(table, e, names, columns) from e
    except BaseException:
        if own:
            conn.cancel_transaction()
        raise


_PLAIN = {int, float, str}


def _encode_column(table, attr, col):
    """Encode one column; plain ints/floats/strings for simple types pass through untouched."""
    if not (attr.is_blob or attr.is_uuid or attr.is_attachment or attr.is_external or attr.is_filepath
            or attr.adapter is not None):
        kinds = set(map(type, col))
        if kinds <= _PLAIN and not (float in kinds and any(v != v for v in col)) and \
                (attr.numeric and str not in kinds or attr.string and kinds == {str}):
            if str in kinds:
                label = f"{table.full_table_name}.`{attr.name}`"
                for v in col:
                    if not v.isascii():
                        check_text(v, label)
            return col
    encode = _encoder(table, attr)
    return [_DEFAULT if v is _ABSENT else encode(v) for v in col]


def _batches(columns, limit):
    """Row ranges [a, b) whose statements stay under `limit` bytes (estimated generously)."""
    n = len(columns[0])
    if n <= 16:
        total = sum(len(v) * 4 + 4 if isinstance(v, (bytes, str)) else 8 for c in columns for v in c)
        if total <= limit:
            return [(0, n)]
    size = np.full(n, 8 * len(columns), dtype=np.int64)
    for col in columns:
        kinds = set(map(type, col))
        if kinds == {bytes} or kinds == {str}:
            size += np.fromiter(map(len, col), dtype=np.int64, count=n) * (2 if bytes in kinds else 4) + 4
        elif not kinds <= {int, float}:
            size += np.fromiter(((2 * len(v) if isinstance(v, bytes) else 4 * len(v)) + 4
                                 if isinstance(v, (bytes, str)) else 8 for v in col), dtype=np.int64, count=n)
    group = np.cumsum(size) // max(limit, 1)
    cuts = np.flatnonzero(np.diff(group)) + 1
    edges = [0] + cuts.tolist() + [n]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _check_packet(table, conn, names, columns, batches, overhead):
    """Refuse, before sending, a single row the server would drop the connection over."""
    packet = catalog.max_allowed_packet(conn)
    for a, b in batches:
        if b - a != 1:
            continue
        sizes = {}
        for name, col in zip(names, columns):
            v = col[a]
            if isinstance(v, (bytes, bytearray)):
                sizes[name] = 2 * len(v) + 3  # the driver sends bytes as a hex literal x'..'
            elif isinstance(v, str):
                sizes[name] = 2 * len(v) + 2
            else:
                sizes[name] = 24
        total = overhead + sum(sizes.values())
        if total > packet:
            biggest = max(sizes, key=sizes.get)
            raise DataJointError(
                f"A row for {table.full_table_name} needs a {total / 2**20:.1f} MiB statement "
                f"(attribute `{biggest}` alone {sizes[biggest] / 2**20:.1f} MiB), more than the "
                f"server's max_allowed_packet of {packet / 2**20:.1f} MiB (binary values travel "
                f"hex-encoded, at twice their size). Raise it "
                f"(SET GLOBAL max_allowed_packet=...; also in the server config) or store the value "
                f"externally (a `blob@store` attribute).")


def insert1(table, row, **kwargs):
    """Insert one row (a dict, record or sequence)."""
    if isinstance(row, QueryExpression):
        raise DataJointError("insert1() takes one row; use insert() for a query")
    return insert(table, [row], **kwargs)


def update1(table, row):
    """Update secondary attributes of one existing row, found by its full primary key."""
    if table._restriction:
        raise DataJointError("update1 cannot be applied to a restricted table")
    if not isinstance(row, collections.abc.Mapping):
        raise DataJointError("update1 takes a dict with the primary key and the attributes to change")
    heading = table.heading
    unknown = [k for k in row if k not in heading]
    if unknown:
        raise UnknownAttributeError(f"Attribute `{unknown[0]}` not found. {table.full_table_name} has "
                                    f"{heading.names}")
    pk = heading.primary_key
    missing = [k for k in pk if k not in row]
    if missing:
        raise MissingAttributeError(f"update1 needs the full primary key of {table.full_table_name}; missing {missing}")
    key = {k: row[k] for k in pk}
    restricted = table & key
    if len(restricted) != 1:
        raise DataJointError(f"update1: no row of {table.full_table_name} has the key {key}")
    changes = [k for k in row if k not in pk]
    if not changes:
        return
    values = {}
    for k in changes:
        v = _encoder(table, heading[k])(row[k])
        if v is _DEFAULT and not heading[k].nullable and heading[k].default is None:
            raise DataJointError(f"update1: attribute `{k}` of {table.full_table_name} is not nullable and has "
                                 "no default, so it cannot be reset (None)")
        values[k] = v
    # None resets the attribute to its default (NULL for a nullable one without default), as in 0.14
    sql, params = compiler.compile_update(restricted, table.full_table_name, values, null=_DEFAULT, default=_DEFAULT)
    try:
        execute(table.connection, sql, params)
    except QueryError as e:
        raise _explain(table, e, changes, [[row[k]] for k in changes], doing="updating") from e
