/*
 * arrays.c -- code 'A': numeric, logical, char and datetime64 arrays, and dj0 object arrays.
 *
 * Bulk data is never touched element by element: decoding hands out a pointer into the input,
 * encoding is one memcpy per real/imaginary block.
 */
#include "codec_internal.h"

void mym_w_dims(mym_wr *w, const mym_node *n) {
    uint32_t i;
    mym_w_u64(w, n->ndims);
    for (i = 0; i < n->ndims; i++) mym_w_u64(w, n->dims[i]);
}

static int dec_objarray(mym_rd *r, size_t end, uint32_t depth, mym_node *n) {
    uint64_t i;
    unsigned minsz = r->dims32 ? 5u : 9u;   /* length prefix + type code */
    n->kind = MYM_OBJARRAY;
    if (n->numel > (end - r->pos) / minsz)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED,
                           "object array of %llu elements cannot fit in the %llu bytes left",
                           (unsigned long long)n->numel, (unsigned long long)(end - r->pos));
    n->nchildren = n->numel;
    if (n->numel) {
        n->children = (mym_node **)mym_arena_alloc(r->t, (size_t)n->numel * sizeof(mym_node *));
        if (!n->children) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory");
    }
    for (i = 0; i < n->numel; i++) {
        int rc = mym_decode_item(r, end, depth + 1, &n->children[i], "object array element");
        if (rc) return rc;
    }
    return 0;
}

int mym_dec_array(mym_rd *r, size_t end, int exact, uint32_t depth, mym_node **out) {
    mym_node *n = mym_rd_node(r, MYM_ARRAY, out);
    uint32_t cplx;
    uint64_t nbytes;
    size_t at;
    int rc;
    if (!n) return MYM_E_NOMEM;
    if ((rc = mym_rd_dims(r, end, 1, n))) return rc;
    at = r->pos;
    if ((rc = mym_rd_u32(r, end, &n->class_id, "array class id"))) return rc;
    if ((rc = mym_rd_u32(r, end, &cplx, "array complexity flag"))) return rc;
    n->is_complex = cplx ? 1u : 0u;
    if (n->class_id == MYM_CLASS_OBJECT) return dec_objarray(r, end, depth, n);
    n->elem_size = mym_class_elem_size(n->class_id);
    if (n->elem_size == 0) {
        r->pos = at;
        return MYM_RD_FAIL(r, MYM_E_CORRUPT, "unsupported array class id %u", n->class_id);
    }
    if (n->is_complex && (n->class_id == MYM_CLASS_CHAR || n->class_id == MYM_CLASS_LOGICAL ||
                          n->class_id >= MYM_CLASS_DATETIME64)) {
        r->pos = at;
        return MYM_RD_FAIL(r, MYM_E_CORRUPT, "complex flag set on a %s array",
                           n->class_id == MYM_CLASS_CHAR ? "char" :
                           n->class_id == MYM_CLASS_LOGICAL ? "logical" : "datetime64");
    }
    if (n->numel > UINT64_MAX / 16)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "array of %llu elements is larger than the blob",
                           (unsigned long long)n->numel);
    nbytes = n->numel * n->elem_size;
    /* Octave-built mym wrote chars with 1 byte each: recognisable from an exact slot size */
    if (n->class_id == MYM_CLASS_CHAR && exact && n->numel && !(r->flags & MYM_DEC_NO_CHAR8) &&
        (uint64_t)(end - r->pos) == n->numel) {
        n->flags |= MYM_NF_CHAR8;
        n->elem_size = 1;
        nbytes = n->numel;
    }
    if ((rc = mym_rd_take(r, end, nbytes, &n->re, "array data (real part)"))) return rc;
    if (n->is_complex && (rc = mym_rd_take(r, end, nbytes, &n->im, "array data (imaginary part)")))
        return rc;
    return 0;
}

int mym_enc_array(mym_wr *w, const mym_node *n, uint32_t depth) {
    uint32_t es = mym_class_elem_size(n->class_id);
    uint64_t nbytes;
    (void)depth;
    if (es == 0 || es != n->elem_size || (n->flags & MYM_NF_CHAR8))
        return mym_fail(w->err, MYM_E_ARG, -1, "array node has class id %u and element size %u",
                        n->class_id, n->elem_size);
    if (n->ndims && !n->dims) return mym_fail(w->err, MYM_E_ARG, -1, "array node without dims");
    if (n->is_complex && (n->class_id == MYM_CLASS_CHAR || n->class_id == MYM_CLASS_LOGICAL ||
                          n->class_id >= MYM_CLASS_DATETIME64))
        return mym_fail(w->err, MYM_E_ARG, -1, "class id %u cannot be complex", n->class_id);
    if (n->numel > UINT64_MAX / 16 / es)
        return mym_fail(w->err, MYM_E_LIMIT, -1, "array too large");
    nbytes = n->numel * es;
    if (nbytes && (!n->re || (n->is_complex && !n->im)))
        return mym_fail(w->err, MYM_E_ARG, -1, "array node with %llu elements has no data",
                        (unsigned long long)n->numel);
    /* 0-d arrays are Python-only, except 0-d char, which DataJoint 0.14 leaves under mYm */
    if ((n->ndims == 0 && n->class_id != MYM_CLASS_CHAR) || n->class_id >= MYM_CLASS_DATETIME64)
        w->dj0 = 1;
    mym_w_u8(w, 'A');
    mym_w_dims(w, n);
    mym_w_u32(w, n->class_id);
    mym_w_u32(w, n->is_complex);
    mym_w_bytes(w, n->re, (size_t)nbytes);
    if (n->is_complex) mym_w_bytes(w, n->im, (size_t)nbytes);
    return 0;
}

int mym_enc_objarray(mym_wr *w, const mym_node *n, uint32_t depth) {
    uint64_t i;
    if (n->nchildren != n->numel)
        return mym_fail(w->err, MYM_E_ARG, -1, "object array node has %llu children for %llu "
                        "elements", (unsigned long long)n->nchildren, (unsigned long long)n->numel);
    w->dj0 = 1;
    mym_w_u8(w, 'A');
    mym_w_dims(w, n);
    mym_w_u32(w, MYM_CLASS_OBJECT);
    mym_w_u32(w, 0);
    for (i = 0; i < n->numel; i++) {
        int rc;
        if (!n->children[i])
            return mym_fail(w->err, MYM_E_ARG, -1, "object array element %llu is missing",
                            (unsigned long long)i + 1);
        if ((rc = mym_encode_item(w, n->children[i], depth + 1))) return rc;
    }
    return 0;
}
