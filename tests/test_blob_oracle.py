"""Cross-check against DataJoint for Python 0.14 (`datajoint.blob`, the test oracle).

Bytes must be identical where 0.14 is correct; every deliberate difference is an explicit test
below and is listed in docs/blobs.md ("Differences from DataJoint 0.14").
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from datajoint_interop import blob
from datajoint_interop.blob import MatCell, MatChar, MatStruct
from datajoint_interop.errors import BlobError

from tests.test_blob_roundtrip import FIELD, NUMERIC, deep_equal, dj0_values

import datajoint.blob as djb  # the oracle: a test extra, required

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ascii_chars = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=8)


def arrays(min_dims=2):
    return st.sampled_from(NUMERIC).flatmap(lambda dt: hnp.arrays(
        np.dtype(dt), hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=0, max_side=4),
        elements=None if np.dtype(dt).kind != "c" else
        st.complex_numbers(allow_nan=False, allow_infinity=False, width=np.dtype(dt).itemsize * 8)))


def structs(children):
    @st.composite
    def build(draw):
        names = draw(st.lists(FIELD, min_size=1, max_size=3, unique=True))
        shape = draw(st.sampled_from([(1, 1), (1, 2), (2, 1), (0, 0), (2, 2)]))
        flat = np.empty(int(np.prod(shape)), dtype=[(n, object) for n in names])
        for e in range(flat.size):
            for n in names:
                flat[n][e] = draw(children)
        return flat.reshape(shape, order="F").view(MatStruct)
    return build()


def cells(children):
    @st.composite
    def build(draw):
        shape = draw(st.sampled_from([(1, 1), (1, 2), (2, 1), (0, 0), (2, 2)]))
        flat = np.empty(int(np.prod(shape)), dtype=object)
        for k in range(flat.size):
            flat[k] = draw(children)
        return flat.reshape(shape, order="F").view(MatCell)
    return build()


matlab_values = st.recursive(arrays() | ascii_chars.map(lambda s: MatChar(s, (1, len(s)))),
                             lambda kids: structs(kids) | cells(kids), max_leaves=10)


def to_oracle(v):
    """The same value spelled with 0.14's types (S1 chars, datajoint MatCell/MatStruct)."""
    if isinstance(v, MatChar):
        return np.array([[c.encode("latin-1") for c in str(v)]], dtype="S1")
    if isinstance(v, MatCell):
        flat = np.empty(v.size, dtype=object)
        for k, x in enumerate(np.asarray(v).ravel()):
            flat[k] = to_oracle(x)
        return flat.reshape(v.shape).view(djb.MatCell)
    if isinstance(v, MatStruct):
        out = np.empty(v.shape, dtype=v.dtype)
        for idx in np.ndindex(v.shape):
            for n in v.dtype.names:
                out[idx][n] = to_oracle(v[idx][n])
        return out.view(djb.MatStruct)
    return v


@FAST
@given(matlab_values)
def test_matlab_values_have_identical_bytes(value):
    assert blob.pack(value, compress=False) == djb.pack(to_oracle(value), compress=False)


@FAST
@given(arrays(min_dims=1) | structs(arrays()))
def test_oracle_reads_our_arrays_and_structs(value):
    def same(a, b):
        # 0.14 drops the sign of complex zeros (documented defect), so compare by value only
        a = np.asarray(a)
        return (a.dtype == b.dtype and a.shape == b.shape and
                np.array_equal(a, b, equal_nan=b.dtype.kind in "fc"))
    back = djb.unpack(blob.pack(value))
    if isinstance(value, MatStruct):
        assert back.shape == value.shape and back.dtype.names == value.dtype.names
        for idx in np.ndindex(value.shape):
            for n in value.dtype.names:
                assert same(back[idx][n], value[idx][n])
    else:
        assert same(back, value)


@FAST
@given(arrays(min_dims=1) | matlab_values)
def test_we_read_oracle_packed_matlab_values(value):
    back = blob.unpack(djb.pack(to_oracle(value)))
    assert deep_equal(back, value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # 0.14's complex rebuild of inf/nan
@FAST
@given(dj0_values)
def test_dj0_bytes_identical_and_readable_both_ways(value):
    ours = blob.pack(value, compress=False)
    assert ours == djb.pack(value, compress=False)
    assert deep_equal(blob.unpack(djb.pack(value)), _as_decoded(value))
    theirs = djb.unpack(blob.pack(value))
    if not _has_complex_array(value):   # 0.14 mangles complex Inf/NaN/-0 (pinned below)
        assert deep_equal(theirs, _as_decoded(value))


def _has_complex_array(v):
    if isinstance(v, np.ndarray):
        return v.dtype.kind == "c"
    if isinstance(v, (list, tuple)):
        return any(map(_has_complex_array, v))
    if isinstance(v, dict):
        return any(map(_has_complex_array, v.values()))
    return False


def _as_decoded(v):
    """What both decoders return for v (numpy unicode arrays come back as object arrays)."""
    if isinstance(v, np.ndarray) and v.dtype.kind == "U":
        return v.astype(object)
    if isinstance(v, list):
        return [_as_decoded(x) for x in v]
    if isinstance(v, tuple):
        return tuple(_as_decoded(x) for x in v)
    if isinstance(v, dict):
        return {k: _as_decoded(x) for k, x in v.items()}
    return v


def test_compressed_blobs_cross_decode():
    for v in (np.zeros((1, 200)), np.arange(5000.0).reshape(50, 100), {"a": list(range(500))}):
        assert deep_equal(blob.unpack(djb.pack(v)), v)
        assert deep_equal(djb.unpack(blob.pack(v)), v)


# ---- deliberate differences (docs/blobs.md), each pinned ---------------------------------------
def _cell(*items):
    flat = np.empty(len(items), dtype=object)
    for k, x in enumerate(items):
        flat[k] = x
    return flat.reshape(1, len(items))


def test_D1_D2_cells_oracle_fails_we_decode():
    for items in ((np.array([[1.0]]), np.array([[b"a"]], dtype="S1")),      # D1 mixed
                  (np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])),          # D2 equal vectors
                  (np.array([[1.0, 2.0, 3.0]]),)):                           # D2 one vector
        raw = djb.pack(_cell(*items).view(djb.MatCell))
        assert raw == blob.pack(_cell(*items).view(MatCell))
        with pytest.raises(ValueError):
            djb.unpack(raw)
        ours = blob.unpack(raw)
        assert isinstance(ours, MatCell) and ours.shape == (1, len(items)) and ours.dtype == object


def test_D3_cells_of_scalars_stay_object_cells():
    raw = blob.pack(_cell(np.array([[1.0]]), np.array([[2.0]])).view(MatCell))
    theirs = djb.unpack(raw)
    assert theirs.dtype == np.float64                     # 0.14 merges into a numeric array
    ours = blob.unpack(raw)
    assert ours.dtype == object and ours[0, 1].shape == (1, 1)
    assert blob.pack(ours, compress=False) == raw         # and we re-encode identically


def test_chars_decode_to_text_with_utf16():
    raw = blob.pack(MatChar("héllo", (1, 5)))
    with pytest.raises(UnicodeDecodeError):
        djb.unpack(raw)                                   # 0.14 keeps only low bytes as ASCII
    assert blob.unpack(raw) == "héllo"
    ascii_raw = djb.pack(np.array([[b"a", b"b"]], dtype="S1"))
    assert djb.unpack(ascii_raw).tolist() == ["ab"]        # 0.14: unicode array of shape (1,)
    assert blob.unpack(ascii_raw) == "ab"                  # ours: str (MatChar)


def test_zero_field_structs_keep_shape_and_skip_the_stray_byte():
    empty = np.empty((1, 1), dtype=[]).view(MatStruct)
    theirs = djb.pack(np.empty((1, 1), dtype=[]).view(djb.MatStruct), compress=False)
    ours = blob.pack(empty, compress=False)
    assert theirs == ours + b"\0"                          # 0.14's stray byte, mym has none
    with pytest.raises(Exception):
        djb.unpack(theirs)                                 # 0.14 cannot read its own blob
    assert djb.unpack(ours).tolist() is None               # and loses the dims of ours
    back = blob.unpack(theirs)
    assert isinstance(back, MatStruct) and back.shape == (1, 1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_complex_special_values_are_kept():
    v = np.array([[complex(1, math.inf), complex(-0.0, -0.0), complex(0.0, -0.0)]])
    raw = blob.pack(v)
    assert raw == djb.pack(v)
    ours = blob.unpack(raw)
    assert ours[0, 0].real == 1 and math.isinf(ours[0, 0].imag)
    assert math.copysign(1, ours[0, 1].real) < 0 and math.copysign(1, ours[0, 2].imag) < 0
    assert math.isnan(djb.unpack(raw)[0, 0].real)         # 0.14 turns 1+inf*i into nan+inf*i


def test_sparse_oracle_cannot_read():
    import scipy.sparse as sp
    raw = blob.pack(sp.csc_matrix(np.eye(2)))
    with pytest.raises(Exception):
        djb.unpack(raw)
    assert (blob.unpack(raw) != sp.csc_matrix(np.eye(2))).nnz == 0


def test_not_a_blob_raises_instead_of_none():
    assert djb.unpack(b"garbage!") is None
    with pytest.raises(BlobError):
        blob.unpack(b"garbage!")


def test_strings_in_containers_written_as_matlab_chars():
    c = _cell("ab")
    theirs = djb.pack(c.view(djb.MatCell))
    ours = blob.pack(c.view(MatCell))
    assert theirs[:4] == b"dj0\0" and ours[:4] == b"mYm\0"
    assert djb.unpack(ours).tolist() == [["ab"]] or djb.unpack(ours).ravel()[0] == "ab"


def test_zero_d_arrays_match_oracle_bytes():
    for v in (np.array(3.0), np.array(True), np.array(b"a", dtype="S1"), np.array(5, dtype=np.int8),
              np.array(1 + 2j), np.float32(1.5), np.uint64(2**64 - 1)):
        assert blob.pack(v, compress=False) == djb.pack(v, compress=False), repr(v)
    back = blob.unpack(djb.pack(np.array(b"a", dtype="S1")))
    assert back == "a" and back.dims == ()
    assert blob.pack(back) == djb.pack(np.array(b"a", dtype="S1"))
