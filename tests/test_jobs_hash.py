"""key_hash must equal DataJoint 0.14's for every value type a key can hold (docs/jobs.md §3)."""
import datetime
import decimal
import uuid

import pytest
from datajoint.hash import key_hash as oracle_key_hash

from datajoint_interop.hash import key_hash, key_text

WORKED = [  # schema-conventions.md §9.4
    ({"animal_id": 2}, "c81e728d9d4c2f636f067f89cc14862c"),
    ({"animal_id": 1, "scan_idx": 2}, "c20ad4d76fe97759aa27a0c99bff6710"),
    ({"scan_idx": 2, "animal_id": 1}, "c20ad4d76fe97759aa27a0c99bff6710"),
]


@pytest.mark.parametrize("key,expected", WORKED)
def test_worked_values(key, expected):
    assert key_hash(key) == expected


KEYS = [
    {"a": 0}, {"a": -5, "b": 18446744073709551615},
    {"x": 0.1}, {"x": 1.0}, {"x": 1e-05}, {"x": 1e16}, {"x": 123456789.125}, {"x": float("inf")},
    {"x": -0.0}, {"x": 2.5e-300},
    {"s": "rat"}, {"s": "ünïcødé ☃"}, {"s": ""}, {"s": "with space", "t": "two"},
    {"d": datetime.date(2024, 1, 2)},
    {"t": datetime.datetime(2024, 1, 2, 3, 4, 5)},
    {"t": datetime.datetime(2024, 1, 2, 3, 4, 5, 60)},
    {"t": datetime.timedelta(hours=26, minutes=3, seconds=4)},
    {"t": datetime.timedelta(hours=-1)},
    {"n": decimal.Decimal("1.50")}, {"n": decimal.Decimal("0E-8")}, {"n": decimal.Decimal("1.0E-7")},
    {"n": decimal.Decimal("-12.345")}, {"n": decimal.Decimal("12")}, {"n": decimal.Decimal("-0.005")},
    {"t": datetime.timedelta(microseconds=500000)}, {"t": datetime.timedelta(days=1, hours=2, minutes=3, seconds=4)},
    {"x": 0.0001}, {"x": 1.5e16}, {"t": datetime.datetime(2024, 1, 2, 3, 4, 5, 500000)},
    {"u": uuid.UUID("2a3ef8a8-8fd2-4ee1-9a4f-5a3b0e8d9b77")},
    {"z": 1, "a": "b", "m": 2.5, "d": datetime.date(1999, 12, 31)},
]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_matches_datajoint_014(key):
    assert key_hash(key) == oracle_key_hash(key)


def test_text_is_sorted_concatenation():
    assert key_text({"b": 3, "a": 12}) == "123"
    assert key_text({"u": uuid.UUID(int=1)}) == "00000000-0000-0000-0000-000000000001"
    # concatenation without separators collides, exactly like 0.14: document, do not "fix"
    assert key_hash({"a": 1, "b": 23}) == key_hash({"a": 12, "b": 3})


DOC_TEXTS = [  # the rules of docs/jobs.md §3, one example per row of its table
    (datetime.timedelta(hours=-1), "-1 day, 23:00:00"),
    (datetime.timedelta(days=1, hours=2, minutes=3, seconds=4), "1 day, 2:03:04"),
    (datetime.timedelta(microseconds=500000), "0:00:00.500000"),
    (decimal.Decimal("0.00000010"), "1.0E-7"), (decimal.Decimal("0.00000000"), "0E-8"),
    (decimal.Decimal("1.50"), "1.50"), (1e-05, "1e-05"), (1e16, "1e+16"), (0.0001, "0.0001"),
    (datetime.datetime(2024, 1, 2, 3, 4, 5, 60), "2024-01-02 03:04:05.000060"),
]


@pytest.mark.parametrize("value,text", DOC_TEXTS, ids=[t for _, t in DOC_TEXTS])
def test_documented_texts(value, text):
    assert key_text({"v": value}) == text


def test_int_and_float_differ():
    assert key_hash({"a": 1}) != key_hash({"a": 1.0})


def test_hashes_of_fetched_keys_match_014(connection, schema_name):
    """Workers hash keys as fetched, so our fetch must give 0.14's value types for every PK type."""
    import datajoint

    import datajoint_interop as dj

    from .server_env import point_at_test_server

    schema = dj.Schema(schema_name("hashkeys"), connection=connection)

    @schema
    class Typed(dj.Manual):
        definition = """
        i: int unsigned
        s: varchar(16)
        d: date
        t: datetime(3)
        n: decimal(9,8)
        x: double
        u: uuid
        e: enum('a', 'b')
        """

    rows = [
        dict(i=1, s="rat", d="2024-01-02", t="2024-01-02 03:04:05.500", n="1.50", x=0.1,
             u=uuid.UUID("2a3ef8a8-8fd2-4ee1-9a4f-5a3b0e8d9b77"), e="a"),
        dict(i=4294967295, s="ünï", d="1999-12-31", t="2000-01-01 00:00:00", n="0.00000010", x=1e16,
             u=uuid.UUID(int=1), e="b"),
        dict(i=0, s="", d="2000-02-29", t="2000-01-01 00:00:00.001", n="0", x=-2.5e-300, u=uuid.UUID(int=2), e="a"),
    ]
    Typed.insert(rows)
    ours = sorted(key_hash(k) for k in Typed.fetch("KEY"))
    point_at_test_server(datajoint)
    oracle = datajoint.create_virtual_module("oracle_hashkeys", schema.database)
    theirs = sorted(oracle_key_hash(k) for k in oracle.Typed.fetch("KEY"))
    assert len(ours) == 3 and ours == theirs
