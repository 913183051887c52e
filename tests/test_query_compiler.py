"""Golden SQL from the one compiler, without a database: headings come from Heading.from_attributes."""
import uuid

import pytest

import datajoint_interop as dj
from datajoint_interop.compiler import compile_count
from datajoint_interop.errors import DataJointError, UnknownAttributeError
from datajoint_interop.heading import Heading
from datajoint_interop.sql import quote_identifier, split_full_table_name
from datajoint_interop.table import Table


def offline(db, name, *attrs):
    """A Table subclass whose heading is given, so no server is needed to compile SQL."""
    heading = Heading.from_attributes(
        [dict(name=n, sql_type=t, in_key=k, **extra) for n, t, k, *rest in attrs for extra in [rest[0] if rest else {}]])

    class Offline(Table):
        database = db
        table_name = name

        @property
        def heading(self):
            return heading

    return Offline()


@pytest.fixture
def lab():
    session = offline("lab", "session", ("animal_id", "int", True), ("session", "smallint", True),
                      ("lens", "varchar(8)", False), ("notes", "varchar(255)", False))
    scan = offline("lab", "__scan", ("animal_id", "int", True), ("session", "smallint", True),
                   ("scan_idx", "smallint", True), ("depth", "float", False), ("img", "longblob", False))
    sync = offline("lab", "_sync", ("animal_id", "int", True), ("session", "smallint", True),
                   ("scan_idx", "smallint", True), ("frames", "int", False))
    animal = offline("lab", "animal", ("animal_id", "int", True), ("tag", "binary(16)", False, {"comment": ":uuid:rfid"}),
                     ("species", "enum('mouse','rat')", False))
    return session, scan, sync, animal


def test_quote_identifier_doubles_backquotes_and_rejects_nul():
    assert quote_identifier("a") == "`a`"
    assert quote_identifier("we`ird") == "`we``ird`"
    with pytest.raises(DataJointError):
        quote_identifier("a\x00b")
    with pytest.raises(DataJointError):
        quote_identifier("")
    assert split_full_table_name("`d``b`.`t`") == ("d`b", "t")
    assert split_full_table_name("db.t") == ("db", "t")
    with pytest.raises(DataJointError):
        split_full_table_name("a.b.c")


def test_seed_query(lab):
    session, scan, sync, _ = lab
    sql, params = (session & 'lens="25x"' & (scan - sync)).make_sql()
    assert sql == (
        "SELECT `animal_id`, `session`, `lens`, `notes` FROM `lab`.`session` WHERE (lens=\"25x\") AND "
        "((`animal_id`,`session`) IN (SELECT `animal_id`, `session` FROM `lab`.`__scan` WHERE "
        "(NOT ((`animal_id`,`session`,`scan_idx`) IN (SELECT `animal_id`, `session`, `scan_idx` "
        "FROM `lab`.`_sync`)))))")
    assert params == []


def test_dict_restriction_binds_values_and_ignores_foreign_keys(lab):
    session = lab[0]
    sql, params = (session & {"animal_id": 1, "lens": 'a"b%', "unknown": 5}).make_sql()
    assert sql.endswith("WHERE ((`animal_id`=%s) AND (`lens`=%s))")
    assert params == [1, 'a"b%']
    # no common attribute: no restriction at all
    assert (session & {"nope": 1}).make_sql()[0] == session.make_sql()[0]


def test_none_is_null_and_uuid_is_bytes(lab):
    animal = lab[3]
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    sql, params = (animal & {"tag": u, "species": None}).make_sql()
    assert "(`tag`=%s) AND (`species` IS NULL)" in sql
    assert params == [u.bytes]
    sql, params = (animal & {"tag": str(u)}).make_sql()
    assert params == [u.bytes]
    with pytest.raises(DataJointError, match="Invalid UUID"):
        (animal & {"tag": "not-a-uuid"}).make_sql()


def test_or_lists_and_lists_not_and_constants(lab):
    session = lab[0]
    sql, params = (session & [{"animal_id": 1}, "session>3"]).make_sql()
    assert sql.endswith("WHERE ((`animal_id`=%s) OR (session>3))") and params == [1]
    assert (session & []).make_sql()[0].endswith("WHERE FALSE")
    assert (session - []).make_sql()[0] == session.make_sql()[0]
    assert (session & dj.AndList(["a=1", "b=2"])).make_sql()[0].endswith("WHERE ((a=1) AND (b=2))")
    assert (session & dj.Not("a=1")).make_sql()[0].endswith("WHERE (NOT (a=1))")
    assert (session - ["a=1", "a=2"]).make_sql()[0].endswith("WHERE (NOT ((a=1) OR (a=2)))")
    assert (session & True).make_sql()[0] == session.make_sql()[0]
    assert (session & False).make_sql()[0].endswith("WHERE FALSE")


def test_percent_in_user_sql_is_doubled_for_the_driver(lab):
    session = lab[0]
    sql, params = (session & 'notes LIKE "50%"' & {"animal_id": 3}).make_sql()
    assert 'notes LIKE "50%%"' in sql and params == [3]


def test_join_and_projection(lab):
    session, scan, sync, animal = lab
    sql, _ = (animal * session).make_sql()
    assert sql == ("SELECT `animal_id`, `session`, `tag`, `species`, `lens`, `notes` FROM `lab`.`animal` "
                   "NATURAL JOIN `lab`.`session`")
    q = scan.proj("depth", idx="scan_idx", deep="depth > 100")
    assert q.primary_key == ["animal_id", "session", "idx"]
    assert q.make_sql()[0] == ("SELECT `animal_id`, `session`, `scan_idx` AS `idx`, `depth`, (depth > 100) AS `deep` "
                               "FROM `lab`.`__scan`")
    assert scan.proj(...).heading.names == scan.heading.names
    assert scan.proj(..., "-img").heading.names == ["animal_id", "session", "scan_idx", "depth"]
    with pytest.raises(UnknownAttributeError):
        scan.proj("nope")


def test_restricting_renamed_attribute_makes_deterministic_subquery(lab):
    scan = lab[1]
    q = scan.proj(idx="scan_idx") & {"idx": 2}
    sql, params = q.make_sql()
    assert sql == ("SELECT `animal_id`, `session`, `idx` FROM (SELECT `animal_id`, `session`, `scan_idx` AS `idx` "
                   "FROM `lab`.`__scan`) AS `$1` WHERE (`idx`=%s)")
    assert params == [2]
    assert q.make_sql() == (sql, params)


def test_join_on_shared_secondary_attribute_is_an_error(lab):
    session = lab[0]
    other = offline("lab", "other", ("x", "int", True), ("lens", "varchar(8)", False))
    with pytest.raises(DataJointError, match="lens"):
        session * other
    with pytest.raises(DataJointError, match="lens"):
        session & other


def test_semijoin_without_common_attributes_uses_exists(lab):
    session = lab[0]
    other = offline("lab", "other", ("x", "int", True))
    sql, _ = (session & other).make_sql()
    assert sql.endswith("WHERE (EXISTS (SELECT `x` FROM `lab`.`other`))")


def test_aggregation_and_universal_sets(lab):
    session, scan = lab[0], lab[1]
    q = session.aggr(scan, n="count(*)", keep_all_rows=True)
    sql, _ = q.make_sql()
    assert sql == ("SELECT `animal_id`, `session`, (count(*)) AS `n` FROM `lab`.`session` NATURAL LEFT JOIN "
                   "`lab`.`__scan` GROUP BY `animal_id`, `session`")
    r = q & "n > 2"
    assert r.make_sql()[0].startswith("SELECT `animal_id`, `session`, `n` FROM (SELECT") and r.make_sql()[0].endswith(
        "AS `$1` WHERE (n > 2)")
    u = dj.U("lens") & session
    assert u.make_sql()[0] == "SELECT DISTINCT `lens` FROM `lab`.`session`"
    assert u.primary_key == ["lens"]
    assert dj.U().aggr(scan, n="count(*)").make_sql()[0] == "SELECT (count(*)) AS `n` FROM `lab`.`__scan`"
    assert (dj.U("depth") * scan).primary_key == ["animal_id", "session", "scan_idx", "depth"]


def test_top_and_count(lab):
    session = lab[0]
    q = session & dj.Top(3, "session DESC", offset=2)
    assert q.make_sql()[0].endswith("ORDER BY `session` DESC LIMIT %s OFFSET %s") and q.make_sql()[1] == [3, 2]
    assert (q & "animal_id=1").make_sql()[0].endswith("AS `$1` WHERE (animal_id=1)")
    assert (session & dj.Top()).make_sql() == (
        session.make_sql()[0] + " ORDER BY `animal_id`, `session` LIMIT %s", [1])
    assert compile_count(session & {"animal_id": 1}) == (
        "SELECT count(*) FROM `lab`.`session` WHERE (`animal_id`=%s)", [1])
    with pytest.raises(DataJointError):
        dj.Top(-1)


def test_union_requires_same_primary_key(lab):
    session, scan = lab[0], lab[1]
    with pytest.raises(DataJointError, match="primary key"):
        session + scan
    with pytest.raises(DataJointError, match="secondary"):
        session + session
    sql, _ = (session.proj() + session.proj()).make_sql()
    assert sql == ("SELECT `animal_id`, `session` FROM ((SELECT `animal_id`, `session` FROM `lab`.`session`) UNION "
                   "(SELECT `animal_id`, `session` FROM `lab`.`session`)) AS `$1`")


def test_invalid_restrictions_are_rejected(lab):
    session = lab[0]
    with pytest.raises(DataJointError):
        session & 3.5
    with pytest.raises(DataJointError):
        session & "a=\x00"
    with pytest.raises(DataJointError):
        session & {"animal_id": object()}


def test_parameters_follow_textual_order(lab):
    session, scan, sync, animal = lab
    inner = (scan & {"depth": 1.5}).proj(idx="scan_idx") & {"idx": 2}
    q = (session & {"lens": "a"}) * inner & (sync & {"frames": 7}) & [{"notes": "x"}, {"notes": None}]
    sql, params = q.make_sql()
    assert params == [1.5, "a", 2, 7, "x"]  # the joined subquery (FROM) precedes the WHERE clause
    # each placeholder's value sits where the text says
    order = [sql.index(p) for p in ("`depth`=%s", "`lens`=%s", "`idx`=%s", "`frames`=%s", "`notes`=%s")]
    assert order == sorted(order)
    assert "`notes` IS NULL" in sql


def test_record_arrays_and_frames_restrict_as_or_lists(lab):
    import numpy as np
    import pandas as pd
    session = lab[0]
    rec = np.array([(1, 2), (3, 4)], dtype=[("animal_id", "i8"), ("session", "i8")])
    sql, params = (session & rec).make_sql()
    assert sql.endswith("WHERE (((`animal_id`=%s) AND (`session`=%s)) OR ((`animal_id`=%s) AND (`session`=%s)))")
    assert params == [1, 2, 3, 4] and all(type(p) is int for p in params)
    assert (session & rec[0]).make_sql()[1] == [1, 2]
    frame = pd.DataFrame({"animal_id": [5], "session": [6]}).set_index("animal_id")
    assert (session & frame).make_sql()[1] == [5, 6]
    assert (session - rec[:0]).make_sql()[0] == session.make_sql()[0]
