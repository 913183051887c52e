"""Cascading delete and drop, planned in advance from the foreign-key graph.

Dependents are found in information_schema (dependencies.py), not by provoking and parsing
foreign-key errors, so a user who lacks privileges on some dependent table learns which ones before
anything is deleted. Each dependent is restricted to the rows that reference rows being deleted
(through renamed foreign keys too), everything runs in one transaction, and with ``safemode`` the
user sees the counts and confirms before the commit.
"""
import logging
import re

from ..core.errors import AccessError, DataJointError, IntegrityError
from ..core.settings import config
from ..core.prompt import user_choice
from ..core.sql import execute, full_table_name, split_full_table_name
from ..schema.heading import forget_heading
from . import compiler
from .condition import InQuery, _or
from .expression import make_condition

logger = logging.getLogger(__name__.split(".")[0])

_PART = re.compile(r"^(?P<master>(#|__|_)?[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*)__[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$")


def master_of(full_name):
    """The master's full table name if `full_name` is a part table, else None."""
    db, tbl = split_full_table_name(full_name)
    m = _PART.match(tbl)
    if not m:
        return None
    return full_table_name(db, m.group("master"))


def _ask(question):
    """True only for an explicit yes (an empty answer is no)."""
    return user_choice(question, default="no") == "yes"


def _load_graph(table):
    """The dependency graph, extended until it includes every schema holding a dependent."""
    deps = table._graph()
    deps.load(force=True, schemas=[split_full_table_name(table.full_table_name)[0]])
    while True:
        loaded = {split_full_table_name(n)[0] for n in deps.nodes if not n.isdigit()}
        missing = set()
        for n in deps.descendants(table.full_table_name):
            db = split_full_table_name(n)[0]
            if db not in loaded:
                missing.add(db)
        if not missing:
            return deps
        deps.load(force=True, schemas=sorted(missing))


def _plan(table, deps, force_masters):
    """[(full name, restricted query)] in topological order (parents first)."""
    roots = {table.full_table_name: table}
    while True:
        order = []
        for root in roots:
            for n in deps.descendants(root):
                if n not in order:
                    order.append(n)
        names = [n for n in deps.topo_sort() if n in order]
        queries = {}
        for name in names:
            if name in roots and name == table.full_table_name:
                queries[name] = table
                continue
            conds = []
            for parent, props in deps.foreign_keys_in(name):
                if parent not in queries:
                    continue
                attr_map = props["attr_map"]
                renames = {c: p for c, p in attr_map.items() if c != p}
                pq = queries[parent]
                if renames:
                    pq = pq.proj(**renames)
                conds.append(InQuery(list(attr_map), pq))
            free = table._free_table(name)
            if name in roots and name != table.full_table_name:
                conds.append(roots[name])
            cond = _or(conds)
            free._restriction = [cond]
            queries[name] = free
        if not force_masters:
            return [(n, queries[n]) for n in names]
        added = False
        for name in names:
            master = master_of(name)
            if master and master not in queries and master in deps:
                # the master's rows are found through its parts, so they are listed now,
                # before the parts are deleted
                mq = table._free_table(master)
                keys = (mq & queries[name].proj()).fetch("KEY")
                roots[master] = make_condition(mq, keys)[0]
                added = True
        if not added:
            return [(n, queries[n]) for n in names]


def _log(conn, full_name, sql):
    """Record the statement in the schema's ~log, as 0.14 does, when the schema is active here."""
    schema = (getattr(conn, "schemas", None) or {}).get(split_full_table_name(full_name)[0])
    if schema is not None and hasattr(schema, "log"):
        try:
            schema.log(sql)
        except AccessError:
            logger.warning("Could not write to ~log of %s (no privilege)", full_name)


def _probe_privileges(conn, table, names):
    """Fail before deleting anything if any table in the cascade cannot be deleted from."""
    denied = []
    for name in names:
        try:
            execute(conn, *compiler.compile_delete(table._free_table(name) & False, name))
        except AccessError as e:
            denied.append(f"{name}: {e}")
    if denied:
        raise AccessError("Delete refused before any row was deleted; no DELETE privilege on:\n  "
                          + "\n  ".join(denied))


def delete(table, transaction=True, safemode=None, force_parts=False, force_masters=False):
    """Delete the table's (restricted) rows and everything that depends on them."""
    conn = table.connection
    safemode = config["safemode"] if safemode is None else safemode
    if transaction and conn.in_transaction:
        raise DataJointError(
            "delete() cannot start its transaction inside an ongoing transaction; commit or cancel it, "
            "or call delete(transaction=False)")
    deps = _load_graph(table)
    master = master_of(table.full_table_name)
    if master and not force_parts and not force_masters and master in deps:
        raise DataJointError(
            f"{table.full_table_name} is a part table: delete from its master {master} instead, or pass "
            f"force_parts=True (or force_masters=True to include the master)")
    plan = _plan(table, deps, force_masters)
    if transaction:
        conn.start_transaction()
    counts = {}
    try:
        _probe_privileges(conn, table, [n for n, _ in plan])
        for name, query in reversed(plan):
            sql, params = compiler.compile_delete(query, name)
            counts[name] = execute(conn, sql, params).rowcount
            if counts[name]:
                _log(conn, name, sql)
        if not force_parts:
            for name, n in counts.items():
                m = master_of(name)
                if n and m and m in deps and not counts.get(m) and name != table.full_table_name:
                    raise DataJointError(
                        f"Attempt to delete {n} row(s) of part table {name} without deleting from its master "
                        f"{m}; nothing was deleted. Use force_parts=True or force_masters=True")
    except BaseException:
        if transaction:
            conn.cancel_transaction()
        raise
    for name, _ in plan:
        if counts.get(name):
            logger.info("Deleting %d rows from %s", counts[name], name)
    root_count = counts.get(table.full_table_name, 0)
    if not transaction:
        return root_count
    if not any(counts.values()):
        conn.cancel_transaction()
        if safemode:
            print("Nothing to delete.")
        return 0
    if safemode:
        for name, _ in plan:
            if counts.get(name):
                print(f"{name}: {counts[name]} row(s) to delete")
        if not _ask("Commit deletes?"):
            conn.cancel_transaction()
            print("Delete cancelled; nothing was deleted.")
            return 0
    conn.commit_transaction()
    if safemode:
        print("Deletes committed.")
    return root_count


def delete_quick(table, get_count=False):
    """Delete without cascading; a referencing child makes it fail with IntegrityError."""
    sql, params = compiler.compile_delete(table, table.full_table_name)
    try:
        count = execute(table.connection, sql, params).rowcount
        if count:
            _log(table.connection, table.full_table_name, sql)
    except IntegrityError as e:
        raise IntegrityError(f"Cannot delete from {table.full_table_name}: rows are referenced by a "
                             f"dependent table; use delete() to cascade ({e})") from e
    return count if get_count else None


def drop_quick(table):
    """Drop the table alone (fails if another table references it)."""
    conn = table.connection
    if table.is_declared:
        execute(conn, *compiler.compile_drop(table.full_table_name))
        _log(conn, table.full_table_name, f"DROP TABLE {table.full_table_name}")
        logger.info("Dropped table %s", table.full_table_name)
    forget_heading(table.full_table_name)
    if conn.dependencies is not None:
        conn.dependencies.clear()


def drop(table, safemode=None, forced_part=False):
    """Drop the table and all its dependents after showing their sizes (and asking in safemode).

    As in 0.14, no part table is dropped without its master, including parts of other masters that
    merely depend on this table: that would leave those masters incomplete. `forced_part` (from
    ``Part.drop(force=True)``) exempts the table itself only.
    """
    safemode = config["safemode"] if safemode is None else safemode
    if table._restriction:
        raise DataJointError("A restricted table cannot be dropped; drop the unrestricted table")
    deps = _load_graph(table)
    names = deps.descendants(table.full_table_name)
    for name in names:
        master = master_of(name)
        if master and master in deps and master not in names and not (
                forced_part and name == table.full_table_name):
            raise DataJointError(f"Attempt to drop part table {name} before dropping its master. "
                                 f"Drop {master} first.")
    if safemode:
        for n in names:
            print(f"{n} ({len(table._free_table(n))} rows)")
        if not _ask("Proceed?"):
            print("Drop cancelled.")
            return
    for n in reversed(names):
        drop_quick(table._free_table(n))
    if safemode:
        print("Tables dropped. Restart Python to reuse the dropped classes.")
