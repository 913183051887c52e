"""Hostile strings as keys, values and restrictions must select exactly the rows they name."""
import pytest

from datajoint_interop.table import FreeTable

HOSTILE = [
    "plain",
    "it's",
    'say "hi"',
    "back\\slash",
    "\\",
    "\\'",
    "trailing backslash\\",
    "50% off",
    "%s",
    "%%s %(name)s",
    "{}",
    "{0} {name}",
    "nul\x00inside",
    "\x00",
    "ünïcødé",
    "日本語",
    "emoji 😀 𝄞",
    "' OR '1'='1",
    '" OR ""="',
    "1; DROP TABLE victim; --",
    "`backtick`",
    "line\nbreak\ttab\r",
    "ctrl-z \x1a",
    "",
    " leading space",
    "UPPER",
    "upper",
]


@pytest.fixture(scope="module")
def victim(connection, db_prefix):
    db = f"{db_prefix}_h4_injection"
    connection.query(f"CREATE DATABASE `{db}`")
    connection.query(
        f"CREATE TABLE `{db}`.victim (name varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL, "
        f"idx int NOT NULL, note varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL, "
        f"PRIMARY KEY (name))")
    table = FreeTable(connection, f"{db}.victim")
    table.insert([dict(name=s, idx=i, note=s[::-1]) for i, s in enumerate(HOSTILE)])
    return table


def test_all_rows_stored_exactly(victim):
    rows = victim.fetch(as_dict=True, order_by="idx")
    assert [r["name"] for r in rows] == HOSTILE
    assert [r["note"] for r in rows] == [s[::-1] for s in HOSTILE]


@pytest.mark.parametrize("i", range(len(HOSTILE)))
def test_dict_restriction_selects_exactly_one_row(victim, i):
    s = HOSTILE[i]
    assert (victim & {"name": s}).fetch1("idx") == i
    assert (victim & {"note": s[::-1]}).fetch("idx").tolist() == [i]
    assert len(victim - {"name": s}) == len(HOSTILE) - 1
    assert (victim & {"name": s}).fetch1("KEY") == {"name": s}


def test_or_list_of_hostile_dicts(victim):
    picks = [HOSTILE[i] for i in (1, 4, 8, 12, 16, 19)]
    got = (victim & [{"name": s} for s in picks]).fetch("name")
    assert sorted(got) == sorted(picks)


def test_update_and_delete_by_hostile_key(victim, connection):
    s = "' OR '1'='1"
    victim.update1(dict(name=s, note="%s {} \\ ' \""))
    assert (victim & {"name": s}).fetch1("note") == "%s {} \\ ' \""
    before = len(victim)
    (victim & {"name": "1; DROP TABLE victim; --"}).delete_quick()
    assert len(victim) == before - 1
    assert {"name": "1; DROP TABLE victim; --"} not in victim
    assert {"name": "plain"} in victim


def test_percent_in_string_restriction_is_literal(victim):
    assert (victim & 'name LIKE "50%"').fetch1("idx") == HOSTILE.index("50% off")
    i = HOSTILE.index("%%s %(name)s")
    assert (victim & 'name = "%%s %(name)s"').fetch1("idx") == i
    # the same text alongside bound parameters (the driver formats the statement then)
    assert (victim & 'name = "%%s %(name)s"' & {"idx": i}).fetch1("idx") == i
    assert len(victim & 'name LIKE "50%"' & {"idx": 0}) == 0
