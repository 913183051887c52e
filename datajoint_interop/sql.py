"""SQL text helpers shared by every module that talks to the server.

Identifiers are quoted by exactly one function, ``quote_identifier``, so that a name can never
escape its backquotes. Values never pass through this module: they travel as bound parameters.
"""
import functools
import re

from .errors import DataJointError

_FULL_NAME = re.compile(r"^`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`$")


def quote_identifier(name):
    """Backquote a database, table or column name, doubling embedded backquotes."""
    if isinstance(name, str):
        return _quote_str(str(name))  # plain str: a subclass must not share the cache entry
    raise DataJointError(f"Invalid SQL identifier {name!r}: expected a non-empty string")


@functools.lru_cache(maxsize=8192)
def _quote_str(name):
    """Cached: the same few names are quoted for every query."""
    if not name:
        raise DataJointError(f"Invalid SQL identifier {name!r}: expected a non-empty string")
    if "\x00" in name:
        raise DataJointError(f"Invalid SQL identifier {name!r}: contains a NUL character")
    return "`" + name.replace("`", "``") + "`"


def full_table_name(database, table_name):
    """The canonical "`db`.`table`" form used as node names and in FROM clauses."""
    return quote_identifier(database) + "." + quote_identifier(table_name)


def split_full_table_name(name):
    """Split "`db`.`tbl`" or "db.tbl" into (db, tbl)."""
    if not isinstance(name, str):
        raise DataJointError(f"Invalid table name {name!r}")
    m = _FULL_NAME.match(name.strip())
    if m:
        return m.group(1).replace("``", "`"), m.group(2).replace("``", "`")
    parts = name.strip().split(".")
    if len(parts) == 2 and all(parts) and "`" not in name:
        return parts[0], parts[1]
    raise DataJointError(f"Invalid table name {name!r}: expected `database`.`table` or database.table")


def escape_percent(sql):
    """Double % so that user SQL survives the driver's %-formatting of bound parameters."""
    return sql.replace("%", "%%")


def execute(connection, sql, params=(), **kwargs):
    """Run a compiled statement whose text always has % doubled.

    The compiler escapes % unconditionally so the text does not depend on whether parameters
    exist; when none exist the driver would not format, so the doubling is undone here.
    """
    params = tuple(params)
    if not params:
        sql = sql.replace("%%", "%")
        return connection.query(sql, None, **kwargs)
    return connection.query(sql, params, **kwargs)
