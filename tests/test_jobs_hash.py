"""key_hash must equal DataJoint 0.14's for every value type a key can hold (docs/jobs.md §3)."""
import datetime
import decimal
import json
import pathlib
import uuid

import pytest
from datajoint.hash import key_hash as oracle_key_hash

from datajoint_interop.hash import key_hash, key_text

GOLDEN = pathlib.Path(__file__).parent / "golden" / "key_hash" / "cases.json"


def _value(tagged):
    """A golden case's Python value, rebuilt with the type fetch gives it."""
    (kind, text), = tagged.items()
    return {"int": int, "str": str, "float": float, "decimal": decimal.Decimal, "uuid": uuid.UUID,
            "date": datetime.date.fromisoformat, "datetime": datetime.datetime.fromisoformat,
            "timedelta_us": lambda us: datetime.timedelta(microseconds=us)}[kind](text)


CASES = [({a["name"]: _value(a["python"]) for a in case["key"]}, case["hash"])
         for case in json.loads(GOLDEN.read_text(encoding="utf-8"))]


def test_golden_cases_cover_every_kind():
    kinds = {next(iter(a["python"])) for case in json.loads(GOLDEN.read_text(encoding="utf-8")) for a in case["key"]}
    assert kinds == {"int", "str", "float", "decimal", "uuid", "date", "datetime", "timedelta_us"}
    assert len(CASES) >= 30


@pytest.mark.parametrize("key,expected", CASES, ids=[repr(k) for k, _ in CASES])
def test_golden_cases(key, expected):
    """The shared cases (also run by matlab/tests/test_dj_key_hash.m) hash as recorded, and as 0.14 hashes."""
    assert key_hash(key) == expected
    assert oracle_key_hash(key) == expected


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
