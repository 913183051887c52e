"""Regenerate cases.json: each key's hash is computed by DataJoint 0.14's own key_hash (the oracle).

Run `python tests/golden/key_hash/make_cases.py` and review the diff before committing.
"""
import datetime
import decimal
import json
import os
import uuid

from datajoint.hash import key_hash as oracle_key_hash

# (attribute name, SQL type, Python value as fetch gives it, MATLAB value as mym gives it or None)
CASES = [
    [("animal_id", "int", 2, 2)],
    [("animal_id", "int", 1, 1), ("scan_idx", "smallint", 2, 2)],
    [("a", "int", 0, 0)],
    [("a", "bigint", -5, -5)],
    [("b", "bigint unsigned", 18446744073709551615, None)],
    [("x", "double", 0.1, "0.1")],
    [("x", "double", 1.0, "1")],
    [("x", "double", 1e-05, "1e-05")],
    [("x", "double", 1e16, "1e16")],
    [("x", "double", 1.5e16, "1.5e16")],
    [("x", "double", 0.0001, "0.0001")],
    [("x", "double", 123456789.125, "123456789.125")],
    [("x", "double", float("inf"), "Inf")],
    [("x", "double", -0.0, "-0")],
    [("x", "double", 2.5e-300, "2.5e-300")],
    [("x", "float", 0.5, "0.5")],
    [("s", "varchar(16)", "rat", "rat")],
    [("s", "varchar(16)", "ünïcødé ☃", "ünïcødé ☃")],
    [("s", "varchar(16)", "with space", "with space"), ("t", "varchar(8)", "two", "two")],
    [("s", "enum('a','b')", "b", "b")],
    [("d", "date", datetime.date(2024, 1, 2), "2024-01-02")],
    [("t", "datetime", datetime.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05")],
    [("t", "datetime(6)", datetime.datetime(2024, 1, 2, 3, 4, 5, 60), "2024-01-02 03:04:05.000060")],
    [("t", "datetime(3)", datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), "2024-01-02 03:04:05.500")],
    [("t", "time", datetime.timedelta(hours=26, minutes=3, seconds=4), "26:03:04")],
    [("t", "time", datetime.timedelta(hours=-1), "-01:00:00")],
    [("t", "time(6)", datetime.timedelta(microseconds=500000), "00:00:00.500000")],
    [("n", "decimal(4,2)", decimal.Decimal("1.50"), "1.50")],
    [("n", "decimal(9,8)", decimal.Decimal("0E-8"), "0.00000000")],
    [("n", "decimal(9,8)", decimal.Decimal("1.0E-7"), "0.00000010")],
    [("n", "decimal(6,3)", decimal.Decimal("-12.345"), "-12.345")],
    [("n", "decimal(4,0)", decimal.Decimal("12"), "12")],
    [("n", "decimal(5,3)", decimal.Decimal("-0.005"), "-0.005")],
    [("u", "uuid", uuid.UUID("2a3ef8a8-8fd2-4ee1-9a4f-5a3b0e8d9b77"), "2a3ef8a8-8fd2-4ee1-9a4f-5a3b0e8d9b77")],
    [("z", "int", 1, 1), ("a", "varchar(4)", "b", "b"), ("m", "double", 2.5, "2.5"),
     ("d", "date", datetime.date(1999, 12, 31), "1999-12-31")],
]


def tagged(value):
    """The Python value as JSON: {type: text}, so the test rebuilds exactly the fetched type."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, decimal.Decimal, datetime.date,
                                                         datetime.timedelta, uuid.UUID)):
        raise TypeError(value)
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"timedelta_us": value // datetime.timedelta(microseconds=1)}
    for kind in (int, float, str):
        if type(value) is kind:
            return {kind.__name__: repr(value) if kind is float else value}
    return {type(value).__name__.lower(): str(value)}


def main():
    out = []
    for case in CASES:
        key = {name: value for name, _, value, _ in case}
        out.append(dict(
            key=[dict(name=n, sql_type=t, python=tagged(v), **({} if m is None else dict(matlab=m)))
                 for n, t, v, m in case],
            hash=oracle_key_hash(key)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
