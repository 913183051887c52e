# cython: language_level=3, boundscheck=False
"""Thin binding between Python objects and the C blob codec (src/codec/mym_codec.h).

Decoding walks the C tree and creates Python objects; bulk numeric data moves with one memcpy
into a fresh (writeable, Fortran-ordered) numpy array. Encoding builds a C tree whose data
pointers borrow the buffers of the Python objects (kept alive in ``_Builder.keep``) and writes
straight into the final ``bytes`` object. The Python-facing semantics live in ``blob.py``.
"""
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_SIMPLE
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING
from cpython.ref cimport PyObject, Py_INCREF, Py_XDECREF
from cpython.unicode cimport PyUnicode_DecodeUTF16, PyUnicode_DecodeUTF8
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int32_t, int64_t
from libc.string cimport memcpy, memset

cimport numpy as cnp
import numpy as np
import collections.abc
import datetime
import decimal
import uuid

cnp.import_array()

cdef extern from *:
    """
    /* str.__new__(type, text) without going through type's Python-level __new__: makes a
       MatChar from a str at C speed (MatChar's dims default lazily, see blob.py).
       A fresh MatChar has no __dict__ and MatChar accepts no attribute but its dims (a tuple
       of ints), so it can never sit in a reference cycle: it is taken off the cyclic GC's
       list. Otherwise the 10,000 MatChars of a cell of strings each count as a container and
       trigger collections that walk the whole heap (60% of unpack time). */
    static PyObject *djx_args1 = NULL;   /* one 1-tuple of arguments, reused (under the GIL) */
    static PyObject *djx_str_subtype(PyObject *type, PyObject *text) {
        PyObject *args, *obj, *old;
        if (djx_args1 == NULL || Py_REFCNT(djx_args1) != 1) {   /* first call, or held elsewhere */
            Py_XDECREF(djx_args1);
            djx_args1 = PyTuple_Pack(1, Py_None);
            if (djx_args1 == NULL) return NULL;
        }
        args = djx_args1;
        old = PyTuple_GET_ITEM(args, 0);
        Py_INCREF(text);
        PyTuple_SET_ITEM(args, 0, text);
        Py_DECREF(old);
        obj = PyUnicode_Type.tp_new((PyTypeObject *)type, args, NULL);
        /* let go of the text at once (the tuple outlives the call) */
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(args, 0, Py_None);
        Py_DECREF(text);
        if (obj != NULL && PyObject_IS_GC(obj)) PyObject_GC_UnTrack(obj);
        return obj;
    }
    """
    object djx_str_subtype(object type, object text)

cdef extern from "Python.h":
    int PyUnicode_READY(object s) except -1
    Py_ssize_t PyUnicode_GET_LENGTH(object s)
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    enum:
        PyUnicode_1BYTE_KIND
        PyUnicode_2BYTE_KIND

cdef enum:
    MAX_DEPTH = 256
    MAX_DIMS = 64

# set by blob.py (avoids an import cycle): MatCell, MatStruct, MatChar, BlobError
cdef object MatCell = None
cdef object MatStruct = None
cdef object MatChar = None
cdef object BlobError = Exception


def configure(matcell, matstruct, matchar, bloberror):
    global MatCell, MatStruct, MatChar, BlobError
    MatCell, MatStruct, MatChar, BlobError = matcell, matstruct, matchar, bloberror


cdef object _err(mym_error *e):
    msg = e.message.decode("utf-8", "replace")
    if e.in_inflated:
        msg += " (offset within the decompressed data)"
    return BlobError(msg, e.offset if e.offset >= 0 else None)


# ------------------------------------------------------------------------------------------
# decoding
# ------------------------------------------------------------------------------------------
_DTYPES = {3: np.dtype(np.bool_), 6: np.dtype("<f8"), 7: np.dtype("<f4"), 8: np.dtype("i1"),
           9: np.dtype("u1"), 10: np.dtype("<i2"), 11: np.dtype("<u2"), 12: np.dtype("<i4"),
           13: np.dtype("<u4"), 14: np.dtype("<i8"), 15: np.dtype("<u8")}
_DT_UNITS = ("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as")


cdef int _check_dims(mym_node *n) except -1:
    cdef uint32_t i
    if n.ndims > MAX_DIMS:
        raise BlobError("array with %d dims: numpy supports at most %d" % (n.ndims, MAX_DIMS))
    for i in range(n.ndims):
        if n.dims[i] > (<uint64_t>1 << 48):
            raise BlobError("array dim %d is %d, too large for numpy" % (i + 1, n.dims[i]))
    return 0


cdef tuple _shape(mym_node *n):
    _check_dims(n)
    return tuple([<object>n.dims[i] for i in range(n.ndims)])


cdef object _objvec(list items):
    """1-d object array holding exactly these objects (numpy would try to stack arrays)."""
    cdef Py_ssize_t i, count = len(items)
    arr = np.empty(count, dtype=object)
    cdef PyObject **data = <PyObject **>cnp.PyArray_DATA(arr)
    for i in range(count):
        item = items[i]
        Py_INCREF(item)
        Py_XDECREF(data[i])
        data[i] = <PyObject *>item
    return arr


cdef object _flat_array(const void *src, uint64_t numel, object dtype):
    """1-d array of `numel` elements copied from an unaligned little-endian buffer."""
    arr = np.empty(<Py_ssize_t>numel, dtype=dtype)
    if numel:
        memcpy(cnp.PyArray_DATA(arr), src, <size_t>(numel * <uint64_t>cnp.PyArray_ITEMSIZE(arr)))
    return arr


cdef object _shaped(object flat, tuple shape):
    if len(shape) <= 1:
        return flat.reshape(shape) if len(shape) == 1 else flat.reshape(())
    return flat.reshape(shape, order="F")


cdef object _squeeze_array(object arr):
    arr = arr.squeeze()
    if arr.ndim == 0:
        return arr.item()
    return arr


cdef object _dec_char(mym_node *n):
    cdef int byteorder = -1
    cdef const char *p = <const char *>n.re
    cdef uint64_t count = n.numel
    cdef tuple shape
    if n.flags & MYM_NF_CHAR8:
        raw = p[:count]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        return djx_str_subtype(MatChar, text)  # dims: its UTF-16 row (1xN, 0x0 when empty)
    if n.ndims == 2 and ((n.dims[0] == 1 and count) or (n.dims[0] == 0 and n.dims[1] == 0)):
        # a 1xN row (or 0x0): the default dims, no tuple needed
        return djx_str_subtype(MatChar, PyUnicode_DecodeUTF16(p, <Py_ssize_t>(count * 2),
                                                              "surrogatepass", &byteorder))
    shape = _shape(n)
    if n.ndims <= 1 or (n.ndims == 2 and n.dims[0] <= 1):
        # a row: column-major order is the text order
        return MatChar(PyUnicode_DecodeUTF16(p, <Py_ssize_t>(count * 2), "surrogatepass",
                                             &byteorder), shape)
    units = _shaped(_flat_array(n.re, count, np.dtype("<u2")), shape)
    raw = np.ascontiguousarray(units).tobytes()
    return MatChar(raw.decode("utf-16-le", "surrogatepass"), shape)


cdef int _typenum(uint32_t c):
    if c == 6: return cnp.NPY_DOUBLE
    if c == 7: return cnp.NPY_FLOAT
    if c == 3: return cnp.NPY_BOOL
    if c == 8: return cnp.NPY_INT8
    if c == 9: return cnp.NPY_UINT8
    if c == 10: return cnp.NPY_INT16
    if c == 11: return cnp.NPY_UINT16
    if c == 12: return cnp.NPY_INT32
    if c == 13: return cnp.NPY_UINT32
    if c == 14: return cnp.NPY_INT64
    if c == 15: return cnp.NPY_UINT64
    return -1


cdef object _fast_numeric(mym_node *n):
    """Real or complex-float array straight into a Fortran-ordered numpy array (one memcpy, or
    one C loop interleaving real and imaginary parts)."""
    cdef cnp.npy_intp dims[MAX_DIMS]
    cdef uint32_t i
    cdef uint64_t k, count = n.numel
    cdef int typenum = _typenum(n.class_id)
    cdef char *dst
    cdef const char *re
    cdef const char *im
    cdef size_t es = n.elem_size
    _check_dims(n)
    for i in range(n.ndims):
        dims[i] = <cnp.npy_intp>n.dims[i]
    if n.is_complex:
        typenum = cnp.NPY_CDOUBLE if n.class_id == 6 else cnp.NPY_CFLOAT
    arr = cnp.PyArray_EMPTY(<int>n.ndims, dims, typenum, 1)
    dst = <char *>cnp.PyArray_DATA(arr)
    if not n.is_complex:
        if count:
            memcpy(dst, n.re, <size_t>(count * es))
            if n.class_id == 3:   # logical: any nonzero byte is true; numpy needs exactly 0/1
                for k in range(count):
                    if dst[k]:
                        dst[k] = 1
        return arr
    re = <const char *>n.re
    im = <const char *>n.im
    with nogil:
        if es == 8:   # constant sizes let the compiler turn memcpy into plain moves
            for k in range(count):
                memcpy(dst + 16 * k, re + 8 * k, 8)
                memcpy(dst + 16 * k + 8, im + 8 * k, 8)
        else:
            for k in range(count):
                memcpy(dst + 8 * k, re + 4 * k, 4)
                memcpy(dst + 8 * k + 4, im + 4 * k, 4)
    return arr


cdef object _dec_array(mym_node *n, bint squeeze):
    cdef uint32_t c = n.class_id
    if c == 4:
        return _dec_char(n)
    if n.ndims >= 1 and (not n.is_complex or c == 6 or c == 7) and _typenum(c) >= 0:
        arr = _fast_numeric(n)
        return _squeeze_array(arr) if squeeze else arr
    cdef tuple shape = _shape(n)
    if c >= 65536:
        dt = np.dtype("datetime64[%s]" % _DT_UNITS[c - 65536])
        arr = _shaped(_flat_array(n.re, n.numel, np.dtype("<i8")).view(dt), shape)
    else:
        base = _DTYPES[c]
        if n.is_complex and c >= 8:
            # numpy has no complex integers: a record of (re, im) keeps the class and the
            # exact values (int64 beyond 2**53), and pack() writes it back unchanged
            flat = np.empty(<Py_ssize_t>n.numel, dtype=[("re", base), ("im", base)])
            flat["re"] = _flat_array(n.re, n.numel, base)
            flat["im"] = _flat_array(n.im, n.numel, base)
        elif n.is_complex:
            ctype = np.dtype("<c8") if c == 7 else np.dtype("<c16")
            re = _flat_array(n.re, n.numel, base)
            im = _flat_array(n.im, n.numel, base)
            flat = np.empty(<Py_ssize_t>n.numel, dtype=ctype)
            flat.real = re
            flat.imag = im
        else:
            flat = _flat_array(n.re, n.numel, base)
        arr = _shaped(flat, shape)
    if n.ndims == 0:
        return arr.item() if squeeze else arr[()]
    return _squeeze_array(arr) if squeeze else arr


cdef list _field_names(mym_node *n):
    names = []
    for i in range(n.nfields):
        try:
            name = (<bytes>n.fields[i]).decode("utf-8")
        except UnicodeDecodeError:
            raise BlobError("field name %d is not valid UTF-8: %r" % (i + 1, <bytes>n.fields[i]))
        if not name:
            raise BlobError("field name %d is empty" % (i + 1))
        names.append(name)
    if len(set(names)) != len(names):
        raise BlobError("duplicate field names: %s" % ", ".join(names))
    return names


cdef object _dec_struct(mym_node *n, bint squeeze, int depth):
    cdef uint64_t e, f, nf = n.nfields, numel = n.numel
    names = _field_names(n)
    shape = _shape(n)
    dtype = np.dtype([(name, object) for name in names])
    flat = np.empty(<Py_ssize_t>numel, dtype=dtype)
    for f in range(nf):
        col = []
        for e in range(numel):
            col.append(_decode(n.children[e * nf + f], squeeze, depth + 1))
        flat[names[f]] = _objvec(col)
    arr = _shaped(flat, shape).view(MatStruct)
    return arr.squeeze() if squeeze else arr


cdef object _dec_cell(mym_node *n, bint squeeze, int depth):
    cdef uint64_t i
    items = [_decode(n.children[i], squeeze, depth + 1) for i in range(n.numel)]
    arr = _shaped(_objvec(items), _shape(n)).view(MatCell)
    return arr.squeeze() if squeeze else arr


cdef object _dec_objarray(mym_node *n, bint squeeze, int depth):
    cdef uint64_t i
    items = [_decode(n.children[i], squeeze, depth + 1) for i in range(n.numel)]
    arr = _shaped(_objvec(items), _shape(n))
    if squeeze:
        arr = arr.squeeze()
        return arr[()] if arr.ndim == 0 else arr
    return arr


cdef object _dec_sparse(mym_node *n):
    try:
        import scipy.sparse
    except ImportError:
        raise BlobError("the blob holds a MATLAB sparse matrix; install scipy to read it "
                        "(pip install scipy)")
    if n.rows > (<uint64_t>1 << 48) or n.cols > (<uint64_t>1 << 48):
        raise BlobError("sparse matrix %dx%d is too large for scipy" % (n.rows, n.cols))
    jc = _flat_array(n.jc, n.cols + 1, np.dtype("<i8"))
    nnz = int(jc[-1]) if n.cols + 1 else 0
    ir = _flat_array(n.ir, nnz, np.dtype("<i8"))
    if n.class_id == 3:
        data = _flat_array(n.re, nnz, np.dtype(np.uint8)) != 0
    else:
        data = _flat_array(n.re, nnz, _DTYPES[n.class_id])
        if n.is_complex:
            im = _flat_array(n.im, nnz, _DTYPES[n.class_id])
            cdata = np.empty(nnz, dtype=np.complex128)
            cdata.real = data
            cdata.imag = im
            data = cdata
    try:
        return scipy.sparse.csc_matrix((data, ir, jc), shape=(int(n.rows), int(n.cols)))
    except (ValueError, OverflowError, MemoryError) as e:
        raise BlobError("sparse matrix %dx%d cannot be represented: %s" % (n.rows, n.cols, e))


cdef object _dec_recarray(mym_node *n, bint squeeze, int depth):
    names = _field_names(n)
    cols = [_decode(n.children[i], False, depth + 1) for i in range(n.nfields)]
    if not names:
        return np.array(None)
    shape = np.shape(cols[0])
    for name, col in zip(names, cols):
        if not isinstance(col, np.ndarray) and not isinstance(col, np.generic):
            raise BlobError("record array field %r is not an array" % name)
        if np.shape(col) != shape:
            raise BlobError("record array fields have different shapes")
    dtype = np.dtype([(name, np.asarray(col).dtype) for name, col in zip(names, cols)])
    out = np.empty(shape, dtype=dtype)
    for name, col in zip(names, cols):
        out[name] = col
    return out.view(np.recarray)


cdef object _dec_datetime(mym_node *n):
    cdef int32_t d = n.u.dt.date
    cdef int64_t t = n.u.dt.time
    try:
        date = time = None
        if d >= 0:
            date = datetime.date(d // 10000, (d // 100) % 100, d % 100)
        if t >= 0:
            us = t % 1000000
            s = t // 1000000
            time = datetime.time(s // 10000, (s // 100) % 100, s % 100, us)
    except ValueError as e:
        raise BlobError("invalid date/time value (date=%d, time=%d): %s" % (d, t, e))
    if date is not None and time is not None:
        return datetime.datetime.combine(date, time)
    if date is not None:
        return date
    if time is not None:
        return time
    raise BlobError("date/time value with neither a date nor a time")


cdef object _decode(mym_node *n, bint squeeze, int depth):
    cdef mym_kind k = n.kind
    cdef const char *p
    cdef uint64_t i
    if k == MYM_ARRAY:
        return _dec_array(n, squeeze)
    elif k == MYM_FLOAT:
        return n.u.f[0]
    elif k == MYM_INT:
        if n.flags & MYM_NF_SMALLINT:
            return n.u.i.value
        return int.from_bytes((<const char *>n.u.i.bytes)[:n.u.i.nbytes], "little", signed=True)
    elif k == MYM_STR:
        p = <const char *>n.u.bytes.ptr
        try:
            return PyUnicode_DecodeUTF8(p, <Py_ssize_t>n.u.bytes.len, NULL)
        except UnicodeDecodeError as e:
            raise BlobError("string value is not valid UTF-8: %s" % e)
    elif k == MYM_STRUCT:
        return _dec_struct(n, squeeze, depth)
    elif k == MYM_CELL:
        return _dec_cell(n, squeeze, depth)
    elif k == MYM_LIST or k == MYM_TUPLE or k == MYM_SET:
        items = [_decode(n.children[i], squeeze, depth + 1) for i in range(n.nchildren)]
        if k == MYM_LIST:
            return items
        if k == MYM_TUPLE:
            return tuple(items)
        try:
            return set(items)
        except TypeError as e:
            raise BlobError("set item cannot be a set member: %s" % e)
    elif k == MYM_DICT:
        out = {}
        for i in range(0, n.nchildren, 2):
            key = _decode(n.children[i], squeeze, depth + 1)
            try:
                out[key] = _decode(n.children[i + 1], squeeze, depth + 1)
            except TypeError as e:
                raise BlobError("dict key cannot be used as a key: %s" % e)
        return out
    elif k == MYM_NONE:
        return None
    elif k == MYM_BOOL:
        return bool(n.u.b)
    elif k == MYM_COMPLEX:
        return complex(n.u.f[0], n.u.f[1])
    elif k == MYM_BYTES:
        return (<const char *>n.u.bytes.ptr)[:n.u.bytes.len]
    elif k == MYM_DECIMAL:
        text = (<const char *>n.u.bytes.ptr)[:n.u.bytes.len]
        try:
            return decimal.Decimal(text.decode("ascii"))
        except (UnicodeDecodeError, decimal.InvalidOperation):
            raise BlobError("invalid decimal text %r" % text[:80])
    elif k == MYM_DATETIME:
        return _dec_datetime(n)
    elif k == MYM_UUID:
        return uuid.UUID(bytes=(<const char *>n.u.uuid)[:16])
    elif k == MYM_OBJARRAY:
        return _dec_objarray(n, squeeze, depth)
    elif k == MYM_SPARSE:
        return _dec_sparse(n)
    elif k == MYM_RECARRAY:
        return _dec_recarray(n, squeeze, depth)
    raise BlobError("unsupported node kind %d" % k)


cdef int _decode_tree(data, mym_tree **tree, int dims_mode, bint lenient, uint64_t max_inflated=0,
                      str limit_hint="") except -1:
    cdef Py_buffer view
    cdef mym_error err
    cdef mym_decode_opts opts
    cdef int rc
    try:
        PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    except (TypeError, BufferError):
        raise BlobError("a blob must be bytes-like, not %s" % type(data).__name__)
    mym_decode_opts_init(&opts)
    opts.dims_mode = <mym_dims_mode>dims_mode
    if lenient:
        opts.flags |= 0x04
    if max_inflated:
        opts.max_inflated = max_inflated
    # the tree may point into the caller's buffer: copy bulk data unless the object is
    # immutable bytes (kept alive by the caller for the whole unpack call)
    if type(data) is not bytes:
        opts.flags |= 0x01
    try:
        with nogil:
            rc = mym_decode(<const uint8_t *>view.buf, <size_t>view.len, &opts, tree, &err)
    finally:
        PyBuffer_Release(&view)
    if rc:
        if rc == MYM_E_NOMEM:
            raise MemoryError(err.message.decode("utf-8", "replace"))
        if rc == MYM_E_INFLATE_LIMIT and limit_hint:
            raise BlobError(err.message.decode("utf-8", "replace") + limit_hint, err.offset)
        raise _err(&err)
    return 0


def unpack(data, bint squeeze=False, int dims_mode=0, bint lenient=False, uint64_t max_inflated=0,
           str limit_hint=""):
    """Decode one blob (bytes-like). Raises BlobError for anything that is not a valid blob.

    `max_inflated` caps the decompressed size of a ZL123 blob (0: the codec's default); a blob
    over it raises BlobError whose message ends with `limit_hint` (which names the setting)."""
    cdef mym_tree *tree = NULL
    _decode_tree(data, &tree, dims_mode, lenient, max_inflated, limit_hint)
    try:
        return _decode(tree.root, squeeze, 0)
    except (ValueError, OverflowError) as e:
        # numpy/scipy refusing a shape the format allows (e.g. a zero-field struct of 2**40
        # elements): still the blob's fault, so report it as such
        raise BlobError("blob holds a value Python cannot represent: %s" % e) from e
    finally:
        mym_tree_free(tree)


def unpack_column(values, bint squeeze=False, uint64_t max_inflated=0, str limit_hint=""):
    """Decode a fetched column of blobs (a sequence; None, SQL NULL, stays None) into a 1-d
    object array: one call per column chunk, so a large fetch makes no Python call per value."""
    cdef list items = list(values)
    cdef Py_ssize_t i, count = len(items)
    cdef mym_tree *tree = NULL
    for i in range(count):
        data = items[i]
        if data is None:
            continue
        _decode_tree(data, &tree, 0, False, max_inflated, limit_hint)
        try:
            items[i] = _decode(tree.root, squeeze, 0)
        except (ValueError, OverflowError) as e:
            raise BlobError("blob holds a value Python cannot represent: %s" % e) from e
        finally:
            mym_tree_free(tree)
            tree = NULL
    return _objvec(items)


def blob_info(data):
    """(header, compressed, dims32, plain_length) of a valid blob: for tests and diagnostics."""
    cdef mym_tree *tree = NULL
    _decode_tree(data, &tree, 0, False)
    try:
        return ("mYm" if tree.header == MYM_HDR_MYM else "dj0", bool(tree.compressed),
                bool(tree.dims32), tree.plain_length)
    finally:
        mym_tree_free(tree)


# ------------------------------------------------------------------------------------------
# encoding
# ------------------------------------------------------------------------------------------
_CLASS_OF = {np.dtype(np.bool_): 3, np.dtype("f8"): 6, np.dtype("f4"): 7, np.dtype("i1"): 8,
             np.dtype("u1"): 9, np.dtype("i2"): 10, np.dtype("u2"): 11, np.dtype("i4"): 12,
             np.dtype("u4"): 13, np.dtype("i8"): 14, np.dtype("u8"): 15,
             np.dtype("c16"): 6, np.dtype("c8"): 7}
_UNIT_INDEX = {u: i for i, u in enumerate(_DT_UNITS)}

cdef object _ndarray = np.ndarray
cdef object _Mapping = collections.abc.Mapping
cdef object _MutableSequence = collections.abc.MutableSequence
cdef object _Sequence = collections.abc.Sequence
cdef object _Set = collections.abc.Set


# at most one emptied encoding tree with this much arena is kept between pack() calls
cdef enum:
    SPARE_ARENA_BYTES = 4 * 1024 * 1024
cdef mym_tree *_spare_tree = NULL


cdef class _Builder:
    cdef mym_tree *t
    cdef list keep

    def __cinit__(self):
        global _spare_tree
        if _spare_tree != NULL:  # the emptied tree of the previous pack (taken under the GIL)
            self.t, _spare_tree = _spare_tree, NULL
        else:
            self.t = mym_tree_new()
        if self.t == NULL:
            raise MemoryError()
        self.keep = []

    def __dealloc__(self):
        """Keep one emptied tree for the next pack: freeing and re-faulting its arena cost
        more than building a cell of 10,000 strings itself."""
        global _spare_tree
        if _spare_tree == NULL and self.t != NULL:
            mym_tree_reset(self.t, SPARE_ARENA_BYTES)
            _spare_tree = self.t
        else:
            mym_tree_free(self.t)

    cdef uint64_t *dims(self, tuple shape) except NULL:
        cdef Py_ssize_t i, nd = len(shape)
        cdef uint64_t *d = <uint64_t *>mym_arena_alloc(self.t, (nd if nd else 1) * 8)
        if d == NULL:
            raise MemoryError()
        for i in range(nd):
            d[i] = shape[i]
        return d

    cdef mym_node *check(self, mym_node *n, obj) except NULL:
        if n == NULL:
            raise BlobError("cannot encode %s: out of memory or invalid shape" % type(obj).__name__)
        return n

    cdef mym_node *char16(self, bytes units, tuple shape) except NULL:
        self.keep.append(units)
        cdef const char *p = units
        return self.check(mym_new_array(self.t, 4, 0, len(shape), self.dims(shape), p, NULL), units)

    cdef mym_node *matlab_str(self, s) except NULL:
        """A str as a MATLAB char row (UTF-16, 1xN; '' is 0x0). Strings of 1- and 2-byte
        characters are widened straight into the tree's arena (a cell of 10,000 short strings
        would otherwise spend its time in 10,000 encode() calls)."""
        cdef Py_ssize_t i, n
        cdef int kind
        cdef uint8_t *dst
        cdef const uint8_t *src1
        cdef const uint16_t *src2
        cdef uint64_t dims[2]
        PyUnicode_READY(s)
        kind = PyUnicode_KIND(s)
        n = PyUnicode_GET_LENGTH(s)
        if kind != PyUnicode_1BYTE_KIND and kind != PyUnicode_2BYTE_KIND:
            units = str(s).encode("utf-16-le", "surrogatepass")  # astral characters: pairs
            n = len(units) // 2
            return self.char16(units, (1, n))
        dst = <uint8_t *>mym_arena_alloc(self.t, <size_t>(2 * n if n else 2))
        if dst == NULL:
            raise MemoryError()
        if kind == PyUnicode_1BYTE_KIND:
            src1 = <const uint8_t *>PyUnicode_DATA(s)
            for i in range(n):
                dst[2 * i] = src1[i]
                dst[2 * i + 1] = 0
        else:
            src2 = <const uint16_t *>PyUnicode_DATA(s)
            for i in range(n):  # little-endian whatever the host
                dst[2 * i] = <uint8_t>(src2[i] & 0xFF)
                dst[2 * i + 1] = <uint8_t>(src2[i] >> 8)
        dims[0] = 1 if n else 0
        dims[1] = <uint64_t>n
        return self.check(mym_new_array(self.t, 4, 0, 2, dims, dst, NULL), s)

    cdef mym_node *matchar(self, obj) except NULL:
        if obj._dims is None:  # a 1xN row or '' (0x0): the text alone says it
            return self.matlab_str(obj)
        shape = tuple(obj.dims)
        units = np.frombuffer(str(obj).encode("utf-16-le", "surrogatepass"), dtype="<u2")
        total = 1
        for d in shape:
            total *= d
        if units.size != total:
            raise BlobError("MatChar of %d UTF-16 units does not fit its dims %r"
                            % (units.size, shape))
        fortran = np.asfortranarray(units.reshape(shape))
        return self.char16(fortran.tobytes(order="F"), shape)

    cdef const char **names(self, tuple names) except NULL:
        cdef Py_ssize_t i
        cdef const char **out = <const char **>mym_arena_alloc(self.t, (len(names) + 1) * sizeof(char *))
        if out == NULL:
            raise MemoryError()
        for i, name in enumerate(names):
            if not isinstance(name, str) or not name:
                raise BlobError("field names must be non-empty strings, got %r" % (name,))
            b = name.encode("utf-8")
            if b"\0" in b:
                raise BlobError("field name %r contains a zero character" % name)
            self.keep.append(b)
            out[i] = <const char *>(<bytes>b)
        return out

    cdef int fast_ndarray(self, cnp.ndarray arr, mym_node **out) except -1:
        """Plain real numeric/bool arrays in native byte order: no Python-level dtype work."""
        cdef int tn = cnp.PyArray_TYPE(arr)
        cdef int isz = <int>cnp.PyArray_ITEMSIZE(arr)
        cdef uint32_t cls = 0
        cdef int nd = cnp.PyArray_NDIM(arr)
        cdef int i
        cdef uint64_t dims[MAX_DIMS]
        cdef cnp.npy_intp *shape
        if nd == 0 or nd > MAX_DIMS or not cnp.PyArray_ISNOTSWAPPED(arr):
            return 0
        if tn == cnp.NPY_DOUBLE: cls = 6
        elif tn == cnp.NPY_FLOAT: cls = 7
        elif tn == cnp.NPY_BOOL: cls = 3
        elif (tn == cnp.NPY_BYTE or tn == cnp.NPY_SHORT or tn == cnp.NPY_INT or
              tn == cnp.NPY_LONG or tn == cnp.NPY_LONGLONG):
            cls = 8 if isz == 1 else 10 if isz == 2 else 12 if isz == 4 else 14 if isz == 8 else 0
        elif (tn == cnp.NPY_UBYTE or tn == cnp.NPY_USHORT or tn == cnp.NPY_UINT or
              tn == cnp.NPY_ULONG or tn == cnp.NPY_ULONGLONG):
            cls = 9 if isz == 1 else 11 if isz == 2 else 13 if isz == 4 else 15 if isz == 8 else 0
        if cls == 0:
            return 0
        if not cnp.PyArray_IS_F_CONTIGUOUS(arr):
            arr = np.asfortranarray(arr)
            self.keep.append(arr)
        shape = cnp.PyArray_DIMS(arr)
        for i in range(nd):
            dims[i] = <uint64_t>shape[i]
        out[0] = self.check(mym_new_array(self.t, cls, 0, nd, dims, cnp.PyArray_DATA(arr), NULL), arr)
        return 1

    cdef mym_node *ndarray(self, arr, int depth) except NULL:
        cdef mym_node *fast = NULL
        if type(arr) is _ndarray and self.fast_ndarray(arr, &fast):
            return fast
        dt = arr.dtype
        cdef str kind = dt.kind
        cdef tuple shape = arr.shape
        cdef mym_node *n
        cdef Py_ssize_t i
        if len(shape) > MAX_DIMS:
            raise BlobError("array with %d dims is not supported" % len(shape))
        if dt.names is not None:
            if (dt.names == ("re", "im") and dt["re"] == dt["im"] and dt["re"].kind in "iu"
                    and type(arr) is np.ndarray):
                return self.complex_int(arr, shape)
            return self.recarray(arr, depth)
        if kind in "biufc":
            if not dt.isnative:
                arr = arr.astype(dt.newbyteorder("="))
                dt = arr.dtype
            cls = _CLASS_OF.get(dt)
            if cls is None:
                raise BlobError("cannot encode a numpy array of dtype %s (MATLAB has no such "
                                "class)" % dt)
            if kind == "c":
                re = np.asfortranarray(arr.real)
                im = np.asfortranarray(arr.imag)
                self.keep.append(re)
                self.keep.append(im)
                return self.check(mym_new_array(self.t, cls, 1, len(shape), self.dims(shape),
                                                cnp.PyArray_DATA(re), cnp.PyArray_DATA(im)), arr)
            if not (<cnp.ndarray>arr).flags.f_contiguous:
                arr = np.asfortranarray(arr)
            self.keep.append(arr)
            return self.check(mym_new_array(self.t, cls, 0, len(shape), self.dims(shape),
                                            cnp.PyArray_DATA(arr), NULL), arr)
        if kind == "S" and dt.itemsize == 1:
            units = np.asfortranarray(arr.view(np.uint8).astype("<u2"))
            return self.char16(units.tobytes(order="F"), shape)
        if kind == "M":
            unit, step = np.datetime_data(dt)
            if unit not in _UNIT_INDEX or step != 1:
                raise BlobError("cannot encode datetime64 with unit %r" % (dt,))
            data = np.asfortranarray(arr.view("<i8"))
            self.keep.append(data)
            return self.check(mym_new_array(self.t, 65536 + _UNIT_INDEX[unit], 0, len(shape),
                                            self.dims(shape), cnp.PyArray_DATA(data), NULL), arr)
        if kind == "U" or kind == "O":
            items = arr.ravel(order="F")
            self.keep.append(items)
            n = self.check(mym_new_objarray(self.t, len(shape), self.dims(shape)), arr)
            for i in range(len(items)):
                item = items[i]
                if kind == "U":
                    item = str(item)
                    self.keep.append(item)
                n.children[i] = self.node(item, False, depth + 1)
            return n
        raise BlobError("cannot encode a numpy array of dtype %s" % dt)

    cdef mym_node *complex_int(self, arr, tuple shape) except NULL:
        base = arr.dtype["re"].newbyteorder("=")
        cls = _CLASS_OF.get(base)
        if cls is None:
            raise BlobError("cannot encode complex integers of dtype %s" % base)
        re = np.asfortranarray(arr["re"], dtype=base)
        im = np.asfortranarray(arr["im"], dtype=base)
        self.keep.append(re)
        self.keep.append(im)
        return self.check(mym_new_array(self.t, cls, 1, len(shape), self.dims(shape),
                                        cnp.PyArray_DATA(re), cnp.PyArray_DATA(im)), arr)

    cdef mym_node *recarray(self, arr, int depth) except NULL:
        names = tuple(arr.dtype.names)
        cdef mym_node *n = self.check(mym_new_recarray(self.t, len(names), self.names(names)), arr)
        cdef Py_ssize_t i
        plain = np.asarray(arr)
        for i, name in enumerate(names):
            col = plain[name]
            if not isinstance(col, np.ndarray):
                col = np.asarray(col)
            self.keep.append(col)
            n.children[i] = self.ndarray(col, depth + 1)
        return n

    cdef mym_node *matcell(self, arr, int depth) except NULL:
        shape = arr.shape if arr.ndim else (1, 1)
        items = np.ascontiguousarray(np.asarray(arr).ravel(order="F"), dtype=object)
        self.keep.append(items)
        cdef mym_node *n = self.check(mym_new_cell(self.t, len(shape), self.dims(shape)), arr)
        cdef Py_ssize_t i, count = cnp.PyArray_SIZE(items)
        cdef PyObject **data = <PyObject **>cnp.PyArray_DATA(items)
        for i in range(count):
            item = <object>data[i]
            if type(item) is str:  # the common cell of strings: straight to a char row
                n.children[i] = self.matlab_str(item)
            else:
                n.children[i] = self.node(item, True, depth + 1)
        return n

    cdef mym_node *matstruct(self, arr, int depth) except NULL:
        names = tuple(arr.dtype.names or ())
        shape = arr.shape if arr.ndim else (1, 1)
        flat = np.asarray(arr).ravel(order="F")
        cols = [list(flat[name]) for name in names]
        self.keep.append(cols)
        cdef mym_node *n = self.check(
            mym_new_struct(self.t, len(shape), self.dims(shape), len(names), self.names(names)), arr)
        cdef Py_ssize_t e, f, nf = len(names)
        if nf == 0:
            return n
        for e in range(len(flat)):
            for f in range(nf):
                n.children[e * nf + f] = self.node(cols[f][e], True, depth + 1)
        return n

    cdef mym_node *sparse(self, obj) except NULL:
        m = obj.tocsc()
        m.sort_indices()
        dt = m.dtype
        if dt == np.bool_:
            cls, cplx = 3, 0
            data = np.ascontiguousarray(m.data, dtype=np.bool_)
        elif dt.kind == "c":
            cls, cplx = 6, 1
            data = np.ascontiguousarray(m.data, dtype=np.complex128)
        else:
            cls, cplx = 6, 0
            data = np.ascontiguousarray(m.data, dtype="<f8")
        rows, cols = m.shape
        nnz = int(m.indptr[-1])
        jc = np.ascontiguousarray(m.indptr, dtype="<u8")
        ir = np.ascontiguousarray(m.indices[:nnz], dtype="<u8")
        data = data[:nnz]
        if cplx:
            re = np.ascontiguousarray(data.real)
            im = np.ascontiguousarray(data.imag)
        else:
            re, im = data, None
        self.keep.extend((jc, ir, re, im))
        return self.check(mym_new_sparse(
            self.t, cls, cplx, rows, cols, nnz, <const uint64_t *>cnp.PyArray_DATA(jc),
            <const uint64_t *>cnp.PyArray_DATA(ir), cnp.PyArray_DATA(re),
            cnp.PyArray_DATA(im) if cplx else NULL), obj)

    cdef mym_node *pyint(self, obj) except NULL:
        cdef int overflow = 0
        cdef long long v = PyLong_AsLongLongAndOverflow(obj, &overflow)
        if not overflow:
            return self.check(mym_new_int64(self.t, v), obj)
        nbytes = int(obj).bit_length() // 8 + 1
        if nbytes > 65535:
            raise BlobError("integer too large to encode (%d bytes)" % nbytes)
        b = int(obj).to_bytes(nbytes, "little", signed=True)
        self.keep.append(b)
        return self.check(mym_new_int_bytes(self.t, <const uint8_t *><const char *>(<bytes>b), nbytes), obj)

    cdef mym_node *text(self, mym_kind kind, bytes b) except NULL:
        self.keep.append(b)
        return self.check(mym_new_text(self.t, kind, <const char *>b, len(b)), b)

    cdef mym_node *utf8(self, str s) except NULL:
        cdef Py_ssize_t size
        cdef const char *p
        try:
            p = PyUnicode_AsUTF8AndSize(s, &size)
        except UnicodeEncodeError as e:
            raise BlobError("cannot encode string %r: %s" % (s[:40], e))
        return self.check(mym_new_text(self.t, MYM_STR, p, size), s)

    cdef mym_node *seq(self, mym_kind kind, items, int depth) except NULL:
        cdef Py_ssize_t i, count = len(items)
        cdef mym_node *n = self.check(mym_new_seq(self.t, kind, count), items)
        cdef PyObject **fast
        if type(items) is list or type(items) is tuple:
            fast = PySequence_Fast_ITEMS(items)
            for i in range(count):
                n.children[i] = self.node(<object>fast[i], False, depth + 1)
            return n
        for i in range(count):
            n.children[i] = self.node(items[i], False, depth + 1)
        return n

    cdef mym_node *mapping(self, obj, int depth) except NULL:
        items = list(obj.items())
        self.keep.append(items)
        cdef Py_ssize_t i, count = len(items)
        cdef mym_node *n = self.check(mym_new_seq(self.t, MYM_DICT, 2 * count), obj)
        for i in range(count):
            n.children[2 * i] = self.node(items[i][0], False, depth + 1)
            n.children[2 * i + 1] = self.node(items[i][1], False, depth + 1)
        return n

    cdef mym_node *datetime_(self, obj) except NULL:
        cdef mym_node *n = self.check(mym_new_scalar(self.t, MYM_DATETIME), obj)
        if isinstance(obj, datetime.date):
            n.u.dt.date = obj.year * 10000 + obj.month * 100 + obj.day
        if isinstance(obj, (datetime.datetime, datetime.time)):
            n.u.dt.time = (((obj.hour * 100 + obj.minute) * 100 + obj.second) * 1000000
                           + obj.microsecond)
        return n

    cdef mym_node *node(self, obj, bint matlab, int depth) except NULL:
        """`matlab`: obj sits inside a MATLAB struct/cell, so text is written as MATLAB char."""
        cdef mym_node *n
        if depth > MAX_DEPTH:
            raise BlobError("value nested deeper than %d levels (is it self-referential?)"
                            % MAX_DEPTH)
        t = type(obj)
        # exact-type fast paths for plain arrays and the common Python scalars
        if t is _ndarray and self.fast_ndarray(obj, &n):
            return n
        if t is float:
            n = self.check(mym_new_scalar(self.t, MYM_FLOAT), obj)
            n.u.f[0] = obj
            return n
        if t is int:
            return self.pyint(obj)
        if t is str:
            return self.matlab_str(obj) if matlab else self.utf8(obj)
        if t is MatChar:
            return self.matchar(obj)
        if t is bool:
            n = self.check(mym_new_scalar(self.t, MYM_BOOL), obj)
            n.u.b = obj
            return n
        if t is list:
            return self.seq(MYM_LIST, obj, depth)
        if t is dict:
            return self.mapping(obj, depth)
        if t is tuple:
            return self.seq(MYM_TUPLE, obj, depth)
        if obj is None:
            return self.check(mym_new_scalar(self.t, MYM_NONE), obj)
        # the general order of DataJoint 0.14 (spec §12.1)
        if isinstance(obj, np.ndarray):
            if isinstance(obj, MatCell):
                return self.matcell(obj, depth)
            if isinstance(obj, MatStruct):
                return self.matstruct(obj, depth)
            return self.ndarray(obj, depth)
        if MatChar is not None and isinstance(obj, MatChar):
            return self.matchar(obj)
        if isinstance(obj, np.generic):
            if isinstance(obj, (np.str_, np.bytes_)):
                return self.node(obj.item(), matlab, depth)
            if isinstance(obj, np.void):
                raise BlobError("cannot encode a numpy record scalar (np.void); pack the record "
                                "array instead")
            arr = np.asarray(obj)
            self.keep.append(arr)
            return self.ndarray(arr, depth)
        if isinstance(obj, bool):
            return self.node(bool(obj), matlab, depth)
        if isinstance(obj, int):
            return self.pyint(obj)
        if isinstance(obj, complex):
            n = self.check(mym_new_scalar(self.t, MYM_COMPLEX), obj)
            n.u.f[0] = obj.real
            n.u.f[1] = obj.imag
            return n
        if isinstance(obj, float):
            n = self.check(mym_new_scalar(self.t, MYM_FLOAT), obj)
            n.u.f[0] = obj
            return n
        if isinstance(obj, (datetime.date, datetime.time)):
            return self.datetime_(obj)
        if isinstance(obj, decimal.Decimal):
            return self.text(MYM_DECIMAL, str(obj).encode("ascii"))
        if isinstance(obj, uuid.UUID):
            n = self.check(mym_new_scalar(self.t, MYM_UUID), obj)
            memcpy(n.u.uuid, <const char *>(<bytes>obj.bytes), 16)
            return n
        if isinstance(obj, _Mapping):
            return self.mapping(obj, depth)
        if isinstance(obj, str):
            s = str(obj)
            self.keep.append(s)
            return self.matlab_str(s) if matlab else self.utf8(s)
        if isinstance(obj, (bytes, bytearray)):
            return self.text(MYM_BYTES, bytes(obj))
        if isinstance(obj, _MutableSequence):
            items = list(obj)
            self.keep.append(items)
            return self.seq(MYM_LIST, items, depth)
        if isinstance(obj, _Sequence):
            items = list(obj)
            self.keep.append(items)
            return self.seq(MYM_TUPLE, items, depth)
        if isinstance(obj, _Set):
            items = list(obj)
            self.keep.append(items)
            return self.seq(MYM_SET, items, depth)
        module = getattr(t, "__module__", "") or ""
        if module.startswith("scipy.sparse") and hasattr(obj, "tocsc"):
            if len(obj.shape) != 2:
                raise BlobError("only 2-d sparse matrices can be encoded")
            return self.sparse(obj)
        raise BlobError("cannot encode an object of type %s.%s"
                        % (module, getattr(t, "__qualname__", t.__name__)))


def pack(obj, int compress=1, int level=1, bint allow_dj0=True, list header_out=None):
    """Encode obj. compress: 0 = never, 1 = rule by header (mYm: MATLAB rule, dj0: Python rule),
    2 = MATLAB rule, 3 = Python rule. Returns bytes (None when dj0 is needed but not allowed).
    header_out, when given, gets True appended for a dj0 blob, False for mYm."""
    cdef _Builder b = _Builder()
    cdef mym_node *root = b.node(obj, False, 0)
    cdef mym_encoded_info info
    cdef mym_error err
    cdef mym_buffer z
    cdef int rc, did = 0
    cdef uint8_t *dst
    cdef mym_compress_rule rule
    rc = mym_measure(root, MYM_HDR_AUTO, MAX_DEPTH + 2, &info, &err)
    if rc:
        raise _err(&err)
    if header_out is not None:
        header_out.append(info.header == MYM_HDR_DJ0)
    if info.header == MYM_HDR_DJ0 and not allow_dj0:
        return None
    out = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>info.plain_length)
    dst = <uint8_t *>PyBytes_AS_STRING(out)
    with nogil:
        rc = mym_write_plain(root, &info, dst, &err)
    if rc:
        raise _err(&err)
    if compress == 0:
        return out
    if compress == 1:
        rule = MYM_COMPRESS_MYM if info.header == MYM_HDR_MYM else MYM_COMPRESS_PY
    elif compress == 2:
        rule = MYM_COMPRESS_MYM
    else:
        rule = MYM_COMPRESS_PY
    mym_buffer_init(&z)
    with nogil:
        rc = mym_compress(dst, <size_t>info.plain_length, rule, level, &z, &did, &err)
    if rc:
        raise _err(&err)
    if not did:
        return out
    try:
        return PyBytes_FromStringAndSize(<const char *>z.data, <Py_ssize_t>z.len)
    finally:
        mym_buffer_free(&z)
