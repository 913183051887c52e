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
import collections.abc
import datetime
import decimal
import functools
import re
import uuid
import warnings

import numpy as np

from ..core.errors import BlobError, DataJointError
from .. import _blob
from ..core.settings import config

__all__ = ["pack", "unpack", "matlab_compatible", "MatCell", "MatStruct", "MatChar", "BlobError",
           "MatlabBlobWarning", "Blob"]

#: 0.14's switch for copying blobs between tables without decoding them: while it is True, pack()
#: and unpack() hand blob bytes through unchanged (checked to start like a blob) so that
#: ``Output.insert(Input.fetch(as_dict=True))`` copies the stored bytes exactly
bypass_serialization = False
_BLOB_STARTS = (b"ZL123\0", b"mYm\0", b"dj0\0")


def _passed_through(value, what):
    if not (isinstance(value, (bytes, bytearray, memoryview)) and bytes(value[:6]).startswith(_BLOB_STARTS)):
        raise BlobError(f"blob.bypass_serialization is on, so {what} takes blob bytes (starting with mYm, dj0 "
                        f"or ZL123), not {type(value).__name__}")
    return bytes(value)


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
        object.__setattr__(self, "_dims", tuple(int(d) for d in dims))

    def __setattr__(self, name, value):
        """Only ``dims`` can be set. A MatChar then holds nothing but a tuple of ints and can
        never be part of a reference cycle, which lets the decoder take the thousands of
        MatChars of a cell of strings off the cyclic garbage collector (see _blob.pyx)."""
        if name != "dims":
            raise AttributeError("MatChar attributes cannot be set, except dims (not %r)" % name)
        super().__setattr__(name, value)

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
    return pack_and_protocol(obj, compress, allow_dj0)[0]


def pack_and_protocol(obj, compress=None, allow_dj0=None):
    """pack(), also saying which protocol it wrote: (bytes, True when dj0), so a caller can react
    to a dj0 blob (see warn_if_dj0) without decoding or packing twice."""
    if bypass_serialization:
        return _passed_through(obj, "pack"), obj[:4] == b"dj0\0"
    if compress is None:
        compress = bool(_setting("blob.compress", True))
    try:
        mode = _RULES[compress]
    except (KeyError, TypeError):
        raise BlobError("compress must be True, False, 'matlab' or 'python', not %r" % (compress,))
    allow = bool(_setting("enable_python_native_blobs", True) if allow_dj0 is None else allow_dj0)
    header = []
    out = _blob.pack(obj, mode, 1, allow, header)
    if out is None:
        raise DataJointError(
            "%s needs the Python-only dj0 blob protocol, which MATLAB cannot read, and "
            "config['enable_python_native_blobs'] is False. Use numpy arrays, MatCell or MatStruct "
            "(dj.blob.matlab_compatible(value) converts), or enable the setting." % type(obj).__name__)
    return out, header[0]


# ------------------------------------------------------------------------------------------
# MATLAB-native values on request, and a warning when dj0 goes into a table MATLAB also uses
# ------------------------------------------------------------------------------------------
class MatlabBlobWarning(UserWarning):
    """A dj0 blob is being written into a table that config['blob.matlab_schemas'] names."""


_warned = set()  # (database, label): each table's attribute warns once per process


def shares_with_matlab(database):
    """Whether config['blob.matlab_schemas'] says MATLAB clients also use `database` ('*': all)."""
    schemas = _setting("blob.matlab_schemas", ())
    return bool(schemas) and database is not None and (database in schemas or "*" in schemas)


def warn_if_dj0(is_dj0, database, label, value):
    """Warn once per attribute when a dj0 blob goes into a schema shared with MATLAB: DataJoint
    for MATLAB (and mym) refuse such blobs, so a MATLAB user's fetch of the table would fail."""
    if not is_dj0 or (database, label) in _warned or not shares_with_matlab(database):
        return
    _warned.add((database, label))
    warnings.warn(
        "%s: inserting a %s writes a Python-only (dj0) blob into schema %r, which "
        "config['blob.matlab_schemas'] lists as shared with MATLAB. DataJoint for MATLAB and mym "
        "cannot read it (this project's toolbox can). Insert dj.blob.matlab_compatible(value) to "
        "write MATLAB's own format. This warning is shown once per attribute."
        % (label, type(value).__name__, database), MatlabBlobWarning, stacklevel=4)


_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}\Z")


def _cell_of(items, shape):
    """A MatCell of `shape` holding items in column-major order, element by element (numpy would
    stack equal-shaped arrays into one)."""
    arr = np.empty(len(items), dtype=object)
    for k, item in enumerate(items):
        arr[k] = item
    return arr.reshape(shape, order="F").view(MatCell)


def _cell(items, where):
    """A 1xN MatCell of converted items (0x0 when empty, like MATLAB's {})."""
    items = [_to_matlab(v, "%s{%d}" % (where, k + 1)) for k, v in enumerate(items)]
    return _cell_of(items, (1, len(items)) if items else (0, 0))


def _struct(mapping, where):
    """A 1x1 MatStruct of a dict whose keys are all MATLAB field names."""
    for key in mapping:
        if not isinstance(key, str) or not _FIELD_NAME.match(key):
            raise BlobError(
                "%s: dict key %r is not a MATLAB field name (a letter, then up to 62 letters, "
                "digits or '_'), so the dict has no MATLAB struct form; rename the keys or store "
                "the dict as a dj0 blob" % (where, key))
    arr = np.empty((1, 1), dtype=[(k, object) for k in mapping])
    for key, val in mapping.items():
        arr[key][0, 0] = _to_matlab(val, "%s.%s" % (where, key))
    return arr.view(MatStruct)


def _scalar(value, dtype):
    return np.full((1, 1), value, dtype=dtype)


def _decimal(value):
    """Decimal -> double when the double gives it back (at most 15 digits), else its exact text:
    the rule the MEX applies to dj0 Decimals (docs/blobs.md)."""
    if not value.is_finite():
        return _scalar(float(value), np.float64)
    digits = len(value.normalize().as_tuple().digits)
    if digits <= 15 and -307 <= value.adjusted() <= 308:
        return _scalar(float(value), np.float64)
    return MatChar(str(value))


def _array(arr, where):
    """numpy arrays: numeric, logical and 1-byte char arrays are MATLAB's already; str, bytes,
    object and datetime64 arrays become cells of their shape, structured arrays structs."""
    kind = arr.dtype.kind
    if isinstance(arr, (MatCell, MatStruct)) or arr.dtype.names is not None:
        if arr.dtype.names is None:  # MatCell: convert its contents, keep its shape
            flat = [_to_matlab(v, "%s{%d}" % (where, k + 1)) for k, v in enumerate(arr.ravel(order="F"))]
            return _cell_of(flat, arr.shape if arr.ndim else (1, 1))
        names = arr.dtype.names
        for name in names:
            if not _FIELD_NAME.match(name):
                raise BlobError("%s: field %r is not a MATLAB field name" % (where, name))
        shape = arr.shape if arr.ndim >= 2 else (1, arr.size) if arr.ndim == 1 else (1, 1)
        src = np.asarray(arr).reshape(shape)
        out = np.empty(shape, dtype=[(n, object) for n in names])
        for idx in np.ndindex(shape):
            for name in names:
                out[name][idx] = _to_matlab(src[name][idx], "%s(%s).%s" % (where, idx, name))
        return out.view(MatStruct)
    if kind in "biufc" or (kind == "S" and arr.dtype.itemsize == 1):
        return arr
    if kind in "UOSM":
        if kind == "M":
            texts = np.datetime_as_string(arr.ravel(order="F"))
            items = [MatChar(str(t)) for t in texts]
        else:
            items = [_to_matlab(v, "%s{%d}" % (where, k + 1)) for k, v in enumerate(arr.ravel(order="F"))]
        return _cell_of(items, arr.shape if arr.ndim >= 2 else (arr.size, 1) if arr.ndim == 1 else (1, 1))
    raise BlobError("%s: a numpy array of dtype %s has no MATLAB form" % (where, arr.dtype))


def _to_matlab(value, where):
    """One value in its mYm form; `where` names its position for errors (value{2}.key)."""
    if value is None:
        return np.zeros((0, 0))
    if isinstance(value, MatChar):
        return value
    if isinstance(value, (str, np.str_)):
        return MatChar(str(value))
    if isinstance(value, (bool, np.bool_)):
        return _scalar(bool(value), np.bool_)
    if isinstance(value, np.ndarray):
        return _array(value, where)
    if isinstance(value, np.generic):  # numpy scalars: 1x1 of their class (str/bytes handled)
        return _array(np.asarray(value).reshape(1, 1), where)
    if isinstance(value, int):
        if -2**63 <= value < 2**63:
            return _scalar(value, np.int64)
        if 0 <= value < 2**64:
            return _scalar(value, np.uint64)
        raise BlobError("%s: int %d is outside the int64 and uint64 ranges and has no MATLAB form"
                        % (where, value))
    if isinstance(value, float):
        return _scalar(value, np.float64)
    if isinstance(value, complex):
        return _scalar(value, np.complex128)
    if isinstance(value, decimal.Decimal):
        return _decimal(value)
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return MatChar(value.isoformat())
    if isinstance(value, uuid.UUID):
        return MatChar(str(value))
    if isinstance(value, (bytes, bytearray)):
        return np.frombuffer(bytes(value), dtype=np.uint8).reshape(1, -1).copy()
    if isinstance(value, collections.abc.Mapping):
        return _struct(value, where)
    if isinstance(value, collections.abc.Set):
        items = list(value)
        try:
            items = sorted(items)
        except TypeError:
            pass  # not orderable: stored order, as the MEX reads a dj0 set
        return _cell(items, where)
    if isinstance(value, collections.abc.Sequence):
        return _cell(list(value), where)
    if type(value).__module__.startswith("scipy.sparse"):
        return value
    raise BlobError("%s: a %s.%s has no MATLAB form" % (where, type(value).__module__, type(value).__qualname__))


def matlab_compatible(value):
    """The value with every Python scalar and container replaced by its MATLAB-native (mYm)
    equivalent, so pack() writes bytes that any DataJoint for MATLAB / mym reads, not dj0.

    Explicit rather than automatic because it changes what Python reads back (a float comes back
    as a 1x1 array, a dict as a MatStruct, a list as a MatCell). The conversions are those the
    MATLAB toolbox applies when it reads dj0 (docs/blobs.md): float/int/bool/complex -> 1x1
    double/int64 (uint64 from 2^63)/logical/complex; str -> char row (MatChar); None -> 0x0
    double; list/tuple/set -> 1xN cell (set sorted when orderable); dict -> 1x1 struct (keys must
    be MATLAB field names); bytes -> uint8 row; Decimal -> double (text beyond 15 digits);
    date/time/datetime/UUID -> ISO text; numpy str/object/datetime64 arrays -> cells; structured
    arrays -> structs. Values already MATLAB's (numeric arrays, MatCell/MatStruct contents
    converted) are kept. A value with no MATLAB form raises BlobError naming where it sits.
    """
    return _to_matlab(value, "value")


@functools.lru_cache(maxsize=8)
def _limit_hint(limit):
    """The end of the error for a blob over the decompressed-size cap (built once per limit)."""
    return (f" (config['blob.max_decompressed_size'] = {limit} bytes; a compressed blob declaring more is "
            "refused so that a small hostile blob cannot exhaust memory: raise the setting to read it)")


def unpack(blob, squeeze=False):
    """Deserialize blob bytes. Raises BlobError (with the byte offset) for anything that is not a
    valid blob, including empty input. SQL NULL is the caller's business (fetch returns None).

    A compressed blob may decompress to at most config['blob.max_decompressed_size'] bytes."""
    if bypass_serialization:
        return _passed_through(blob, "unpack")
    limit = _setting("blob.max_decompressed_size", 0)  # 0: the codec's default (the same 1 GiB)
    return _blob.unpack(blob, squeeze, 0, False, limit, _limit_hint(limit) if limit else "")


def unpack_column(blobs, squeeze=False):
    """``unpack`` of every blob of a fetched column (None, SQL NULL, stays None), as a 1-d object
    array: the settings are read once and the loop runs in C, not once per value in Python."""
    if bypass_serialization:
        column = np.empty(len(blobs), dtype=object)
        column[:] = [None if b is None else _passed_through(b, "unpack") for b in blobs]
        return column
    limit = _setting("blob.max_decompressed_size", 0)
    return _blob.unpack_column(blobs, squeeze, limit, _limit_hint(limit) if limit else "")


class Blob:
    """0.14's codec object, for code that calls it directly: ``Blob().pack(obj, compress)`` and
    ``Blob(squeeze=True).unpack(blob)``. The work is pack()/unpack() above (the shared C codec);
    ``protocol`` tells which header the last pack wrote."""

    def __init__(self, squeeze=False):
        self._squeeze = squeeze
        self.protocol = None

    def pack(self, obj, compress=True):
        data, is_dj0 = pack_and_protocol(obj, compress=compress)
        self.protocol = b"dj0\0" if is_dj0 else b"mYm\0"
        return data

    def unpack(self, blob):
        return unpack(blob, squeeze=self._squeeze)

    def squeeze(self, array, convert_to_scalar=True):
        """The array without singleton dimensions (a 0-d result as a scalar) when squeezing."""
        if not self._squeeze:
            return array
        array = np.asarray(array).squeeze()
        return array.item() if array.ndim == 0 and convert_to_scalar else array
