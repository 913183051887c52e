"""Fetching query results: numpy record arrays, lists of dicts, or pandas DataFrames.

Every fetch is one SELECT. Rows are converted column by column (blobs unpacked by the codec,
UUIDs rebuilt, attachments saved), which is much cheaper than per-row Python objects when the
result is large.
"""

import numpy as np

from ..codec.blob import unpack
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


def _column(values, attr, n, squeeze, download_path, connection=None):
    if attr.is_blob and not attr.is_external and attr.adapter is None:
        if squeeze:
            return np.fromiter([None if v is None else unpack(v, squeeze=True) for v in values], dtype=object, count=n)
        return np.fromiter([None if v is None else unpack(v) for v in values], dtype=object, count=n)
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
        if heading[n].is_blob and not heading[n].is_external and heading[n].adapter is None and not squeeze:
            for row in rows:
                v = row[n]
                if v is not None:
                    row[n] = unpack(v)
        else:
            for row in rows:
                row[n] = d(row[n])
    return rows


def _run(expr, names, order_by, limit, offset, as_dict):
    sql, params = compiler.compile_query(expr, fields=names, order_by=order_by, limit=limit, offset=offset)
    cursor = execute(expr.connection, sql, params, as_dict=as_dict)
    rows = cursor.fetchall()
    cursor.close()
    return rows


_CHUNK = 20000


def _fetch_columns(expr, names, order_by, limit, offset, squeeze, download_path):
    """{name: 1-D array}, streamed: rows arrive in chunks from an unbuffered cursor and are
    turned into columns chunk by chunk, so the full result never exists as Python row tuples."""
    heading = expr.heading
    sql, params = compiler.compile_query(expr, fields=names, order_by=order_by, limit=limit, offset=offset)
    cursor = execute(expr.connection, sql, params, unbuffered=True)
    parts = {name: [] for name in names}
    for rows in expr.connection.fetch_chunks(cursor, sql, _CHUNK):
        columns = list(zip(*rows))
        m = len(rows)
        del rows
        for i, name in enumerate(names):
            parts[name].append(_column(columns[i], heading[name], m, squeeze, download_path, expr.connection))
            columns[i] = None
    arrays = {}
    for name in names:
        chunks = parts.pop(name)
        if not chunks:
            arrays[name] = _column((), heading[name], 0, squeeze, download_path, expr.connection)
        elif len(chunks) == 1:
            arrays[name] = chunks[0]
        else:
            dtypes = {c.dtype for c in chunks}
            arrays[name] = np.concatenate(chunks) if len(dtypes) == 1 else np.concatenate(
                [c.astype(object) for c in chunks])
    return arrays


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
            rows = _run(expr, names, order_by, limit, offset, True)
            return _decode_dicts(list(rows), heading, names, squeeze, download_path, expr.connection)
        arrays = _fetch_columns(expr, names, order_by, limit, offset, squeeze, download_path)
        n = len(arrays[names[0]]) if names else 0
        if attrs:
            out = []
            for a in attrs:
                if _is_key(a):
                    pk = heading.primary_key
                    out.append([dict(zip(pk, vals)) for vals in zip(*(arrays[k].tolist() for k in pk))]
                               if n else [])
                else:
                    out.append(arrays[a])
            return out[0] if len(attrs) == 1 else tuple(out)
        if format == "frame":
            try:
                import pandas
            except ImportError:
                raise DataJointError("fetch format 'frame' needs pandas: pip install "
                                     "'datajoint-interop[pandas]'") from None
            frame = pandas.DataFrame({k: v for k, v in arrays.items()}, columns=names)
            if heading.primary_key:
                frame = frame.set_index(heading.primary_key)
            return frame
        dtype = np.dtype([(nm, arrays[nm].dtype) for nm in names])
        result = np.empty(n, dtype=dtype)
        for nm in names:
            result[nm] = arrays[nm]
        return result

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
