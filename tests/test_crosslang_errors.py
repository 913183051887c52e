"""Python and Octave refuse the same inserts and say what to do about it (issue 13, items 3 and 4).

One table declared from Python; the same bad inserts are tried from Python, from Octave (the
toolbox in a real octave-cli) and, where the wording or the stored value is 0.14's, from DataJoint
0.14 itself. Both sessions must run with the same sql_mode (0.14's), so the server refuses
missing values, out-of-range numbers and zero dates alike and rounds a fraction into an int
column alike (as 0.14 does).
"""
import pytest

import datajoint_interop as dj
from datajoint_interop import errors
from datajoint_interop.connection import Connection
from datajoint_interop.insert import DUPLICATE_HINT, enum_values

import datajoint as dj14  # the 0.14 oracle (test dependency)

from .conftest import connection_settings
from .test_crosslang_support import read_json, run_octave, write_class, write_get_schema

DEFINITION = """
animal_id : int
---
species : enum('mouse','rat')
weight = 0 : int
born = null : date
"""
CLOSED_PORT = 1  # nothing listens on 127.0.0.1:1
DOWN_PREFIX = f"Cannot connect to the database server at 127.0.0.1:{CLOSED_PORT} as "

OCTAVE = r"""
function r = attempt(f)
% what a call raised: ok, error identifier and message
try
    f();
    r = struct('ok', true, 'id', '', 'message', '');
catch e
    r = struct('ok', false, 'id', e.identifier, 'message', e.message);
end
end

c = dj.conn('__ADDRESS__', '__USER__', '__PASS__', true);
r = c.query('SELECT @@session.sql_mode AS m');
out.sql_mode = char(r.m);
mym('closeall');  % the toolbox reopens the handle on the next query: same mode again
r = c.query('SELECT @@session.sql_mode AS m');
out.sql_mode_reopened = char(r.m);
out.missing = attempt(@() insert(errlab.Animal, struct('animal_id', 243)));
insert(errlab.Animal, struct('animal_id', 201, 'species', 'mouse', 'weight', 41.7));
out.duplicate = attempt(@() insert(errlab.Animal, struct('animal_id', 201, 'species', 'rat')));
out.enum = attempt(@() insert(errlab.Animal, struct('animal_id', {202, 203}, 'species', {'Rat ', 'cat'})));
out.update_enum = attempt(@() update(errlab.Animal & 'animal_id=201', 'species', 'dog'));
out.range = attempt(@() insert(errlab.Animal, struct('animal_id', 204, 'species', 'rat', 'weight', 3e9)));
out.zero_date = attempt(@() insert(errlab.Animal, struct('animal_id', 205, 'species', 'rat', 'born', '0000-00-00')));
out.denied = attempt(@() dj.conn('__ADDRESS__', '__USER__', 'not-the-password-h3', true));
out.down = attempt(@() dj.conn('127.0.0.1:__CLOSED__', '__USER__', '__PASS__', true));
write_json('out.json', out);
"""


@pytest.fixture(scope="module")
def animal(connection, db_prefix):
    """The table `<prefix>_h3err.animal`, declared from Python."""
    schema = dj.Schema(f"{db_prefix}_h3err", connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = DEFINITION

    return Animal


@pytest.fixture(scope="module")
def octave(animal, tmp_path_factory):
    """What the Octave toolbox reported for each attempt (one octave-cli run)."""
    folder = tmp_path_factory.mktemp("h3err")
    write_get_schema(folder, "errlab", animal.database)
    write_class(folder, "errlab", "Animal", DEFINITION, "dj.Manual")
    s = connection_settings()
    body = (OCTAVE.replace("__ADDRESS__", f"{s['host']}:{s['port']}").replace("__USER__", s["user"])
            .replace("__PASS__", s["password"]).replace("__CLOSED__", str(CLOSED_PORT)))
    run_octave(folder, "h3_errors", body)
    return read_json(folder / "out.json")


@pytest.fixture(scope="module")
def table14(animal, connection):
    """The same table seen through DataJoint 0.14."""
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    yield dj14.FreeTable(c14, animal.full_table_name)
    c14.close()


def _ids(animal):
    return set(animal.fetch("animal_id").tolist())


def test_both_sessions_use_the_sql_mode_of_014(animal, octave, table14, connection):
    ours = set(connection.query("SELECT @@session.sql_mode").fetchone()[0].split(","))
    theirs = set(table14.connection.query("SELECT @@session.sql_mode").fetchone()[0].split(","))
    assert set(octave["sql_mode"].split(",")) == set(octave["sql_mode_reopened"].split(",")) == ours
    assert ours == theirs - {"ONLY_FULL_GROUP_BY"}  # the one deliberate difference (MariaDB)
    assert {"STRICT_ALL_TABLES", "NO_ZERO_DATE"} <= ours


def test_missing_attribute_is_refused_in_both(animal, octave):
    assert not octave["missing"]["ok"]
    assert octave["missing"]["id"] == "DataJoint:insert:missingAttribute"
    assert "species" in octave["missing"]["message"]
    with pytest.raises(errors.MissingAttributeError, match="species"):
        animal.insert1(dict(animal_id=143))
    assert not {143, 243} & _ids(animal)  # the server would have stored 'mouse'


def test_fraction_into_int_is_rounded_in_both_as_in_014(animal, octave, table14):
    animal.insert1(dict(animal_id=101, species="mouse", weight=41.7))
    table14.insert1(dict(animal_id=301, species="mouse", weight=41.7))
    weights = dict(zip(*animal.fetch("animal_id", "weight")))
    assert weights[101] == weights[201] == weights[301] == 42


@pytest.mark.parametrize("name, row", [("range", dict(weight=3e9)), ("zero_date", dict(born="0000-00-00"))])
def test_out_of_range_and_zero_dates_are_refused_in_both(animal, octave, name, row):
    assert not octave[name]["ok"] and octave[name]["id"] == "DataJoint:query", octave[name]
    assert octave[name]["message"].count("in query:") == 1
    key = dict(animal_id=110 if name == "range" else 111, species="rat")
    with pytest.raises(errors.QueryError):
        animal.insert1(dict(key, **row))
    assert not {110, 111, 204, 205} & _ids(animal)


def test_duplicate_keeps_the_server_text_and_says_how_to_skip(animal, octave, table14):
    got = octave["duplicate"]
    assert got["id"] == "DataJoint:duplicate"
    assert "Duplicate entry '201' for key 'PRIMARY' (server error 1062)" in got["message"]
    assert "insert(table, tuples, 'IGNORE')" in got["message"]
    # the statement once, as the toolbox wrote it (placeholders), not also as mym sent it
    assert got["message"].count("in query:") == 1 and '("{S}","{S}")' in got["message"]
    assert "(?,?)" not in got["message"] and "mym:" not in got["message"]
    animal.insert1(dict(animal_id=120, species="rat"))
    with pytest.raises(errors.DuplicateError) as info:
        animal.insert1(dict(animal_id=120, species="rat"))
    assert "Duplicate entry '120' for key 'PRIMARY'" in str(info.value) and DUPLICATE_HINT in str(info.value)
    with pytest.raises(dj14.errors.DuplicateError) as info14:
        table14.insert1(dict(animal_id=120, species="rat"))
    assert DUPLICATE_HINT in str(info14.value)  # 0.14's wording, which users search for
    animal.insert([dict(animal_id=120, species="rat")], skip_duplicates=True)  # the hint works


def test_invalid_enum_value_names_attribute_and_allowed_values(animal, octave):
    got = octave["enum"]
    assert not got["ok"]
    assert "Attribute \"species\" accepts only 'mouse', 'rat'; got 'cat'" in got["message"], got
    assert "Rat " not in got["message"]  # accepted by the server (case and trailing spaces ignored)
    with pytest.raises(errors.QueryError) as info:
        animal.insert([dict(animal_id=130, species="Rat "), dict(animal_id=131, species="cat")])
    assert "Attribute `species` accepts only 'mouse', 'rat'; got 'cat'" in str(info.value)
    assert "Data truncated for column 'species'" in str(info.value)  # the server's text is kept
    assert not {130, 131, 202, 203} & _ids(animal)


def test_invalid_enum_value_in_update_names_allowed_values(animal, octave):
    got = octave["update_enum"]
    assert not got["ok"] and "Attribute \"species\" accepts only 'mouse', 'rat'; got 'dog'" in got["message"], got
    assert "IGNORE" not in got["message"]
    animal.insert1(dict(animal_id=140, species="rat"))
    with pytest.raises(errors.QueryError, match="Attribute `species` accepts only 'mouse', 'rat'; got 'dog'"):
        animal.update1(dict(animal_id=140, species="dog"))
    assert (animal & "animal_id=140").fetch1("species") == "rat"
    assert (animal & "animal_id=201").fetch1("species") == "mouse"


def test_enum_values_parses_quotes():
    assert enum_values("enum('a','it''s','')") == ["a", "it's", ""]
    assert enum_values("varchar(8)") is None


def test_server_down_names_host_port_and_what_to_do_in_both(octave):
    s = connection_settings()
    got = octave["down"]
    assert got["id"] == "MySQL:Error"  # mym's identifier, which 3.x code catches around dj.conn
    with pytest.raises(errors.ConnectionFailedError) as info:
        Connection("127.0.0.1", s["user"], s["password"], port=CLOSED_PORT, use_tls=False)
    for text in (got["message"], str(info.value)):
        assert text.startswith(DOWN_PREFIX + f"'{s['user']}': "), text
        assert "DJ_HOST/DJ_PORT" in text and "that the server is running" in text
        assert text.endswith("or start a private one with `dji server start`."), text


def test_refused_login_is_access_denied_in_both(octave):
    s = connection_settings()
    where = f"{s['host']}:{s['port']}"
    got = octave["denied"]
    assert got["id"] == "MySQL:Error", got  # mym's identifier for a refused login, as 3.x code expects
    with pytest.raises(errors.AccessError) as info:
        Connection(s["host"], s["user"], "not-the-password-h3", port=s["port"], use_tls=False)
    for text in (got["message"], str(info.value)):
        assert text.startswith(f"Access denied for user '{s['user']}' at {where}: wrong password or no such "
                               "user (server error 1045)"), text
        assert "DJ_USER/DJ_PASS" in text


def test_connection_error_has_a_plain_name_and_keeps_its_old_names():
    assert errors.ConnectionFailedError.__name__ == "ConnectionFailedError"
    assert errors.ConnectionError_ is errors.ConnectionFailedError
    assert errors.ConnectionError is errors.ConnectionFailedError
    assert issubclass(errors.ConnectionFailedError, dj.DataJointError)
    assert {"ConnectionFailedError", "ConnectionError_", "ConnectionError"} <= set(errors.__all__)
