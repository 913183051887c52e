"""Query semantics against the real server, cross-checked with DataJoint 0.14 (the test oracle).

The same algebra is evaluated by datajoint 0.14 and by us over the same tables; the row sets must
be identical. This pins down attribute matching, primary keys, OR/AND rules, aggregation, union
and universal sets without hard-coding any result.
"""
import datetime
import random

import pytest

import datajoint_interop as dj
from datajoint_interop.table import FreeTable

import datajoint as dj14  # the 0.14 oracle (test dependency)

DDL = [
    "CREATE TABLE {db}.animal (animal_id int NOT NULL, species enum('mouse','rat') NOT NULL, "
    "dob date DEFAULT NULL, PRIMARY KEY (animal_id))",
    "CREATE TABLE {db}.session (animal_id int NOT NULL, session smallint NOT NULL, lens varchar(8) NOT NULL, "
    "notes varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (animal_id, session), "
    "FOREIGN KEY (animal_id) REFERENCES {db}.animal (animal_id))",
    "CREATE TABLE {db}.__scan (animal_id int NOT NULL, session smallint NOT NULL, scan_idx smallint NOT NULL, "
    "depth float NOT NULL, PRIMARY KEY (animal_id, session, scan_idx), "
    "FOREIGN KEY (animal_id, session) REFERENCES {db}.session (animal_id, session))",
    "CREATE TABLE {db}._sync (animal_id int NOT NULL, session smallint NOT NULL, scan_idx smallint NOT NULL, "
    "frames int NOT NULL, PRIMARY KEY (animal_id, session, scan_idx), "
    "FOREIGN KEY (animal_id, session, scan_idx) REFERENCES {db}.__scan (animal_id, session, scan_idx))",
    "CREATE TABLE {db}.pair (animal_id int NOT NULL, mate int NOT NULL, PRIMARY KEY (animal_id, mate), "
    "FOREIGN KEY (animal_id) REFERENCES {db}.animal (animal_id), "
    "FOREIGN KEY (mate) REFERENCES {db}.animal (animal_id))",
]


@pytest.fixture(scope="module")
def tables(connection, db_prefix):
    db = f"{db_prefix}_h4_oracle"
    connection.query(f"CREATE DATABASE `{db}`")
    for ddl in DDL:
        connection.query(ddl.format(db=f"`{db}`"))
    rng = random.Random(7)
    ours = {n: FreeTable(connection, f"{db}.{n}") for n in ("animal", "session", "__scan", "_sync", "pair")}
    ours["animal"].insert([dict(animal_id=i, species=rng.choice(["mouse", "rat"]),
                                dob=None if i % 3 == 0 else datetime.date(2020, 1, i)) for i in range(1, 9)])
    ours["session"].insert([(a, s, rng.choice(["10x", "25x", "40x"]), rng.choice(["", "ok", "bad"]))
                            for a in range(1, 8) for s in range(1, 1 + a % 4)])
    scans = []
    for a, s in zip(*ours["session"].fetch("animal_id", "session")):
        for i in range(rng.randint(0, 3)):
            scans.append((int(a), int(s), i, float(rng.randint(0, 200))))
    ours["__scan"].insert(scans)
    ours["_sync"].insert([(a, s, i, rng.randint(10, 99)) for a, s, i, _ in scans if rng.random() < 0.5])
    ours["pair"].insert([(a, m) for a in range(1, 8) for m in range(1, 8) if (a * m) % 5 == 1])
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    theirs = {n: dj14.FreeTable(c14, f"`{db}`.`{n}`") for n in ours}
    yield ours, theirs
    c14.close()


def _norm(rows):
    return sorted((tuple(sorted(r.items())) for r in rows), key=repr)


QUERIES = {
    "seed": lambda t, m: t["session"] & 'lens="25x"' & (t["__scan"] - t["_sync"]),
    "dict": lambda t, m: t["__scan"] & {"animal_id": 3, "nope": 1},
    "or_list": lambda t, m: t["__scan"] & [{"animal_id": 1}, {"session": 2}, "depth > 150"],
    "andlist": lambda t, m: t["__scan"] & m.AndList(["depth > 20", {"session": 1}]),
    "not": lambda t, m: t["session"] & m.Not({"lens": "25x"}),
    "antijoin": lambda t, m: t["__scan"] - t["_sync"],
    "empty_or": lambda t, m: t["__scan"] & [],
    "empty_anti": lambda t, m: t["__scan"] - [],
    "join": lambda t, m: (t["animal"] * t["session"] * t["__scan"]) & "depth > 50",
    "join_null": lambda t, m: t["animal"] * t["session"] & "dob IS NULL",
    "proj_rename": lambda t, m: t["__scan"].proj("depth", idx="scan_idx") & "idx > 0",
    "proj_computed": lambda t, m: t["__scan"].proj(d2="depth*2") & "d2 > 100",
    "proj_dict_on_renamed": lambda t, m: t["__scan"].proj(idx="scan_idx") & {"idx": 1},
    "proj_rename_join": lambda t, m: t["pair"] * t["animal"].proj(mate="animal_id", mate_species="species"),
    "aggr": lambda t, m: t["session"].aggr(t["__scan"], n="count(*)", deepest="max(depth)"),
    "aggr_keep": lambda t, m: t["session"].aggr(t["__scan"], n="count(scan_idx)", keep_all_rows=True),
    "aggr_restricted": lambda t, m: t["animal"].aggr(t["__scan"] & "depth > 30", n="count(*)") & "n > 1",
    "U_restrict": lambda t, m: m.U("lens") & t["session"],
    "U_aggr": lambda t, m: m.U("lens").aggr(t["session"], n="count(*)"),
    "U_empty_aggr": lambda t, m: m.U().aggr(t["__scan"], n="count(*)", s="sum(depth)"),
    "union_keys": lambda t, m: (t["session"] & "session=1").proj() + (t["session"] & "animal_id > 4").proj(),
    "union_sec": lambda t, m: (t["session"] & "session=1").proj("lens") + (t["session"] & "animal_id>4").proj(nn="notes"),
    "semijoin_query": lambda t, m: t["animal"] & (t["__scan"] & "depth > 100"),
    "antijoin_query": lambda t, m: t["animal"] - t["session"],
    "semijoin_renamed": lambda t, m: t["animal"] & t["pair"].proj(x="animal_id", animal_id="mate"),
    "top": lambda t, m: t["__scan"] & m.Top(4, ["depth DESC", "animal_id", "session", "scan_idx"]),
    "top_offset": lambda t, m: t["__scan"] & m.Top(3, "KEY", offset=2),
    "restrict_after_top": lambda t, m: (t["__scan"] & m.Top(5, "depth")) & "session = 1",
    "params_nested": lambda t, m: ((t["__scan"] & {"session": 1}).proj(idx="scan_idx") & {"idx": 0})
    * (t["session"] & {"lens": "25x"}) - (t["_sync"].proj(idx="scan_idx") & {"frames": 50}),
    "join_restricted": lambda t, m: (t["session"] & "session > 1") * (t["__scan"] & "depth < 150"),
    "proj_join_proj": lambda t, m: (t["__scan"] & "depth > 10").proj(d="depth") * t["_sync"].proj(f="frames"),
    "aggr_join": lambda t, m: t["session"].aggr(t["__scan"], n="count(*)") * t["animal"],
    "join_dict_secondary": lambda t, m: (t["animal"] * t["session"]) & {"species": "rat", "lens": "10x"},
    "union_restricted": lambda t, m: ((t["session"] & "session=1").proj() + (t["session"] & "animal_id > 4").proj())
    & t["__scan"] & {"session": 1},
    "anti_restricted_proj": lambda t, m: t["session"] - (t["__scan"] & "depth > 100").proj(),
    "U_join": lambda t, m: (m.U("lens") * t["session"]) & {"lens": "25x"},
    "proj_exclude": lambda t, m: t["session"].proj(..., "-notes"),
    "proj_rename_secondary": lambda t, m: t["session"].proj(lens2="lens") & 'lens2="25x"',
    "top_restricted": lambda t, m: (t["__scan"] & "session = 1") & m.Top(2, "depth DESC, animal_id"),
    "datetime": lambda t, m: t["animal"] & {"dob": datetime.date(2020, 1, 2)},
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_same_rows_as_datajoint_014(tables, name):
    ours, theirs = tables
    q_ours, q_theirs = QUERIES[name](ours, dj), QUERIES[name](theirs, dj14)
    expected = q_theirs.fetch(as_dict=True)
    got = q_ours.fetch(as_dict=True)
    assert _norm(got) == _norm(expected)
    assert len(q_ours) == len(expected)
    assert bool(q_ours) == bool(expected)
    assert sorted(q_ours.primary_key) == sorted(q_theirs.primary_key)
    assert sorted(q_ours.heading.names) == sorted(q_theirs.heading.names)


def test_oracle_data_is_not_trivial(tables):
    ours, _ = tables
    assert len(ours["__scan"]) > 5 and len(ours["_sync"]) > 0 and len(ours["__scan"] - ours["_sync"]) > 0
    assert 0 < len(ours["session"] & 'lens="25x"') < len(ours["session"])


def test_aggr_keeps_all_attributes_with_ellipsis(tables):
    ours, theirs = tables
    got = ours["session"].aggr(ours["__scan"], ..., n="count(*)").fetch(as_dict=True)
    counts = ours["session"].aggr(ours["__scan"], n="count(*)").fetch(as_dict=True)
    sessions = {(r["animal_id"], r["session"]): r for r in theirs["session"].fetch(as_dict=True)}
    assert len(got) == len(counts) > 0
    for row in got:
        assert {k: row[k] for k in sessions[(row["animal_id"], row["session"])]} == sessions[(row["animal_id"], row["session"])]


def test_aggregate_over_union(tables):
    # (0.14 itself fails on this one, so the expected counts come from plain Python)
    ours, _ = tables
    union = (ours["session"] & "session=1").proj() + (ours["session"] & "animal_id > 4").proj()
    got = dict(zip(*ours["animal"].aggr(union, n="count(*)").fetch("animal_id", "n")))
    keys = {(r["animal_id"], r["session"]) for r in ours["session"].fetch("KEY") if r["session"] == 1 or r["animal_id"] > 4}
    expected = {}
    for a, _ in keys:
        expected[a] = expected.get(a, 0) + 1
    assert got == expected and expected


def test_restriction_by_top_query(tables):
    # 0.14 sends LIMIT inside IN (...), which MariaDB refuses; expected rows come from plain Python
    ours, _ = tables
    top = ours["__scan"] & dj.Top(3, ["depth DESC", "animal_id", "session", "scan_idx"])
    best = {(r["animal_id"], r["session"]) for r in top.fetch("KEY")}
    sessions = {(r["animal_id"], r["session"]) for r in ours["session"].fetch("KEY")}
    got = {(r["animal_id"], r["session"]) for r in (ours["session"] & top).fetch("KEY")}
    assert got == best and 0 < len(best) <= 3
    got = {(r["animal_id"], r["session"]) for r in (ours["session"] - top).fetch("KEY")}
    assert got == sessions - best


def test_membership_iteration_and_fetch_orders(tables):
    ours, theirs = tables
    scan = ours["__scan"]
    key = scan.fetch("KEY", limit=1)[0]
    assert key in scan
    assert {"animal_id": 999} not in scan
    assert _norm(list(scan)) == _norm(theirs["__scan"].fetch(as_dict=True))
    depths = scan.fetch("depth", order_by="depth DESC")
    assert list(depths) == sorted(depths, reverse=True)
    assert list(scan.fetch("depth", order_by="depth", limit=3, offset=1)) == sorted(depths)[1:4]
    ours_keys = scan.fetch("KEY", order_by="KEY")
    assert ours_keys == theirs["__scan"].fetch("KEY", order_by="KEY")
    assert ours["session"].fetch(dj.key) == ours["session"].fetch("KEY")
