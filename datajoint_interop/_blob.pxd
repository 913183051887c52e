# Declarations of the C codec API (src/codec/mym_codec.h) for the _blob extension; kept apart
# from _blob.pyx so the binding logic reads without 100 lines of C prototypes in front.
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int32_t, int64_t
from cpython.ref cimport PyObject

cdef extern from "Python.h":
    PyObject **PySequence_Fast_ITEMS(object o)
    const char *PyUnicode_AsUTF8AndSize(object s, Py_ssize_t *size) except NULL
    long long PyLong_AsLongLongAndOverflow(object o, int *overflow) except? -1

cdef extern from "mym_codec.h" nogil:
    ctypedef enum mym_kind:
        MYM_ARRAY, MYM_STRUCT, MYM_CELL, MYM_SPARSE, MYM_OBJARRAY, MYM_RECARRAY, MYM_NONE,
        MYM_BOOL, MYM_INT, MYM_FLOAT, MYM_COMPLEX, MYM_STR, MYM_BYTES, MYM_TUPLE, MYM_LIST,
        MYM_SET, MYM_DICT, MYM_DECIMAL, MYM_DATETIME, MYM_UUID
    ctypedef enum mym_header:
        MYM_HDR_AUTO, MYM_HDR_MYM, MYM_HDR_DJ0
    ctypedef enum mym_compress_rule:
        MYM_COMPRESS_NONE, MYM_COMPRESS_MYM, MYM_COMPRESS_PY
    ctypedef enum mym_dims_mode:
        MYM_DIMS_AUTO, MYM_DIMS_64, MYM_DIMS_32
    int MYM_NF_CHAR8, MYM_NF_STRAYZERO, MYM_NF_SMALLINT
    int MYM_E_NOMEM
    int MYM_E_INFLATE_LIMIT
    ctypedef struct mym_error:
        int code
        int64_t offset
        int in_inflated
        char message[240]
    ctypedef struct mym_int:
        const uint8_t *bytes
        size_t nbytes
        int64_t value
    ctypedef struct _bytes_t:
        const uint8_t *ptr
        size_t len
    ctypedef struct _dt_t:
        int32_t date
        int64_t time
    ctypedef union _u_t:
        int b
        double f[2]
        mym_int i
        _bytes_t bytes
        _dt_t dt
        uint8_t uuid[16]
    ctypedef struct mym_node:
        mym_kind kind
        uint32_t flags
        uint32_t ndims
        uint64_t *dims
        uint64_t numel
        uint32_t class_id
        uint32_t is_complex
        uint32_t elem_size
        const void *re
        const void *im
        uint64_t rows, cols, nzmax
        const void *jc
        const void *ir
        uint64_t nchildren
        mym_node **children
        uint32_t nfields
        char **fields
        _u_t u
    ctypedef struct mym_tree:
        mym_node *root
        mym_header header
        int compressed
        int dims32
        uint64_t plain_length
    ctypedef struct mym_decode_opts:
        uint32_t flags
        mym_dims_mode dims_mode
        uint32_t max_depth
        uint64_t max_inflated
    ctypedef struct mym_encoded_info:
        uint64_t plain_length
        mym_header header
    ctypedef struct mym_buffer:
        uint8_t *data
        size_t len, cap

    mym_tree *mym_tree_new()
    void mym_tree_free(mym_tree *t)
    void mym_tree_reset(mym_tree *t, size_t keep)
    void mym_decode_opts_init(mym_decode_opts *o)
    int mym_decode(const uint8_t *buf, size_t len, const mym_decode_opts *opts, mym_tree **out,
                   mym_error *err)
    int mym_measure(const mym_node *root, mym_header header, uint32_t max_depth,
                    mym_encoded_info *info, mym_error *err)
    int mym_write_plain(const mym_node *root, const mym_encoded_info *info, uint8_t *dst,
                        mym_error *err)
    void mym_buffer_init(mym_buffer *b)
    void mym_buffer_free(mym_buffer *b)
    int mym_compress(const uint8_t *plain, size_t len, mym_compress_rule rule, int level,
                     mym_buffer *out, int *compressed, mym_error *err)
    mym_node *mym_new_array(mym_tree *t, uint32_t class_id, int is_complex, uint32_t ndims,
                            const uint64_t *dims, const void *re, const void *im)
    mym_node *mym_new_struct(mym_tree *t, uint32_t ndims, const uint64_t *dims, uint32_t nfields,
                             const char *const *names)
    mym_node *mym_new_cell(mym_tree *t, uint32_t ndims, const uint64_t *dims)
    mym_node *mym_new_objarray(mym_tree *t, uint32_t ndims, const uint64_t *dims)
    mym_node *mym_new_sparse(mym_tree *t, uint32_t class_id, int is_complex, uint64_t rows,
                             uint64_t cols, uint64_t nzmax, const uint64_t *jc,
                             const uint64_t *ir, const void *re, const void *im)
    mym_node *mym_new_recarray(mym_tree *t, uint32_t nfields, const char *const *names)
    mym_node *mym_new_scalar(mym_tree *t, mym_kind kind)
    mym_node *mym_new_int64(mym_tree *t, int64_t v)
    mym_node *mym_new_int_bytes(mym_tree *t, const uint8_t *b, size_t n)
    mym_node *mym_new_text(mym_tree *t, mym_kind kind, const void *data, size_t n)
    mym_node *mym_new_seq(mym_tree *t, mym_kind kind, uint64_t n)
    void *mym_arena_alloc(mym_tree *t, size_t n)
