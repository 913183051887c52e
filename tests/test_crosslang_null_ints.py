"""NULL in integer columns of every width across languages (issue 17 follow-up): Python inserts
NULLs and the extremes of each type, Octave reads them as mym gives them (TINYINT..INT: double
columns with NaN; BIGINT: int64/uint64, and a NULL there is mym's error unless
dj.config('queryBigint_to_double') makes the column double with NaN). Octave writes the same
values back ([] for NULL) and Python reads None and the exact integers."""
import datajoint_interop as dj

from .test_crosslang_support import read_json, run_octave, write_class, write_get_schema

WIDTHS = {"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "bigint": 64}


def _definition():
    lines = ["# every integer width", "id : int", "---"]
    for w in WIDTHS:
        lines += [f"{w}_s = null : {w}", f"{w}_u = null : {w} unsigned"]
    return "\n".join(lines)


def _extremes(offset=0):
    row = {}
    for w, bits in WIDTHS.items():
        row[f"{w}_s"] = 2 ** (bits - 1) - 1 - offset
        row[f"{w}_u"] = 2 ** bits - 1 - offset
    return row


def test_python_nulls_read_by_octave_and_back(connection, schema_name, tmp_path):
    db = schema_name("xnull")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Ints(dj.Manual):
        definition = _definition()

    Ints.insert1(dict(id=1, **_extremes()))
    Ints.insert1(dict(id=2, **{k: None for k in _extremes()}))

    write_get_schema(tmp_path, "xn", db)
    write_class(tmp_path, "xn", "Ints", _definition(), "dj.Manual")
    run_octave(tmp_path, "nullints", r"""
w = {'tinyint', 'smallint', 'mediumint', 'int'};
bits = [8 16 24 32];
r.narrow_ok = true;
for flag = [false true]
    dj.config('queryBigint_to_double', flag);
    for k = 1:numel(w)
        [s, u] = fetchn(xn.Ints, [w{k} '_s'], [w{k} '_u'], 'ORDER BY id');
        one = fetch(xn.Ints & struct('id', 2), [w{k} '_s']);
        ok = isa(s, 'double') && isequal(size(s), [2 1]) && s(1) == 2^(bits(k)-1) - 1 && isnan(s(2)) && ...
             isa(u, 'double') && u(1) == 2^bits(k) - 1 && isnan(u(2)) && isnan(one.([w{k} '_s']));
        r.narrow_ok = r.narrow_ok && ok;
    end
end
dj.config('queryBigint_to_double', false);
v = fetch(xn.Ints & 'id = 1', 'bigint_s', 'bigint_u');
r.bigint_exact = isa(v.bigint_s, 'int64') && v.bigint_s == intmax('int64') && ...
    isa(v.bigint_u, 'uint64') && v.bigint_u == intmax('uint64');
try
    fetch1(xn.Ints & 'id = 2', 'bigint_u');
    r.null_error = 'none';
catch err
    r.null_error = err.message;
    r.null_id = err.identifier;
end
dj.config('queryBigint_to_double', true);
[bs, bu] = fetchn(xn.Ints, 'bigint_s', 'bigint_u', 'ORDER BY id');
r.flag_nan = isa(bs, 'double') && isnan(bs(2)) && bs(1) == 2^63 && isnan(bu(2)) && bu(1) == 2^64;
t = fetch(xn.Ints, 'bigint_s', 'ORDER BY id', 'table');
r.flag_table = isa(t.bigint_s, 'double') && isnan(t.bigint_s(2));
dj.config('queryBigint_to_double', false);
% write back: extremes minus one from Octave's integer classes, and NULLs as []
row = struct('id', 3);
nulls = struct('id', 4);
for k = 1:numel(w)
    row.([w{k} '_s']) = 2^(bits(k)-1) - 2;
    row.([w{k} '_u']) = 2^bits(k) - 2;
    nulls.([w{k} '_s']) = [];
    nulls.([w{k} '_u']) = [];
end
row.bigint_s = intmax('int64') - 1;
row.bigint_u = intmax('uint64') - 1;
nulls.bigint_s = [];
nulls.bigint_u = [];
insert(xn.Ints, row);
insert(xn.Ints, nulls);
write_json('result.json', r);
""")
    r = read_json(tmp_path / "result.json")
    assert r["narrow_ok"], r
    assert r["bigint_exact"], r
    assert "Invalid value NULL in a BIGINT column." in r["null_error"] and r["null_id"] == "DataJoint:query", r
    assert r["flag_nan"] and r["flag_table"], r

    back = {row["id"]: row for row in Ints.fetch(as_dict=True)}
    assert {k: int(v) for k, v in back[3].items() if k != "id"} == _extremes(offset=1)
    assert all(v is None for k, v in back[4].items() if k != "id"), back[4]
