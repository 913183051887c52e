"""Fetching query results: numpy record arrays, lists of dicts, pandas/Arrow/polars frames.

Every fetch is one SELECT whose rows stream from an unbuffered result in chunks
(`Connection.fetch_chunks`): each chunk is converted column by column (blobs unpacked by the codec
in one C call per column, UUIDs rebuilt, attachments saved) and written into the output, so the
whole result never exists twice (as driver rows and as output) and `for row in table` holds one
chunk at a time.
"""

import numpy as np

from ..codec.blob import unpack, unpack_column
from ..core.errors import DataJointError, UnknownAttributeError
from ..core.settings import config
from ..core.sql import execute
from ..storage.objects import attribute_codec
from . import compiler
from .condition import check_row_count


class key:
    """``fetch(dj.key)`` is the same as ``fetch('KEY')``: the primary key of each row as a dict."""


def _is_key(a):
    return a is key or (isinstance(a, str) and a == "KEY")


is_key = _is_key  # 0.14's public name


def to_dicts(recarray):
    """The rows of a fetched record array as dicts (0.14's helper of the same name)."""
    for record in recarray:
        yield dict(zip(recarray.dtype.names, record.tolist()))


def _decoder(attr, squeeze, download_path, connection=None):
    """A function converting one raw value of `attr`, or None if raw values are final."""
    return attribute_codec(connection, getattr(attr, "database", None), attr, squeeze=squeeze,
                           download_path=download_path).decode


def _is_plain_blob(attr):
    """An in-row blob without adapter: decoded by the codec alone (unpack_column)."""
    return attr.is_blob and not attr.is_external and attr.adapter is None


def _column(values, attr, n, squeeze, download_path, connection=None, raw_blobs=False):
    if _is_plain_blob(attr):
        if raw_blobs:
            return np.fromiter(values, dtype=object, count=n)
        return unpack_column(values, squeeze)
    decode = _decoder(attr, squeeze, download_path, connection)
    if decode is not None:
        return np.fromiter(map(decode, values), dtype=object, count=n)
    dtype = attr.dtype
    if dtype.kind == "O":
        return np.fromiter(values, dtype=object, count=n)
    try:
        return np.array(values, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        return np.fromiter(values, dtype=object, count=n)


def _decode_dicts(rows, heading, names, squeeze, download_path, connection=None):
    decoders = [(n, _decoder(heading[n], squeeze, download_path, connection)) for n in names]
    decoders = [(n, d) for n, d in decoders if d is not None]
    for n, d in decoders:
        if _is_plain_blob(heading[n]) and not squeeze:
            for row in rows:
                v = row[n]
                if v is not None:
                    row[n] = unpack(v)
        else:
            for row in rows:
                row[n] = d(row[n])
    return rows


def _chunks(expr, names, order_by, limit, offset, as_dict=False):
    """The result of the SELECT as chunks of row tuples (or dicts), read from an unbuffered cursor."""
    sql, params = compiler.compile_query(expr, fields=names, order_by=order_by, limit=limit, offset=offset)
    cursor = execute(expr.connection, sql, params, unbuffered=True, as_dict=as_dict)
    return expr.connection.fetch_chunks(cursor, sql, _CHUNK)


def iter_dicts(expr, names=None, order_by=None, limit=None, offset=None, squeeze=False, download_path="."):
    """The rows as dicts, decoded chunk by chunk as they stream in (`for row in table`)."""
    for rows in _dict_chunks(expr, names, order_by, limit, offset, squeeze, download_path):
        yield from rows


def _dict_chunks(expr, names, order_by, limit, offset, squeeze, download_path):
    """The rows as chunks of dicts, each decoded when it arrives.

    The driver builds the dicts (in C with mysqlclient); a blob column is then decoded in one
    codec call per chunk and put back, other kinds through their codec."""
    heading = expr.heading
    names = list(names or heading.names)
    decoders = []
    for name in names:
        attr = heading[name]
        if _is_plain_blob(attr):
            decoders.append((name, lambda values: unpack_column(values, squeeze).tolist()))
        else:
            decode = _decoder(attr, squeeze, download_path, expr.connection)
            if decode is not None:
                decoders.append((name, lambda values, decode=decode: list(map(decode, values))))
    for rows in _chunks(expr, names, order_by, limit, offset, as_dict=True):
        for name, decode in decoders:
            for row, value in zip(rows, decode([row[name] for row in rows])):
                row[name] = value
        yield rows


def _run(expr, names, order_by, limit, offset, as_dict):
    sql, params = compiler.compile_query(expr, fields=names, order_by=order_by, limit=limit, offset=offset)
    cursor = execute(expr.connection, sql, params, as_dict=as_dict)
    rows = cursor.fetchall()
    cursor.close()
    return rows


_CHUNK = 20000


def _fetch_records(expr, names, order_by, limit, offset, squeeze, download_path, raw_blobs=False):
    """The result as one record array, written chunk by chunk as rows stream in.

    The array grows in place (numpy's resize is a realloc, which the C library does by remapping
    pages for large blocks, not by copying), by a quarter at a time, and is trimmed at the end:
    the peak is about 1.25 times the result plus one chunk, instead of the result twice."""
    heading = expr.heading
    result, n = None, 0
    for rows in _chunks(expr, names, order_by, limit, offset):
        m = len(rows)
        columns = list(zip(*rows))
        del rows
        for i, name in enumerate(names):
            columns[i] = _column(columns[i], heading[name], m, squeeze, download_path, expr.connection,
                                 raw_blobs)
        if result is None:
            result = np.empty(m, dtype=[(name, c.dtype) for name, c in zip(names, columns)])
        if any(c.dtype != result.dtype[i] for i, c in enumerate(columns)):
            # a chunk that needed objects (a NULL in an integer column...): widen that field
            result = result.astype([(name, result.dtype[i] if c.dtype == result.dtype[i] else object)
                                    for i, (name, c) in enumerate(zip(names, columns))])
        if n + m > len(result):
            result.resize(max(n + m, len(result) + len(result) // 4), refcheck=False)
        for name, column in zip(names, columns):
            result[name][n:n + m] = column
        n += m
    if result is None:
        empty = [_column((), heading[name], 0, squeeze, download_path, expr.connection) for name in names]
        return np.empty(0, dtype=[(name, c.dtype) for name, c in zip(names, empty)])
    if n < len(result):
        result.resize(n, refcheck=False)
    return result


_FORMATS = ("array", "frame")


def _output_format(format, attrs, as_dict):
    """The format of a whole-row fetch: the argument, else ``config['fetch_format']`` (as in 0.14).

    A format applies to whole rows only, so naming one together with attributes or ``as_dict``
    is refused, as 0.14 refuses it.
    """
    if format is not None and (as_dict or attrs):
        raise DataJointError("Cannot specify output format when as_dict=True or "
                             "when attributes are selected to be fetched separately.")
    if format not in (None, *_FORMATS):
        raise DataJointError(f"fetch format must be 'array' or 'frame', got {format!r}")
    if format is None and not (attrs or as_dict):
        format = config["fetch_format"]
        if format not in _FORMATS:
            raise DataJointError(f"Invalid entry {format!r} in dj.config['fetch_format']: use 'array' or 'frame'")
    return format


class Fetch:
    """Callable bound to a query: ``q.fetch(...)``."""

    def __init__(self, expression):
        self._expression = expression

    def __call__(self, *attrs, offset=None, limit=None, order_by=None, format=None, as_dict=None,
                 squeeze=False, download_path="."):
        expr = self._expression
        heading = expr.heading
        format = _output_format(format, attrs, as_dict)
        if offset and limit is None:
            raise DataJointError("fetch(offset=...) requires a limit")
        for what, value in (("limit", limit), ("offset", offset)):
            if value is not None:
                check_row_count(value, f"fetch {what}")
        if isinstance(order_by, str):
            order_by = [order_by]
        if as_dict is None:
            as_dict = False
        names = _column_names(heading, attrs, "fetch") if attrs else heading.names
        if as_dict:
            if attrs:  # 0.14 projects onto the attributes: the dicts keep the heading's order
                names = sorted(names, key=heading.names.index)
            out = []
            for rows in _dict_chunks(expr, names, order_by, limit, offset, squeeze, download_path):
                out.extend(rows)
            return out
        records = _fetch_records(expr, names, order_by, limit, offset, squeeze, download_path)
        arrays = {name: records[name] for name in names}
        n = len(records)
        if attrs:
            out = []
            for a in attrs:
                if _is_key(a):
                    pk = heading.primary_key
                    out.append([dict(zip(pk, vals)) for vals in zip(*(arrays[k].tolist() for k in pk))]
                               if n else [])
                else:
                    out.append(arrays[a])
            return out[0] if len(attrs) == 1 else out  # a list, as 0.14 (fetch1 gives a tuple)
        if format == "frame":
            try:
                import pandas
            except ImportError:
                raise DataJointError("fetch format 'frame' needs pandas: pip install "
                                     "'datajoint-interop[pandas]'") from None
            frame = pandas.DataFrame(arrays, columns=names)
            if heading.primary_key:
                frame = frame.set_index(heading.primary_key)
            return frame
        return records

    def keys(self, **kwargs):
        """The primary keys as a list of dicts (DataJoint's ``fetch.keys()``)."""
        return self(key, **kwargs)


def _column_names(heading, attrs, caller):
    """The columns to select for fetch arguments: names, with 'KEY' standing for the primary key."""
    names = []
    for a in attrs:
        if _is_key(a):
            names += [k for k in heading.primary_key if k not in names]
        elif isinstance(a, str):
            if a not in heading:
                raise UnknownAttributeError(f"Attribute `{a}` not found. {caller}: the query has {heading.names}")
            if a not in names:
                names.append(a)
        else:
            raise DataJointError(f"{caller} takes attribute names, 'KEY' or dj.key; got {a!r}")
    return names


class Fetch1:
    """``q.fetch1()`` returns the single row as a dict; ``q.fetch1('a', 'b')`` returns values."""

    def __init__(self, expression):
        self._expression = expression

    def __call__(self, *attrs, squeeze=False, download_path="."):
        expr = self._expression
        heading = expr.heading
        names = _column_names(heading, attrs, "fetch1")
        rows = _run(expr, names or heading.names, None, 2, None, True)
        if len(rows) != 1:
            raise DataJointError(f"fetch1 requires exactly one row, but the query returned "
                                 f"{'none' if not rows else 'more than one'}")
        row = _decode_dicts(list(rows), heading, names or heading.names, squeeze, download_path,
                            expr.connection)[0]
        if not attrs:
            return row
        out = []
        for a in attrs:
            out.append({k: row[k] for k in heading.primary_key} if _is_key(a) else _named_value(heading[a], row[a]))
        return out[0] if len(attrs) == 1 else tuple(out)


def _named_value(attr, value):
    """A value fetched by name as fetch() would give it: 0.14 reads named values from the
    record array, where a NULL float is NaN (the whole-row dict keeps None, as in 0.14)."""
    if value is None and attr.dtype.kind == "f":
        return np.nan
    return value


# --- columnar outputs ------------------------------------------------------------------------
_BLOB_MODES = ("binary", "decoded")


def _optional(module, extra):
    """Import an optional dependency, or say which pip extra provides it."""
    try:
        return __import__(module)
    except ImportError:
        raise DataJointError(f"this output needs {module}: pip install 'datajoint-interop[{extra}]'") from None


def _blob_mode(blobs):
    if blobs not in _BLOB_MODES:
        raise DataJointError(f"blobs must be 'binary' (the stored bytes) or 'decoded', got {blobs!r}")
    return blobs


def _arrow_column(pa, attr, values, blobs):
    """One Arrow array from a fetched column (a record-array field)."""
    if values.dtype != object:
        return pa.array(values)
    items = values.tolist()
    if attr.is_uuid:
        return pa.array([None if v is None else str(v) for v in items], pa.string())
    if _is_plain_blob(attr) and blobs == "binary":
        return pa.array(items, pa.large_binary())
    if _is_plain_blob(attr):
        # Arrow has no type for arbitrary MATLAB/Python values: numeric arrays become lists of
        # their elements in MATLAB (column-major) order; anything else is refused by name
        if all(v is None or (isinstance(v, np.ndarray) and v.dtype.kind in "biuf") for v in items):
            return pa.array([None if v is None else v.ravel(order="F") for v in items])
        raise DataJointError(f"blob attribute `{attr.name}` holds values that are not numeric arrays, "
                             "which Arrow cannot represent: use blobs='binary' (or fetch())")
    try:
        return pa.array(items, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise DataJointError(f"attribute `{attr.name}` cannot be converted to Arrow: {e}") from None


def to_arrow(expr, blobs="binary", order_by=None, limit=None, offset=None):
    """The result as a pyarrow Table, built from the fetched columns (not from row objects).

    ``blobs='binary'`` (default) keeps blob attributes as the stored bytes (large_binary, decoded
    later with ``dj.blob.unpack``); ``'decoded'`` unpacks them, numeric arrays becoming lists
    of their elements in column-major order. UUIDs become their text."""
    pa = _optional("pyarrow", "arrow")
    blobs = _blob_mode(blobs)
    heading = expr.heading
    names = heading.names
    order_by = [order_by] if isinstance(order_by, str) else order_by
    records = _fetch_records(expr, names, order_by, limit, offset, False, ".", raw_blobs=blobs == "binary")
    return pa.table([_arrow_column(pa, heading[n], records[n], blobs) for n in names], names=names)


def to_polars(expr, blobs="binary", order_by=None, limit=None, offset=None):
    """The result as a polars DataFrame (through Arrow, see `to_arrow`), except that
    ``blobs='decoded'`` keeps each decoded blob as it is (a polars Object column)."""
    pl = _optional("polars", "polars")
    blobs = _blob_mode(blobs)
    heading = expr.heading
    if blobs == "binary":
        return pl.from_arrow(to_arrow(expr, "binary", order_by, limit, offset))
    pa = _optional("pyarrow", "polars")
    names = heading.names
    order_by = [order_by] if isinstance(order_by, str) else order_by
    records = _fetch_records(expr, names, order_by, limit, offset, False, ".")
    columns = []
    for n in names:
        attr = heading[n]
        if _is_plain_blob(attr):
            columns.append(pl.Series(n, records[n].tolist(), dtype=pl.Object))
        else:
            columns.append(pl.from_arrow(pa.table([_arrow_column(pa, attr, records[n], blobs)], names=[n]))[n])
    return pl.DataFrame(columns)
