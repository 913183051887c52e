/*
 * sparse.c -- code 'P': MATLAB sparse matrices in compressed-sparse-column form.
 *
 * The decoder validates the index structure (jc starts at 0, never decreases, ends within
 * nzmax; every used row index < rows) so that callers can build a CSC matrix without checks.
 */
#include "codec_internal.h"

/* read a vector of `count` size fields as u64 (widening legacy u32 into the arena) */
static int rd_index(mym_rd *r, size_t end, uint64_t count, const void **p, const char *what) {
    unsigned sz = r->dims32 ? 4u : 8u;
    int rc;
    if (count > (end - r->pos) / sz)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "sparse %s of %llu entries exceeds the %llu bytes "
                           "left", what, (unsigned long long)count,
                           (unsigned long long)(end - r->pos));
    if (!r->dims32) return mym_rd_take(r, end, count * 8, p, what);
    {
        uint64_t *v = (uint64_t *)mym_arena_alloc(r->t, (size_t)(count ? count : 1) * 8);
        uint64_t i;
        if (!v) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory");
        for (i = 0; i < count; i++) {
            uint64_t x = mym_get_le32(r->base + r->pos);
            memcpy(&v[i], &x, 8);
            r->pos += 4;
        }
        *p = v;
        (void)rc;
        return 0;
    }
}

int mym_dec_sparse(mym_rd *r, size_t end, mym_node **out) {
    mym_node *n = mym_rd_node(r, MYM_SPARSE, out);
    uint32_t cplx;
    size_t at, jc_at, ir_at;
    uint64_t k, nnz, prev = 0;
    int rc;
    if (!n) return MYM_E_NOMEM;
    if ((rc = mym_rd_size(r, end, &n->rows, "sparse row count"))) return rc;
    if ((rc = mym_rd_size(r, end, &n->cols, "sparse column count"))) return rc;
    if ((rc = mym_rd_size(r, end, &n->nzmax, "sparse nzmax"))) return rc;
    at = r->pos;
    if ((rc = mym_rd_u32(r, end, &n->class_id, "sparse class id"))) return rc;
    if ((rc = mym_rd_u32(r, end, &cplx, "sparse complexity flag"))) return rc;
    n->is_complex = cplx ? 1u : 0u;
    n->elem_size = mym_class_elem_size(n->class_id);
    if (n->elem_size == 0 || n->class_id == MYM_CLASS_CHAR ||
        n->class_id >= MYM_CLASS_DATETIME64 || (n->is_complex && n->class_id == MYM_CLASS_LOGICAL)) {
        r->pos = at;
        return MYM_RD_FAIL(r, MYM_E_CORRUPT, "unsupported sparse class id %u%s", n->class_id,
                           n->is_complex ? " (complex)" : "");
    }
    if (n->cols == UINT64_MAX)
        return MYM_RD_FAIL(r, MYM_E_LIMIT, "sparse column count too large");
    jc_at = r->pos;
    if ((rc = rd_index(r, end, n->cols + 1, &n->jc, "column offsets"))) return rc;
    ir_at = r->pos;
    if ((rc = rd_index(r, end, n->nzmax, &n->ir, "row indices"))) return rc;
    if (n->nzmax > (end - r->pos) / n->elem_size)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "sparse values (%llu) exceed the bytes left",
                           (unsigned long long)n->nzmax);
    if ((rc = mym_rd_take(r, end, n->nzmax * n->elem_size, &n->re, "sparse values"))) return rc;
    if (n->is_complex &&
        (rc = mym_rd_take(r, end, n->nzmax * n->elem_size, &n->im, "sparse imaginary values")))
        return rc;
    /* structure checks on the (u64, possibly unaligned) index vectors */
    for (k = 0; k <= n->cols; k++) {
        uint64_t v = mym_get_le64((const uint8_t *)n->jc + 8 * k);
        if ((k == 0 && v != 0) || v < prev || v > n->nzmax) {
            r->pos = jc_at + (size_t)k * (r->dims32 ? 4 : 8);
            return MYM_RD_FAIL(r, MYM_E_CORRUPT, "sparse column offset %llu is invalid (%llu)",
                               (unsigned long long)k, (unsigned long long)v);
        }
        prev = v;
    }
    nnz = prev;
    for (k = 0; k < nnz; k++) {
        uint64_t v = mym_get_le64((const uint8_t *)n->ir + 8 * k);
        if (v >= n->rows) {
            r->pos = ir_at + (size_t)k * (r->dims32 ? 4 : 8);
            return MYM_RD_FAIL(r, MYM_E_CORRUPT, "sparse row index %llu out of range (%llu rows)",
                               (unsigned long long)v, (unsigned long long)n->rows);
        }
    }
    return 0;
}

int mym_enc_sparse(mym_wr *w, const mym_node *n) {
    uint32_t es = mym_class_elem_size(n->class_id);
    if (es == 0 || n->class_id == MYM_CLASS_CHAR || n->class_id >= MYM_CLASS_DATETIME64)
        return mym_fail(w->err, MYM_E_ARG, -1, "unsupported sparse class id %u", n->class_id);
    if (n->cols == UINT64_MAX || n->nzmax > UINT64_MAX / 16)
        return mym_fail(w->err, MYM_E_LIMIT, -1, "sparse matrix too large");
    if (!n->jc || (n->nzmax && (!n->ir || !n->re || (n->is_complex && !n->im))))
        return mym_fail(w->err, MYM_E_ARG, -1, "sparse node is missing index or value data");
    mym_w_u8(w, 'P');
    mym_w_u64(w, n->rows);
    mym_w_u64(w, n->cols);
    mym_w_u64(w, n->nzmax);
    mym_w_u32(w, n->class_id);
    mym_w_u32(w, n->is_complex);
    mym_w_bytes(w, n->jc, (size_t)(n->cols + 1) * 8);
    mym_w_bytes(w, n->ir, (size_t)n->nzmax * 8);
    mym_w_bytes(w, n->re, (size_t)n->nzmax * es);
    if (n->is_complex) mym_w_bytes(w, n->im, (size_t)n->nzmax * es);
    return 0;
}
