/*
 * decode.c -- top level of decoding: envelope, protocol header, 64/32-bit dims choice.
 */
#include <stdlib.h>
#include "codec_internal.h"

void mym_decode_opts_init(mym_decode_opts *o) {
    o->flags = 0;
    o->dims_mode = MYM_DIMS_AUTO;
    o->max_depth = MYM_DEFAULT_MAX_DEPTH;
    o->max_inflated = MYM_DEFAULT_MAX_INFLATED;
}

/* parse plain bytes (header + one payload) with the given dims width into a fresh arena */
static int parse_plain(mym_tree *t, const uint8_t *plain, size_t len, int dims32,
                       const mym_decode_opts *o, int in_inflated, mym_error *err) {
    mym_rd r;
    int rc;
    memset(&r, 0, sizeof r);
    r.base = plain;
    r.len = len;
    r.pos = 4;
    r.dims32 = dims32;
    r.flags = o->flags;
    r.max_depth = o->max_depth ? o->max_depth : MYM_DEFAULT_MAX_DEPTH;
    r.in_inflated = in_inflated;
    r.t = t;
    r.err = err;
    rc = mym_decode_value(&r, len, 1, 0, &t->root);
    if (rc) return rc;
    if (r.pos != len && !(o->flags & MYM_DEC_LENIENT))
        return mym_fail(err, MYM_E_CORRUPT, (int64_t)r.pos, "%llu stray bytes after the value",
                        (unsigned long long)(len - r.pos));
    t->dims32 = dims32;
    return 0;
}

static void release_arena(mym_tree *t) {
    /* drop a failed attempt's nodes; the inflated bytes stay */
    mym_arena_release(t);
    t->root = NULL;
}

int mym_decode(const uint8_t *buf, size_t len, const mym_decode_opts *opts, mym_tree **out,
               mym_error *err) {
    mym_decode_opts o;
    mym_tree *t;
    const uint8_t *plain = buf;
    size_t plen = len;
    int rc, env32 = 0;
    mym_error e2;
    *out = NULL;
    if (err) { err->code = 0; err->offset = -1; err->in_inflated = 0; err->message[0] = 0; }
    if (opts) o = *opts; else mym_decode_opts_init(&o);
    if (!o.max_inflated) o.max_inflated = MYM_DEFAULT_MAX_INFLATED;
    if (!buf && len) return mym_fail(err, MYM_E_ARG, -1, "no input");
    t = mym_tree_new();
    if (!t) return mym_fail(err, MYM_E_NOMEM, -1, "out of memory");
    if (len >= 6 && memcmp(buf, "ZL123\0", 6) == 0) {
        unsigned width;
        size_t olen = 0;
        if (o.dims_mode == MYM_DIMS_32) width = 4;
        else if (o.dims_mode == MYM_DIMS_64) width = 8;
        else if (len >= 16 && !buf[10] && !buf[11] && !buf[12] && !buf[13] &&
                 mym_zlib_header_ok(buf + 14, len - 14)) width = 8;
        else if (len >= 12 && mym_zlib_header_ok(buf + 10, len - 10)) width = 4;
        else width = 8;
        env32 = width == 4;
        rc = mym_inflate_envelope(buf, len, width, o.max_inflated, &t->owned, &olen, err);
        if (rc) { mym_tree_free(t); return rc; }
        plain = t->owned;
        plen = olen;
        t->compressed = 1;
        /* the inflated bytes belong to the tree, so no copying is needed */
        o.flags &= ~MYM_DEC_COPY;
    }
    t->plain_length = plen;
    if (plen < 4 || !(memcmp(plain, "mYm\0", 4) == 0 || memcmp(plain, "dj0\0", 4) == 0)) {
        int compressed = t->compressed;
        mym_tree_free(t);
        mym_fail(err, MYM_E_HEADER, 0, plen == 0 ? "empty input is not a blob" :
                 "not a blob: no mYm or dj0 header");
        if (err) err->in_inflated = compressed;
        return MYM_E_HEADER;
    }
    t->header = plain[0] == 'm' ? MYM_HDR_MYM : MYM_HDR_DJ0;
    if (o.dims_mode == MYM_DIMS_64 || o.dims_mode == MYM_DIMS_32) {
        rc = parse_plain(t, plain, plen, o.dims_mode == MYM_DIMS_32, &o, t->compressed, err);
    } else {
        int first = env32;   /* a legacy envelope makes the legacy payload the first guess */
        /* In a 64-bit blob the first size field of A/S/C/P (ndims or rows) is small, so its
         * high half is zero; in a 32-bit blob that half is the next field (a dim, usually
         * nonzero). Only then is the other width tried, so that a damaged 64-bit blob is not
         * "repaired" into a different value by the legacy reading (spec §11). */
        int plausible32 = env32 || (plen >= 13 && (plain[4] == 'A' || plain[4] == 'S' ||
                                    plain[4] == 'C' || plain[4] == 'P') &&
                                    (plain[9] | plain[10] | plain[11] | plain[12]) != 0);
        rc = parse_plain(t, plain, plen, first, &o, t->compressed, err);
        if (rc && rc != MYM_E_NOMEM && plausible32) {
            release_arena(t);
            if (parse_plain(t, plain, plen, !first, &o, t->compressed, &e2) != 0) {
                release_arena(t);
                /* plausible32 means the 64-bit reading met an absurd size field first, so the
                 * legacy reading's complaint is the informative one */
                if (err) *err = e2;
                rc = e2.code;
            } else {
                rc = 0;
            }
        }
    }
    if (rc) {
        if (err) err->in_inflated = t->compressed;
        mym_tree_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
