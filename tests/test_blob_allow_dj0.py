"""blob.pack(allow_dj0=...): callers choose the dj0 protocol explicitly instead of flipping config."""
import pytest

from datajoint_interop.blob import pack, unpack
from datajoint_interop.errors import DataJointError
from datajoint_interop.settings import config


@pytest.fixture
def native_blobs():
    saved = config["enable_python_native_blobs"]
    yield
    config["enable_python_native_blobs"] = saved


def test_allow_dj0_overrides_the_setting_both_ways(native_blobs):
    config["enable_python_native_blobs"] = False
    assert unpack(pack({"a": 1}, allow_dj0=True)) == {"a": 1}
    assert config["enable_python_native_blobs"] is False
    with pytest.raises(DataJointError, match="dj0"):
        pack({"a": 1})
    config["enable_python_native_blobs"] = True
    with pytest.raises(DataJointError, match="dj0"):
        pack({"a": 1}, allow_dj0=False)
    assert unpack(pack({"a": 1})) == {"a": 1}


def test_job_keys_are_written_without_touching_the_setting(native_blobs):
    from datajoint_interop.jobs import _key_blob, decode_key
    config["enable_python_native_blobs"] = False
    assert decode_key(_key_blob({"sid": 3})) == {"sid": 3}
    assert config["enable_python_native_blobs"] is False
