"""Cascading delete, part/master rules, safemode prompt, privileges, drop, and the FK graph."""
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import AccessError, DataJointError, IntegrityError
from datajoint_interop.table import FreeTable


@pytest.fixture
def lab(connection, schema_name):
    db, other = schema_name("del"), schema_name("delx")
    q = connection.query
    q(f"CREATE DATABASE `{db}`")
    q(f"CREATE DATABASE `{other}`")
    q(f"CREATE TABLE `{db}`.animal (animal_id int NOT NULL, PRIMARY KEY (animal_id))")
    q(f"CREATE TABLE `{db}`.session (animal_id int NOT NULL, session int NOT NULL, PRIMARY KEY (animal_id, session), "
      f"FOREIGN KEY (animal_id) REFERENCES `{db}`.animal (animal_id))")
    q(f"CREATE TABLE `{db}`.`#cell` (cell int NOT NULL, PRIMARY KEY (cell))")
    q(f"CREATE TABLE `{db}`.__scan (animal_id int NOT NULL, session int NOT NULL, scan int NOT NULL, "
      f"PRIMARY KEY (animal_id, session, scan), FOREIGN KEY (animal_id, session) REFERENCES `{db}`.session (animal_id, session))")
    q(f"CREATE TABLE `{db}`.__scan__unit (animal_id int NOT NULL, session int NOT NULL, scan int NOT NULL, cell int NOT NULL, "
      f"PRIMARY KEY (animal_id, session, scan, cell), "
      f"FOREIGN KEY (animal_id, session, scan) REFERENCES `{db}`.__scan (animal_id, session, scan), "
      f"FOREIGN KEY (cell) REFERENCES `{db}`.`#cell` (cell))")
    q(f"CREATE TABLE `{db}`.pair (animal_id int NOT NULL, mate int NOT NULL, PRIMARY KEY (animal_id, mate), "
      f"FOREIGN KEY (animal_id) REFERENCES `{db}`.animal (animal_id), FOREIGN KEY (mate) REFERENCES `{db}`.animal (animal_id))")
    q(f"CREATE TABLE `{other}`.note (animal_id int NOT NULL, session int NOT NULL, txt varchar(8) NOT NULL, "
      f"PRIMARY KEY (animal_id, session), FOREIGN KEY (animal_id, session) REFERENCES `{db}`.session (animal_id, session))")
    t = {n: FreeTable(connection, f"{db}.{n}") for n in ("animal", "session", "#cell", "__scan", "__scan__unit", "pair")}
    t["note"] = FreeTable(connection, f"{other}.note")
    t["animal"].insert([(a,) for a in range(1, 5)])
    t["session"].insert([(a, s) for a in range(1, 5) for s in range(1, 3)])
    t["#cell"].insert([(c,) for c in range(1, 4)])
    t["__scan"].insert([(a, s, 1) for a in range(1, 5) for s in range(1, 3)])
    t["__scan__unit"].insert([(a, s, 1, c) for a in range(1, 5) for s in range(1, 3) for c in range(1, 4)])
    t["pair"].insert([(1, 2), (2, 3), (3, 1), (4, 4)])
    t["note"].insert([(a, 1, "n") for a in range(1, 5)])
    return t


def counts(t):
    return {n: len(x) for n, x in t.items()}


def test_cascade_follows_every_foreign_key_including_renamed_and_other_schemas(lab, connection):
    before = counts(lab)
    deleted = (lab["animal"] & {"animal_id": 1}).delete(safemode=False)
    assert deleted == 1
    after = counts(lab)
    assert after["animal"] == before["animal"] - 1
    assert after["session"] == before["session"] - 2
    assert after["__scan"] == before["__scan"] - 2
    assert after["__scan__unit"] == before["__scan__unit"] - 6
    assert after["note"] == before["note"] - 1
    assert sorted(map(tuple, lab["pair"].fetch().tolist())) == [(2, 3), (4, 4)]  # (1,2) and (3,1) went
    assert after["#cell"] == before["#cell"]
    assert not lab["session"] & {"animal_id": 1}


def test_safemode_prompt(lab, monkeypatch, capsys):
    before = counts(lab)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert (lab["session"] & {"session": 2}).delete(safemode=True) == 0
    assert counts(lab) == before
    out = capsys.readouterr().out
    assert "__scan__unit" in out and "4 row(s)" in out and "12 row(s)" in out
    answers = iter(["maybe", "yes"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert (lab["session"] & {"session": 2}).delete(safemode=True) == 4
    assert len(lab["session"]) == before["session"] - 4


def test_part_rules(lab):
    unit = lab["__scan__unit"]
    with pytest.raises(DataJointError, match="part table"):
        (unit & {"cell": 1}).delete(safemode=False)
    # deleting a cell would delete units without their master scan
    before = counts(lab)
    with pytest.raises(DataJointError, match="master"):
        (lab["#cell"] & {"cell": 1}).delete(safemode=False)
    assert counts(lab) == before
    assert (unit & {"cell": 2}).delete(safemode=False, force_parts=True) == 8
    assert len(unit) == before["__scan__unit"] - 8
    # force_masters deletes the masters of affected parts (and their other parts)
    (lab["#cell"] & {"cell": 1}).delete(safemode=False, force_masters=True)
    assert len(lab["__scan"]) == 0 and len(unit) == 0 and len(lab["#cell"]) == 2
    assert len(lab["session"]) == before["session"]


def test_delete_quick_and_transactions(lab, connection):
    with pytest.raises(IntegrityError, match="animal"):
        (lab["animal"] & {"animal_id": 2}).delete_quick()
    assert len(lab["animal"]) == 4
    assert (lab["pair"] & {"animal_id": 4}).delete_quick(get_count=True) == 1
    with connection.transaction:
        with pytest.raises(DataJointError, match="transaction"):
            lab["pair"].delete(safemode=False)
        assert lab["pair"].delete(transaction=False) == 3
    assert len(lab["pair"]) == 0
    assert (lab["animal"] & "animal_id > 100").delete(safemode=False) == 0


def test_privileges_checked_before_deleting(lab, connection, db_prefix):
    user = f"h4_{db_prefix[-8:]}"
    db = lab["animal"].database
    other = lab["note"].database
    connection.query(f"CREATE USER IF NOT EXISTS '{user}'@'%%' IDENTIFIED BY 'pw'")
    try:
        connection.query(f"GRANT SELECT, INSERT, DELETE ON `{db}`.* TO '{user}'@'%%'")
        connection.query(f"GRANT SELECT ON `{other}`.* TO '{user}'@'%%'")
        limited = dj.Connection(connection.host, user, "pw", port=connection.port)
        try:
            animal = FreeTable(limited, lab["animal"].full_table_name)
            before = counts(lab)
            with pytest.raises(AccessError, match="note"):
                (animal & {"animal_id": 3}).delete(safemode=False)
            assert counts(lab) == before
        finally:
            limited.close()
    finally:
        connection.query(f"DROP USER '{user}'@'%%'")


def test_dependencies_graph(lab, connection):
    animal, pair = lab["animal"], lab["pair"]
    children = animal.children()
    assert pair.full_table_name in children and lab["session"].full_table_name in children
    fks = pair.parents(foreign_key_info=True)
    maps = sorted(sorted(p["attr_map"].items()) for _, p in fks)
    assert maps == [[("animal_id", "animal_id")], [("mate", "animal_id")]]
    assert all(name == animal.full_table_name for name, _ in fks)
    assert [p["aliased"] for _, p in sorted(fks, key=lambda x: list(x[1]["attr_map"]))] == [False, True]
    desc = animal.descendants()
    assert desc[0] == animal.full_table_name
    assert desc.index(lab["session"].full_table_name) < desc.index(lab["__scan"].full_table_name) < \
        desc.index(lab["__scan__unit"].full_table_name)
    assert lab["note"].full_table_name in desc
    assert lab["__scan__unit"].ancestors()[-1] in (animal.full_table_name, lab["#cell"].full_table_name)
    assert lab["__scan"].parents(primary=True) == [lab["session"].full_table_name]
    graph = connection.dependencies
    assert isinstance(graph, __import__("networkx").DiGraph)
    aliases = [n for n in graph.parents(pair.full_table_name) if n.isdigit()]
    assert len(aliases) == 1  # the renamed reference goes through one alias node
    assert list(graph.parents(aliases[0])) == [animal.full_table_name]
    assert graph.parents(aliases[0])[animal.full_table_name]["attr_map"] == {"mate": "animal_id"}
    assert animal.full_table_name in graph.parents(pair.full_table_name)


def test_drop_cascades(lab, monkeypatch):
    with pytest.raises(DataJointError, match="part"):
        lab["__scan__unit"].drop(safemode=False)
    with pytest.raises(DataJointError, match="restricted"):
        (lab["session"] & "session=1").drop(safemode=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    lab["session"].drop(safemode=True)
    assert lab["__scan"].is_declared
    lab["session"].drop(safemode=False)
    for n in ("session", "__scan", "__scan__unit", "note"):
        assert not lab[n].is_declared
    assert lab["animal"].is_declared and lab["pair"].is_declared
