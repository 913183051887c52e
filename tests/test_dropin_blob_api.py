"""0.14's blob API beyond pack/unpack: the ``blob.Blob`` codec object and the
``blob.bypass_serialization`` switch (copying blobs between tables without decoding them),
checked against DataJoint 0.14 and on the real server.
"""
import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import BlobError

import datajoint as dj14  # the 0.14 oracle (test dependency)

VALUES = [np.arange(6.0).reshape(2, 3), np.array([[5]], dtype=np.int16), "text", {"a": [1, 2]}, 2.5,
          np.zeros(2000)]  # the last one is compressed


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_blob_object_packs_like_014s(value):
    ours, theirs = dj.blob.Blob(), dj14.blob.Blob()
    data = ours.pack(value, compress=True)
    expected = theirs.pack(value, compress=True)
    if expected.startswith(b"ZL123"):  # compressed: ours decides by MATLAB's rule (docs/blobs.md)
        np.testing.assert_array_equal(dj14.blob.unpack(data), dj14.blob.unpack(expected))
    else:
        assert data == expected
    assert ours.protocol == theirs.protocol
    for squeeze in (False, True):
        mine, expected = dj.blob.Blob(squeeze=squeeze).unpack(data), dj14.blob.Blob(squeeze=squeeze).unpack(data)
        if isinstance(expected, np.ndarray):
            np.testing.assert_array_equal(mine, expected)
            assert mine.shape == expected.shape
        else:
            assert mine == expected


def test_blob_squeeze_matches_014():
    for squeeze in (False, True):
        array = np.ones((1, 3, 1))
        assert np.shape(dj.blob.Blob(squeeze).squeeze(array)) == np.shape(dj14.blob.Blob(squeeze).squeeze(array))
        assert dj.blob.Blob(squeeze).squeeze(np.array([[7.0]])) == dj14.blob.Blob(squeeze).squeeze(np.array([[7.0]]))


@pytest.fixture
def bypass():
    yield
    dj.blob.bypass_serialization = False


def test_bypass_serialization_copies_the_stored_bytes(connection, schema_name, bypass):
    schema = dj.Schema(schema_name("bypass"), connection=connection)

    @schema
    class Source(dj.Manual):
        definition = """
        sid : int
        ---
        data : longblob
        """

    @schema
    class Copy(dj.Manual):
        definition = """
        sid : int
        ---
        data : longblob
        """

    Source.insert([(1, np.arange(3)), (2, {"k": "v"})])
    stored = dict(connection.query(f"SELECT sid, data FROM {Source.full_table_name}").fetchall())
    dj.blob.bypass_serialization = True
    rows = Source.fetch(as_dict=True, order_by="sid")
    assert [row["data"] for row in rows] == [stored[1], stored[2]]  # raw bytes, not decoded
    Copy.insert(rows)
    with pytest.raises(BlobError, match="bypass_serialization"):
        Copy.insert1((3, np.arange(3)))  # a value that is not blob bytes is refused, not stored
    dj.blob.bypass_serialization = False
    np.testing.assert_array_equal((Copy & "sid = 1").fetch1("data"), np.arange(3))
    assert (Copy & "sid = 2").fetch1("data") == {"k": "v"}
    assert dict(connection.query(f"SELECT sid, data FROM {Copy.full_table_name}").fetchall()) == stored
