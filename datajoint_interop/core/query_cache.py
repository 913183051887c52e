"""Query caching (0.14's ``conn.set_query_cache``): answers of read-only statements kept in files.

While a connection's cache state is set, every statement must be a SELECT or SHOW, and its rows
are stored in ``dj.config['query_cache']`` under a name derived from the cache state, the
statement, its parameters and the cursor kind; the same question asked again is answered from the
file without the server. Files are msgpack (never pickle): a cache directory is read as untrusted
data, and a file that does not decode is reported and replaced rather than trusted or fatal.
"""
import datetime
import decimal
import hashlib
import logging
import os
import pathlib
import re
import tempfile
import uuid

import msgpack

from .errors import DataJointError
from .settings import config

logger = logging.getLogger(__name__.split(".")[0])

#: the setting naming the cache folder (0.14's ``connection.cache_key``)
cache_key = "query_cache"

_CACHEABLE = re.compile(r"\s*(SELECT|SHOW)\b", re.IGNORECASE)
_FILE_NAME = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# msgpack extension codes of the values a driver returns beyond msgpack's own types
_DATETIME, _DATE, _TIME, _TIMEDELTA, _DECIMAL, _UUID = range(1, 7)


def _encode_value(value):
    """msgpack ``default``: the temporal, decimal and uuid values rows can hold, as text."""
    for code, kind in ((_DATETIME, datetime.datetime), (_DATE, datetime.date), (_TIME, datetime.time)):
        if isinstance(value, kind):
            return msgpack.ExtType(code, value.isoformat().encode())
    if isinstance(value, datetime.timedelta):
        return msgpack.ExtType(_TIMEDELTA, f"{value.days} {value.seconds} {value.microseconds}".encode())
    if isinstance(value, decimal.Decimal):
        return msgpack.ExtType(_DECIMAL, str(value).encode())
    if isinstance(value, uuid.UUID):
        return msgpack.ExtType(_UUID, value.bytes)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"a query result holds a {type(value).__name__}, which the query cache cannot store")


def _decode_value(code, data):
    """msgpack ``ext_hook``, the inverse of ``_encode_value``; unknown codes fail the file."""
    if code == _DATETIME:
        return datetime.datetime.fromisoformat(data.decode())
    if code == _DATE:
        return datetime.date.fromisoformat(data.decode())
    if code == _TIME:
        return datetime.time.fromisoformat(data.decode())
    if code == _TIMEDELTA:
        days, seconds, micros = (int(x) for x in data.decode().split())
        return datetime.timedelta(days=days, seconds=seconds, microseconds=micros)
    if code == _DECIMAL:
        return decimal.Decimal(data.decode())
    if code == _UUID:
        return uuid.UUID(bytes=bytes(data))
    raise ValueError(f"unknown value code {code}")


class CachedCursor:
    """The part of a driver cursor the package and user code use, over rows held in memory
    (0.14's ``EmulatedCursor``)."""

    def __init__(self, rows, description=None, as_dict=False):
        names = [d[0] for d in description or ()]
        self._rows = [dict(zip(names, row)) for row in rows] if as_dict else [tuple(r) for r in rows]
        self.description = tuple(tuple(d) for d in description) if description else None
        self.rowcount = len(self._rows)
        self._next = 0

    def fetchone(self):
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size=1):
        rows = self._rows[self._next:self._next + size]
        self._next += len(rows)
        return rows

    def fetchall(self):
        rows = self._rows[self._next:]
        self._next = len(self._rows)
        return rows

    def __iter__(self):
        return iter(self.fetchall())

    def close(self):
        self._next = len(self._rows)


def _folder():
    folder = config.get(cache_key)
    if not folder:
        raise DataJointError(f"Provide filepath dj.config['{cache_key}'] when using query caching.")
    return pathlib.Path(folder)


def _file_for(state, sql, args, as_dict):
    """The cache file of one question: a UUID of the state, the statement, its parameters and the
    row form, so two different questions never share a file."""
    digest = hashlib.md5(str(state).encode() + b"\0" + sql.encode() + b"\0"
                         + msgpack.packb([list(args) if isinstance(args, (list, tuple)) else args, bool(as_dict)],
                                         default=_encode_value))
    return _folder() / str(uuid.UUID(bytes=digest.digest()))


def _load(path, as_dict):
    """The cursor stored in ``path``, or None when there is none or it does not decode."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        stored = msgpack.unpackb(data, ext_hook=_decode_value, raw=False, strict_map_key=True)
        rows, description = stored["rows"], stored["description"]
        if not isinstance(rows, list) or not (description is None or isinstance(description, list)):
            raise ValueError("unexpected layout")
        return CachedCursor(rows, description, as_dict)
    except Exception as error:  # any damage: ask the server again and rewrite the file
        logger.warning("Ignoring unreadable query cache file %s (%s)", path, error)
        return None


def _store(path, cursor, as_dict):
    """Write the cursor's rows to ``path`` through a temporary file; returns a cursor over them."""
    description = [list(d) for d in cursor.description] if cursor.description else None
    rows = cursor.fetchall()
    if rows and isinstance(rows[0], dict):
        names = [d[0] for d in description]
        plain = [[row[n] for n in names] for row in rows]
    else:
        plain = [list(row) for row in rows]
    data = msgpack.packb(dict(rows=plain, description=description), default=_encode_value)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".saving", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        pathlib.Path(temp).unlink(missing_ok=True)
        raise
    return CachedCursor(plain, description, as_dict)


def cached_query(state, sql, args, as_dict, run):
    """The answer to ``sql`` from the cache of ``state``, running ``run()`` only on a miss."""
    if not _CACHEABLE.match(sql):
        raise DataJointError("Only SELECT queries are allowed when query caching is on.")
    path = _file_for(state, sql, args, as_dict)
    cursor = _load(path, as_dict)
    if cursor is None:
        cursor = _store(path, run(), as_dict)
    return cursor


def purge():
    """Delete the cache files in ``dj.config['query_cache']`` (only files named as this cache names them)."""
    folder = config.get(cache_key)
    if not isinstance(folder, (str, os.PathLike)) or not pathlib.Path(folder).is_dir():
        return
    for path in pathlib.Path(folder).iterdir():
        if path.is_file() and _FILE_NAME.match(path.name):
            path.unlink()
