/*
 * reader.c -- bounds-checked cursor and the payload dispatcher.
 *
 * Every read names the field it reads, so a hostile or truncated blob yields a message such as
 * "truncated: need 8 bytes for array dim 2, 3 left" together with the exact byte offset.
 */
#include <stdlib.h>
#include "codec_internal.h"

int mym_rd_need(mym_rd *r, size_t end, uint64_t n, const char *what) {
    if (r->pos > end || n > (uint64_t)(end - r->pos))
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "truncated: need %llu bytes for %s, %llu left",
                           (unsigned long long)n, what,
                           (unsigned long long)(r->pos > end ? 0 : end - r->pos));
    return 0;
}

mym_node *mym_rd_node(mym_rd *r, mym_kind kind, mym_node **out) {
    mym_node *n = (mym_node *)mym_arena_alloc(r->t, sizeof(mym_node));
    if (!n) {
        MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory");
        return NULL;
    }
    n->kind = kind;
    *out = n;
    return n;
}

int mym_rd_u8(mym_rd *r, size_t end, uint8_t *v, const char *what) {
    int rc = mym_rd_need(r, end, 1, what);
    if (rc) return rc;
    *v = r->base[r->pos++];
    return 0;
}

int mym_rd_u16(mym_rd *r, size_t end, uint16_t *v, const char *what) {
    int rc = mym_rd_need(r, end, 2, what);
    if (rc) return rc;
    *v = (uint16_t)(r->base[r->pos] | (r->base[r->pos + 1] << 8));
    r->pos += 2;
    return 0;
}

int mym_rd_u32(mym_rd *r, size_t end, uint32_t *v, const char *what) {
    int rc = mym_rd_need(r, end, 4, what);
    if (rc) return rc;
    *v = mym_get_le32(r->base + r->pos);
    r->pos += 4;
    return 0;
}

int mym_rd_u64(mym_rd *r, size_t end, uint64_t *v, const char *what) {
    int rc = mym_rd_need(r, end, 8, what);
    if (rc) return rc;
    *v = mym_get_le64(r->base + r->pos);
    r->pos += 8;
    return 0;
}

int mym_rd_size(mym_rd *r, size_t end, uint64_t *v, const char *what) {
    if (r->dims32) {
        uint32_t x = 0;
        int rc = mym_rd_u32(r, end, &x, what);
        *v = x;
        return rc;
    }
    return mym_rd_u64(r, end, v, what);
}

int mym_rd_take(mym_rd *r, size_t end, uint64_t n, const void **p, const char *what) {
    int rc = mym_rd_need(r, end, n, what);
    if (rc) return rc;
    if ((r->flags & MYM_DEC_COPY) && n) {
        void *q = mym_arena_alloc(r->t, (size_t)n);
        if (!q) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory copying %s", what);
        memcpy(q, r->base + r->pos, (size_t)n);
        *p = q;
    } else {
        *p = r->base + r->pos;
    }
    r->pos += (size_t)n;
    return 0;
}

int mym_rd_dims(mym_rd *r, size_t end, int ndims_is_size, mym_node *n) {
    uint64_t nd;
    uint32_t i;
    unsigned dsz = r->dims32 ? 4u : 8u;
    int rc;
    size_t at = r->pos;
    if (ndims_is_size) rc = mym_rd_size(r, end, &nd, "ndims");
    else { uint32_t x; rc = mym_rd_u32(r, end, &x, "ndims"); nd = x; }
    if (rc) return rc;
    /* check the count against what is left before allocating the dims vector */
    if (nd > (end - r->pos) / dsz) {
        r->pos = at;
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED,
                           "ndims %llu needs %llu bytes of dims but only %llu remain",
                           (unsigned long long)nd, (unsigned long long)(nd * dsz),
                           (unsigned long long)(end - r->pos - (r->dims32 ? 4 : 8)));
    }
    if (nd > 0xFFFFu) {
        r->pos = at;
        return MYM_RD_FAIL(r, MYM_E_LIMIT, "ndims %llu is over the limit of 65535",
                           (unsigned long long)nd);
    }
    n->ndims = (uint32_t)nd;
    if (nd) {
        n->dims = (uint64_t *)mym_arena_alloc(r->t, (size_t)nd * sizeof(uint64_t));
        if (!n->dims) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory for dims");
        for (i = 0; i < nd; i++) {
            if (r->dims32) n->dims[i] = mym_get_le32(r->base + r->pos);
            else n->dims[i] = mym_get_le64(r->base + r->pos);
            r->pos += dsz;
        }
    }
    if (mym_dims_numel(n->ndims, n->dims, &n->numel)) {
        r->pos = at;
        return MYM_RD_FAIL(r, MYM_E_LIMIT, "the product of the %u dims overflows 64 bits",
                           n->ndims);
    }
    return 0;
}

int mym_rd_names(mym_rd *r, size_t end, mym_node *n) {
    uint32_t i;
    if (n->nfields > end - r->pos)
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "%u field names cannot fit in the %llu bytes left",
                           n->nfields, (unsigned long long)(end - r->pos));
    if (!n->nfields) return 0;
    n->fields = (char **)mym_arena_alloc(r->t, (size_t)n->nfields * sizeof(char *));
    if (!n->fields) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory for field names");
    for (i = 0; i < n->nfields; i++) {
        const uint8_t *s = r->base + r->pos;
        const uint8_t *z = (const uint8_t *)memchr(s, 0, end - r->pos);
        size_t len;
        if (!z)
            return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "field name %u has no terminating zero byte",
                               i + 1);
        len = (size_t)(z - s);
        n->fields[i] = (char *)mym_arena_alloc(r->t, len + 1);
        if (!n->fields[i]) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory for field names");
        memcpy(n->fields[i], s, len + 1);
        r->pos += len + 1;
    }
    return 0;
}

int mym_decode_item(mym_rd *r, size_t end, uint32_t depth, mym_node **out, const char *what) {
    uint64_t len;
    size_t start, stop;
    int rc = mym_rd_size(r, end, &len, what);
    if (rc) return rc;
    if (len > end - r->pos) {
        r->pos -= r->dims32 ? 4 : 8;
        return MYM_RD_FAIL(r, MYM_E_TRUNCATED, "%s declares %llu bytes but only %llu remain",
                           what, (unsigned long long)len, (unsigned long long)(end - r->pos - (r->dims32 ? 4 : 8)));
    }
    start = r->pos;
    stop = start + (size_t)len;
    rc = mym_decode_value(r, stop, 1, depth, out);
    if (rc) return rc;
    if (r->pos != stop) {
        if (!(r->flags & MYM_DEC_LENIENT))
            return MYM_RD_FAIL(r, MYM_E_CORRUPT,
                               "%s declares %llu bytes but its payload uses %llu", what,
                               (unsigned long long)len, (unsigned long long)(r->pos - start));
        r->pos = stop;
    }
    return 0;
}

int mym_decode_value(mym_rd *r, size_t end, int exact, uint32_t depth, mym_node **out) {
    uint8_t code;
    int rc;
    if (depth > r->max_depth)
        return MYM_RD_FAIL(r, MYM_E_LIMIT, "nesting deeper than %u levels", r->max_depth);
    rc = mym_rd_u8(r, end, &code, "type code");
    if (rc) return rc;
    switch (code) {
    case 'A': return mym_dec_array(r, end, exact, depth, out);
    case 'S': return mym_dec_struct(r, end, depth, out);
    case 'C': return mym_dec_cell(r, end, depth, out);
    case 'P': return mym_dec_sparse(r, end, out);
    case 'F': return mym_dec_recarray(r, end, depth, out);
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x0A: case 0x0B:
    case 0x0C: case 0x0D: case 0xFF: case 'd': case 't': case 'u':
        return mym_dec_dj0(r, code, end, depth, out);
    default:
        r->pos--;
        return MYM_RD_FAIL(r, MYM_E_CORRUPT, "unknown type code 0x%02X", code);
    }
}
