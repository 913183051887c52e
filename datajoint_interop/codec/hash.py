"""Job key hashing shared by every worker on a ``~jobs`` table.

The hash must be bit-identical to DataJoint 0.14's so that our workers, 0.14 workers and the
MATLAB toolbox (which re-implements the same rule, see docs/jobs.md) address the same job rows.
That rule is deliberately naive (values concatenated without separators), and we keep it naive:
compatibility with the deployed workers matters more than collision resistance here.
"""
import hashlib
import io
import pathlib
import uuid

__all__ = ["key_hash", "key_text", "uuid_from_stream", "uuid_from_buffer", "uuid_from_file"]

_CHUNK = 1 << 16


def key_text(mapping):
    """The exact text that gets hashed: ``str(value)`` of each attribute, ascending by name."""
    return "".join(str(mapping[name]) for name in sorted(mapping))


def key_hash(mapping):
    """32 lowercase hex characters identifying a key in ``~jobs``.

    ``mapping`` is a dict-like key (attribute name -> value as fetched). Values are formatted with
    Python's ``str``, so a caller must pass the values exactly as ``fetch('KEY')`` returns them
    (an ``int`` 1 and a ``float`` 1.0 hash differently, as they do in 0.14).
    """
    return hashlib.md5(key_text(mapping).encode("utf-8")).hexdigest()


def uuid_from_stream(stream, *, init_string=""):
    """The MD5 of ``init_string`` followed by everything ``stream`` yields, as a UUID.

    This is how 0.14 (and this package) name external objects and attachments, so a name computed
    here matches the ``hash`` column of an ``~external_<store>`` table. The stream is read in
    chunks until it is exhausted, so a file of any size costs constant memory.
    """
    prefix = init_string.encode() if isinstance(init_string, str) else bytes(init_string)
    digest = hashlib.md5(prefix)
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        digest.update(chunk)
    return uuid.UUID(bytes=digest.digest())


def uuid_from_buffer(buffer=b"", *, init_string=""):
    """``uuid_from_stream`` of a bytes-like object."""
    return uuid_from_stream(io.BytesIO(buffer), init_string=init_string)


def uuid_from_file(filepath, *, init_string=""):
    """``uuid_from_stream`` of a file's contents (the file is closed afterwards, unlike in 0.14)."""
    with pathlib.Path(filepath).open("rb") as stream:
        return uuid_from_stream(stream, init_string=init_string)
