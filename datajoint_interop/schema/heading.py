"""Headings: the ordered attributes of a table or query result, with their DataJoint meaning.

A heading read from the server has to recover what the user declared: the SQL column type is only
the storage type (``binary(16)`` for ``uuid``), the real type lives in the ``:type:`` comment
marker, and display widths reported by the server (``int(11)``) must not leak into comparisons.
"""
import re
from collections import OrderedDict

import numpy as np

from ..core.errors import DataJointError, MissingTableError, UnknownAttributeError
from ..codec.adapter import AttributeAdapter, adapted_types_enabled
from ..core import catalog
from ..core.sql import full_table_name

_MARKER = re.compile(r"^:([^:]+):(.*)$", re.S)
_INT = re.compile(r"^(tiny|small|medium|big)?int(\(\d+\))?(\s+unsigned)?(\s+zerofill)?$", re.I)
_FLOAT = re.compile(r"^(float|double|real)(\(\d+(,\d+)?\))?(\s+unsigned)?$", re.I)
_DECIMAL = re.compile(r"^(decimal|numeric)(\(\d+(,\d+)?\))?(\s+unsigned)?$", re.I)
_STRING = re.compile(r"^((var)?char|enum|set|date|datetime|time|timestamp|year|(tiny|medium|long)?text)\b",
                     re.I)
_BLOB = re.compile(r"^(tiny|medium|long)?blob$", re.I)
_EXTERNAL = re.compile(r"^(blob|attach|filepath)@([a-z][-\w]*)$", re.I)

# like DataJoint 0.14: every integer fetches as int64 (uint64 only where int64 cannot hold it)
_INT_DTYPES = {
    ("tinyint", False): np.int64, ("tinyint", True): np.int64,
    ("smallint", False): np.int64, ("smallint", True): np.int64,
    ("mediumint", False): np.int64, ("mediumint", True): np.int64,
    ("int", False): np.int64, ("int", True): np.int64,
    ("bigint", False): np.int64, ("bigint", True): np.uint64,
}

_FIELDS = ("name", "type", "sql_type", "in_key", "nullable", "default", "comment", "autoincrement",
           "numeric", "string", "is_blob", "is_uuid", "is_attachment", "is_filepath", "is_external",
           "store", "dtype", "sql_expression", "original_name", "unsupported", "database", "adapter")


class Attribute:
    """One attribute; immutable by convention (use ``replace`` to derive a changed copy)."""

    __slots__ = _FIELDS

    def __init__(self, **kw):
        unknown = set(kw) - set(_FIELDS)
        if unknown:
            raise DataJointError(f"Unknown attribute properties {sorted(unknown)}")
        for f in _FIELDS:
            setattr(self, f, kw.get(f))
        if self.original_name is None:
            self.original_name = self.name

    def replace(self, **kw):
        d = self.todict()
        d.update(kw)
        return Attribute(**d)

    def todict(self):
        return {f: getattr(self, f) for f in _FIELDS}

    @property
    def is_computed(self):
        return self.sql_expression is not None

    @property
    def is_renamed(self):
        return self.sql_expression is None and self.original_name != self.name

    def __repr__(self):
        return f"Attribute({self.name!r}, {self.type!r}{', key' if self.in_key else ''})"

    def __eq__(self, other):
        return isinstance(other, Attribute) and self.todict() == other.todict()

    def __hash__(self):
        return hash((self.name, self.type))


def _strip_widths(sql_type):
    """Drop display widths from integer and float types, as both originals do when reading."""
    t = sql_type.strip()
    t = re.sub(r"^((?:tiny|small|medium|big)?int)\(\d+\)", r"\1", t, flags=re.I)
    t = re.sub(r"^(float|double)\(\d+(,\d+)?\)", r"\1", t, flags=re.I)
    return t


def make_attribute(name, sql_type, *, in_key=False, nullable=False, default=None, comment="",
                   autoincrement=False, sql_expression=None, original_name=None):
    """Classify one column from its SQL type and comment (marker included)."""
    sql_type = _strip_widths(sql_type)
    low = sql_type.lower()
    # enum/set values keep their case (the server compares them case-insensitively, but they are
    # what users read in the heading and describe(), as in 0.14)
    dj_type = low if not re.match(r"^(enum|set)\s*\(", low) else low[:low.index("(")] + sql_type[low.index("("):]
    comment = comment or ""
    m = _MARKER.match(comment)
    if m:
        dj_type, comment = m.group(1).strip().lower(), m.group(2)
    ext = _EXTERNAL.match(dj_type)
    is_uuid = dj_type == "uuid"
    is_attachment = dj_type == "attach" or bool(ext and ext.group(1).lower() == "attach")
    is_filepath = bool(ext and ext.group(1).lower() == "filepath")
    is_external = bool(ext)
    store = ext.group(2) if ext else None
    unsupported = bool(m) and not (is_uuid or is_attachment or is_filepath or is_external)
    is_blob = bool(_BLOB.match(low)) and not is_attachment or bool(ext and ext.group(1).lower() == "blob")
    int_m = _INT.match(low)
    numeric = bool(int_m or _FLOAT.match(low) or _DECIMAL.match(low)) and not m
    string = bool(_STRING.match(low)) and not m
    if int_m:
        key = ((int_m.group(1) or "") + "int", bool(int_m.group(3)))
        dtype = np.dtype(_INT_DTYPES[key]) if not nullable else np.dtype(object)
    elif _FLOAT.match(low) and not m:
        dtype = np.dtype(np.float64)
    else:
        dtype = np.dtype(object)
    if dj_type.startswith("serial"):
        autoincrement = True
    return Attribute(
        name=name, type=dj_type, sql_type=sql_type, in_key=bool(in_key), nullable=bool(nullable),
        default=default, comment=comment, autoincrement=bool(autoincrement), numeric=numeric,
        string=string, is_blob=is_blob, is_uuid=is_uuid, is_attachment=is_attachment,
        is_filepath=is_filepath, is_external=is_external, store=store, dtype=dtype,
        sql_expression=sql_expression, original_name=original_name or name, unsupported=unsupported)


_ADAPTED = re.compile(r"^<(\w+)>$")
_SPECIAL_STORED = re.compile(r"^(uuid|attach|(blob|attach|filepath)@[a-z][-\w]*)$", re.I)


def _adapted_attribute(attr, col, adapters):
    """An ``<name>`` column read as its adapter's stored type, with the adapter attached (0.14).

    Without a known adapter (or with the feature off) the attribute gets a bare AttributeAdapter,
    whose get/put raise NotImplementedError on first use, as 0.14 delays that error.
    """
    name = _ADAPTED.match(attr.type).group(1)
    adapter = adapters.get(name)
    if adapter is None or not adapted_types_enabled():
        return attr.replace(adapter=AttributeAdapter())
    stored = adapter.attribute_type
    comment = f":{stored}:{attr.comment}" if _SPECIAL_STORED.match(stored) else attr.comment
    base = make_attribute(col["Field"], col["Type"], in_key=attr.in_key, nullable=attr.nullable,
                          default=attr.default, comment=comment, autoincrement=attr.autoincrement)
    return base.replace(type=attr.type, comment=attr.comment, adapter=adapter)


# adapters known per (connection, database): the names in the contexts its classes were declared in
_ADAPTERS = {}


def register_adapters(connection, database, adapters):
    """Make ``adapters`` ({name: AttributeAdapter}) the ones the headings of ``database`` use."""
    if not adapters:
        return
    known = _ADAPTERS.setdefault((id(connection), database), {})
    if any(known.get(n) is not a for n, a in adapters.items()):
        known.update(adapters)
        forget_heading()


def _default_text(attr, default):
    """The default as DataJoint 0.14 reports it: null, a bare number or constant, or "quoted"."""
    if attr.nullable:
        return "null"
    if default is None:
        return None
    if attr.numeric or re.match(r"^current_timestamp(\(\d*\))?$", default, re.I):
        return default
    return '"%s"' % default


class Heading:
    """Ordered attributes plus the table comment; primary-key attributes come first."""

    def __init__(self, attributes=(), table_comment=None, hidden=()):
        #: columns whose names start with "_" (0.14's hidden attributes, e.g. add_hidden_timestamp's):
        #: they exist in the table but take no part in fetch, insert, joins or display
        self.hidden_attributes = tuple(hidden)
        self._attributes = OrderedDict()
        for a in attributes:
            if a.name in self._attributes:
                raise DataJointError(f"Duplicate attribute name `{a.name}` in heading")
            self._attributes[a.name] = a
        #: the table's comment; None for the heading of a derived query (proj, join, ...), which 0.14's
        #: repr shows without a comment line
        self.table_comment = table_comment

    @classmethod
    def from_attributes(cls, attributes, table_comment=""):
        """Build from Attribute objects or dicts (name, type, in_key, ...), e.g. for DB-free tests."""
        attrs = []
        for a in attributes:
            if isinstance(a, dict):
                a = dict(a)
                dj_type = (a.pop("type", None) or "").strip().lower()
                sql_type = a.pop("sql_type", None)
                special = dj_type in ("uuid", "attach") or bool(_EXTERNAL.match(dj_type))
                if special and not _MARKER.match(a.get("comment") or ""):
                    a["comment"] = f":{dj_type}:{a.get('comment') or ''}"
                if sql_type is None:
                    sql_type = "longblob" if dj_type == "attach" else "binary(16)" if special else dj_type
                attrs.append(make_attribute(a.pop("name"), sql_type, **a))
            else:
                attrs.append(a)
        return cls(attrs, table_comment)

    @classmethod
    def from_database(cls, connection, database, table_name):
        """Read SHOW FULL COLUMNS and SHOW TABLE STATUS; raise MissingTableError if absent."""
        status = catalog.table_status(connection, database, table_name)
        if status is None:
            raise MissingTableError(f"Table {full_table_name(database, table_name)} is not declared")
        attrs, hidden = [], []
        for col in catalog.full_columns(connection, database, table_name):
            if col["Field"].startswith("_"):
                hidden.append(col["Field"])
                continue
            default = col["Default"]
            if isinstance(default, bytes):
                default = default.decode()
            extra = (col.get("Extra") or "").lower()
            attr = make_attribute(
                col["Field"], col["Type"], in_key=col["Key"] == "PRI", nullable=col["Null"] == "YES",
                default=default, comment=col["Comment"], autoincrement="auto_increment" in extra)
            if _ADAPTED.match(attr.type):
                attr = _adapted_attribute(attr, col, _ADAPTERS.get((id(connection), database), {}))
            attrs.append(attr.replace(default=_default_text(attr, default), database=database))
        return cls(attrs, status.get("Comment") or "", hidden)

    # --- mapping protocol -------------------------------------------------------------------
    def __getitem__(self, name):
        try:
            return self._attributes[name]
        except KeyError:
            raise UnknownAttributeError(f"Attribute `{name}` not found. The heading has {self.names}") from None

    def __contains__(self, name):
        return name in self._attributes

    def __iter__(self):
        return iter(self._attributes)

    def __len__(self):
        return len(self._attributes)

    def __bool__(self):
        return bool(self._attributes)

    def __repr__(self):
        """0.14's layout: name (with ``=default``) and type in aligned columns, each with its comment."""
        lines = [] if self.table_comment is None else [f"# {self.table_comment}"]
        in_key = True
        for a in self._attributes.values():
            if in_key and not a.in_key:
                lines.append("---")
                in_key = False
            default = "null" if a.nullable and a.default is None else a.default
            name = a.name if default is None else f"{a.name}={default}"
            kind = a.type + ("auto_increment" if a.autoincrement else "")
            lines.append(f"{name:<20} : {kind:<28} # {a.comment or ''}")
        return "".join(line + "\n" for line in lines)

    @property
    def attributes(self):
        return self._attributes

    @property
    def names(self):
        return list(self._attributes)

    @property
    def primary_key(self):
        return [n for n, a in self._attributes.items() if a.in_key]

    @property
    def secondary_attributes(self):
        return [n for n, a in self._attributes.items() if not a.in_key]

    @property
    def blobs(self):
        return [n for n, a in self._attributes.items() if a.is_blob]

    @property
    def non_blobs(self):
        return [n for n, a in self._attributes.items() if not a.is_blob and not a.is_attachment]

    @property
    def has_autoincrement(self):
        return any(a.autoincrement for a in self._attributes.values())

    @property
    def new_attributes(self):
        """Attributes renamed or computed by a projection (they cannot be restricted in place)."""
        return [n for n, a in self._attributes.items() if a.is_computed or a.is_renamed]

    @property
    def as_dtype(self):
        return np.dtype([(n, a.dtype) for n, a in self._attributes.items()])

    def select(self, names, in_key=None):
        """A new heading of the given attributes, optionally overriding key membership."""
        attrs = []
        for n in names:
            a = self[n]
            if in_key is not None:
                a = a.replace(in_key=n in in_key)
            attrs.append(a)
        attrs = [a for a in attrs if a.in_key] + [a for a in attrs if not a.in_key]
        return Heading(attrs)


# headings read from the server, per (connection, table): declare/alter/drop call forget_heading
_HEADINGS = {}


def cached_heading(connection, database, table_name):
    """The heading of `database`.`table_name`, read from the server once per connection."""
    key = (id(connection), full_table_name(database, table_name))
    heading = _HEADINGS.get(key)
    if heading is None:
        heading = Heading.from_database(connection, database, table_name)
        _HEADINGS[key] = heading
    return heading


def forget_heading(full_table_name=None):
    """Drop cached headings (after declare/alter/drop), all of them when no name is given."""
    if full_table_name is None:
        _HEADINGS.clear()
        return
    for key in [k for k in _HEADINGS if k[1] == full_table_name]:
        del _HEADINGS[key]
