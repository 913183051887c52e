"""``datajoint.s3.Folder`` of DataJoint 0.14: a flat folder of objects in an S3-compatible bucket.

Stores of protocol ``s3`` are not used by this package's tables (docs/compatibility.md), but code
written for 0.14 also calls ``Folder`` directly to move files to and from a bucket, so the class is
here with 0.14's constructor and methods. It needs the ``minio`` client package, which is not a
dependency of ours: without it, creating a Folder raises a DataJointError saying what to install.
"""
import io
import logging
import pathlib
import uuid

from ..core import errors

logger = logging.getLogger("datajoint_interop")

_INSTALL_HINT = "datajoint_interop.s3.Folder needs the minio client package: pip install minio"


def _minio():
    try:
        import minio
        import minio.error
    except ImportError:
        raise errors.DataJointError(_INSTALL_HINT) from None
    return minio


def _proxy_client(proxy_server):
    import urllib3  # installed with minio
    return urllib3.ProxyManager(proxy_server, timeout=urllib3.Timeout.DEFAULT_TIMEOUT, cert_reqs="CERT_REQUIRED",
                                retries=urllib3.Retry(total=5, backoff_factor=0.2,
                                                      status_forcelist=[500, 502, 503, 504]))


class Folder:
    """Objects named ``name`` in one bucket; the bucket must exist and be readable."""

    def __init__(self, endpoint, bucket, access_key, secret_key, *, secure=False, proxy_server=None, **_):
        self._minio = _minio()
        self.client = self._minio.Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure,
                                        http_client=_proxy_client(proxy_server) if proxy_server else None)
        self.bucket = bucket
        if not self.client.bucket_exists(bucket):
            raise errors.BucketInaccessible(f"Inaccessible s3 bucket {bucket}")

    def _missing(self, error):
        return isinstance(error, self._minio.error.S3Error) and error.code == "NoSuchKey"

    def put(self, name, buffer):
        logger.debug("s3 put %s:%s", self.bucket, name)
        return self.client.put_object(self.bucket, str(name), io.BytesIO(buffer), length=len(buffer))

    def fput(self, local_file, name, metadata=None):
        logger.debug("s3 fput %s -> %s:%s", local_file, self.bucket, name)
        return self.client.fput_object(self.bucket, str(name), str(local_file), metadata=metadata)

    def get(self, name):
        logger.debug("s3 get %s:%s", self.bucket, name)
        try:
            with self.client.get_object(self.bucket, str(name)) as response:
                return b"".join(response.stream())
        except Exception as error:
            if self._missing(error):
                raise errors.MissingExternalFile(f"Missing s3 key {name}") from None
            raise

    def fget(self, name, local_filepath):
        """Download object ``name`` to ``local_filepath``; returns its ``contents_hash`` metadata
        as a UUID when the object has one (filepath attributes store it), else None."""
        logger.debug("s3 fget %s:%s", self.bucket, name)
        stat = self.client.stat_object(self.bucket, str(name))
        metadata = {key.lower(): value for key, value in (stat.metadata or {}).items()}
        target = pathlib.Path(local_filepath)
        target.parent.mkdir(parents=True, exist_ok=True)
        response = self.client.get_object(self.bucket, str(name))
        try:
            with target.open("wb") as file:
                for chunk in response.stream(1 << 16):
                    file.write(chunk)
        finally:
            response.close()
        digest = metadata.get("x-amz-meta-contents_hash", metadata.get("contents_hash"))
        return uuid.UUID(digest) if digest else None

    def stat(self, name):
        """The object's stat result, or None when there is no such object."""
        try:
            return self.client.stat_object(self.bucket, str(name))
        except Exception as error:
            if self._missing(error):
                return None
            raise

    def exists(self, name):
        return self.stat(name) is not None

    def get_size(self, name):
        found = self.stat(name)
        if found is None:
            raise errors.MissingExternalFile(f"Missing s3 key {name}")
        return found.size

    def remove_object(self, name):
        logger.debug("s3 remove %s:%s", self.bucket, name)
        try:
            self.client.remove_object(self.bucket, str(name))
        except self._minio.error.MinioException as error:
            raise errors.DataJointError(f"Failed to delete {name} from s3 storage: {error}") from error
