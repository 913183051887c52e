"""Issue 14 item 9: config files born 0600, clear errors for impossible LIMITs and NaN
restrictions, and a configurable cap on what a compressed blob may inflate to."""
import json
import os
import stat
import struct
import zlib

import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop import blob as blob_module
from datajoint_interop.errors import BlobError, DataJointError
from datajoint_interop.settings import Config


# -- config files -------------------------------------------------------------------------------
def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("existing_mode", [None, 0o644])
def test_config_file_is_private_before_the_password_is_written(tmp_path, monkeypatch, existing_mode):
    path = tmp_path / "dj_local_conf.json"
    if existing_mode is not None:
        path.write_text("{}")
        os.chmod(path, existing_mode)
    seen = []
    real_dump = json.dump

    def spying_dump(obj, fp, **kwargs):
        seen.append(_mode(path))  # the file exists now; nothing of the password is in it yet
        return real_dump(obj, fp, **kwargs)

    monkeypatch.setattr(json, "dump", spying_dump)
    old_umask = os.umask(0)  # the most permissive umask: the mode must come from save itself
    try:
        config = Config()
        config["database.password"] = "s3cret"
        config.save(str(path))
    finally:
        os.umask(old_umask)
    assert seen == [0o600]
    assert _mode(path) == 0o600
    assert json.loads(path.read_text())["database.password"] == "s3cret"


# -- LIMIT, OFFSET and NaN ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def numbers(connection, db_prefix):
    schema = dj.Schema(f"{db_prefix}_small_hardening", connection=connection)

    @schema
    class Number(dj.Manual):
        definition = """
        nid : int
        ---
        x = null : double
        payload = null : longblob
        """
    Number.insert([dict(nid=i, x=i / 2) for i in range(5)])
    return Number


@pytest.mark.parametrize("kwargs, what", [
    (dict(limit=2**70), "fetch limit"),
    (dict(limit=2**64), "fetch limit"),
    (dict(limit=-1), "fetch limit"),
    (dict(limit=2, offset=2**65), "fetch offset"),
])
def test_impossible_limits_are_refused_clearly(numbers, kwargs, what):
    with pytest.raises(DataJointError, match=f"{what} must be an integer from 0 to 18446744073709551615"):
        numbers.fetch(**kwargs)


def test_largest_limit_still_works(numbers):
    assert len(numbers.fetch(limit=2**64 - 1)) == 5
    assert numbers.fetch("nid", limit=np.uint64(2**64 - 1), offset=4).tolist() == [4]
    with pytest.raises(DataJointError, match="Top limit"):
        numbers & dj.Top(limit=2**64)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -np.inf, np.float32("nan"),
                                   __import__("decimal").Decimal("NaN")])
def test_nan_and_infinite_restrictions_are_refused_clearly(numbers, value):
    with pytest.raises(DataJointError, match="NaN and infinity are never equal to a stored value"):
        (numbers & {"x": value}).fetch()
    with pytest.raises(DataJointError, match="`x`"):
        len(numbers & [{"x": 1.0}, {"x": value}])
    assert (numbers & {"x": 1.5}).fetch1("nid") == 3  # finite floats still bind


# -- the decompressed-size cap ------------------------------------------------------------------
def _envelope(declared, stream):
    """A ZL123 blob: magic, the declared decompressed size, then a zlib stream."""
    return b"ZL123\x00" + struct.pack("<Q", declared) + stream


def _store_raw(table, nid, raw):
    """Put bytes into the blob column as they are (insert would serialize a bytes value)."""
    table.connection.query(f"INSERT INTO {table.full_table_name} (nid, payload) VALUES (%s, %s)", (nid, raw))


def test_default_cap_refuses_a_small_blob_declaring_gigabytes(numbers):
    # 2 MiB of real deflate data declaring 2.1 GB: within deflate's ratio, over the 1 GiB default
    stream = zlib.compress(b"mYm\x00" + bytes(2 * 2**20), 1)
    hostile = _envelope(2_100_000_000, stream + bytes(2 * 2**20 - len(stream)))
    assert dj.config["blob.max_decompressed_size"] == 2**30
    _store_raw(numbers, 100, hostile)
    try:
        with pytest.raises(BlobError, match=r"declares 2100000000 decompressed bytes, over the limit of "
                                            r"1073741824 .*config\['blob.max_decompressed_size'\]"):
            (numbers & {"nid": 100}).fetch1("payload")
    finally:
        (numbers & {"nid": 100}).delete_quick()


def test_cap_is_a_setting(numbers, monkeypatch):
    value = np.zeros(3_000_000, dtype=np.uint8)
    packed = blob_module.pack(value)
    assert packed.startswith(b"ZL123\x00") and len(packed) < 100_000
    _store_raw(numbers, 101, packed)
    try:
        monkeypatch.setitem(dj.config._values, "blob.max_decompressed_size", 2**20)
        with pytest.raises(BlobError, match=r"over the limit of 1048576 .*blob.max_decompressed_size"):
            (numbers & {"nid": 101}).fetch1("payload")
        with pytest.raises(BlobError, match="blob.max_decompressed_size"):
            blob_module.unpack(packed)
        dj.config["blob.max_decompressed_size"] = 4 * 2**20
        assert np.array_equal((numbers & {"nid": 101}).fetch1("payload").ravel(), value)
    finally:
        (numbers & {"nid": 101}).delete_quick()


@pytest.mark.parametrize("bad", [0, -5, 1.5, "big", None, True])
def test_cap_setting_is_validated(bad):
    config = Config()
    with pytest.raises(DataJointError, match="blob.max_decompressed_size"):
        config["blob.max_decompressed_size"] = bad


def test_cap_setting_is_read_from_config_files(tmp_path):
    """The same key MATLAB's dj.conn applies (dj.config('blobMaxDecompressedSize'))."""
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"blob": {"max_decompressed_size": 5 * 2**20}}))
    bad.write_text(json.dumps({"blob.max_decompressed_size": -4}))
    config = Config()
    config.load(str(good))
    assert config["blob.max_decompressed_size"] == 5 * 2**20
    with pytest.raises(DataJointError, match="positive whole number of bytes"):
        config.load(str(bad))


# -- text the server can never receive ----------------------------------------------------------
@pytest.fixture(scope="module")
def words(connection, db_prefix):
    schema = dj.Schema(f"{db_prefix}_small_hardening_text", connection=connection)

    @schema
    class Word(dj.Manual):
        definition = """
        wid : int
        ---
        word : varchar(32)
        """
    yield Word
    schema.drop(force=True)


@pytest.mark.parametrize("rows", [1, 3000], ids=["insert", "bulk-insert"])
def test_lone_surrogate_is_refused_with_the_attribute_named(words, rows):
    """A str decoded with errors='surrogateescape' has no UTF-8 form: the error names the column and
    the position (a ValueError, as the driver's UnicodeEncodeError was), and nothing is stored."""
    bad = [dict(wid=i, word="ok" if i < rows - 1 else "caf\udce9") for i in range(rows)]
    with pytest.raises(dj.errors.InvalidTextError, match=r"`word`.*'\\udce9' at position 3") as info:
        words.insert(bad)
    assert isinstance(info.value, ValueError) and isinstance(info.value, DataJointError)
    assert len(words) == 0
    with pytest.raises(dj.errors.InvalidTextError, match="`word`"):
        words.insert1(dict(wid=1, word=np.str_("x\ud800")))
    with pytest.raises(dj.errors.InvalidTextError, match="`word`"):
        (words & {"word": "x\udfff"}).fetch()
    words.insert1(dict(wid=1, word="café ☕"))  # real non-ASCII text still goes through
    assert (words & {"word": "café ☕"}).fetch1("wid") == 1
    (words & "wid=1").delete_quick()
