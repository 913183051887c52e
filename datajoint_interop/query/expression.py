"""Query expressions: immutable descriptions of a query, combined with & - * + proj aggr.

An expression is one SELECT block: sources NATURAL-JOINed together, a restriction (AND of
condition trees), the heading (which attributes, renamed or computed), and optionally DISTINCT,
GROUP BY or ORDER BY/LIMIT. Whenever an operation could change the meaning of what is already in
the block (restricting a renamed attribute, joining after a LIMIT, ...), the block is wrapped as a
subquery first. SQL is produced only by ``compiler.py``.
"""
import collections.abc

import numpy as np

from ..core.errors import DataJointError
from ..core.sql import execute
from ..schema.heading import Heading, make_attribute
from . import compiler
from .compiler import UnionSource
from .condition import (AndList, Cond, Const, Exists, InQuery, Not, Sql, Top, _and, _mapping_condition, _negate, _or,
                        check_attributes, sql_names)
from .fetch import Fetch, Fetch1, iter_dicts, to_arrow, to_polars
from .preview import preview, repr_html


class QueryExpression:
    """Base of every query; tables are the leaves."""

    _connection = None
    _support = None
    _left = ()
    _restriction = ()
    _distinct = False
    _top = None
    _group_by = None
    _source_columns = None
    _heading = None

    # --- structure ---------------------------------------------------------------------------
    @property
    def connection(self):
        return self._connection

    @property
    def heading(self):
        return self._heading

    @property
    def support(self):
        return self._support

    @property
    def restriction(self):
        return AndList(self._restriction)

    @property
    def primary_key(self):
        return self.heading.primary_key

    @property
    def source_columns(self):
        return self._source_columns if self._source_columns is not None else set(self.heading.names)

    @property
    def _is_complex(self):
        """True when more clauses would change the meaning of DISTINCT/GROUP BY/LIMIT."""
        return bool(self._distinct or self._top is not None or self._group_by is not None)

    # the fields of one SELECT block; _derive is the one way to build a block from another
    _FIELDS = ("_connection", "_support", "_left", "_restriction", "_distinct", "_top", "_group_by",
               "_source_columns", "_heading")

    def _derive(self, **changes):
        """A new plain expression with this one's fields (lists and sets copied) and `changes` applied.

        The expression tree is immutable: every operator builds its result here, so a field added
        to the block is copied everywhere at once.
        """
        unknown = set(changes) - set(self._FIELDS)
        if unknown:
            raise TypeError(f"_derive() got unknown field(s) {sorted(unknown)}")
        copies = {
            "_connection": lambda: self.connection,
            "_support": lambda: list(self.support),
            "_left": lambda: list(self._left),
            "_restriction": lambda: list(self._restriction),
            "_distinct": lambda: self._distinct,
            "_top": lambda: self._top,
            "_group_by": lambda: None if self._group_by is None else list(self._group_by),
            "_source_columns": lambda: set(self.source_columns),
            "_heading": lambda: self.heading,
        }
        new = QueryExpression.__new__(QueryExpression)
        for name in self._FIELDS:
            setattr(new, name, changes[name] if name in changes else copies[name]())
        return new

    def make_subquery(self):
        """Wrap this block as a derived table so further operations see its result as a table."""
        heading = Heading([a.replace(sql_expression=None, original_name=a.name) for a in self.heading.attributes.values()],
                          None)
        return self._derive(_support=[self], _left=[], _restriction=[], _distinct=False, _top=None, _group_by=None,
                            _source_columns=set(heading.names), _heading=heading)

    # --- SQL ---------------------------------------------------------------------------------
    def make_sql(self, fields=None):
        """(sql, params) for this query; % in the text is doubled for the driver."""
        return compiler.compile_query(self, fields=fields)

    # --- restriction -------------------------------------------------------------------------
    def restrict(self, restriction):
        if isinstance(restriction, Top):
            return (self.make_subquery() if self._is_complex else self)._derive(_top=restriction)
        cond, used = make_condition(self, restriction)
        if isinstance(cond, Const) and cond.value:
            return self
        new_attrs = set(self.heading.new_attributes)
        needs = self._is_complex or (bool(new_attrs) if used is None else bool(new_attrs & used))
        base = self.make_subquery() if needs else self
        return base._derive(_restriction=list(base._restriction) + [cond])

    def __and__(self, restriction):
        """Restriction; by ``dj.U(...)`` (always true) it leaves the query unchanged, as in 0.14."""
        return self.restrict(restriction)

    def __sub__(self, restriction):
        return self.restrict(Not(restriction))

    def __rand__(self, other):
        return self.__and__(other)

    # --- projection --------------------------------------------------------------------------
    def proj(self, *attributes, **named_attributes):
        """Select, rename (new='old') and compute (new='sql expr') attributes; the key stays."""
        heading = self.heading
        include_all = any(a is Ellipsis for a in attributes)
        excluded = [a[1:].strip() for a in attributes if isinstance(a, str) and a.startswith("-")]
        names = [a for a in attributes if isinstance(a, str) and not a.startswith("-")]
        if any(not (a is Ellipsis or isinstance(a, str)) for a in attributes):
            raise DataJointError(f"proj() takes attribute names or ..., got {attributes!r}")
        if excluded and not include_all:
            raise DataJointError("Excluding attributes with '-name' requires ... in proj()")
        check_attributes(heading, names + excluded)
        for k in excluded:
            if k in heading.primary_key:
                raise DataJointError(f"Cannot exclude primary-key attribute `{k}`")
        renames, computed = {}, {}
        for new, spec in named_attributes.items():
            if not isinstance(spec, str):
                raise DataJointError(f"proj({new}=...) expects an attribute name or SQL string, got {spec!r}")
            s = spec.strip()
            if s.startswith("`") and s.endswith("`") and s[1:-1] in heading:
                s = s[1:-1]
            (renames if s in heading else computed)[new] = s
        renamed_away = set(renames.values())
        result = self
        if self._is_complex or (computed and heading.new_attributes):
            result = self.make_subquery()
            heading = result.heading
        keep = [n for n in heading.primary_key if n not in renamed_away or n in names]
        if include_all:
            keep += [n for n in heading.secondary_attributes if n not in excluded and n not in renamed_away]
        keep += [n for n in names if n not in keep]
        attrs = _kept_and_renamed(heading, set(keep) - set(named_attributes), renames)
        attrs += _computed_attrs(computed, heading)
        seen = set()
        for a in attrs:
            if a.name in seen:
                raise DataJointError(f"Attribute `{a.name}` appears twice in the projection")
            seen.add(a.name)
        attrs = [a for a in attrs if a.in_key] + [a for a in attrs if not a.in_key]
        return result._derive(_heading=Heading(attrs))

    # --- join --------------------------------------------------------------------------------
    def join(self, other, semantic_check=True, left=False):
        """Join on all common attributes; with semantic_check (0.14's default) they must not be
        secondary in both operands (``@`` turns the check off)."""
        other = as_query(other)
        if isinstance(other, U):
            return other * self
        if not isinstance(other, QueryExpression):
            raise DataJointError(f"Cannot join a query with {type(other).__name__}")
        if semantic_check:
            _assert_join_compatibility(self, other)
        common = [n for n in self.heading.names if n in other.heading]
        a = self._prepare_for_join(common, other)
        b = other._prepare_for_join(common, a, force=left and bool(other._restriction))
        if (a.source_columns & b.source_columns) != set(common) and a.source_columns != set(a.heading.names):
            a = a.make_subquery()
        if (a.source_columns & b.source_columns) != set(common):
            b = b.make_subquery()
        return a._derive(_support=list(a.support) + list(b.support), _left=list(a._left) + [bool(left)] + list(b._left),
                         _restriction=list(a._restriction) + list(b._restriction), _distinct=False, _top=None,
                         _group_by=None, _source_columns=a.source_columns | b.source_columns,
                         _heading=_join_heading(a.heading, b.heading, left))

    def _prepare_for_join(self, common, other, force=False):
        computed = any(at.is_computed for at in self.heading.attributes.values())
        renamed_common = any(self.heading[n].is_renamed for n in common)
        if force or self._is_complex or computed or renamed_common:
            return self.make_subquery()
        return self

    def __mul__(self, other):
        return self.join(other)

    def __rmul__(self, other):
        return self.join(other)

    def __matmul__(self, other):
        """Permissive join (0.14's ``@``): also on attributes that are secondary in both operands."""
        return self.join(other, semantic_check=False)

    def __xor__(self, restriction):
        """Permissive restriction (0.14's ``^``): by a query that shares secondary attributes."""
        restriction = as_query(restriction)
        if isinstance(restriction, Not):
            return self.restrict(Not(Permissive(as_query(restriction.restriction))))
        return self.restrict(Permissive(restriction))

    # --- union -------------------------------------------------------------------------------
    def __add__(self, other):
        return union(self, as_query(other))

    # --- aggregation -------------------------------------------------------------------------
    def aggr(self, group, *attributes, keep_all_rows=False, **named_attributes):
        """One row per row of self with aggregates over the matching rows of `group`."""
        group = as_query(group)
        if not isinstance(group, QueryExpression):
            raise DataJointError("aggr() needs a query expression to aggregate over")
        return aggregate(self, group, attributes, named_attributes, keep_all_rows)

    aggregate = aggr  # 0.14's other name

    # --- sizes and membership ----------------------------------------------------------------
    def __len__(self):
        sql, params = compiler.compile_count(self)
        return int(execute(self.connection, sql, params).fetchone()[0])

    def __bool__(self):
        sql, params = compiler.compile_exists(self)
        return bool(execute(self.connection, sql, params).fetchone()[0])

    def __contains__(self, item):
        return bool(self & item)

    def __iter__(self):
        """The rows as dicts, streamed: one chunk of the result in memory at a time."""
        return iter_dicts(self)

    # --- fetch and preview -------------------------------------------------------------------
    @property
    def fetch(self):
        return Fetch(self)

    @property
    def fetch1(self):
        return Fetch1(self)

    def to_arrow(self, blobs="binary", order_by=None, limit=None, offset=None):
        """The result as a pyarrow Table (the `arrow` extra); see query/fetch.py `to_arrow`."""
        return to_arrow(self, blobs, order_by, limit, offset)

    def to_polars(self, blobs="binary", order_by=None, limit=None, offset=None):
        """The result as a polars DataFrame (the `polars` extra); see query/fetch.py `to_polars`."""
        return to_polars(self, blobs, order_by, limit, offset)

    def head(self, limit=25, **kwargs):
        return self.fetch(order_by="KEY", limit=limit, **kwargs)

    def tail(self, limit=25, **kwargs):
        return self.fetch(order_by="KEY DESC", limit=limit, **kwargs)[::-1]

    def preview(self, limit=None, width=None):
        return preview(self, limit, width)

    def __repr__(self):
        try:
            return preview(self)
        except DataJointError as e:
            return f"<{type(self).__name__}: {e}>"

    def _repr_html_(self):
        return repr_html(self)


def as_query(obj):
    """Table classes stand for their whole table (``Animal * Scan``, ``T & Scan``)."""
    if isinstance(obj, type) and issubclass(obj, QueryExpression):
        return obj()
    return obj


def _assert_join_compatibility(a, b):
    shared = set(a.heading.secondary_attributes) & set(b.heading.secondary_attributes)
    if shared:
        raise DataJointError(
            f"Cannot join query expressions on dependent attribute(s) {sorted(shared)}: "
            f"they are non-key in both operands; project one of them away or rename it")


def _join_heading(h1, h2, left=False):
    pk = list(h1.primary_key) + [n for n in h2.primary_key if n not in h1.primary_key]
    attrs = []
    for n in pk:
        a = h1[n] if n in h1 else h2[n]
        attrs.append(a.replace(in_key=True))
    for n in h1.secondary_attributes:
        if n not in pk:
            attrs.append(h1[n])
    for n in h2.secondary_attributes:
        if n not in pk and n not in h1:
            a = h2[n]
            attrs.append(a.replace(nullable=True) if left else a)
    return Heading(attrs)


def _kept_and_renamed(heading, keep, renames):
    """The attributes a projection keeps, in the source's order, each renamed one in the place of
    its original (as 0.14 orders them: renaming a key attribute does not move it in the key)."""
    attrs = []
    for n in heading.names:
        if n in keep:
            attrs.append(heading[n])
        for new, old in renames.items():
            if old == n:
                a = heading[old]
                attrs.append(a.replace(name=new, original_name=a.original_name, sql_expression=a.sql_expression))
    return attrs


class U:
    """The universal set over the named attributes: ``dj.U('a') & q``, ``dj.U('a').aggr(q, n='count(*)')``."""

    def __init__(self, *primary_key):
        if not all(isinstance(a, str) for a in primary_key):
            raise DataJointError("dj.U takes attribute names")
        self._primary_key = list(primary_key)

    @property
    def primary_key(self):
        return self._primary_key

    def _operand(self, query, action):
        """The query dj.U is combined with, after checking it holds dj.U's attributes: a subquery
        when it is complex, so its heading can be re-keyed."""
        query = as_query(query)
        if not isinstance(query, QueryExpression):
            raise DataJointError(f"dj.U can only be {action} a query expression")
        check_attributes(query.heading, self.primary_key)
        return query, (query.make_subquery() if query._is_complex else query)

    def __and__(self, query):
        _, base = self._operand(query, "restricted by")
        keys = self.primary_key
        return base._derive(_heading=base.heading.select(keys, in_key=set(keys)), _distinct=True)

    __rand__ = __and__

    def __mul__(self, query):
        query, base = self._operand(query, "joined with")
        keys = set(query.primary_key) | set(self.primary_key)
        return base._derive(_heading=base.heading.select(base.heading.names, in_key=keys))

    __rmul__ = __mul__

    def join(self, query):
        return self * query

    def __sub__(self, other):
        raise DataJointError("dj.U cannot be restricted by an antijoin")

    def aggr(self, group, *attributes, keep_all_rows=False, **named_attributes):
        group = as_query(group)
        if attributes:
            raise DataJointError("dj.U(...).aggr() takes only named aggregate expressions")
        check_attributes(group.heading, self.primary_key)
        base = group.make_subquery() if (group._is_complex or group.heading.new_attributes) else group
        attrs = [base.heading[n].replace(in_key=True) for n in self.primary_key]
        return base._derive(_heading=Heading(attrs + _computed_attrs(named_attributes, base.heading)),
                            _group_by=list(self.primary_key))

    aggregate = aggr


def _computed_attrs(named, heading):
    out = []
    for new, expr in named.items():
        if not isinstance(expr, str):
            raise DataJointError(f"Aggregate {new}= must be an SQL expression string")
        out.append(make_attribute(new, "double", sql_expression=expr).replace(
            type="expression", numeric=False, dtype=np.dtype(object)))
    return out


def aggregate(arg, group, attributes, named, keep_all_rows):
    _assert_join_compatibility(arg, group)
    base = arg.make_subquery() if (arg._is_complex or arg.heading.new_attributes) else arg
    joined = base.join(group, left=keep_all_rows)
    pk = list(base.primary_key)
    include_all = any(a is Ellipsis for a in attributes)
    names = [a for a in attributes if isinstance(a, str)]
    check_attributes(joined.heading, names)
    keep = pk + ([n for n in base.heading.secondary_attributes] if include_all else [])
    keep += [n for n in names if n not in keep]
    attrs = [joined.heading[n].replace(in_key=n in pk) for n in keep]
    return joined._derive(_heading=Heading(attrs + _computed_attrs(named, joined.heading)), _group_by=pk)


def union(a, b):
    if not isinstance(b, QueryExpression):
        raise DataJointError("A union needs two query expressions")
    if set(a.primary_key) != set(b.primary_key):
        raise DataJointError(
            f"The operands of a union must share the same primary key: {a.primary_key} vs {b.primary_key}")
    shared = set(a.heading.secondary_attributes) & set(b.heading.secondary_attributes)
    if shared:
        raise DataJointError(f"The operands of a union must not share secondary attributes: {sorted(shared)}")
    if a.heading.secondary_attributes or b.heading.secondary_attributes:
        left, right = a.join(b, left=True), b.join(a, left=True)
    else:
        left, right = a, b
    names = list(a.primary_key) + a.heading.secondary_attributes + b.heading.secondary_attributes
    heading = _join_heading(a.heading, b.heading, left=True)
    heading = Heading([heading[n].replace(sql_expression=None, original_name=n, nullable=heading[n].nullable or
                                          (n not in a.heading or n not in b.heading)) for n in names])
    return a._derive(_support=[UnionSource([left, right], names)], _left=[], _restriction=[], _distinct=False,
                     _top=None, _group_by=None, _source_columns=set(names), _heading=heading)


class Permissive:
    """A restriction whose compatibility check is skipped (the operand of ``^``)."""

    def __init__(self, restriction):
        self.restriction = restriction


def make_condition(expr, restriction, semantic_check=True):
    """Return (Cond, attribute names used or None when unknown, e.g. for SQL strings).

    Lives with the expressions because a restriction may itself be a query or ``dj.U``.
    """
    heading = expr.heading
    if isinstance(restriction, type) and issubclass(restriction, QueryExpression):
        restriction = restriction()
    if isinstance(restriction, Cond):
        return restriction, None
    if isinstance(restriction, Permissive):
        return make_condition(expr, restriction.restriction, semantic_check=False)
    if isinstance(restriction, (bool, np.bool_)):
        return Const(bool(restriction)), set()
    if isinstance(restriction, str):
        if "\x00" in restriction:
            raise DataJointError("A restriction string cannot contain a NUL character")
        return Sql(restriction), sql_names(restriction)
    if isinstance(restriction, Not):
        c, used = make_condition(expr, restriction.restriction, semantic_check)
        return _negate(c), used
    if isinstance(restriction, AndList):
        used, conds = set(), []
        for r in restriction:
            c, u = make_condition(expr, r, semantic_check)
            conds.append(c)
            used = None if used is None or u is None else used | u
        return _and(conds), used
    if isinstance(restriction, U):
        return Const(True), set()
    if isinstance(restriction, QueryExpression):
        common = [n for n in restriction.heading.names if n in heading]
        sec = set(restriction.heading.secondary_attributes) & set(heading.secondary_attributes)
        if sec and semantic_check:
            raise DataJointError(
                f"Cannot restrict by a query sharing the non-key attribute(s) {sorted(sec)}: "
                f"project them away first")
        if not common:
            return Exists(restriction), set()
        return InQuery(common, restriction), set(common)
    if isinstance(restriction, collections.abc.Mapping):
        return _mapping_condition(heading, restriction)
    if isinstance(restriction, np.void):
        return _mapping_condition(heading, {n: restriction[n] for n in restriction.dtype.names})
    if isinstance(restriction, np.ndarray) and restriction.dtype.names:
        restriction = [{n: r[n] for n in restriction.dtype.names} for r in restriction.ravel()]
    elif type(restriction).__name__ == "DataFrame" and hasattr(restriction, "to_dict"):
        frame = restriction.reset_index() if any(n is not None for n in restriction.index.names) else restriction
        restriction = frame.to_dict("records")
    if isinstance(restriction, (list, tuple, set, frozenset, np.ndarray)):
        used, conds = set(), []
        for r in restriction:
            c, u = make_condition(expr, r, semantic_check)
            conds.append(c)
            used = None if used is None or u is None else used | u
        return _or(conds), used
    raise DataJointError(f"Invalid restriction type {restriction!r}")
