/* mym_blob.c -- mxArray <-> codec tree conversion (see mym_blob.h for the rules). */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include "mym_blob.h"
#include "mym_dj0.h"

#define MAX_DEPTH 200

/* ------------------------------------------------------------------------------------------ */
/* encoding                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static uint64_t *copy_dims(mym_tree *t, const mxArray *a, uint32_t *nd)
{
    mwSize n = mxGetNumberOfDimensions(a), i;
    const mwSize *d = mxGetDimensions(a);
    uint64_t *out = (uint64_t *)mym_arena_alloc(t, sizeof(uint64_t) * (n ? n : 1));
    if (!out) return NULL;
    for (i = 0; i < n; i++) out[i] = (uint64_t)d[i];
    *nd = (uint32_t)n;
    return out;
}

#ifdef HAVE_OCTAVE
/* Octave chars are UTF-8 bytes: convert row by row to UTF-16 units (every row must give the
 * same number of units, as a MATLAB char matrix has). ASCII is the common, fast case. */
static mym_node *char_node(mym_tree *t, const mxArray *a, mym_err *e, const char *where)
{
    const unsigned char *b = (const unsigned char *)mxGetChars(a);
    size_t n = mxGetNumberOfElements(a), i, r, c, rows, cols, k = 0;
    uint32_t nd;
    uint64_t *dims = copy_dims(t, a, &nd);
    uint16_t *u;
    int ascii = 1;
    if (!dims) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
    for (i = 0; i < n; i++) if (b[i] >= 0x80) { ascii = 0; break; }
    if (ascii) {
        u = (uint16_t *)mym_arena_alloc(t, 2 * (n ? n : 1));
        if (!u) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
        for (i = 0; i < n; i++) u[i] = b[i];
        return mym_new_char16(t, nd, dims, u);
    }
    if (nd != 2) {
        mymx_fail(e, "mym:placeholder", "%s: N-d char arrays with non-ASCII text cannot be "
                 "converted to UTF-16", where);
        return NULL;
    }
    rows = (size_t)dims[0]; cols = (size_t)dims[1];
    {
        char *row = (char *)mxMalloc(cols + 1);
        uint16_t *tmp = (uint16_t *)mxMalloc(2 * (cols + 1));
        u = NULL;
        for (r = 0; r < rows; r++) {
            size_t need = 0;
            for (c = 0; c < cols; c++) row[c] = (char)b[r + c * rows];
            if (mym_utf8_to_utf16(row, cols, tmp, cols + 1, &need) != 0) {
                mymx_fail(e, "mym:placeholder", "%s: char data is not valid UTF-8 text "
                         "(row %u); Octave text must be UTF-8 to be stored as MATLAB chars",
                         where, (unsigned)(r + 1));
                return NULL;
            }
            if (r == 0) {
                k = need;
                u = (uint16_t *)mym_arena_alloc(t, 2 * ((rows * k) != 0 ? rows * k : 1));
                if (!u) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
            } else if (need != k) {
                mymx_fail(e, "mym:placeholder", "%s: rows of the char matrix have different "
                         "numbers of characters once decoded from UTF-8", where);
                return NULL;
            }
            for (c = 0; c < k; c++) u[r + c * rows] = tmp[c];
        }
        dims[1] = k;
        return mym_new_char16(t, 2, dims, u);
    }
}
#endif

static mym_node *encode_mx(mym_tree *t, const mxArray *a, int depth, mym_err *e,
                           const char *where);

/* a dict key: char -> str; a number -> int when integral within 2^53 (Python's int keys come
 * back as they were), else float */
static mym_node *map_key(mym_tree *t, const mxArray *k, mym_err *e, const char *where)
{
    double v;
    mym_node *node;
    if (mxIsChar(k)) {
        char *s;
        size_t n;
        if (mym_get_utf8(k, &s, &n, "containers.Map key", e)) return NULL;
        return mym_new_text(t, MYM_STR, s, n);
    }
    if (!mym_get_scalar(k, &v)) {
        mymx_fail(e, "mym:placeholder", "%s: containers.Map key of class %s cannot be saved",
                  where, mxGetClassName(k));
        return NULL;
    }
    if (v == floor(v) && fabs(v) <= 9007199254740992.0) return mym_new_int64(t, (int64_t)v);
    node = mym_new_scalar(t, MYM_FLOAT);
    if (node) node->u.f[0] = v;
    return node;
}

/* containers.Map has no MATLAB blob form: it is saved as a Python dict (dj0), the form it was
 * read from, so Python (0.14 and ours) gets the dict back; everything else stays mYm. */
static mym_node *map_node(mym_tree *t, const mxArray *a, int depth, mym_err *e, const char *where)
{
    mxArray *in[1], *ks = NULL, *vs = NULL;
    mym_node *node;
    size_t i, n;
    static const uint64_t empty_dims[2] = {0, 0};
    in[0] = (mxArray *)a;
    if (mexCallMATLABWithTrap(1, &ks, 1, in, "keys") || mexCallMATLABWithTrap(1, &vs, 1, in, "values")
        || !ks || !vs || !mxIsCell(ks) || !mxIsCell(vs)
        || mxGetNumberOfElements(ks) != mxGetNumberOfElements(vs)) {
        mymx_fail(e, "mym:placeholder", "%s: cannot read the keys and values of a containers.Map", where);
        return NULL;
    }
    n = mxGetNumberOfElements(ks);
    node = mym_new_seq(t, MYM_DICT, 2 * (uint64_t)n);
    if (!node) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
    for (i = 0; i < n; i++) {
        const mxArray *v = mxGetCell(vs, (mwIndex)i);
        mym_node *k = map_key(t, mxGetCell(ks, (mwIndex)i), e, where), *c;
        if (!k) { if (!e->id[0]) mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
        c = v ? encode_mx(t, v, depth + 1, e, where)
              : mym_new_array(t, MYM_CLASS_DOUBLE, 0, 2, empty_dims, NULL, NULL);
        if (!c) { if (!e->id[0]) mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
        node->children[2 * i] = k;
        node->children[2 * i + 1] = c;
    }
    return node;
}

static mym_node *encode_mx(mym_tree *t, const mxArray *a, int depth, mym_err *e,
                           const char *where)
{
    mym_node *node;
    uint32_t nd;
    uint64_t *dims;
    size_t i, n;
    if (a == NULL) return NULL; /* codec writes a missing element as a 0x0 double */
    if (depth > MAX_DEPTH) {
        mymx_fail(e, "mym:placeholder", "%s: value is nested deeper than %d levels", where,
                 MAX_DEPTH);
        return NULL;
    }
    if (mxIsSparse(a)) {
        /* write only the stored entries (nzmax = nnz): spare capacity is not data */
        size_t cols = mxGetN(a);
        const mwIndex *jc = mxGetJc(a), *ir = mxGetIr(a);
        size_t nz = (size_t)jc[cols];
        uint64_t *jc64 = (uint64_t *)mym_arena_alloc(t, 8 * (cols + 1));
        uint64_t *ir64 = (uint64_t *)mym_arena_alloc(t, 8 * (nz ? nz : 1));
        uint32_t cls = mxIsLogical(a) ? MYM_CLASS_LOGICAL : MYM_CLASS_DOUBLE;
        if (!jc64 || !ir64) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
        for (i = 0; i <= cols; i++) jc64[i] = (uint64_t)jc[i];
        for (i = 0; i < nz; i++) ir64[i] = (uint64_t)ir[i];
        node = mym_new_sparse(t, cls, mxIsComplex(a) ? 1 : 0, mxGetM(a), cols, nz, jc64, ir64,
                              mxGetData(a), mxIsComplex(a) ? mxGetImagData(a) : NULL);
        if (!node) mymx_fail(e, "mym:memory", "%s: cannot build sparse node", where);
        return node;
    }
    if (mxIsChar(a)) {
#ifdef HAVE_OCTAVE
        node = char_node(t, a, e, where);
        if (!node && !e->id[0]) mymx_fail(e, "mym:memory", "out of memory");
        return node;
#else
        dims = copy_dims(t, a, &nd);
        node = dims ? mym_new_char16(t, nd, dims, (const uint16_t *)mxGetChars(a)) : NULL;
        if (!node) mymx_fail(e, "mym:memory", "out of memory");
        return node;
#endif
    }
    if (mxIsNumeric(a) || mxIsLogical(a)) {
        dims = copy_dims(t, a, &nd);
        node = dims ? mym_new_array(t, (uint32_t)mxGetClassID(a), mxIsComplex(a) ? 1 : 0, nd,
                                    dims, mxGetData(a),
                                    mxIsComplex(a) ? mxGetImagData(a) : NULL) : NULL;
        if (!node) mymx_fail(e, "mym:memory", "%s: cannot build array node", where);
        return node;
    }
    if (mxIsStruct(a)) {
        int nf = mxGetNumberOfFields(a), f;
        const char **names = (const char **)mxMalloc(sizeof(char *) * (nf ? nf : 1));
        for (f = 0; f < nf; f++) names[f] = mxGetFieldNameByNumber(a, f);
        dims = copy_dims(t, a, &nd);
        node = dims ? mym_new_struct(t, nd, dims, (uint32_t)nf, names) : NULL;
        if (!node) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
        n = mxGetNumberOfElements(a);
        for (i = 0; i < n; i++)
            for (f = 0; f < nf; f++) {
                const mxArray *v = mxGetFieldByNumber(a, (mwIndex)i, f);
                mym_node *c = encode_mx(t, v, depth + 1, e, where);
                if (!c && v) return NULL;
                node->children[i * nf + f] = c;
            }
        return node;
    }
    if (mxIsCell(a)) {
        dims = copy_dims(t, a, &nd);
        node = dims ? mym_new_cell(t, nd, dims) : NULL;
        if (!node) { mymx_fail(e, "mym:memory", "out of memory"); return NULL; }
        n = mxGetNumberOfElements(a);
        for (i = 0; i < n; i++) {
            const mxArray *v = mxGetCell(a, (mwIndex)i);
            mym_node *c = encode_mx(t, v, depth + 1, e, where);
            if (!c && v) return NULL;
            node->children[i] = c;
        }
        return node;
    }
    if (mxIsClass(a, "containers.Map")) return map_node(t, a, depth, e, where);
    mymx_fail(e, "mym:placeholder", "%s: values of class '%s' cannot be serialized (only "
             "numeric, logical, char, struct, cell and sparse arrays and containers.Map can)", where,
             mxGetClassName(a));
    return NULL;
}

int mym_value_to_blob(const mxArray *a, int compress, mym_buffer *out, mym_err *e)
{
    mym_tree *t = mym_tree_new();
    mym_encode_opts o;
    mym_error ce;
    int rc;
    e->id[0] = 0;
    if (!t) return mymx_fail(e, "mym:memory", "out of memory");
    t->root = encode_mx(t, a, 0, e, "{M}");
    if (!t->root) {
        mym_tree_free(t);
        if (!e->id[0]) mymx_fail(e, "mym:memory", "out of memory");
        return -1;
    }
    mym_encode_opts_init(&o);
    o.header = MYM_HDR_AUTO;   /* mYm, unless a containers.Map needs the dj0 dict */
    o.compress = compress ? MYM_COMPRESS_MYM : MYM_COMPRESS_NONE;
    memset(&ce, 0, sizeof ce);
    rc = mym_encode(t->root, &o, out, &ce);
    mym_tree_free(t);
    if (rc < 0) return mymx_fail(e, "mym:placeholder", "{M}: cannot serialize value: %s",
                                ce.message);
    return 0;
}

int mym_bytes_maybe_compress(const uint8_t **data, size_t *len, mym_buffer *out, mym_err *e)
{
    int compressed = 0;
    mym_error ce;
    memset(&ce, 0, sizeof ce);
    if (mym_compress(*data, *len, MYM_COMPRESS_MYM, 0, out, &compressed, &ce) < 0)
        return mymx_fail(e, "mym:placeholder", "compression failed: %s", ce.message);
    if (compressed) { *data = out->data; *len = out->len; }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* decoding                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* MATLAB's largest array (computer's maxsize on 64-bit platforms): a blob claiming more
 * elements, or a larger dimension, cannot be a MATLAB value, so it is refused before any
 * mxCreate* call or loop sees the count. */
#define MYM_MAX_NUMEL ((((uint64_t)1) << 48) - 1)

mwSize *mym_mx_dims(const mym_node *n, mwSize *nd, mym_dec *dc, mwSize *small)
{
    uint32_t k = n->ndims < 2 ? 2 : n->ndims, i;
    mwSize *d;
    if (n->numel > MYM_MAX_NUMEL) {
        mymx_fail(dc->e, "mym:blob", "the blob declares an array of %llu elements, more than "
                  "the %llu a MATLAB array can hold", (unsigned long long)n->numel,
                  (unsigned long long)MYM_MAX_NUMEL);
        return NULL;
    }
    for (i = 0; i < n->ndims; i++)
        if (n->dims[i] > MYM_MAX_NUMEL) {
            mymx_fail(dc->e, "mym:blob", "dimension %u of the blob's array is %llu, more than "
                      "the %llu a MATLAB array can have", (unsigned)(i + 1),
                      (unsigned long long)n->dims[i], (unsigned long long)MYM_MAX_NUMEL);
            return NULL;
        }
    d = k <= MYM_MX_SMALL_DIMS ? small : (mwSize *)mxMalloc(sizeof(mwSize) * k);
    if (n->ndims == 0) { d[0] = 1; d[1] = 1; }
    else if (n->ndims == 1) { d[0] = (mwSize)n->dims[0]; d[1] = 1; }
    else for (i = 0; i < n->ndims; i++) d[i] = (mwSize)n->dims[i];
    *nd = k;
    return d;
}

static uint16_t unit_at(const void *p, size_t i)
{
    const uint8_t *b = (const uint8_t *)p + 2 * i;
    return (uint16_t)(b[0] | (b[1] << 8));
}

static mxArray *decode_char(const mym_node *n, mym_dec *dc)
{
    mwSize nd, small[MYM_MX_SMALL_DIMS], *d = mym_mx_dims(n, &nd, dc, small);
    size_t numel = (size_t)n->numel, i;
    mxArray *a;
    if (!d) return NULL;
    if (n->flags & MYM_NF_CHAR8) {           /* legacy Octave-mym blob: one byte per char */
        const uint8_t *b = (const uint8_t *)n->re;
        a = mxCreateCharArray(nd, d);
#ifdef HAVE_OCTAVE
        if (numel) memcpy(mxGetChars(a), b, numel);
#else
        for (i = 0; i < numel; i++) mxGetChars(a)[i] = b[i];
#endif
        return a;
    }
#ifdef HAVE_OCTAVE
    {
        int ascii = 1;
        char *c;
        for (i = 0; i < numel; i++) if (unit_at(n->re, i) >= 0x80) { ascii = 0; break; }
        if (ascii || nd != 2) {
            a = mxCreateCharArray(nd, d);
            c = mxGetChars(a);
            /* N-d non-ASCII text has no UTF-8 layout with fixed dims: '?' marks the loss */
            for (i = 0; i < numel; i++) {
                uint16_t u = unit_at(n->re, i);
                c[i] = (char)(u < 0x80 ? u : '?');
            }
            return a;
        } else {
            size_t rows = (size_t)d[0], cols = (size_t)d[1], r, k, maxlen = 0;
            uint16_t *row = (uint16_t *)mxMalloc(2 * (cols + 1));
            char **txt = (char **)mxMalloc(sizeof(char *) * (rows + 1));
            size_t *tl = (size_t *)mxMalloc(sizeof(size_t) * (rows + 1));
            mwSize od[2];
            for (r = 0; r < rows; r++) {
                size_t need = 0;
                for (k = 0; k < cols; k++) row[k] = unit_at(n->re, r + k * rows);
                mym_utf16_to_utf8(row, cols, 1, NULL, 0, &need);
                txt[r] = (char *)mxMalloc(need + 1);
                mym_utf16_to_utf8(row, cols, 1, txt[r], need + 1, &need);
                tl[r] = need;
                if (need > maxlen) maxlen = need;
            }
            od[0] = (mwSize)rows; od[1] = (mwSize)maxlen;
            a = mxCreateCharArray(2, od);
            c = mxGetChars(a);
            /* rows whose UTF-8 is shorter are padded with spaces, as char() pads */
            for (r = 0; r < rows; r++)
                for (k = 0; k < maxlen; k++)
                    c[r + k * rows] = k < tl[r] ? txt[r][k] : ' ';
            return a;
        }
    }
#else
    a = mxCreateCharArray(nd, d);
    if (numel) memcpy(mxGetChars(a), n->re, 2 * numel);
    return a;
#endif
}

static mxArray *decode_sparse(const mym_node *n, mym_dec *dc)
{
    uint64_t k, cols = n->cols, rows = n->rows, nz = n->nzmax, used, prev = 0;
    mxArray *a;
    mwIndex *jc, *ir;
    uint64_t v;
    if (!((n->class_id == MYM_CLASS_DOUBLE) || (n->class_id == MYM_CLASS_LOGICAL && !n->is_complex))) {
        mymx_fail(dc->e, "mym:blob", "sparse matrix of class id %u is not supported",
                 (unsigned)n->class_id);
        return NULL;
    }
    if (rows > MYM_MAX_NUMEL || cols > MYM_MAX_NUMEL) {
        mymx_fail(dc->e, "mym:blob", "the blob declares a %llu-by-%llu sparse matrix, larger "
                  "than the %llu rows or columns a MATLAB array can have",
                  (unsigned long long)rows, (unsigned long long)cols,
                  (unsigned long long)MYM_MAX_NUMEL);
        return NULL;
    }
    /* validate the compressed-column structure before handing it to MATLAB/Octave (both loops
     * are bounded by index vectors the codec found present in the blob) */
    for (k = 0; k <= cols; k++) {
        memcpy(&v, (const uint8_t *)n->jc + 8 * k, 8);
        if ((k == 0 && v != 0) || v < prev || v > nz) {
            mymx_fail(dc->e, "mym:blob", "corrupt sparse matrix (column index %llu)",
                     (unsigned long long)k);
            return NULL;
        }
        prev = v;
    }
    used = prev;
    for (k = 0; k < used; k++) {
        memcpy(&v, (const uint8_t *)n->ir + 8 * k, 8);
        if (v >= rows) {
            mymx_fail(dc->e, "mym:blob", "corrupt sparse matrix (row index %llu >= %llu)",
                     (unsigned long long)v, (unsigned long long)rows);
            return NULL;
        }
    }
    if (n->class_id == MYM_CLASS_LOGICAL)
        a = mxCreateSparseLogicalMatrix((mwSize)rows, (mwSize)cols, (mwSize)(nz ? nz : 1));
    else
        a = mxCreateSparse((mwSize)rows, (mwSize)cols, (mwSize)(nz ? nz : 1),
                           n->is_complex ? mxCOMPLEX : mxREAL);
    jc = mxGetJc(a); ir = mxGetIr(a);
    for (k = 0; k <= cols; k++) { memcpy(&v, (const uint8_t *)n->jc + 8 * k, 8); jc[k] = (mwIndex)v; }
    for (k = 0; k < nz; k++) {
        memcpy(&v, (const uint8_t *)n->ir + 8 * k, 8);
        ir[k] = (mwIndex)(k < used ? v : 0);
    }
    if (nz) {
        memcpy(mxGetData(a), n->re, (size_t)nz * n->elem_size);
        if (n->is_complex) memcpy(mxGetImagData(a), n->im, (size_t)nz * n->elem_size);
    }
    return a;
}

static mxArray *decode_array(const mym_node *n, mym_dec *dc)
{
    mwSize nd, small[MYM_MX_SMALL_DIMS], *d;
    mxArray *a;
    size_t numel;
    if (n->class_id == MYM_CLASS_CHAR) return decode_char(n, dc);
    if (n->class_id >= MYM_CLASS_DATETIME64) return mym_dj0_to_mx(n, dc);
    if (!(n->class_id == MYM_CLASS_LOGICAL
          || (n->class_id >= MYM_CLASS_DOUBLE && n->class_id <= MYM_CLASS_UINT64))) {
        mymx_fail(dc->e, "mym:blob", "array of class id %u is not supported", n->class_id);
        return NULL;
    }
    d = mym_mx_dims(n, &nd, dc, small);
    if (!d) return NULL;
    numel = (size_t)n->numel;
    if (n->class_id == MYM_CLASS_LOGICAL) {
        if (n->is_complex) {
            mymx_fail(dc->e, "mym:blob", "complex logical array");
            return NULL;
        }
        a = mxCreateLogicalArray(nd, d);
    } else {
#ifdef HAVE_OCTAVE
        if (n->is_complex && n->class_id >= MYM_CLASS_INT8) {
            mymx_fail(dc->e, "mym:blob", "the blob holds a complex integer array, which "
                      "Octave cannot represent (MATLAB can)");
            return NULL;
        }
#endif
        a = mxCreateNumericArray(nd, d, (mxClassID)n->class_id,
                                 n->is_complex ? mxCOMPLEX : mxREAL);
    }
    if (numel) {
        memcpy(mxGetData(a), n->re, numel * n->elem_size);
        if (n->is_complex) memcpy(mxGetImagData(a), n->im, numel * n->elem_size);
    }
    return a;
}

static mxArray *decode_struct(const mym_node *n, mym_dec *dc)
{
    const char **names = (const char **)mxMalloc(sizeof(char *) * (n->nfields + 1));
    mwSize nd, small[MYM_MX_SMALL_DIMS], *d;
    mxArray *a;
    size_t i, c, numel = (size_t)n->numel;
    uint32_t f;
    for (f = 0; f < n->nfields; f++) {
        if (!mym_is_field_name((const uint8_t *)n->fields[f], strlen(n->fields[f]))) {
            mymx_fail(dc->e, "mym:blob", "struct field name '%.64s' is not a valid MATLAB "
                     "identifier", n->fields[f]);
            return NULL;
        }
        names[f] = n->fields[f];
    }
    d = mym_mx_dims(n, &nd, dc, small);
    if (!d) return NULL;
    a = mxCreateStructArray(nd, d, (int)n->nfields, names);
    /* one step per decoded child (numel * nfields of them, each present in the blob): a
     * zero-field struct has no children however many elements its dims claim */
    for (c = 0; c < (size_t)n->nchildren; c++) {
        mxArray *v;
        i = c / n->nfields;
        f = (uint32_t)(c % n->nfields);
        v = mym_decode_node(n->children[c], dc);
        if (!v) {
            if (numel == 1) mym_dec_prefix(dc, ".%s", names[f]);
            else mym_dec_prefix(dc, "(%llu).%s", (unsigned long long)i + 1, names[f]);
            return NULL;
        }
        mxSetFieldByNumber(a, (mwIndex)i, (int)f, v);
    }
    return a;
}

mxArray *mym_decode_cell(const mym_node *n, mym_dec *dc)
{
    mwSize nd, small[MYM_MX_SMALL_DIMS], *d = mym_mx_dims(n, &nd, dc, small);
    mxArray *a;
    size_t i;
    if (!d) return NULL;
    a = mxCreateCellArray(nd, d);
    /* one step per decoded child: the count the blob's bytes actually held */
    for (i = 0; i < (size_t)n->nchildren; i++) {
        mxArray *v = mym_decode_node(n->children[i], dc);
        if (!v) {
            mym_dec_prefix(dc, "{%llu}", (unsigned long long)i + 1);
            return NULL;
        }
        mxSetCell(a, (mwIndex)i, v);
    }
    return a;
}

mxArray *mym_decode_node(const mym_node *n, mym_dec *dc)
{
    switch (n->kind) {
    case MYM_ARRAY: return decode_array(n, dc);
    case MYM_STRUCT: return decode_struct(n, dc);
    case MYM_CELL: return mym_decode_cell(n, dc);
    case MYM_SPARSE: return decode_sparse(n, dc);
    default: return mym_dj0_to_mx(n, dc);   /* Python-native values (mym_dj0.c) */
    }
}

/* What a blob that cannot be decoded gives in marker mode (mym('blob_errors', 'marker')):
 * an MException (MATLAB) or a struct with fields identifier and message (Octave, which has no
 * MException) carrying the error, so one bad value never stops a fetch; rethrow(v) raises it. */
static int markers = 0;

void mym_blob_set_markers(int on) { markers = on ? 1 : 0; }

int mym_blob_markers(void) { return markers; }

static mxArray *error_marker(const mym_err *e)
{
    static const char *fields[] = {"identifier", "message"};
    mxArray *id = mxCreateString(e->id), *msg = mym_utf8_to_mx(e->msg, strlen(e->msg)), *m;
#ifndef HAVE_OCTAVE
    {
        mxArray *args[3], *out[1] = {NULL};
        args[0] = id;
        args[1] = mxCreateString("%s");
        args[2] = msg;
        if (!mexCallMATLABWithTrap(1, out, 3, args, "MException") && out[0]) return out[0];
    }
#endif
    /* Octave has no MException: a struct with its two fields (rethrow accepts it) */
    m = mxCreateStructMatrix(1, 1, 2, fields);
    mxSetFieldByNumber(m, 0, 0, id);
    mxSetFieldByNumber(m, 0, 1, msg);
    return m;
}

/* Cap on what a compressed blob may inflate to: mym('max_decompressed_size', bytes) sets it,
 * dj.config('blobMaxDecompressedSize') forwards to that; 0 means the codec's default. */
static uint64_t max_inflated = 0;

void mym_blob_set_max_inflated(uint64_t bytes) { max_inflated = bytes; }

uint64_t mym_blob_max_inflated(void) { return max_inflated ? max_inflated : MYM_DEFAULT_MAX_INFLATED; }

static mxArray *raw_bytes(const uint8_t *p, size_t n)
{
    mxArray *a = mxCreateNumericMatrix((mwSize)n, 1, mxUINT8_CLASS, mxREAL);
    if (n) memcpy(mxGetData(a), p, n);
    return a;
}

/* A ZL123 envelope whose content is not a blob (e.g. {B} bytes that were compressed):
 * give back the inflated bytes, which is what was stored. */
static int inflate_raw(const uint8_t *p, size_t n, mxArray **out)
{
    uint64_t want;
    uLongf got;
    mxArray *a;
    if (n < 14) return -1;
    memcpy(&want, p + 6, 8);
    if (want > mym_blob_max_inflated() || want / 1032 > n) return -1; /* limit, deflate ratio */
    a = mxCreateNumericMatrix((mwSize)want, 1, mxUINT8_CLASS, mxREAL);
    got = (uLongf)want;
    if (uncompress((Bytef *)mxGetData(a), &got, p + 14, (uLong)(n - 14)) != Z_OK
        || got != want) {
        mxDestroyArray(a);
        return -1;
    }
    *out = a;
    return 0;
}

/* decode the blob; every failure fills e with a message naming `where` (and the position) */
static int blob_to_value(const uint8_t *data, size_t len, const char *where, mxArray **out,
                         mym_err *e)
{
    mym_decode_opts o;
    mym_tree *t = NULL;
    mym_error ce;
    mym_dec dc;
    int rc;
    mym_decode_opts_init(&o);
    /* Legacy 32-bit dims only on request, as mym does (env MYM_USE_32BIT_DIMS=true): guessing
       per blob would let a truncated 64-bit blob pass as a different, valid 32-bit one. */
    {
        const char *env = getenv("MYM_USE_32BIT_DIMS");
        o.dims_mode = (env && !strcasecmp(env, "true")) ? MYM_DIMS_32 : MYM_DIMS_64;
    }
    o.max_inflated = mym_blob_max_inflated();
    memset(&ce, 0, sizeof ce);
    rc = mym_decode(data, len, &o, &t, &ce);
    if (rc == MYM_E_INFLATE_LIMIT)
        return mymx_fail(e, "mym:blobLimit", "%s: %s; set a larger limit with "
                        "dj.config('blobMaxDecompressedSize', bytes) (mym('max_decompressed_size', "
                        "bytes)) to read it", where, ce.message);
    if (rc == MYM_E_HEADER) {
        if (len >= 14 && memcmp(data, "ZL123\0", 6) == 0) {
            if (inflate_raw(data, len, out) == 0) return 0;
            return mymx_fail(e, "mym:blob", "%s: corrupt compressed blob (zlib stream invalid)",
                            where);
        }
        *out = raw_bytes(data, len);
        return 0;
    }
    if (rc < 0) {
        mym_tree_free(t);
        if (ce.offset >= 0)
            return mymx_fail(e, "mym:blob", "%s: corrupt blob: %s (at byte %lld%s)", where,
                            ce.message, (long long)ce.offset,
                            ce.in_inflated ? " of the decompressed data" : "");
        return mymx_fail(e, "mym:blob", "%s: corrupt blob: %s", where, ce.message);
    }
    dc.e = e;
    dc.path[0] = 0;
    *out = mym_decode_node(t->root, &dc);
    mym_tree_free(t);
    if (*out) return 0;
    {
        char msg[sizeof e->msg], id[sizeof e->id];
        snprintf(msg, sizeof msg, "%s", e->msg);
        snprintf(id, sizeof id, "%s", e->id[0] ? e->id : "mym:blob");
        if (dc.path[0])
            return mymx_fail(e, id, "%s: value%s: %s", where, dc.path, msg);
        return mymx_fail(e, id, "%s: %s", where, msg);
    }
}

int mym_blob_to_value(const uint8_t *data, size_t len, int is_null, const char *where,
                      mxArray **out, mym_err *e)
{
    e->id[0] = 0;
    if (is_null) {
        mwSize d[2] = {0, 0};
        *out = mxCreateCharArray(2, d);
        return 0;
    }
    if (blob_to_value(data, len, where, out, e) == 0) return 0;
    if (!markers) return -1;
    *out = error_marker(e);
    e->id[0] = 0;
    return 0;
}
