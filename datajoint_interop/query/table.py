"""Tables: the leaves of query expressions, and the place where data is changed.

``Table`` knows its database, name and connection (set by the schema decorator on user classes, or
given to ``FreeTable``); the heading is read from the server on first use and cached per
connection. Restricting a table keeps it a table of the same class, so ``(Session & key).delete()``
and ``(T & key).fetch1()`` act on the restricted rows.
"""
import copy
import inspect

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
    def class_name(self):
        return type(self).__name__

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

    @property
    def external(self):
        """``table.external[store]``: the external tables of this table's schema, reached as 0.14 does
        through the schema activated on this connection."""
        schema = self._require_connection().schemas.get(self.database)
        if schema is None:
            raise DataJointError(f"Schema `{self.database}` is not activated on this connection: "
                                 f"create dj.Schema({self.database!r}) first")
        return schema.external

    def descendants(self, as_objects=False):
        names = self._graph().descendants(self.full_table_name)
        return [FreeTable(self.connection, n) for n in names] if as_objects else names

    def ancestors(self, as_objects=False):
        names = self._graph().ancestors(self.full_table_name)
        return [FreeTable(self.connection, n) for n in names] if as_objects else names

    def describe(self, context=None, printout=False):
        """The definition of the live table in DataJoint 0.14's exact text (parents named by the
        classes found in ``context``, the caller's names by default, else by full table name)."""
        if context is None:
            frame = inspect.currentframe().f_back
            context = {**frame.f_globals, **frame.f_locals}
            del frame
        heading = self.heading
        indexes = catalog.secondary_indexes(self._require_connection(), self.database, self.table_name)
        parents = self.parents(foreign_key_info=True)
        text = f"# {heading.table_comment}\n" if heading.table_comment else ""
        in_key, seen = True, set()
        for attr in heading.attributes.values():
            if attr.name.startswith("_"):  # hidden attributes are not part of the definition (0.14)
                continue
            if in_key and not attr.in_key:
                text += "---\n"
                in_key = False
            seen.add(attr.name)
            from_parent = False
            for parent, props in parents:
                if attr.name in props["attr_map"]:
                    from_parent = True
                    if seen.issuperset(props["attr_map"]):
                        text += _reference_line(parent, props, indexes.pop(tuple(props["attr_map"]), None), context)
            if not from_parent:
                name = attr.name if attr.default is None else f"{attr.name}={attr.default}"
                kind = _described_type(attr)
                text += "%-20s : %-28s %s\n" % (name, kind + (" auto_increment" if attr.autoincrement else ""),
                                                 "# " + attr.comment if attr.comment else "")
        for columns, props in indexes.items():
            text += f"{'UNIQUE ' if props['unique'] else ''}INDEX ({', '.join(columns)})\n"
        if printout:
            print(text)
        return text


def _described_type(attr):
    """An attribute's type as 0.14 describes it: the DataJoint type of special kinds, else the SQL type."""
    if attr.adapter is not None or attr.is_uuid or attr.is_attachment or attr.is_external or attr.is_filepath:
        return attr.type
    return attr.sql_type


def _reference_line(parent, props, index, context):
    """One ``-> Parent`` line of describe: index properties in brackets, renames as ``.proj()``."""
    flags = [k for k, v in (index or {}).items() if v]
    options = f" [{', '.join(flags)}]" if flags else ""
    name = lookup_class_name(parent, context) or parent
    if not props["aliased"]:
        return f"->{options} {name}\n"
    renames = ",".join(f'{new}="{old}"' for new, old in props["attr_map"].items() if new != old)
    return f"->{options} {name}.proj({renames})\n"


def lookup_class_name(name, context, depth=3):
    """The dotted name under which ``context`` reaches the table class of full table name ``name``
    (classes, their part classes, and modules up to ``depth`` levels), or None."""
    queue = [(context, "", depth)]
    visited = set()
    while queue:
        namespace, prefix, level = queue.pop(0)
        for member_name, member in list(namespace.items()):
            if member_name.startswith("_"):
                continue
            if inspect.isclass(member) and issubclass(member, Table):
                found = _class_or_part_named(member, name)
                if found is not None:
                    return f"{prefix}{member_name}{found}"
            elif level > 0 and inspect.ismodule(member) and id(member) not in visited \
                    and member.__name__.split(".")[0] not in ("datajoint", "datajoint_interop"):
                visited.add(id(member))
                queue.append((vars(member), f"{prefix}{member_name}.", level - 1))
    return None


def _class_or_part_named(cls, name):
    """'' if ``cls`` is the table ``name``, '.Part' if one of its part classes is, else None."""
    try:
        if cls.full_table_name == name:
            return ""
    except (DataJointError, TypeError):  # a class not bound to a schema, or one needing arguments
        return None
    for attr_name, part in vars(cls).items():
        if attr_name[:1].isupper() and inspect.isclass(part) and issubclass(part, Table):
            try:
                if part.full_table_name == name:
                    return f".{part.__name__}"
            except (DataJointError, TypeError):
                continue
    return None


class FreeTable(Table):
    """A table addressed by name, without a user class: ``FreeTable(conn, "db.table")``."""

    def __init__(self, connection, full_table_name):
        self.database, self.table_name = split_full_table_name(full_table_name)
        self.connection = connection

    def __repr__(self):
        return f"FreeTable({self.full_table_name})\n" + super().__repr__()


__all__ = ["Table", "FreeTable", "forget_heading", "quote_identifier"]
