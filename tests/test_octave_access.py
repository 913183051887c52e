"""Two accounts with different roles use the MATLAB toolbox from Octave: each can do exactly what its
role allows (issue 10), and every refusal is a `DataJoint:accessDenied` error that names the table
(or schema) and the missing privilege. Delete cascades refuse before deleting anything."""
import json
import uuid

import pytest

import datajoint_interop as dj
from datajoint_interop import admin
from datajoint_interop.jobs import declare_jobs_table

from .conftest import connection_settings
from .test_crosslang_support import run_octave, write_class, write_get_schema

STAT_DEFINITION = """
-> Session
---
score : double
"""


def _like_literal(name):
    return name.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")


@pytest.fixture(scope="module")
def setup(connection, db_prefix):
    """Pipeline in `<prefix>_oacc_lab` (granted by pattern `<prefix>_oacc_%`), a dependent table in
    `<prefix>_odown` (the writer may only read it) and `<prefix>_oout` (granted to nobody)."""
    lab, down, out = f"{db_prefix}_oacc_lab", f"{db_prefix}_odown", f"{db_prefix}_oout"
    schema = dj.Schema(lab, connection=connection)
    downstream = dj.Schema(down, connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = """
        animal_id : int
        ---
        species : varchar(16)
        """

    @schema
    class Session(dj.Manual):
        definition = """
        -> Animal
        session : smallint
        ---
        rig : varchar(16)
        """

    @schema
    class Stat(dj.Computed):
        definition = STAT_DEFINITION

        def make(self, key):
            self.insert1(dict(key, score=0))

    @downstream
    class Note(dj.Manual):
        definition = """
        -> Session
        note_id : int
        """

    bare = dj.Schema(f"{db_prefix}_oacc_bare", connection=connection)  # in the pattern, no ~jobs

    @bare
    class Thing(dj.Manual):
        definition = """
        thing_id : int
        """

    @bare
    class Size(dj.Computed):
        definition = """
        -> Thing
        ---
        size : int
        """

    Thing.insert([(1,), (2,)])
    Animal.insert([(1, "mouse"), (2, "rat"), (3, "rat")])
    Session.insert([(1, 1, "a"), (1, 2, "b"), (2, 1, "a"), (3, 1, "c")])
    Note.insert([(1, 1, 1)])
    declare_jobs_table(connection, lab)  # writers use ~jobs but may not create it (docs/sharing.md)
    connection.query(f"CREATE DATABASE `{out}`")
    # a dependent table nobody was granted anything on: invisible to both accounts
    connection.query(f"CREATE TABLE `{out}`.`memo` (animal_id int PRIMARY KEY, "
                     f"FOREIGN KEY (animal_id) REFERENCES `{lab}`.`animal` (animal_id))")
    connection.query(f"INSERT INTO `{out}`.`memo` VALUES (3)")
    connection.query(f"CREATE TABLE `{out}`.`thing` (id int PRIMARY KEY)")
    connection.query(f"INSERT INTO `{out}`.`thing` VALUES (1)")
    users = {}
    try:
        for role in ("reader", "writer", "admin"):
            name = f"djtest_{uuid.uuid4().hex[:10]}"
            password = uuid.uuid4().hex
            admin.create_user(name, password, connection=connection)
            users[role] = (name, password)
            admin.grant(name, _like_literal(f"{db_prefix}_oacc_") + "%", role, connection=connection)
            admin.grant(name, _like_literal(down), "reader", connection=connection)
        yield dict(lab=lab, down=down, out=out, bare=bare.database, users=users, connection=connection,
                   tables=dict(Animal=Animal, Session=Session, Stat=Stat, Note=Note))
    finally:
        for name, _ in users.values():
            admin.drop_user(name, connection=connection)
        connection.query(f"DROP DATABASE IF EXISTS `{out}`")


OUTSIDE = """
function r = outside_attempts(r, c, out)
% DELETE and DROP on a schema outside the account's pattern, raw and through the toolbox
r = attempt(r, 'outside_delete', @() c.query(sprintf('DELETE FROM `%s`.`thing`', out)));
r = attempt(r, 'outside_del', @() del(dj.FreeTable(c, out, 'thing') & 'id=1'));
r = attempt(r, 'outside_drop_table', @() c.query(sprintf('DROP TABLE `%s`.`thing`', out)));
r = attempt(r, 'outside_drop', @() run0(@() drop(dj.FreeTable(c, out, 'thing'))));
r = attempt(r, 'outside_drop_schema', @() c.query(sprintf('DROP DATABASE `%s`', out)));
end

function v = run0(f)
f();
v = 1;
end
"""


def _script(lab, out):
    return OUTSIDE + f"""

function r = attempt(r, name, f)
try
    r.(name) = struct('ok', true, 'id', '', 'message', '', 'value', f());
catch e
    r.(name) = struct('ok', false, 'id', e.identifier, 'message', e.message, 'value', 0);
end
end

c = dj.conn();
schema = acc.getSchema();
A = schema.v('Animal');
S = schema.v('Session');
r = struct();
r = attempt(r, 'fetch', @() numel(fetch(A * S, '*')));
r = attempt(r, 'fetch1', @() fetch1(A & 'animal_id=2', 'species'));
r = attempt(r, 'insert', @() run0(@() insert(A, struct('animal_id', {{10, 11}}, 'species', 'rat'))));
r = attempt(r, 'insert_child', @() run0(@() insert(S, struct('animal_id', 10, 'session', 1, 'rig', 'z'))));
r = attempt(r, 'update', @() run0(@() update(A & 'animal_id=2', 'species', 'hamster')));
r = attempt(r, 'delete', @() del(A & 'animal_id=10'));
r = attempt(r, 'delete_quick', @() run0(@() delQuick(A & 'animal_id=11')));
r = attempt(r, 'cascade_blocked', @() del(A & 'animal_id=1'));
r = attempt(r, 'delete_hidden_child', @() del(A & 'animal_id=3'));
r = attempt(r, 'parpopulate', @() numel(parpopulate(acc.Stat)));
r = attempt(r, 'parpopulate_no_jobs_table', @() numel(parpopulate(bare.Size)));
r = attempt(r, 'declare', @() count(acc.Extra));
r = attempt(r, 'drop', @() run0(@() drop(S)));
r = attempt(r, 'outside_schema', @() run0(@() dj.Schema(c, 'outs', '{out}')));
r = attempt(r, 'outside_table', @() count(dj.FreeTable(c, '{out}', 'thing')));
r = attempt(r, 'outside_insert', @() c.query('INSERT INTO `{out}`.`thing` VALUES (2)'));
r = attempt(r, 'create_schema', @() run0(@() dj.Schema(c, 'made', '{out}_new')));
r = outside_attempts(r, c, '{out}');
write_json('result.json', r);
"""


def _admin_script(out):
    return OUTSIDE + """
function r = attempt(r, name, f)
try
    f();
    r.(name) = struct('ok', true, 'id', '', 'message', '');
catch e
    r.(name) = struct('ok', false, 'id', e.identifier, 'message', e.message);
end
end

c = dj.conn();
schema = acc.getSchema();
S = schema.v('Session');
r = struct();
r = attempt(r, 'declare', @() count(acc.Extra));
r = attempt(r, 'drop_declared', @() drop(acc.Extra));
r = attempt(r, 'drop_cascade', @() drop(S));
r = outside_attempts(r, c, '__OUT__');
write_json('result.json', r);
""".replace("__OUT__", out)


def _run_as(setup, role, tmp_path, monkeypatch, script=None):
    name, password = setup["users"][role]
    settings = connection_settings()
    monkeypatch.setenv("DJ_HOST", settings["host"])
    monkeypatch.setenv("DJ_PORT", str(settings["port"]))
    monkeypatch.setenv("DJ_USER", name)
    monkeypatch.setenv("DJ_PASS", password)
    write_get_schema(tmp_path, "acc", setup["lab"])
    write_class(tmp_path, "acc", "Stat", STAT_DEFINITION.replace("-> Session", "-> acc.Session"), "dj.Computed",
                "    methods (Access = protected)\n        function makeTuples(self, key)\n"
                "            key.score = key.animal_id + key.session / 10;\n            insert(self, key)\n"
                "        end\n    end\n")
    write_class(tmp_path, "acc", "Session", "-> acc.Animal\nsession : smallint\n---\nrig : varchar(16)", "dj.Manual")
    write_class(tmp_path, "acc", "Animal", "animal_id : int\n---\nspecies : varchar(16)", "dj.Manual")
    write_class(tmp_path, "acc", "Extra", "extra_id : int", "dj.Manual")
    write_get_schema(tmp_path, "bare", setup["bare"])
    write_class(tmp_path, "bare", "Thing", "thing_id : int", "dj.Manual")
    write_class(tmp_path, "bare", "Size", "-> bare.Thing\n---\nsize : int", "dj.Computed",
                "    methods (Access = protected)\n        function makeTuples(self, key)\n"
                "            key.size = 1;\n            insert(self, key)\n        end\n    end\n")
    run_octave(tmp_path, f"access_{role}", script or _script(setup["lab"], setup["out"]), timeout=120)
    with open(tmp_path / "result.json") as f:
        return name, json.load(f)


def _denied(result, action, *words):
    """The attempt failed with DataJoint:accessDenied and its message names every word."""
    r = result[action]
    assert not r["ok"], (action, r)
    assert r["id"] == "DataJoint:accessDenied", (action, r)
    for w in words:
        assert w in r["message"], (action, w, r["message"])
    return r["message"]


def _common_refusals(setup, name, result):
    lab, out = setup["lab"], setup["out"]
    _denied(result, "declare", "CREATE", f"`{lab}`.`extra`", name)
    _denied(result, "drop", "DROP", f"`{lab}`.`session`", "before any table was dropped")
    _denied(result, "parpopulate_no_jobs_table", f"`{setup['bare']}`.`~jobs`", "CREATE", "does not exist")
    _denied(result, "outside_schema", out, "CREATE")
    _denied(result, "outside_table", "SELECT", f"`{out}`.`thing`", name)
    _denied(result, "outside_insert", "INSERT", f"`{out}`.`thing`", name)
    _denied(result, "create_schema", f"{out}_new", "CREATE")
    _outside_refusals(setup, name, result)


def _outside_refusals(setup, name, result):
    """DELETE and DROP outside the granted pattern: refused by the server or before any change."""
    out = setup["out"]
    _denied(result, "outside_delete", "DELETE", f"`{out}`.`thing`", name)
    _denied(result, "outside_del", "before any row was deleted", f"`{out}`.`thing`", "no DELETE privilege", name)
    _denied(result, "outside_drop_table", "DROP", f"`{out}`.`thing`", name)
    _denied(result, "outside_drop", "DROP", "before any table was dropped", f"`{out}`.`thing`", name)
    _denied(result, "outside_drop_schema", "DROP", f"`{out}`", name)
    rows = setup["connection"].query(f"SELECT id FROM `{out}`.`thing`").fetchall()
    assert [r[0] for r in rows] == [1], rows  # still there, unchanged


def test_reader_reads_only(setup, tmp_path, monkeypatch):
    lab = setup["lab"]
    t = setup["tables"]
    before = {k: len(v()) for k, v in t.items()}
    species = (t["Animal"] & "animal_id=2").fetch1("species")
    name, result = _run_as(setup, "reader", tmp_path, monkeypatch)
    assert result["fetch"]["ok"] and result["fetch"]["value"] == 4, result["fetch"]
    assert result["fetch1"]["ok"] and result["fetch1"]["value"] == species
    _denied(result, "insert", "INSERT", f"`{lab}`.`animal`", name)
    _denied(result, "insert_child", "INSERT", f"`{lab}`.`session`")
    _denied(result, "update", "UPDATE", f"`{lab}`.`animal`")
    _denied(result, "delete_quick", "DELETE", f"`{lab}`.`animal`")
    msg = _denied(result, "cascade_blocked", "before any row was deleted", "DELETE", f"`{lab}`.`animal`",
                  f"`{lab}`.`session`", f"`{setup['down']}`.`note`")
    assert "2 rows" in msg, msg  # the two sessions of animal 1
    _denied(result, "parpopulate", "INSERT", f"`{lab}`.`~jobs`")
    _denied(result, "delete_hidden_child", "DELETE", f"`{lab}`.`animal`")
    _common_refusals(setup, name, result)
    assert {k: len(v()) for k, v in t.items()} == before
    assert (t["Animal"] & "animal_id=2").fetch1("species") == species


def test_writer_changes_data_not_structure(connection, setup, tmp_path, monkeypatch):
    lab, down = setup["lab"], setup["down"]
    t = setup["tables"]
    name, result = _run_as(setup, "writer", tmp_path, monkeypatch)
    for action in ("fetch", "insert", "insert_child", "update", "delete", "delete_quick", "parpopulate"):
        assert result[action]["ok"], (action, result[action])
    assert result["delete"]["value"] == 1
    assert result["parpopulate"]["value"] == 0  # no failed keys
    msg = _denied(result, "cascade_blocked", "before any row was deleted", "DELETE", f"`{down}`.`note`", name)
    assert f"`{lab}`.`animal`" not in msg and "1 rows" in msg, msg  # only the table it may not delete from
    hidden = result["delete_hidden_child"]
    assert not hidden["ok"] and hidden["id"] == "DataJoint:integrity", hidden
    assert "Nothing was deleted" in hidden["message"] and f"`{setup['out']}`.`memo`" in hidden["message"], hidden
    _common_refusals(setup, name, result)
    # everything the writer did, and nothing it was refused
    assert sorted(t["Animal"].fetch("animal_id")) == [1, 2, 3]
    assert (t["Animal"] & "animal_id=2").fetch1("species") == "hamster"
    assert len(t["Session"]()) == 4 and len(t["Note"]()) == 1
    assert len(t["Stat"]()) == 4  # populated through ~jobs by the writer
    assert len(dj.FreeTable(connection, f"`{lab}`.`~jobs`")) == 0
    tables = {row[0] for row in connection.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema=%s", (lab,)).fetchall()}
    assert "extra" not in tables and "session" in tables


def test_admin_declares_and_drops_within_its_pattern(connection, setup, tmp_path, monkeypatch):
    """DROP is looked up in information_schema (schema-pattern grant): allowed in the pattern, and a
    cascade reaching a schema where the account is only a reader is refused before dropping anything."""
    lab, down = setup["lab"], setup["down"]
    name, result = _run_as(setup, "admin", tmp_path, monkeypatch, _admin_script(setup["out"]))
    assert result["declare"]["ok"] and result["drop_declared"]["ok"], result
    _outside_refusals(setup, name, result)
    msg = _denied(result, "drop_cascade", "before any table was dropped", "DROP", f"`{down}`.`note`", name)
    assert f"`{lab}`.`session`" not in msg, msg
    tables = {row[0] for row in connection.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema=%s", (lab,)).fetchall()}
    assert "extra" not in tables and {"session", "__stat"} <= tables
