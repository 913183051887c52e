/*
 * dj0.c -- the Python-only protocol codes of DataJoint 0.14 (spec §10): None, bool, int, float,
 * complex, str, bytes, tuple/list/set/dict, Decimal, date/time and UUID.
 */
#include "codec_internal.h"

static int dec_items(mym_rd *r, size_t end, uint32_t depth, mym_node *n, const char *what) {
    uint64_t count;
    int rc = mym_rd_size(r, end, &count, what);
    if (rc) return rc;
    return mym_dec_children(r, end, depth, n, count, n->kind == MYM_DICT ? 2u : 1u, what);
}

static int dec_int(mym_rd *r, size_t end, mym_node *n) {
    uint16_t len;
    const void *p;
    int rc = mym_rd_u16(r, end, &len, "integer byte count");
    if (rc || (rc = mym_rd_take(r, end, len, &p, "integer bytes"))) return rc;
    n->u.i.bytes = (const uint8_t *)p;
    n->u.i.nbytes = len;
    if (len <= 8) {
        const uint8_t *b = (const uint8_t *)p;
        uint64_t v = 0;
        int k;
        for (k = (int)len - 1; k >= 0; k--) v = (v << 8) | b[k];
        if (len && len < 8 && (b[len - 1] & 0x80)) v |= ~(uint64_t)0 << (8 * len);
        memcpy(&n->u.i.value, &v, 8);
        n->flags |= MYM_NF_SMALLINT;
    }
    return 0;
}

int mym_dec_dj0(mym_rd *r, uint8_t code, size_t end, uint32_t depth, mym_node **out) {
    mym_node *n = (mym_node *)mym_arena_alloc(r->t, sizeof(mym_node));
    uint64_t len, u;
    uint32_t d32;
    uint8_t b;
    const void *p;
    int rc = 0;
    if (!n) return MYM_RD_FAIL(r, MYM_E_NOMEM, "out of memory");
    *out = n;
    switch (code) {
    case 0xFF: n->kind = MYM_NONE; return 0;
    case 0x0B:
        n->kind = MYM_BOOL;
        rc = mym_rd_u8(r, end, &b, "bool value");
        n->u.b = b != 0;
        return rc;
    case 0x0D:
    case 0x0C:
        n->kind = code == 0x0D ? MYM_FLOAT : MYM_COMPLEX;
        if ((rc = mym_rd_u64(r, end, &u, "float value"))) return rc;
        memcpy(&n->u.f[0], &u, 8);
        if (code == 0x0C) {
            if ((rc = mym_rd_u64(r, end, &u, "complex imaginary part"))) return rc;
            memcpy(&n->u.f[1], &u, 8);
        }
        return 0;
    case 0x0A: n->kind = MYM_INT; return dec_int(r, end, n);
    case 0x05: case 0x06: case 'd':
        n->kind = code == 0x05 ? MYM_STR : code == 0x06 ? MYM_BYTES : MYM_DECIMAL;
        if ((rc = mym_rd_size(r, end, &len, "text length"))) return rc;
        if ((rc = mym_rd_take(r, end, len, &p, code == 0x06 ? "bytes" : "text"))) return rc;
        n->u.bytes.ptr = (const uint8_t *)p;
        n->u.bytes.len = (size_t)len;
        return 0;
    case 't':
        n->kind = MYM_DATETIME;
        if ((rc = mym_rd_u32(r, end, &d32, "date field"))) return rc;
        if ((rc = mym_rd_u64(r, end, &u, "time field"))) return rc;
        memcpy(&n->u.dt.date, &d32, 4);
        memcpy(&n->u.dt.time, &u, 8);
        return 0;
    case 'u':
        n->kind = MYM_UUID;
        if ((rc = mym_rd_need(r, end, 16, "uuid bytes"))) return rc;
        memcpy(n->u.uuid, r->base + r->pos, 16);
        r->pos += 16;
        return 0;
    case 0x01: n->kind = MYM_TUPLE; return dec_items(r, end, depth, n, "tuple item");
    case 0x02: n->kind = MYM_LIST; return dec_items(r, end, depth, n, "list item");
    case 0x03: n->kind = MYM_SET; return dec_items(r, end, depth, n, "set item");
    case 0x04: n->kind = MYM_DICT; return dec_items(r, end, depth, n, "dict entry");
    default:
        r->pos--;
        return MYM_RD_FAIL(r, MYM_E_CORRUPT, "unknown type code 0x%02X", code);
    }
}

/* two's complement LE of v in the fewest bytes Python 0.14 uses: bit_length(|v|)//8 + 1 */
static void write_small_int(mym_wr *w, int64_t v) {
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned bits = 0, n, k;
    uint8_t buf[9];
    while (mag) { bits++; mag >>= 1; }
    n = bits / 8 + 1;
    for (k = 0; k < n; k++) {
        /* arithmetic shift emulated for k >= 8 (sign extension) */
        buf[k] = k < 8 ? (uint8_t)((uint64_t)v >> (8 * k)) : (uint8_t)(v < 0 ? 0xFF : 0x00);
    }
    mym_w_u16(w, (uint16_t)n);
    mym_w_bytes(w, buf, n);
}

int mym_enc_dj0(mym_wr *w, const mym_node *n, uint32_t depth) {
    uint64_t i;
    int rc;
    uint8_t code;
    w->dj0 = 1;
    switch (n->kind) {
    case MYM_NONE: mym_w_u8(w, 0xFF); return 0;
    case MYM_BOOL: mym_w_u8(w, 0x0B); mym_w_u8(w, n->u.b ? 1 : 0); return 0;
    case MYM_FLOAT: mym_w_u8(w, 0x0D); mym_w_bytes(w, &n->u.f[0], 8); return 0;
    case MYM_COMPLEX: mym_w_u8(w, 0x0C); mym_w_bytes(w, n->u.f, 16); return 0;
    case MYM_INT:
        mym_w_u8(w, 0x0A);
        if (n->u.i.bytes || !(n->flags & MYM_NF_SMALLINT)) {
            if (n->u.i.nbytes > 65535)
                return mym_fail(w->err, MYM_E_LIMIT, -1, "integer needs more than 65535 bytes");
            if (n->u.i.nbytes && !n->u.i.bytes)
                return mym_fail(w->err, MYM_E_ARG, -1, "integer node without bytes");
            mym_w_u16(w, (uint16_t)n->u.i.nbytes);
            mym_w_bytes(w, n->u.i.bytes, n->u.i.nbytes);
        } else {
            write_small_int(w, n->u.i.value);
        }
        return 0;
    case MYM_STR: case MYM_BYTES: case MYM_DECIMAL:
        code = n->kind == MYM_STR ? 0x05 : n->kind == MYM_BYTES ? 0x06 : 'd';
        if (n->u.bytes.len && !n->u.bytes.ptr)
            return mym_fail(w->err, MYM_E_ARG, -1, "text node without data");
        mym_w_u8(w, code);
        mym_w_u64(w, n->u.bytes.len);
        mym_w_bytes(w, n->u.bytes.ptr, n->u.bytes.len);
        return 0;
    case MYM_DATETIME:
        mym_w_u8(w, 't');
        mym_w_u32(w, (uint32_t)n->u.dt.date);
        mym_w_u64(w, (uint64_t)n->u.dt.time);
        return 0;
    case MYM_UUID: mym_w_u8(w, 'u'); mym_w_bytes(w, n->u.uuid, 16); return 0;
    case MYM_TUPLE: case MYM_LIST: case MYM_SET: case MYM_DICT:
        code = n->kind == MYM_TUPLE ? 0x01 : n->kind == MYM_LIST ? 0x02 :
               n->kind == MYM_SET ? 0x03 : 0x04;
        if (n->kind == MYM_DICT && (n->nchildren & 1u))
            return mym_fail(w->err, MYM_E_ARG, -1, "dict node with an odd number of children");
        if (n->nchildren && !n->children)
            return mym_fail(w->err, MYM_E_ARG, -1, "sequence node without children");
        mym_w_u8(w, code);
        mym_w_u64(w, n->kind == MYM_DICT ? n->nchildren / 2 : n->nchildren);
        for (i = 0; i < n->nchildren; i++) {
            if (!n->children[i])
                return mym_fail(w->err, MYM_E_ARG, -1, "sequence item %llu is missing",
                                (unsigned long long)i + 1);
            if ((rc = mym_encode_item(w, n->children[i], depth + 1))) return rc;
        }
        return 0;
    default:
        return mym_fail(w->err, MYM_E_ARG, -1, "node kind %d is not a dj0 kind", (int)n->kind);
    }
}
