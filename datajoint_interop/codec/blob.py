"""Blob serialization shared with DataJoint for MATLAB (mYm) and DataJoint for Python 0.14 (dj0).

The codec itself is C (``src/codec``, shared with the MATLAB/Octave MEX); this module fixes the
Python-side semantics (see docs/blobs.md):

* MATLAB values decode to numpy arrays with MATLAB's own shape (>= 2-D) unless ``squeeze``;
  chars decode to ``str`` (true UTF-16); cells always to a ``MatCell`` of the cell's own shape;
  structs to a ``MatStruct`` that keeps its shape even with zero fields or zero elements.
* A struct or cell that came from MATLAB re-encodes to the same bytes: text inside them is
  written back as MATLAB char, not as a dj0 string, so MATLAB can read what Python re-saves.
* Python values that MATLAB cannot represent use the dj0 protocol of DataJoint 0.14.
"""
import functools

import numpy as np

from ..core.errors import BlobError, DataJointError
from .. import _blob
from ..core.settings import config

__all__ = ["pack", "unpack", "MatCell", "MatStruct", "MatChar", "BlobError"]


class MatCell(np.ndarray):
    """A MATLAB cell array: an object ndarray whose elements are the cell's contents."""


class MatStruct(np.recarray):
    """A MATLAB struct array: a record array with one object field per struct field."""


class MatChar(str):
    """A MATLAB char array, decoded: a ``str`` that remembers MATLAB's dims.

    For a 1xN row it is simply the text. For other shapes (a 2x3 char matrix, a 1x0 or 0x0 char)
    the string holds the characters row by row (C order). ``dims`` lets pack() write the original
    char array back (same bytes), also at top level, where a plain ``str`` becomes dj0 text.

    Only dims that differ from the text's own (1xN, or 0x0 when empty) are stored: a cell of
    10,000 strings decodes without 10,000 dims tuples, and ``dims`` computes the default on access.
    """

    _dims = None  # None: the default dims of the text (see `dims`)

    def __new__(cls, text, dims=None):
        obj = super().__new__(cls, text)
        if dims is not None:
            obj.dims = dims
        return obj

    @property
    def dims(self):
        """MATLAB's dims: those given, else 1xN (N UTF-16 units) or 0x0 for empty text."""
        if self._dims is not None:
            return self._dims
        units = _utf16_units(self)
        return (1, units) if units else (0, 0)

    @dims.setter
    def dims(self, dims):
        self._dims = tuple(int(d) for d in dims)

    def rows(self):
        """The rows of a 2-D char matrix as a list of str."""
        if len(self.dims) != 2 or self.dims[0] == 0:
            return []
        units = np.frombuffer(str(self).encode("utf-16-le", "surrogatepass"), dtype="<u2")
        units = units.reshape(self.dims)
        return [row.tobytes().decode("utf-16-le", "surrogatepass") for row in units]

    def __repr__(self):
        if len(self.dims) == 2 and self.dims[0] == 1:
            return str.__repr__(self)
        return "MatChar(%s, dims=%r)" % (str.__repr__(self), self.dims)

    def __reduce__(self):
        return (MatChar, (str(self), self.dims))


def _utf16_units(text):
    """Length of text in UTF-16 code units (characters beyond U+FFFF take two)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF) if not text.isascii() else len(text)


_blob.configure(MatCell, MatStruct, MatChar, BlobError)

# compression rules accepted by pack(compress=...)
_RULES = {True: 1, False: 0, None: 0, "auto": 1, "matlab": 2, "python": 3}


def _setting(key, default):
    try:
        return config[key]
    except Exception:  # settings unavailable: behave like DataJoint's defaults
        return default


def pack(obj, compress=None, allow_dj0=None):
    """Serialize obj to blob bytes.

    allow_dj0: whether values only DataJoint's Python dj0 protocol can hold (dicts, lists, ...) may
    be packed; None (default) means config['enable_python_native_blobs']. Callers that must write
    dj0 whatever the user's setting (the job table's keys) pass True instead of changing the setting.

    compress: True compresses mYm blobs under MATLAB's rule (so the decision matches DataJoint
    for MATLAB) and dj0 blobs under DataJoint 0.14's rule; False never compresses; "matlab" /
    "python" force one rule; None (default) means config['blob.compress'] (default True).
    """
    if compress is None:
        compress = bool(_setting("blob.compress", True))
    try:
        mode = _RULES[compress]
    except (KeyError, TypeError):
        raise BlobError("compress must be True, False, 'matlab' or 'python', not %r" % (compress,))
    allow = bool(_setting("enable_python_native_blobs", True) if allow_dj0 is None else allow_dj0)
    out = _blob.pack(obj, mode, 1, allow)
    if out is None:
        raise DataJointError(
            "%s needs the Python-only dj0 blob protocol, which MATLAB cannot read, and "
            "config['enable_python_native_blobs'] is False. Use numpy arrays, MatCell or MatStruct, "
            "or enable the setting." % type(obj).__name__)
    return out


@functools.lru_cache(maxsize=8)
def _limit_hint(limit):
    """The end of the error for a blob over the decompressed-size cap (built once per limit)."""
    return (f" (config['blob.max_decompressed_size'] = {limit} bytes; a compressed blob declaring more is "
            "refused so that a small hostile blob cannot exhaust memory: raise the setting to read it)")


def unpack(blob, squeeze=False):
    """Deserialize blob bytes. Raises BlobError (with the byte offset) for anything that is not a
    valid blob, including empty input. SQL NULL is the caller's business (fetch returns None).

    A compressed blob may decompress to at most config['blob.max_decompressed_size'] bytes."""
    limit = _setting("blob.max_decompressed_size", 0)  # 0: the codec's default (the same 1 GiB)
    return _blob.unpack(blob, squeeze, 0, False, limit, _limit_hint(limit) if limit else "")
