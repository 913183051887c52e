"""Job key hashing shared by every worker on a ``~jobs`` table.

The hash must be bit-identical to DataJoint 0.14's so that our workers, 0.14 workers and the
MATLAB toolbox (which re-implements the same rule, see docs/jobs.md) address the same job rows.
That rule is deliberately naive (values concatenated without separators), and we keep it naive:
compatibility with the deployed workers matters more than collision resistance here.
"""
import hashlib

__all__ = ["key_hash", "key_text"]


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
