"""``datajoint_interop.s3.Folder``: 0.14's S3 folder class, for code that moves files to and from a
bucket itself. No S3 server is available to the tests, so the minio client is replaced by an
in-memory one that keeps minio's API (objects, stat, S3Error codes); what is checked is that Folder
drives that API as 0.14 does and maps its errors to 0.14's DataJoint errors. Without minio, creating
a Folder says what to install.
"""
import io
import sys
import types
import uuid

import pytest

from datajoint_interop import errors
from datajoint_interop import s3


class _Response(io.BytesIO):
    def stream(self, amount=4):
        while True:
            chunk = self.read(amount)
            if not chunk:
                return
            yield chunk

    def release_conn(self):
        pass


def _fake_minio():
    module = types.ModuleType("minio")
    module.error = types.ModuleType("minio.error")

    class MinioException(Exception):
        pass

    class S3Error(MinioException):
        def __init__(self, code):
            super().__init__(code)
            self.code = code

    module.error.MinioException, module.error.S3Error = MinioException, S3Error
    buckets = {"lab": {}}

    class Minio:
        def __init__(self, endpoint, access_key=None, secret_key=None, secure=False, http_client=None):
            self.endpoint, self.secure = endpoint, secure

        def bucket_exists(self, bucket):
            return bucket in buckets

        def put_object(self, bucket, name, data, length):
            buckets[bucket][name] = (data.read(length), {})
            return name

        def fput_object(self, bucket, name, path, metadata=None):
            with open(path, "rb") as file:
                buckets[bucket][name] = (file.read(), {f"X-Amz-Meta-{k}": v for k, v in (metadata or {}).items()})
            return name

        def _object(self, bucket, name):
            if name not in buckets[bucket]:
                raise S3Error("NoSuchKey")
            return buckets[bucket][name]

        def get_object(self, bucket, name):
            return _Response(self._object(bucket, name)[0])

        def stat_object(self, bucket, name):
            data, metadata = self._object(bucket, name)
            return types.SimpleNamespace(size=len(data), metadata=metadata)

        def remove_object(self, bucket, name):
            if name == "locked":
                raise S3Error("AccessDenied")
            buckets[bucket].pop(name, None)

    module.Minio = Minio
    return module


@pytest.fixture
def fake_minio(monkeypatch):
    module = _fake_minio()
    monkeypatch.setitem(sys.modules, "minio", module)
    monkeypatch.setitem(sys.modules, "minio.error", module.error)
    return module


def test_folder_round_trip(fake_minio, tmp_path):
    folder = s3.Folder("s3.example.org", "lab", "key", "secret", secure=True)
    assert folder.bucket == "lab" and folder.client.secure
    folder.put("raw/a.bin", b"abc")
    assert folder.get("raw/a.bin") == b"abc"
    assert folder.exists("raw/a.bin") and not folder.exists("raw/none")
    assert folder.get_size("raw/a.bin") == 3
    source = tmp_path / "src.dat"
    source.write_bytes(b"0123456789")
    digest = uuid.uuid4()
    folder.fput(source, "files/src.dat", metadata={"contents_hash": str(digest)})
    target = tmp_path / "deep" / "copy.dat"
    assert folder.fget("files/src.dat", target) == digest
    assert target.read_bytes() == b"0123456789"
    assert folder.fget("raw/a.bin", tmp_path / "a.bin") is None  # no contents_hash metadata
    folder.remove_object("raw/a.bin")
    assert not folder.exists("raw/a.bin")


def test_folder_errors_are_014s(fake_minio):
    with pytest.raises(errors.BucketInaccessible, match="Inaccessible s3 bucket other"):
        s3.Folder("s3.example.org", "other", "key", "secret")
    folder = s3.Folder("s3.example.org", "lab", "key", "secret")
    with pytest.raises(errors.MissingExternalFile, match="Missing s3 key gone"):
        folder.get("gone")
    with pytest.raises(errors.MissingExternalFile):
        folder.get_size("gone")
    with pytest.raises(errors.DataJointError, match="Failed to delete locked from s3 storage"):
        folder.remove_object("locked")


def test_without_minio_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "minio", None)  # import minio now fails
    with pytest.raises(errors.DataJointError, match="pip install minio"):
        s3.Folder("s3.example.org", "lab", "key", "secret")
