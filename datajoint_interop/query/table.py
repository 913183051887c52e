"""Tables: the leaves of query expressions, and the place where data is changed.

``Table`` knows its database, name and connection (set by the schema decorator on user classes, or
given to ``FreeTable``); the heading is read from the server on first use and cached per
connection. Restricting a table keeps it a table of the same class, so ``(Session & key).delete()``
and ``(T & key).fetch1()`` act on the restricted rows.
"""
import copy

from ..core.errors import DataJointError, MissingTableError
from ..core.sql import full_table_name as _full_name, quote_identifier, split_full_table_name
from ..schema.heading import cached_heading, forget_heading
from . import delete as _delete, insert as _insert
from .condition import Const, Top
from .expression import QueryExpression, make_condition
from ..core import catalog

class Table(QueryExpression):
    """A base table; subclasses set ``database``, ``table_name``, ``connection``, ``definition``."""

    database = None
    table_name = None
    connection = None
    definition = None
    _restriction = ()

    # --- identity ----------------------------------------------------------------------------
    @property
    def full_table_name(self):
        if self.database is None or self.table_name is None:
            raise DataJointError(
                f"Class {type(self).__name__} is not associated with a schema (decorate it with a dj.Schema)")
        return _full_name(self.database, self.table_name)

    @property
    def support(self):
        return [self.full_table_name]

    @property
    def _connection(self):
        return self.connection

    def _require_connection(self):
        if self.connection is None:
            raise DataJointError(f"Table {self.full_table_name} has no connection (schema not activated)")
        return self.connection

    @property
    def heading(self):
        return cached_heading(self._require_connection(), self.database, self.table_name)

    @property
    def is_declared(self):
        return catalog.table_exists(self._require_connection(), self.database, self.table_name)

    @property
    def size_on_disk(self):
        size = catalog.table_size(self._require_connection(), self.database, self.table_name)
        if size is None:
            raise MissingTableError(f"Table {self.full_table_name} is not declared")
        return size

    # --- restriction keeps the class -------------------------------------------------------------
    def restrict(self, restriction):
        if isinstance(restriction, Top):
            return super().restrict(restriction)
        cond, _ = make_condition(self, restriction)
        if isinstance(cond, Const) and cond.value:
            return self
        new = copy.copy(self)
        new._restriction = list(self._restriction) + [cond]
        return new

    # --- data changes --------------------------------------------------------------------------
    def insert(self, rows, replace=False, skip_duplicates=False, ignore_extra_fields=False,
               allow_direct_insert=None):
        return _insert.insert(self, rows, replace=replace, skip_duplicates=skip_duplicates,
                      ignore_extra_fields=ignore_extra_fields, allow_direct_insert=allow_direct_insert)

    def insert1(self, row, **kwargs):
        return _insert.insert1(self, row, **kwargs)

    def update1(self, row):
        return _insert.update1(self, row)

    def delete_quick(self, get_count=False):
        return _delete.delete_quick(self, get_count=get_count)

    def delete(self, transaction=True, safemode=None, force_parts=False, force_masters=False):
        return _delete.delete(self, transaction=transaction, safemode=safemode, force_parts=force_parts,
                      force_masters=force_masters)

    def drop_quick(self):
        return _delete.drop_quick(self)

    def drop(self, safemode=None):
        return _delete.drop(self, safemode=safemode)

    def _free_table(self, full_table_name):
        """Another table of this connection, by name: how delete and drop reach dependents
        without importing this module (which imports them)."""
        return FreeTable(self.connection, full_table_name)

    # --- dependencies --------------------------------------------------------------------------
    def _graph(self):
        deps = self._require_connection().dependencies
        deps.load(force=False, schemas=[self.database])
        if self.full_table_name not in deps:
            deps.load(force=True, schemas=[self.database])
        return deps

    def parents(self, primary=None, as_objects=False, foreign_key_info=False):
        """Referenced tables; with foreign_key_info, (name, props) pairs with attr_map etc."""
        pairs = self._graph().foreign_keys_in(self.full_table_name, primary)
        return self._neighbors(pairs, as_objects, foreign_key_info)

    def children(self, primary=None, as_objects=False, foreign_key_info=False):
        pairs = self._graph().foreign_keys_out(self.full_table_name, primary)
        return self._neighbors(pairs, as_objects, foreign_key_info)

    def _neighbors(self, pairs, as_objects, foreign_key_info):
        if as_objects:
            pairs = [(FreeTable(self.connection, n), p) for n, p in pairs]
        if foreign_key_info:
            return pairs
        out = []
        for n, _ in pairs:
            if n not in out:
                out.append(n)
        return out

    def parts(self, as_objects=False):
        """Full names of this table's part tables (``master__part``), or FreeTables with as_objects."""
        prefix = self.full_table_name[:-1] + "__"
        names = [n for n in self._graph().nodes if not n.isdigit() and n.startswith(prefix)]
        return [FreeTable(self.connection, n) for n in names] if as_objects else names

    def descendants(self, as_objects=False):
        names = self._graph().descendants(self.full_table_name)
        return [FreeTable(self.connection, n) for n in names] if as_objects else names

    def ancestors(self, as_objects=False):
        names = self._graph().ancestors(self.full_table_name)
        return [FreeTable(self.connection, n) for n in names] if as_objects else names

    def describe(self, printout=False):
        """A readable definition rebuilt from the heading and foreign keys."""
        fks = self.parents(foreign_key_info=True)
        lines = [f"# {self.heading.table_comment}"] if self.heading.table_comment else []
        covered = set()
        in_key = True
        for name, attr in self.heading.attributes.items():
            if in_key and not attr.in_key:
                lines.append("---")
                in_key = False
            if name in covered:
                continue
            for parent, props in fks:
                if name in props["attr_map"] and not set(props["attr_map"]) & covered:
                    ref = parent
                    if props["aliased"]:
                        ren = ", ".join(f"{k}='{v}'" for k, v in props["attr_map"].items() if k != v)
                        ref = f"{parent}.proj({ren})"
                    lines.append(f"-> {ref}")
                    covered |= set(props["attr_map"])
                    break
            else:
                default = "" if attr.default is None else (" = null" if attr.nullable else f" = {attr.default}")
                lines.append(f"{name}{default} : {attr.type}" + (f"  # {attr.comment}" if attr.comment else ""))
        text = "\n".join(lines) + "\n"
        if printout:
            print(text)
        return text


class FreeTable(Table):
    """A table addressed by name, without a user class: ``FreeTable(conn, "db.table")``."""

    def __init__(self, connection, full_table_name):
        self.database, self.table_name = split_full_table_name(full_table_name)
        self.connection = connection

    def __repr__(self):
        return f"FreeTable({self.full_table_name})\n" + super().__repr__()


__all__ = ["Table", "FreeTable", "forget_heading", "quote_identifier"]
