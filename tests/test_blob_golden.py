"""Golden vectors (tests/golden/blobs): exact bytes both ways, checked against the typed value
descriptions, which were written independently of the codec."""
import datetime  # noqa: F401  (used by eval of dj0 reprs)
import decimal  # noqa: F401
import glob
import json
import math
import os
import uuid  # noqa: F401

import numpy as np
import pytest

from datajoint_interop import blob
from datajoint_interop.blob import MatCell, MatChar, MatStruct

HERE = os.path.join(os.path.dirname(__file__), "golden", "blobs")
VECTORS = {os.path.basename(p)[:-5]: json.load(open(p, encoding="utf-8"))
           for p in sorted(glob.glob(os.path.join(HERE, "*.json")))}
NUMPY_OF = {"double": "f8", "single": "f4", "int8": "i1", "uint8": "u1", "int16": "i2",
            "uint16": "u2", "int32": "i4", "uint32": "u4", "int64": "i8", "uint64": "u8",
            "logical": "bool"}


def test_vector_set_is_complete():
    assert len(VECTORS) >= 90
    names = set(VECTORS)
    for must in ("compressed_zeros_1x200", "legacy32_double_1x2", "octave_char8_ascii_in_cell",
                 "char_emoji_surrogates", "struct_zero_fields_1x1", "sparse_complex", "dj0_uuid"):
        assert must in names


def _elem(x):
    if isinstance(x, str):
        return {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf, "-0": -0.0}.get(x, x)
    return x


def _same_float(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def expected_array(v):
    dt = np.dtype(NUMPY_OF[v["class"]])
    shape = tuple(v["dims"])
    if dt.kind in "iu":
        real = np.array([int(x) for x in v["real"]], dtype=dt)
    else:
        real = np.array([_elem(x) for x in v["real"]], dtype=dt)
    if "imag" not in v:
        return real.reshape(shape, order="F")
    if dt.kind in "iu":
        out = np.empty(real.size, dtype=[("re", dt), ("im", dt)])
        out["re"] = real
        out["im"] = np.array([int(x) for x in v["imag"]], dtype=dt)
        return out.reshape(shape, order="F")
    out = np.empty(real.size, dtype=np.complex64 if dt == np.float32 else np.complex128)
    out.real = real
    out.imag = np.array([_elem(x) for x in v["imag"]], dtype=dt)
    return out.reshape(shape, order="F")


def check_value(got, v, path="value"):
    """Assert that a decoded Python object matches typed description v."""
    cls = v["class"]
    if cls in NUMPY_OF:
        exp = expected_array(v)
        assert isinstance(got, np.ndarray), path
        assert got.shape == exp.shape and got.dtype == exp.dtype, (path, got.shape, got.dtype)
        assert got.flags.writeable, path
        if exp.dtype.names:
            for f in exp.dtype.names:
                assert np.array_equal(got[f], exp[f]), path
        elif exp.dtype.kind in "fc":
            for a, b in zip(got.ravel(order="F"), exp.ravel(order="F")):
                for pa, pb in ((a.real, b.real), (a.imag, b.imag)):
                    assert _same_float(float(pa), float(pb)), (path, a, b)
        else:
            assert np.array_equal(got, exp), path
    elif cls == "char":
        assert isinstance(got, str) and isinstance(got, MatChar), path
        assert got.dims == tuple(v["dims"]), (path, got.dims)
        units = np.array(v["utf16"], dtype="<u2").reshape(v["dims"], order="F")
        text = np.ascontiguousarray(units).tobytes().decode("utf-16-le", "surrogatepass")
        assert str(got) == text, path
        if "text" in v:
            assert got == v["text"], path
    elif cls == "struct":
        assert isinstance(got, MatStruct), path
        assert got.shape == tuple(v["dims"]), (path, got.shape)
        assert list(got.dtype.names or ()) == v["fields"], path
        flat = np.asarray(got).ravel(order="F")
        nf = len(v["fields"])
        for e in range(flat.size):
            for f, name in enumerate(v["fields"]):
                check_value(flat[e][name], v["values"][e * nf + f], f"{path}[{e}].{name}")
    elif cls == "cell":
        assert isinstance(got, MatCell) and got.dtype == object, path
        assert got.shape == tuple(v["dims"]), (path, got.shape)
        flat = np.asarray(got).ravel(order="F")
        assert flat.size == len(v["elements"])
        for k, (g, e) in enumerate(zip(flat, v["elements"])):
            check_value(g, e, f"{path}{{{k}}}")
    elif cls == "sparse":
        import scipy.sparse
        assert scipy.sparse.issparse(got), path
        assert got.shape == (v["rows"], v["cols"])
        dense = np.zeros(got.shape, dtype=bool if v["logical"] else
                         (complex if "imag" in v else float))
        for k, (i, j) in enumerate(zip(v["i"], v["j"])):
            dense[i, j] = _elem(v["real"][k]) + (1j * v["imag"][k] if "imag" in v else 0)
        assert got.dtype == dense.dtype
        assert np.array_equal(got.toarray(), dense), path
    else:
        raise AssertionError(f"unknown class {cls}")


def same_python(a, b):
    if isinstance(b, np.ndarray):
        return (type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape and
                all(same_python(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist()))
                if b.dtype == object else
                type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape and
                (np.array_equal(a.view("i8"), b.view("i8")) if b.dtype.kind == "M"   # NaT != NaT
                 else np.array_equal(a, b)))
    if isinstance(b, np.generic):
        return type(a) is type(b) and (a == b or (a != a and b != b))
    if isinstance(b, float):
        return type(a) is float and _same_float(a, b)
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_python, a, b))
    if isinstance(b, dict):
        return type(a) is dict and list(a) == list(b) and all(same_python(a[k], b[k]) for k in b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_decode(name):
    v = VECTORS[name]
    got = blob.unpack(bytes.fromhex(v["hex"]))
    if v["value"]["class"] == "python":
        expr = v["value"].get("decoded", v["value"]["repr"])
        assert same_python(got, eval(expr)), (got, expr)
    else:
        check_value(got, v["value"])


@pytest.mark.parametrize("name", sorted(n for n, v in VECTORS.items() if v.get("reencode", True)))
def test_reencode_exact(name):
    v = VECTORS[name]
    raw = bytes.fromhex(v["hex"])
    assert blob.pack(blob.unpack(raw), compress=False) == raw


@pytest.mark.parametrize("name", sorted(n for n, v in VECTORS.items()
                                        if v["value"]["class"] == "python" and "set" not in n))
def test_encode_dj0_from_python(name):
    v = VECTORS[name]
    assert blob.pack(eval(v["value"]["repr"]), compress=False).hex() == v["hex"]


@pytest.mark.parametrize("name", sorted(n for n, v in VECTORS.items() if not v.get("reencode", True)))
def test_decode_only_vectors_reencode_canonically(name):
    """Compressed, legacy and Octave-char vectors re-encode to the canonical 64-bit UTF-16 form,
    which decodes to the same value."""
    v = VECTORS[name]
    value = blob.unpack(bytes.fromhex(v["hex"]))
    again = blob.pack(value, compress=False)
    assert again[:4] == b"mYm\0"
    check_value(blob.unpack(again), v["value"])


def test_spec_15_7_hex():
    """The dj0 table of spec §15.7, literally."""
    table = {
        "None": "646a3000ff", "True": "646a30000b01", "-1": "646a30000a0100ff",
        "128": "646a30000a02008000", "-129": "646a30000a02007fff",
        "1.5": "646a30000d000000000000f83f", "-0.0": "646a30000d0000000000000080",
        "1-2j": "646a30000c000000000000f03f00000000000000c0",
        "'é'": "646a3000050200000000000000c3a9",
        "decimal.Decimal('1.50')": "646a3000640400000000000000312e3530",
        "datetime.date(2024,1,2)": "646a300074e6d63401ffffffffffffffff",
        "datetime.datetime(2024,1,2,3,4,5,6)": "646a300074e6d63401467b471407000000",
        "np.array([True, False])": "6d596d00410100000000000000020000000000000003000000000000000100",
    }
    for expr, hexstr in table.items():
        assert blob.pack(eval(expr)).hex() == hexstr, expr
        assert same_python(blob.unpack(bytes.fromhex(hexstr)), eval(expr)) or expr.startswith("np")


@pytest.mark.parametrize("name", sorted(n for n, v in VECTORS.items() if v.get("dims32")))
def test_legacy_vectors_are_detected_as_32_bit(name):
    from datajoint_interop import _blob
    header, compressed, dims32, _ = _blob.blob_info(bytes.fromhex(VECTORS[name]["hex"]))
    assert header == "mYm" and dims32
    assert compressed == name.endswith("compressed")


def from_matlab(v):
    """The reading rule for what MATLAB re-saves (docs/blobs.md, "dj0 values in MATLAB"): a 1x1
    struct is a dict, a struct array a list of dicts, a cell a list (column-major), a char a str,
    a 0x0 double None, a uint8 row bytes, a 1x1 numeric array its Python scalar; the values of a
    dict (a saved containers.Map) follow the same rule."""
    if isinstance(v, MatStruct):
        names = v.dtype.names or ()
        cols = {f: np.asarray(v[f]).ravel(order="F") for f in names}
        recs = [{f: from_matlab(cols[f][i]) for f in names} for i in range(v.size)]
        return recs[0] if v.size == 1 else recs
    if isinstance(v, MatCell):
        return [from_matlab(x) for x in v.ravel(order="F")]
    if isinstance(v, dict):   # a containers.Map, saved as a dict
        return {k: from_matlab(x) for k, x in v.items()}
    if isinstance(v, str):
        return str(v)
    if isinstance(v, np.ndarray):
        if v.size == 0 and v.dtype == np.float64:
            return None
        if v.dtype == np.uint8 and v.ndim == 2 and v.shape[0] == 1:
            return v.tobytes()
        if v.size == 1:
            return v.item()
    return v


DJ0_RESAVED = sorted(n for n, v in VECTORS.items() if "matlab_hex" in v)


def test_dj0_vectors_say_what_matlab_makes_of_them():
    """Every dj0 vector names its MATLAB value (or the error of a value with no MATLAB form)."""
    dj0 = [v for v in VECTORS.values() if v["value"]["class"] == "python"]
    assert len(dj0) >= 35
    assert all(("matlab_value" in v) != ("matlab_error" in v) for v in dj0)
    assert len(DJ0_RESAVED) >= 30


@pytest.mark.parametrize("name", DJ0_RESAVED)
def test_dj0_matlab_value_is_what_matlab_writes(name):
    """The MATLAB value of a dj0 vector is a MATLAB value: our codec reads its bytes (written by
    the independent writer, the same bytes the Octave test gets from the MEX) back to it."""
    v = VECTORS[name]
    raw = bytes.fromhex(v["matlab_hex"])
    if v["matlab_value"]["class"] == "containers.Map":   # saved as a dict of MATLAB values
        assert raw[:4] == b"dj0\0"
        got = blob.unpack(raw)
        m = v["matlab_value"]
        assert isinstance(got, dict) and len(got) == len(m["keys"])
        for x, want in zip(got.values(), m["values"]):
            check_value(x, want)
    else:
        assert raw[:4] == b"mYm\0"
        check_value(blob.unpack(raw), v["matlab_value"])
    assert blob.pack(blob.unpack(raw), compress=False) == raw


@pytest.mark.parametrize("name", DJ0_RESAVED)
def test_dj0_resaved_by_matlab_reads_back_equal(name):
    """Python -> MATLAB -> Python: what MATLAB re-saves reads back (reading rule above) to the
    original value, or to the documented form of types MATLAB has no twin for ("resaved")."""
    v = VECTORS[name]
    got = from_matlab(blob.unpack(bytes.fromhex(v["matlab_hex"])))
    want = eval(v["resaved"])
    assert got == want and type(got) is type(want), (got, want)
