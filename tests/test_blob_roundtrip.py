"""Round trips through our codec (hypothesis) and the Python-side semantics of pack/unpack."""
import datetime
import decimal
import math
import uuid

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from datajoint_interop import blob
from datajoint_interop.blob import MatCell, MatChar, MatStruct
from datajoint_interop.errors import BlobError, DataJointError

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NUMERIC = ["f8", "f4", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "c16", "c8", "?"]
FIELD = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


def matlab_arrays(min_dims=2, max_dims=3):
    return st.sampled_from(NUMERIC).flatmap(lambda dt: hnp.arrays(
        np.dtype(dt), hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0,
                                       max_side=4)))


texts = st.text(st.characters(codec="utf-16", exclude_categories=("Cs",)), max_size=12)


def mat_struct(children, max_fields=3):
    @st.composite
    def build(draw):
        names = draw(st.lists(FIELD, max_size=max_fields, unique=True))
        shape = draw(st.sampled_from([(1, 1), (1, 2), (2, 1), (0, 0), (1, 3), (2, 2)]))
        arr = np.empty(shape, dtype=[(n, object) for n in names])
        flat = np.empty(int(np.prod(shape)), dtype=arr.dtype)
        for e in range(flat.size):
            for n in names:
                flat[n][e] = draw(children)
        return flat.reshape(shape, order="F").view(MatStruct)
    return build()


def mat_cell(children):
    @st.composite
    def build(draw):
        shape = draw(st.sampled_from([(1, 1), (1, 2), (2, 1), (0, 0), (1, 0), (2, 2)]))
        flat = np.empty(int(np.prod(shape)), dtype=object)
        for k in range(flat.size):
            flat[k] = draw(children)
        return flat.reshape(shape, order="F").view(MatCell)
    return build()


def matchars():
    return texts.map(lambda s: MatChar(s, (1, len(s.encode("utf-16-le")) // 2) if s else (0, 0)))


matlab_values = st.recursive(
    matlab_arrays() | matchars(),
    lambda kids: mat_struct(kids) | mat_cell(kids),
    max_leaves=12)

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.complex_numbers() |
           st.text(max_size=10) | st.binary(max_size=10) |
           st.decimals(allow_nan=False, allow_infinity=False, places=3) |
           st.datetimes() | st.dates() | st.times() | st.uuids() |
           st.integers(-2**63, 2**63 - 1).map(np.int64) | st.floats().map(np.float64) |
           st.booleans().map(np.bool_))

dj0_values = st.recursive(
    scalars | matlab_arrays(1, 2),
    lambda kids: (st.lists(kids, max_size=4) | st.lists(kids, max_size=4).map(tuple) |
                  st.dictionaries(st.text(max_size=5) | st.integers(), kids, max_size=4)),
    max_leaves=15)


def deep_equal(a, b):
    """Exact equality: type, dtype, shape, NaN == NaN, sign of zero for real floats."""
    if isinstance(b, MatChar):
        return isinstance(a, MatChar) and str(a) == str(b) and a.dims == b.dims
    if isinstance(b, np.ndarray):
        if not (type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape):
            return False
        if b.dtype == object or b.dtype.names:
            return all(deep_equal(x, y) for x, y in zip(np.asarray(a).ravel(), np.asarray(b).ravel()))
        if b.dtype.kind in "fc":
            return np.array_equal(a, b, equal_nan=True) and np.array_equal(
                np.signbit(a.real), np.signbit(b.real))
        return np.array_equal(a, b)
    if isinstance(b, np.void):
        return all(deep_equal(a[n], b[n]) for n in b.dtype.names)
    if isinstance(b, np.generic):
        return type(a) is type(b) and (a == b or (a != a and b != b))
    if isinstance(b, float):
        return type(a) is float and (a == b and math.copysign(1, a) == math.copysign(1, b)
                                     or (a != a and b != b))
    if isinstance(b, complex):
        return type(a) is complex and deep_equal(a.real, b.real) and deep_equal(a.imag, b.imag)
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(deep_equal, a, b))
    if isinstance(b, dict):
        return (type(a) is dict and list(a) == list(b)
                and all(deep_equal(a[k], b[k]) for k in b))
    return type(a) is type(b) and a == b


@FAST
@given(matlab_values)
def test_matlab_values_round_trip_and_reencode_identically(value):
    raw = blob.pack(value, compress=False)
    assert raw[:4] == b"mYm\0"
    back = blob.unpack(raw)
    assert deep_equal(back, value)
    assert blob.pack(back, compress=False) == raw


@FAST
@given(dj0_values)
def test_python_values_round_trip(value):
    back = blob.unpack(blob.pack(value))
    expected = value
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind not in "OUM":
        expected = value  # 1-d arrays stay 1-d (ndims = 1, as 0.14 writes)
    assert deep_equal(back, expected)


@FAST
@given(st.sets(st.integers() | st.text(max_size=4), max_size=6))
def test_sets(value):
    assert blob.unpack(blob.pack(value)) == value


def test_arrays_decode_writeable_and_fortran():
    a = np.arange(24.0).reshape(2, 3, 4)
    for src in (blob.pack(a), bytearray(blob.pack(a)), memoryview(blob.pack(a))):
        b = blob.unpack(src)
        assert b.flags.writeable and b.flags.f_contiguous and np.array_equal(a, b)
        b[0, 0, 0] = 7  # no shared memory with the input
    big = np.random.default_rng(0).standard_normal(100_000)
    raw = blob.pack(big)
    out = blob.unpack(raw)
    assert np.array_equal(out, big)
    out[:] = 0
    assert np.array_equal(blob.unpack(raw), big)


def test_squeeze_semantics():
    assert blob.unpack(blob.pack(np.array([[5.0]])), squeeze=True) == 5.0
    assert type(blob.unpack(blob.pack(np.array([[5]], dtype=np.int32)), squeeze=True)) is int
    v = blob.unpack(blob.pack(np.array([[1.0, 2.0, 3.0]])), squeeze=True)
    assert v.shape == (3,)
    s = np.empty((1, 1), dtype=[("x", object)]).view(MatStruct)
    s[0, 0]["x"] = np.array([[1.0]])
    sq = blob.unpack(blob.pack(s), squeeze=True)
    assert isinstance(sq, MatStruct) and sq.shape == () and sq["x"][()] == 1.0
    c = MatCell(np.empty((1, 1), dtype=object).shape, dtype=object)
    c[0, 0] = np.array([[2.0]])
    cs = blob.unpack(blob.pack(c), squeeze=True)
    assert isinstance(cs, MatCell) and cs.shape == () and cs[()] == 2.0


def test_cells_keep_their_shape_whatever_the_elements():
    # the cases DataJoint 0.14 gets wrong (spec §13 D1-D3)
    def cell(*items, shape=None):
        flat = np.empty(len(items), dtype=object)
        for k, it in enumerate(items):
            flat[k] = it
        return flat.reshape(shape or (1, len(items)), order="F").view(MatCell)
    cases = [cell(np.array([[1.0]]), MatChar("a", (1, 1))),
             cell(np.array([[1.0, 2.0, 3.0]])),
             cell(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])),
             cell(np.zeros((0, 0)), np.zeros((0, 0))),
             cell(np.array([[1.0]]), np.array([[2.0]]))]
    for c in cases:
        back = blob.unpack(blob.pack(c))
        assert isinstance(back, MatCell) and back.dtype == object and back.shape == c.shape
        assert deep_equal(back, c)


def test_structs_keep_shape_with_zero_fields_or_elements():
    for shape in ((1, 1), (0, 0), (2, 3)):
        s = np.empty(shape, dtype=[]).view(MatStruct)
        back = blob.unpack(blob.pack(s))
        assert isinstance(back, MatStruct) and back.shape == shape and back.dtype.names in ((), None)
    e = np.empty((0, 0), dtype=[("a", object), ("b", object)]).view(MatStruct)
    back = blob.unpack(blob.pack(e))
    assert back.shape == (0, 0) and back.dtype.names == ("a", "b")


def test_strings_inside_matlab_containers_stay_matlab_chars():
    s = np.empty((1, 1), dtype=[("name", object), ("n", object)]).view(MatStruct)
    s[0, 0]["name"] = "héllo 😀"          # a plain Python str, e.g. edited by a user
    s[0, 0]["n"] = np.array([[3.0]])
    raw = blob.pack(s)
    assert raw[:4] == b"mYm\0"            # MATLAB can read it
    back = blob.unpack(raw)
    assert back[0, 0]["name"] == "héllo 😀" and back[0, 0]["name"].dims == (1, 8)
    # at top level a plain str is Python text (dj0), as in DataJoint 0.14
    assert blob.pack("abc")[:4] == b"dj0\0"
    assert blob.pack(MatChar("abc", (1, 3)))[:4] == b"mYm\0"


def test_char_matrix_rows():
    m = MatChar("abcdef", (2, 3))
    back = blob.unpack(blob.pack(m))
    assert back.dims == (2, 3) and back.rows() == ["abc", "def"]
    with pytest.raises(BlobError, match="does not fit"):
        blob.pack(MatChar("abcde", (2, 3)))


def test_complex_integers_keep_class_and_precision():
    v = np.empty((1, 2), dtype=[("re", "i8"), ("im", "i8")])
    v["re"] = [2**62 + 1, -5]
    v["im"] = [-(2**62) - 3, 7]
    raw = blob.pack(v)
    assert raw[:4] == b"mYm\0" and raw[29:37] == bytes([14, 0, 0, 0, 1, 0, 0, 0])
    assert deep_equal(blob.unpack(raw), v)


def test_sparse_round_trip():
    import scipy.sparse as sp
    m = sp.csc_matrix(np.array([[0, 2.5], [3, 0], [0, -1]]))
    back = blob.unpack(blob.pack(m))
    assert (back != m).nnz == 0 and back.dtype == np.float64
    lm = sp.csc_matrix(np.array([[True, False], [False, True]]))
    assert blob.unpack(blob.pack(lm)).dtype == np.bool_
    cm = sp.csr_matrix(np.array([[1 + 2j, 0], [0, -1j]]))
    assert np.array_equal(blob.unpack(blob.pack(cm)).toarray(), cm.toarray())


def test_compression_rules():
    zeros = np.zeros((1, 200))
    raw = blob.pack(zeros)
    assert raw[:6] == b"ZL123\0" and int.from_bytes(raw[6:14], "little") == 1637
    assert np.array_equal(blob.unpack(raw), zeros)
    assert blob.pack(zeros, compress=False)[:4] == b"mYm\0"
    # incompressible data is stored plain by both rules
    noise = np.random.default_rng(1).integers(0, 256, (1, 5000), dtype=np.uint8)
    assert blob.pack(noise)[:4] == b"mYm\0"
    # a blob that saves a little (ratio between 1.0 and 1.1) is compressed only by the Python rule
    rng = np.random.default_rng(2)
    part = np.concatenate([rng.integers(0, 256, 4300, dtype=np.uint8), np.zeros(500, np.uint8)])
    arr = part.reshape(1, -1)
    plain_len = len(blob.pack(arr, compress=False))
    py = blob.pack(arr, compress="python")
    assert py[:6] == b"ZL123\0" and plain_len / len(py) < 1.1
    assert blob.pack(arr, compress="matlab")[:4] == b"mYm\0"
    assert blob.pack(arr)[:4] == b"mYm\0"           # mYm header -> MATLAB's rule
    with pytest.raises(BlobError):
        blob.pack(arr, compress="sometimes")


def test_compress_setting():
    from datajoint_interop.settings import config
    old = config["blob.compress"]
    try:
        config["blob.compress"] = False
        assert blob.pack(np.zeros((1, 200)))[:4] == b"mYm\0"
        assert blob.pack(np.zeros((1, 200)), compress=True)[:6] == b"ZL123\0"
        config["blob.compress"] = True
        assert blob.pack(np.zeros((1, 200)))[:6] == b"ZL123\0"
    finally:
        config["blob.compress"] = old


def test_native_blobs_setting():
    from datajoint_interop.settings import config
    old = config["enable_python_native_blobs"]
    try:
        config["enable_python_native_blobs"] = False
        assert blob.pack(np.ones((2, 2)))[:4] == b"mYm\0"
        with pytest.raises(DataJointError, match="enable_python_native_blobs"):
            blob.pack({"a": 1})
    finally:
        config["enable_python_native_blobs"] = old


def test_python_scalars_and_objects():
    values = [None, True, -(2**200), 0, 2**63, 1.5, -0.0, complex(1, -0.0), "é", b"\0",
              decimal.Decimal("-1.50E+3"), datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
              datetime.date(1, 1, 1), datetime.time(23, 59, 59, 999999),
              uuid.UUID(int=2**128 - 1), [1, [2, (3, {"a": None})]], {}, (), [],
              np.datetime64("2024-01-02T03:04:05.123456789", "ns"),
              np.array(["x", "yz"]), np.array([1, "a", None], dtype=object),
              np.array([(1.0, 2)], dtype=[("x", "f8"), ("y", "i8")]).view(np.recarray)]
    for v in values:
        back = blob.unpack(blob.pack(v))
        if isinstance(v, np.ndarray) and v.dtype.kind == "U":
            assert back.dtype == object and list(back) == list(v)
        else:
            assert deep_equal(back, v), (v, back)


def test_large_blobs_compress_to_one_standard_zlib_stream():
    """Blobs >= 4 MiB are deflated on two threads; the result must be a plain zlib stream."""
    import zlib
    rng = np.random.default_rng(3)
    for arr in (np.cumsum(rng.integers(-3, 4, 700_000)).astype(np.float64),
                rng.integers(0, 4, (2000, 1100)).astype(np.int16)):
        raw = blob.pack(arr)
        assert raw[:6] == b"ZL123\0"
        plain = zlib.decompress(raw[14:])
        assert plain == blob.pack(arr, compress=False)
        assert int.from_bytes(raw[6:14], "little") == len(plain)
        assert np.array_equal(blob.unpack(raw), arr)
        assert blob.pack(arr) == raw            # deterministic
