"""Blob attributes through dj.Schema: packed by the codec on insert, unpacked on fetch."""
import numpy as np
import pytest

import datajoint_interop as dj


def test_blobs_through_schema(connection, schema_name):
    schema = dj.Schema(schema_name("blobs"), connection=connection)

    @schema
    class Trace(dj.Manual):
        definition = """
        trace_id : int
        ---
        data : longblob
        info = null : blob
        """

    arr = np.arange(12, dtype=np.float64).reshape(3, 4)
    Trace.insert([dict(trace_id=1, data=arr), dict(trace_id=2, data={"a": 1}, info="text")])
    got = (Trace & {"trace_id": 1}).fetch1("data")
    assert np.array_equal(got, arr)
    assert (Trace & {"trace_id": 2}).fetch1("info") == "text"
    assert (Trace & {"trace_id": 1}).fetch1("info") is None
    records = Trace.fetch(order_by="trace_id")
    assert np.array_equal(records["data"][0], arr) and records["info"][0] is None
    with pytest.raises(dj.DataJointError, match="`data`"):
        Trace.insert1(dict(trace_id=3, data=object()))
    assert len(Trace) == 2
    # blobs are packed by the codec, so datajoint 0.14 reads the same bytes
    raw = connection.query(f"SELECT data FROM {Trace.full_table_name} WHERE trace_id=1").fetchone()[0]
    from datajoint.blob import unpack as unpack_014
    assert np.array_equal(unpack_014(raw), arr)


def test_attachments_and_squeeze(connection, schema_name, tmp_path):
    schema = dj.Schema(schema_name("attach"), connection=connection)

    @schema
    class Doc(dj.Manual):
        definition = """
        doc_id : int
        ---
        doc = null : attach
        vec : longblob
        """

    src = tmp_path / "in" / "report.bin"
    src.parent.mkdir()
    src.write_bytes(b"\x00\x01binary\xff" * 100)
    Doc.insert1(dict(doc_id=1, doc=str(src), vec=np.arange(5.0)))
    Doc.insert1(dict(doc_id=2, vec=np.arange(3.0)))
    out = tmp_path / "out"
    path = (Doc & {"doc_id": 1}).fetch1("doc", download_path=str(out))
    assert path == str(out / "report.bin")
    assert (out / "report.bin").read_bytes() == src.read_bytes()
    assert (Doc & {"doc_id": 2}).fetch1("doc", download_path=str(out)) is None
    assert (Doc & {"doc_id": 1}).fetch1("vec", squeeze=True).shape == (5,)
    assert Doc.fetch("vec", order_by="doc_id", squeeze=True)[1].shape == (3,)
    assert "=BLOB=" in repr(Doc)
