"""The foreign-key graph of the activated schemas, read from information_schema.

Delete, drop, populate's key source and the diagrams all need to know who references whom. The
graph is built from the server's catalog (never from error text), so it sees every constraint,
whichever language declared it.

Representation (as in DataJoint 0.14): nodes are full table names "`db`.`tbl`". A foreign key
whose columns keep their parent's names is one edge parent -> child. A *renamed* foreign key
(``-> Parent.proj(new='old')`` / MATLAB ``(new) -> Parent(old)``) goes through a numbered alias node
("1", "2", ...): parent -> "n" -> child, both edges carrying the same properties. This keeps two
renamed references to the same parent (mother/father) distinct in a simple DiGraph.

Edge properties: ``attr_map`` (child column -> parent column), ``primary`` (all FK columns are in
the child's primary key), ``aliased`` (some column is renamed), ``multi`` (the FK does not cover the
child's primary key exactly).
"""
import itertools
import re
from collections import defaultdict

import networkx as nx

from .errors import DataJointError
from . import catalog
from .sql import full_table_name, split_full_table_name


def _is_alias(node):
    return node.isdigit()


# "`db`.`master__part`": the master is everything before the first "__" that follows the tier prefix
_PART_NAME = re.compile(r"^(?P<master>`[^`]+`\.`(?:#|__|_)?[^`_]+(?:_[^`_]+)*)__[^`]+`$")


def extract_master(part_table):
    """The master's full table name of a part table's full name, None for other tables (as 0.14)."""
    match = _PART_NAME.match(part_table) if isinstance(part_table, str) else None
    return match["master"] + "`" if match else None


def _without_aliases(graph):
    """A copy of ``graph`` in which each alias node is replaced by a direct parent -> child edge."""
    graph = nx.DiGraph(graph)
    for node in [n for n in graph if _is_alias(n)]:
        graph.add_edges_from((parent, child) for parent in graph.predecessors(node)
                             for child in graph.successors(node))
        graph.remove_node(node)
    return graph


def topo_sort(graph):
    """Table names of ``graph`` in dependency order, each master immediately followed by its parts.

    As in 0.14, so that a pipeline's masters and parts are listed (and declared, dropped, dumped)
    together: a part's other parents are made to precede its master, then each part is placed
    right after its master. Ties are broken by name, so the order is the same on every run.
    """
    graph = _without_aliases(graph)
    for part in list(graph):
        master = extract_master(part)
        if master in graph:
            for parent in list(graph.predecessors(part)):
                if master not in (parent, extract_master(parent)):
                    graph.add_edge(parent, master)
    parts = defaultdict(list)
    order = []
    for node in nx.lexicographical_topological_sort(graph):
        master = extract_master(node)
        (parts[master] if master in graph else order).append(node)
    result = []
    for node in order:
        result.append(node)
        result.extend(parts[node])
    return result


class Dependencies(nx.DiGraph):
    """networkx graph of tables and foreign keys; reload after declaring or dropping tables."""

    def __init__(self, connection=None):
        self._conn = connection
        self._extra_schemas = set()
        self._loaded = False
        self._loaded_names = set()
        super().__init__()

    def clear(self):
        self._loaded = False
        super().clear()

    def load(self, force=True, schemas=()):
        """(Re)read the graph for the connection's schemas plus any named here."""
        self._extra_schemas.update(schemas)
        names = sorted(set(getattr(self._conn, "schemas", {}) or {}) | self._extra_schemas)
        if self._loaded and not force and set(names) <= self._loaded_names:
            return
        super().clear()
        self._loaded_names = set(names)
        if not names:
            self._loaded = True
            return
        keys = defaultdict(list)
        for db, tbl, col in catalog.primary_keys_of_schemas(self._conn, names):
            keys[(db, tbl)].append(col)
        for db, tbl in catalog.tables_of_schemas(self._conn, names):
            if not tbl.startswith("~"):
                self.add_node(full_table_name(db, tbl), primary_key=set(keys[(db, tbl)]))
        fks = {}
        for cs, cname, db, tbl, col, rdb, rtbl, rcol in catalog.foreign_keys_touching(self._conn, names):
            if tbl.startswith("~") or rtbl.startswith("~"):
                continue
            child, parent = full_table_name(db, tbl), full_table_name(rdb, rtbl)
            fk = fks.setdefault((cs, cname, child), dict(parent=parent, attr_map={}))
            fk["attr_map"][col] = rcol
        # child tables outside the named schemas need their primary keys too
        outside = {split_full_table_name(c) for _, _, c in fks} - set(keys)
        for db, tbl in sorted(outside):
            keys[(db, tbl)] = catalog.primary_key_of(self._conn, db, tbl)
        alias = itertools.count(1)
        for (_, _, child), fk in sorted(fks.items()):
            pk = set(keys[split_full_table_name(child)])
            parent = fk["parent"]
            for node in (child, parent):
                if node not in self:
                    self.add_node(node, primary_key=set(keys.get(split_full_table_name(node), [])))
            props = dict(
                attr_map=fk["attr_map"],
                primary=set(fk["attr_map"]) <= pk,
                aliased=any(k != v for k, v in fk["attr_map"].items()),
                multi=set(fk["attr_map"]) != pk,
            )
            if props["aliased"] or self.has_edge(parent, child):
                node = str(next(alias))
                self.add_node(node)
                self.add_edge(parent, node, **props)
                self.add_edge(node, child, **props)
            else:
                self.add_edge(parent, child, **props)
        if not nx.is_directed_acyclic_graph(self):
            raise DataJointError("The foreign-key graph contains a cycle")
        self._loaded = True

    def _ensure(self):
        if not self._loaded:
            self.load()

    def _check(self, name):
        self._ensure()
        if name not in self:
            self.load()
        if name not in self:
            raise DataJointError(f"Table {name} is not in the dependency graph of the activated schemas")

    # --- DataJoint 0.14-style neighbors (alias nodes included) ----------------------------------
    def parents(self, table_name, primary=None):
        """Immediate predecessors {node: edge properties}; alias nodes appear as themselves."""
        self._check(table_name)
        return {p: d for p, _, d in self.in_edges(table_name, data=True)
                if primary is None or d["primary"] == primary}

    def children(self, table_name, primary=None):
        self._check(table_name)
        return {c: d for _, c, d in self.out_edges(table_name, data=True)
                if primary is None or d["primary"] == primary}

    # --- the same, resolved through alias nodes -----------------------------------------------
    @staticmethod
    def _through_aliases(edges, beyond):
        """[(table, props)] of edges, an alias node replaced by the one table beyond it."""
        return [(next(iter(beyond(t))) if _is_alias(t) else t, d) for t, d in edges.items()]

    def foreign_keys_in(self, table_name, primary=None):
        """[(parent table, props)] for every foreign key of the table, aliases resolved."""
        return self._through_aliases(self.parents(table_name, primary), self.predecessors)

    def foreign_keys_out(self, table_name, primary=None):
        """[(child table, props)] for every foreign key referencing the table, aliases resolved."""
        return self._through_aliases(self.children(table_name, primary), self.successors)

    def descendants(self, full_table_name):
        """The table and all tables depending on it, in topological order (aliases removed)."""
        self._check(full_table_name)
        nodes = self.subgraph(nx.descendants(self, full_table_name) | {full_table_name})
        return [n for n in nx.lexicographical_topological_sort(nodes) if not _is_alias(n)]

    def ancestors(self, full_table_name):
        """The table and all tables it depends on, dependents before their parents."""
        self._check(full_table_name)
        nodes = self.subgraph(nx.ancestors(self, full_table_name) | {full_table_name})
        return [n for n in reversed(list(nx.lexicographical_topological_sort(nodes))) if not _is_alias(n)]

    def topo_sort(self):
        self._ensure()
        return [n for n in nx.lexicographical_topological_sort(self) if not _is_alias(n)]
