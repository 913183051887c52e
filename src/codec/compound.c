/*
 * compound.c -- containers with named fields or children: 'S' structs, 'C' cells and the dj0
 * 'F' record arrays.
 *
 * Zero-field records: mym writes nothing after nfields = 0, DataJoint for Python 0.14 writes one
 * stray zero byte (spec §7). Both forms are read; the flag MYM_NF_STRAYZERO remembers which one
 * was seen so a re-encode can reproduce the original bytes.
 */
#include "codec_internal.h"

int mym_w_names(mym_wr *w, const mym_node *n) {
    uint32_t i;
    if (n->nfields && !n->fields)
        return mym_fail(w->err, MYM_E_ARG, -1, "node declares %u fields but has no names",
                        n->nfields);
    for (i = 0; i < n->nfields; i++) {
        size_t len;
        if (!n->fields[i] || !(len = strlen(n->fields[i])))
            return mym_fail(w->err, MYM_E_ARG, -1, "field name %u is empty", i + 1);
        mym_w_bytes(w, n->fields[i], len + 1);
    }
    return 0;
}

/* the zero byte 0.14 leaves after a zero-field record: consume it when it is all that is left */
static void eat_stray_zero(mym_rd *r, size_t end, int exact, mym_node *n) {
    if (n->nfields == 0 && exact && end - r->pos == 1 && r->base[r->pos] == 0) {
        r->pos++;
        n->flags |= MYM_NF_STRAYZERO;
    }
}

int mym_dec_children(mym_rd *r, size_t end, uint32_t depth, mym_node *n, uint64_t count,
                     unsigned per, const char *what) {
    uint64_t i, nitems;
    unsigned minsz = r->dims32 ? 5u : 9u;
    /* count is checked first, so count * per is only used when it cannot have wrapped */
    nitems = count * per;
    if (count > (end - r->pos) / minsz || nitems > (end - r->pos) / minsz)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "%llu %ss cannot fit in the %llu bytes left",
                           (unsigned long long)count, what, (unsigned long long)(end - r->pos));
    n->nchildren = nitems;
    if (nitems) {
        n->children = (mym_node **)mym_arena_alloc(r->t, (size_t)nitems * sizeof(mym_node *));
        if (!n->children) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory");
    }
    for (i = 0; i < nitems; i++) {
        int rc = mym_decode_item(r, end, depth + 1, &n->children[i], what);
        if (rc) return rc;
    }
    return 0;
}

int mym_dec_struct(mym_rd *r, size_t end, uint32_t depth, mym_node **out) {
    mym_node *n = mym_rd_node(r, MYM_STRUCT, out);
    int rc;
    if (!n) return MYM_E_NOMEM;
    if ((rc = mym_rd_dims(r, end, 1, n))) return rc;
    if ((rc = mym_rd_u32(r, end, &n->nfields, "struct field count"))) return rc;
    if ((rc = mym_rd_names(r, end, n))) return rc;
    if (n->nfields == 0) {
        eat_stray_zero(r, end, r->pos < end && end - r->pos == 1, n);
        return 0;
    }
    if (n->numel > UINT64_MAX / n->nfields)
        return MYM_RD_FAIL(r, MYM_E_LIMIT, "struct has too many values");
    return mym_dec_children(r, end, depth, n, n->numel * n->nfields, 1, "struct field value");
}

int mym_dec_cell(mym_rd *r, size_t end, uint32_t depth, mym_node **out) {
    mym_node *n = mym_rd_node(r, MYM_CELL, out);
    int rc;
    if (!n) return MYM_E_NOMEM;
    if ((rc = mym_rd_dims(r, end, 1, n))) return rc;
    return mym_dec_children(r, end, depth, n, n->numel, 1, "cell element");
}

int mym_dec_recarray(mym_rd *r, size_t end, uint32_t depth, mym_node **out) {
    mym_node *n = mym_rd_node(r, MYM_RECARRAY, out);
    uint32_t i;
    int rc;
    if (!n) return MYM_E_NOMEM;
    if ((rc = mym_rd_u32(r, end, &n->nfields, "record array field count"))) return rc;
    if ((rc = mym_rd_names(r, end, n))) return rc;
    if (n->nfields == 0) {
        eat_stray_zero(r, end, r->pos < end && end - r->pos == 1, n);
        return 0;
    }
    /* each field needs at least a type code: checked by rd_names' bound plus this one */
    if (n->nfields > end - r->pos)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "%u record fields cannot fit in %llu bytes",
                           n->nfields, (unsigned long long)(end - r->pos));
    n->nchildren = n->nfields;
    n->children = (mym_node **)mym_arena_alloc(r->t, (size_t)n->nfields * sizeof(mym_node *));
    if (!n->children) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory");
    for (i = 0; i < n->nfields; i++) {
        mym_node *c;
        if ((rc = mym_decode_value(r, end, 0, depth + 1, &c))) return rc;
        if (c->kind != MYM_ARRAY && c->kind != MYM_OBJARRAY && c->kind != MYM_RECARRAY)
            return MYM_RD_FAIL(r, MYM_E_CORRUPT, "record array field '%s' is not an array",
                               n->fields[i]);
        n->children[i] = c;
    }
    return 0;
}

/* a missing struct/cell value is written as a 0x0 double, as mym does */
static void write_empty_double(mym_wr *w) {
    mym_w_u64(w, 1 + 8 + 16 + 8);
    mym_w_u8(w, 'A');
    mym_w_u64(w, 2);
    mym_w_u64(w, 0);
    mym_w_u64(w, 0);
    mym_w_u32(w, MYM_CLASS_DOUBLE);
    mym_w_u32(w, 0);
}

static int enc_children(mym_wr *w, const mym_node *n, uint64_t count, uint32_t depth) {
    uint64_t i;
    if (n->nchildren != count)
        return mym_fail(w->err, MYM_E_ARG, -1, "%s node has %llu children, expected %llu",
                        n->kind == MYM_STRUCT ? "struct" : "cell",
                        (unsigned long long)n->nchildren, (unsigned long long)count);
    if (count && !n->children) return mym_fail(w->err, MYM_E_ARG, -1, "children missing");
    for (i = 0; i < count; i++) {
        int rc;
        if (!n->children[i]) { write_empty_double(w); continue; }
        if ((rc = mym_encode_item(w, n->children[i], depth + 1))) return rc;
    }
    return 0;
}

int mym_enc_struct(mym_wr *w, const mym_node *n, uint32_t depth) {
    int rc;
    if (n->ndims && !n->dims) return mym_fail(w->err, MYM_E_ARG, -1, "struct node without dims");
    if (n->nfields && n->numel > UINT64_MAX / n->nfields)
        return mym_fail(w->err, MYM_E_LIMIT, -1, "struct too large");
    mym_w_u8(w, 'S');
    mym_w_dims(w, n);
    mym_w_u32(w, n->nfields);
    if ((rc = mym_w_names(w, n))) return rc;
    if (n->nfields == 0) {
        if (n->flags & MYM_NF_STRAYZERO) mym_w_u8(w, 0);
        return 0;
    }
    return enc_children(w, n, n->numel * n->nfields, depth);
}

int mym_enc_cell(mym_wr *w, const mym_node *n, uint32_t depth) {
    if (n->ndims && !n->dims) return mym_fail(w->err, MYM_E_ARG, -1, "cell node without dims");
    mym_w_u8(w, 'C');
    mym_w_dims(w, n);
    return enc_children(w, n, n->numel, depth);
}

int mym_enc_recarray(mym_wr *w, const mym_node *n, uint32_t depth) {
    uint32_t i;
    int rc;
    w->dj0 = 1;
    if (n->nchildren != n->nfields)
        return mym_fail(w->err, MYM_E_ARG, -1, "record array node has %llu children for %u "
                        "fields", (unsigned long long)n->nchildren, n->nfields);
    mym_w_u8(w, 'F');
    mym_w_u32(w, n->nfields);
    if ((rc = mym_w_names(w, n))) return rc;
    if (n->nfields == 0) {
        if (n->flags & MYM_NF_STRAYZERO) mym_w_u8(w, 0);
        return 0;
    }
    for (i = 0; i < n->nfields; i++) {
        const mym_node *c = n->children[i];
        if (!c || (c->kind != MYM_ARRAY && c->kind != MYM_OBJARRAY && c->kind != MYM_RECARRAY))
            return mym_fail(w->err, MYM_E_ARG, -1, "record array field %u is not an array", i + 1);
        if ((rc = mym_encode_value(w, c, depth + 1))) return rc;
    }
    return 0;
}
