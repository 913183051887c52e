"""Random restriction trees: the server's answer must equal a Python model of the same predicate.

The model uses SQL's three-valued logic (a comparison with NULL is unknown; NOT unknown is unknown;
only rows whose condition is true are kept), which is what the compiled SQL means.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datajoint_interop as dj
from datajoint_interop.table import FreeTable

ROWS = [dict(a=a, b=b, s=s, n=None if (a + b) % 3 == 0 else (a * b) % 4)
        for a in range(5) for b in range(3) for s in ["x" if (a + b) % 2 else "y'%"]]

SQL = {  # string restriction -> model (None = unknown)
    "a > 2": lambda r: r["a"] > 2,
    "b = 1": lambda r: r["b"] == 1,
    "n >= 2": lambda r: None if r["n"] is None else r["n"] >= 2,
    "s LIKE 'x%'": lambda r: r["s"].startswith("x"),
    "s = 'y''%'": lambda r: r["s"] == "y'%",
}


@pytest.fixture(scope="module")
def table(connection, db_prefix):
    db = f"{db_prefix}_h4_prop"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(f"CREATE TABLE `{db}`.t (a int NOT NULL, b int NOT NULL, "
                     f"s varchar(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, n int DEFAULT NULL, "
                     f"PRIMARY KEY (a, b))")
    t = FreeTable(connection, f"{db}.t")
    t.insert(ROWS)
    return t


def _and(values):
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values):
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _not(v):
    return None if v is None else not v


values = {"a": st.integers(0, 5), "b": st.integers(0, 3), "s": st.sampled_from(["x", "y'%", "z"]),
          "n": st.one_of(st.none(), st.integers(0, 4))}
leaf = st.one_of(
    st.dictionaries(st.sampled_from(["a", "b", "s", "n", "zz"]), st.integers(0, 4), max_size=2).flatmap(
        lambda d: st.fixed_dictionaries({k: values[k] if k in values else st.just(v) for k, v in d.items()})),
    st.sampled_from(sorted(SQL)),
    st.booleans(),
)
tree = st.recursive(leaf, lambda kids: st.one_of(
    st.lists(kids, max_size=3),
    st.lists(kids, max_size=3).map(dj.AndList),
    kids.map(dj.Not),
), max_leaves=6)


def model(r, c):
    if isinstance(c, bool):
        return c
    if isinstance(c, str):
        return SQL[c](r)
    if isinstance(c, dict):
        terms = []
        for k, v in c.items():
            if k not in r:
                continue
            terms.append((r[k] is None) if v is None else (None if r[k] is None else r[k] == v))
        return _and(terms)
    if isinstance(c, dj.Not):
        return _not(model(r, c.restriction))
    if isinstance(c, dj.AndList):
        return _and([model(r, x) for x in c])
    return _or([model(r, x) for x in c])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cond=tree, negate=st.booleans())
def test_restriction_matches_model(table, cond, negate):
    q = table - cond if negate else table & cond
    got = sorted((r["a"], r["b"]) for r in q.fetch("KEY"))
    expected = sorted((r["a"], r["b"]) for r in ROWS
                      if (_not(model(r, cond)) if negate else model(r, cond)) is True)
    assert got == expected
    assert len(q) == len(expected)
