"""Restrictions: turning what users write after ``&`` into a small condition tree.

The tree holds values, never SQL text made from values; the compiler turns it into SQL with bound
parameters. That is what makes dict/list restrictions immune to injection, whatever the strings.
"""

import re

import numpy as np

from ..codec.values import bind_value
from ..core.errors import ArgumentTypeError, DataJointError, UnknownAttributeError


class AndList(list):
    """A list of restrictions that are ANDed (a plain list means OR)."""

    def append(self, restriction):
        if isinstance(restriction, AndList):
            self.extend(restriction)
        else:
            super().append(restriction)


class Not:
    """Negation of a restriction: ``T & dj.Not(c)`` is ``T - c``."""

    def __init__(self, restriction):
        self.restriction = restriction


#: the largest row count MySQL accepts in LIMIT/OFFSET (an unsigned 64-bit integer)
MAX_ROW_COUNT = 2**64 - 1


def check_row_count(value, what):
    """Raise DataJointError unless `value` is an integer MySQL accepts in LIMIT/OFFSET.

    Checked here so a huge or negative count gets a message naming the argument instead of the
    server's syntax error about the bound value."""
    message = f"{what} must be an integer from 0 to {MAX_ROW_COUNT} (2**64-1), got {value!r}"
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(message)  # also a TypeError, as 0.14 raised for dj.Top(limit="1")
    if not 0 <= value <= MAX_ROW_COUNT:
        raise DataJointError(message)
    return int(value)


class Top:
    """Keep the first `limit` rows in `order_by` order after skipping `offset` ("KEY" = primary key)."""

    def __init__(self, limit=1, order_by="KEY", offset=0):
        if limit is not None:
            check_row_count(limit, "Top limit")  # (or None); the messages begin with 0.14's
        check_row_count(offset, "The offset argument")
        if isinstance(order_by, str):
            order_by = [order_by]
        if order_by is None:
            order_by = []
        if not isinstance(order_by, (list, tuple)) or not all(isinstance(o, str) for o in order_by):
            raise ArgumentTypeError(f"Top order_by attributes must all be strings, got {order_by!r}")
        self.limit = None if limit is None else int(limit)
        self.order_by = list(order_by)
        self.offset = int(offset)

    def __repr__(self):
        return f"Top(limit={self.limit}, order_by={self.order_by}, offset={self.offset})"


# --- condition tree ------------------------------------------------------------------------------
class Cond:
    __slots__ = ()


class Const(Cond):
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = bool(value)


class Sql(Cond):
    """User SQL, kept as written."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


class Eq(Cond):
    """attribute = bound value (IS NULL for None)."""
    __slots__ = ("name", "value")

    def __init__(self, name, value):
        self.name, self.value = name, value


class And(Cond):
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = list(items)


class Or(Cond):
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = list(items)


class Negate(Cond):
    __slots__ = ("item",)

    def __init__(self, item):
        self.item = item


class InQuery(Cond):
    """(common attributes) IN (SELECT common attributes FROM other)."""
    __slots__ = ("names", "query")

    def __init__(self, names, query):
        self.names, self.query = list(names), query


class Exists(Cond):
    __slots__ = ("query",)

    def __init__(self, query):
        self.query = query


def _negate(c):
    if isinstance(c, Const):
        return Const(not c.value)
    if isinstance(c, Negate):
        return c.item
    return Negate(c)


def _and(items):
    items = [c for c in items if not (isinstance(c, Const) and c.value)]
    if any(isinstance(c, Const) and not c.value for c in items):
        return Const(False)
    if not items:
        return Const(True)
    return items[0] if len(items) == 1 else And(items)


def _or(items):
    items = [c for c in items if not (isinstance(c, Const) and not c.value)]
    if any(isinstance(c, Const) and c.value for c in items):
        return Const(True)
    if not items:
        return Const(False)
    return items[0] if len(items) == 1 else Or(items)


_QUOTED = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"", re.S)
_NAMES = re.compile(r"`((?:[^`]|``)+)`|\b([A-Za-z_][A-Za-z0-9_$]*)\b")


def sql_names(text):
    """Identifiers a user SQL string may refer to (words outside string literals)."""
    text = _QUOTED.sub(" ", text)
    return {(m.group(1) or "").replace("``", "`") or m.group(2) for m in _NAMES.finditer(text)}


def _mapping_condition(heading, mapping):
    names = [k for k in mapping if k in heading]
    return _and(Eq(k, bind_value(heading[k], mapping[k])) for k in names), set(names)


def check_attributes(heading, names, what="attribute"):
    for n in names:
        if n not in heading:
            raise UnknownAttributeError(f"{what.capitalize()} `{n}` not found. The query has {heading.names}")
