"""Cells of strings (issue 18 item 4): the fast paths give exactly the bytes and values of the
general ones. MatChar keeps only non-default dims; strings are widened to UTF-16 in C; encoding
reuses one emptied tree between calls."""
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from datajoint_interop import blob
from datajoint_interop.blob import MatCell, MatChar
from datajoint_interop.errors import BlobError

# latin-1, other BMP (2-byte kind), astral (4-byte kind: surrogate pairs), lone surrogate
SAMPLES = ["", "a", "trial_17", "café", "Ωμέγα", "日本語", "😀x", "a😀b𝄞", "\ud800z", "\x00\xff"]


def utf16_units(text):
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cell_of(items):
    arr = np.empty((1, len(items)), dtype=object)
    for k, item in enumerate(items):
        arr[0, k] = item
    return arr.view(MatCell)


def explicit(text):
    """The same char with its dims given explicitly: packed by the general (numpy) path."""
    n = utf16_units(text)
    return MatChar(text, (1, n) if n else (0, 0))


@pytest.mark.parametrize("text", SAMPLES)
def test_str_in_cell_packs_like_the_general_char_path(text):
    fast = blob.pack(cell_of([text]), compress=False)
    general = blob.pack(cell_of([explicit(text)]), compress=False)
    assert fast == general
    back = blob.unpack(fast)[0, 0]
    assert type(back) is MatChar and back == text and back.dims == explicit(text).dims


@pytest.mark.parametrize("text", SAMPLES)
def test_decoded_chars_have_their_dims_and_reencode_identically(text):
    raw = blob.pack(cell_of([explicit(text)]), compress=False)
    got = blob.unpack(raw)[0, 0]
    assert got._dims is None  # the default dims are not stored...
    assert got.dims == ((1, utf16_units(text)) if text else (0, 0))  # ...but computed
    assert blob.pack(cell_of([got]), compress=False) == raw
    assert blob.pack(got, compress=False) == blob.pack(explicit(text), compress=False)


def test_non_default_dims_are_kept():
    for char in (MatChar("", (1, 0)), MatChar("", (0, 3)), MatChar("abcdef", (2, 3)),
                 MatChar("ab", (2, 1))):
        raw = blob.pack(cell_of([char]), compress=False)
        back = blob.unpack(raw)[0, 0]
        assert back.dims == char.dims and str(back) == str(char)
        assert blob.pack(cell_of([back]), compress=False) == raw
    with pytest.raises(BlobError, match="does not fit"):
        blob.pack(MatChar("abc", (2, 2)))


def test_matchar_api():
    c = MatChar("ab😀", (1, 4))
    assert c.dims == (1, 4) and isinstance(c.dims[0], int)
    d = MatChar("ab😀")
    assert d.dims == (1, 4) and d == c
    d.dims = np.array([2, 2])
    assert d.dims == (2, 2) and isinstance(d.dims[1], int)
    assert pickle.loads(pickle.dumps(c)).dims == (1, 4)
    e = pickle.loads(pickle.dumps(MatChar("xy")))
    assert type(e) is MatChar and e == "xy" and e.dims == (1, 2)
    assert MatChar("").dims == (0, 0)


def test_big_cell_of_strings_round_trips_through_a_reused_tree():
    words = ["w%d_%s" % (k, SAMPLES[k % len(SAMPLES)]) for k in range(20_000)]
    for compress in (False, True, False):  # later calls reuse the emptied tree of the first
        back = blob.unpack(blob.pack(cell_of(words), compress=compress))
        assert back.shape == (1, len(words)) and list(back[0]) == words


def test_a_failed_pack_leaves_the_next_one_intact():
    good = cell_of(["x" * 100] * 500)
    expected = blob.pack(good, compress=False)
    with pytest.raises(BlobError):
        blob.pack(cell_of(["abc"] * 1000 + [object()]))
    assert blob.pack(good, compress=False) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=8), max_size=12))
def test_hypothesis_cells_of_strings(words):
    raw = blob.pack(cell_of(words), compress=False)
    assert raw == blob.pack(cell_of([explicit(w) for w in words]), compress=False)
    back = blob.unpack(raw)
    assert [str(w) for w in back.ravel()] == words
    assert blob.pack(back, compress=False) == raw


def test_decoded_chars_stay_off_the_cyclic_gc_and_take_no_other_attributes():
    """A decoded cell of strings must not hand the cyclic GC 10,000 containers (it made every
    unpack walk the whole heap). That is safe only because a MatChar can hold nothing but its
    dims: any other attribute is refused."""
    import gc
    back = blob.unpack(blob.pack(cell_of(["a", "bc", ""] * 100), compress=False))
    assert all(type(x) is MatChar for x in back.flat)
    assert not any(gc.is_tracked(x) for x in back.flat)
    m = back[0, 1]
    with pytest.raises(AttributeError, match="except dims"):
        m.note = [m]
    with pytest.raises(AttributeError):
        m._dims = [m]
    m.dims = (2, 1)
    assert m.dims == (2, 1) and m._dims == (2, 1)
    assert blob.unpack(blob.pack(cell_of([m]), compress=False))[0, 0].dims == (2, 1)
