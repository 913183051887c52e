"""dj.blob.matlab_compatible (issue 18 item 3): MATLAB-native bytes on request, and the warning
when an insert writes dj0 into a schema that config['blob.matlab_schemas'] shares with MATLAB."""
import datetime
import decimal
import uuid
import warnings

import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop import blob
from datajoint_interop.blob import MatCell, MatChar, MatStruct, MatlabBlobWarning, matlab_compatible
from datajoint_interop.errors import BlobError, DataJointError

from .test_crosslang_support import run_octave

# values whose dj0 form the MATLAB toolbox reads (docs/blobs.md): the converted value must give
# the same MATLAB value as the dj0 one, but in mYm bytes
VALUES = {
    "float": 1.5,
    "int": -7,
    "uint64": 2**63 + 5,
    "bool": True,
    "complex": 1 - 2j,
    "str": "héllo 😀",
    "empty_str": "",
    "none": None,
    "list": [1.0, "x", None, [2, 3]],
    "empty_list": [],
    "tuple": (1, 2.5),
    "set": {3, 1, 2},
    "dict": {"a": 1.25, "b": {"c": "deep"}, "d": [True, False]},
    "bytes": b"\x00\x01\xff",
    "decimal": decimal.Decimal("3.25"),
    "decimal_text": decimal.Decimal("1.23456789012345678901"),
    "date": datetime.date(2024, 1, 2),
    "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "str_array": np.array(["ab", "c"]),
    "object_array": np.array([1, "two", None], dtype=object),
    "np_scalar": np.int16(-3),
    "cell_of_dicts": np.array([[{"k": 1}, "text"]], dtype=object).view(MatCell),
}


def header(raw):
    return raw[:4]


@pytest.mark.parametrize("name", sorted(VALUES))
def test_converted_values_pack_as_mym(name):
    value = VALUES[name]
    converted = matlab_compatible(value)
    assert header(blob.pack(converted, compress=False)) == b"mYm\0"
    if not isinstance(value, (np.ndarray, np.generic)):
        assert header(blob.pack(value, compress=False)) == b"dj0\0"  # the default is unchanged


def test_conversion_table():
    m = matlab_compatible
    assert m(1.5).shape == (1, 1) and m(1.5).dtype == np.float64
    assert m(-7).dtype == np.int64 and m(2**63).dtype == np.uint64
    assert m(True).dtype == np.bool_ and m(1j).dtype == np.complex128
    assert type(m("ab")) is MatChar and m("ab").dims == (1, 2) and m("").dims == (0, 0)
    assert m(None).shape == (0, 0)
    assert m([]).shape == (0, 0) and isinstance(m([]), MatCell)
    cell = m([1, "x"])
    assert isinstance(cell, MatCell) and cell.shape == (1, 2) and cell[0, 1] == "x"
    assert [int(v[0, 0]) for v in m({3, 1, 2})[0]] == [1, 2, 3]
    st = m({"a": 1, "b": "t"})
    assert isinstance(st, MatStruct) and st.shape == (1, 1) and st.dtype.names == ("a", "b")
    assert m(b"ab").tolist() == [[97, 98]] and m(b"ab").dtype == np.uint8
    assert m(decimal.Decimal("2.5"))[0, 0] == 2.5
    assert m(decimal.Decimal("1.23456789012345678901")) == "1.23456789012345678901"
    assert m(datetime.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05"
    assert m(np.array(["ab", "c"])).shape == (2, 1)
    assert m(np.array(["2024-01-02"], dtype="datetime64[D]"))[0, 0] == "2024-01-02"
    arr = np.arange(6.0).reshape(2, 3)
    assert m(arr) is arr  # already MATLAB's
    rec = np.array([(1, "x")], dtype=[("n", "i4"), ("s", "U3")])
    converted = m(rec)
    assert isinstance(converted, MatStruct) and converted.shape == (1, 1)
    assert converted["s"][0, 0] == "x"
    mc = np.empty((2, 1), dtype=object)
    mc[0, 0], mc[1, 0] = 1.0, {"z": None}
    out = m(mc.view(MatCell))
    assert out.shape == (2, 1) and isinstance(out[1, 0], MatStruct)


def test_round_trip_in_python_reads_the_mym_forms():
    value = {"a": 1.5, "b": ["x", 2], "c": None}
    back = blob.unpack(blob.pack(matlab_compatible(value)))
    assert isinstance(back, MatStruct)
    assert back["a"][0, 0].tolist() == [[1.5]]
    assert back["b"][0, 0][0, 0] == "x" and back["b"][0, 0][0, 1].tolist() == [[2]]
    assert back["c"][0, 0].shape == (0, 0)


@pytest.mark.parametrize("value, match", [
    ({"not a field": 1}, r"value: dict key 'not a field' is not a MATLAB field name"),
    ({1: 2}, "dict key 1"),
    ([1, {"x": [0, 2**70]}], r"value\{2\}\.x\{2\}: int .* outside the int64 and uint64"),
    (object(), "has no MATLAB form"),
    ({"_x": 1}, "not a MATLAB field name"),
])
def test_values_without_matlab_form_are_refused_with_their_position(value, match):
    with pytest.raises(BlobError, match=match):
        matlab_compatible(value)


def test_octave_reads_the_converted_bytes_as_the_dj0_value(tmp_path):
    """The MEX decodes dj0 into MATLAB values; the converted mYm bytes must give equal values."""
    lines = []
    for k, name in enumerate(sorted(VALUES)):
        dj0 = blob.pack(VALUES[name], compress=False)
        mym = blob.pack(matlab_compatible(VALUES[name]), compress=False)
        assert header(mym) == b"mYm\0"
        lines.append(f"pairs{{{k + 1}, 1}} = '{name}'; pairs{{{k + 1}, 2}} = '{dj0.hex()}'; "
                     f"pairs{{{k + 1}, 3}} = '{mym.hex()}';")
    body = "\n".join(lines) + """
bad = {};
for k = 1:size(pairs, 1)
    a = mym('deserialize', uint8(hex2dec(reshape(pairs{k, 2}, 2, [])')'));
    b = mym('deserialize', uint8(hex2dec(reshape(pairs{k, 3}, 2, [])')'));
    if ~isequal(a, b) || ~strcmp(class(a), class(b)) || ~isequal(size(a), size(b))
        bad{end + 1} = pairs{k, 1};
    end
end
write_json('bad.json', bad);
"""
    run_octave(tmp_path, "matlab_compatible", body)
    import json
    assert json.loads((tmp_path / "bad.json").read_text()) == []


# ------------------------------------------------------------------------------------------
# the warning
# ------------------------------------------------------------------------------------------
@pytest.fixture
def shared_setting():
    saved = dj.config["blob.matlab_schemas"]
    yield
    dj.config["blob.matlab_schemas"] = saved


def test_setting_is_validated(shared_setting):
    for bad in ("lab", ["lab", 3], [""], 5):
        with pytest.raises(DataJointError, match="blob.matlab_schemas"):
            dj.config["blob.matlab_schemas"] = bad
    dj.config["blob.matlab_schemas"] = ["a", "b"]
    assert dj.config["blob.matlab_schemas"] == ("a", "b")
    dj.config["blob.matlab_schemas"] = None
    assert dj.config["blob.matlab_schemas"] == ()


def _blob_table(connection, name):
    schema = dj.Schema(name, connection=connection)

    @schema
    class Stored(dj.Manual):
        definition = """
        k : int
        ---
        v : longblob
        """
    return schema, Stored


def _caught(fn):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        fn()
    return [w for w in seen if issubclass(w.category, MatlabBlobWarning)]


def test_dj0_insert_into_a_shared_schema_warns_once(connection, schema_name, shared_setting):
    name = schema_name("shared")
    schema, Stored = _blob_table(connection, name)
    dj.config["blob.matlab_schemas"] = [name]
    first = _caught(lambda: Stored.insert1({"k": 1, "v": {"a": 1}}))
    assert len(first) == 1
    text = str(first[0].message)
    assert "dj0" in text and name in text and "`v`" in text and "matlab_compatible" in text
    assert _caught(lambda: Stored.insert1({"k": 2, "v": [1, 2]})) == []  # once per attribute
    assert _caught(lambda: Stored.insert1({"k": 3, "v": matlab_compatible({"a": 1})})) == []
    assert (Stored & {"k": 1}).fetch1("v") == {"a": 1}  # the value is stored all the same
    schema.drop(force=True)


def test_no_warning_for_mym_values_or_unshared_schemas(connection, schema_name, shared_setting):
    name = schema_name("alone")
    schema, Stored = _blob_table(connection, name)
    dj.config["blob.matlab_schemas"] = [name + "_other"]
    assert _caught(lambda: Stored.insert1({"k": 1, "v": {"a": 1}})) == []
    dj.config["blob.matlab_schemas"] = ["*"]
    assert _caught(lambda: Stored.insert1({"k": 2, "v": np.arange(3.0)})) == []
    assert len(_caught(lambda: Stored.insert1({"k": 3, "v": "text"}))) == 1  # '*': every schema
    schema.drop(force=True)


def test_dj0_into_an_external_blob_of_a_shared_schema_warns_once(connection, schema_name,
                                                                 shared_setting, tmp_path):
    """blob@store attributes are checked like in-row blobs: MATLAB fetches those objects too."""
    saved_stores = dj.config["stores"]
    dj.config["stores"] = {"shared": {"protocol": "file", "location": str(tmp_path)}}
    try:
        name = schema_name("shared_ext")
        schema = dj.Schema(name, connection=connection)

        @schema
        class Outside(dj.Manual):
            definition = """
            k : int
            ---
            v : blob@shared
            w = null : blob@shared
            """
        dj.config["blob.matlab_schemas"] = [name + "_other"]
        assert _caught(lambda: Outside.insert1({"k": 0, "v": {"a": 0}})) == []
        dj.config["blob.matlab_schemas"] = [name]
        first = _caught(lambda: Outside.insert1({"k": 1, "v": {"a": 1}, "w": np.arange(2.0)}))
        assert len(first) == 1
        text = str(first[0].message)
        assert "dj0" in text and name in text and "`v`" in text and "matlab_compatible" in text
        assert _caught(lambda: Outside.insert1({"k": 2, "v": [1, 2]})) == []  # once per attribute
        assert len(_caught(lambda: Outside.insert1({"k": 3, "v": np.ones(2), "w": "x"}))) == 1
        assert _caught(lambda: Outside.insert1({"k": 4, "v": matlab_compatible({"a": 1}),
                                                "w": matlab_compatible([1.5])})) == []
        assert (Outside & {"k": 1}).fetch1("v") == {"a": 1}  # stored all the same
        assert (Outside & {"k": 3}).fetch1("w") == "x"
        schema.drop(force=True)
    finally:
        dj.config["stores"] = saved_stores
