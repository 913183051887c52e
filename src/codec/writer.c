/*
 * writer.c -- the encode dispatcher, measuring, writing and the one-call encoder.
 *
 * Encoding walks the tree twice with the same code: the first pass (no destination) validates
 * the tree, finds the exact length and whether the dj0 header is needed; the second writes.
 */
#include <stdlib.h>
#include "codec_internal.h"

int mym_encode_value(mym_wr *w, const mym_node *n, uint32_t depth) {
    if (depth > w->max_depth)
        return mym_fail(w->err, MYM_E_LIMIT, -1, "value nested deeper than %u levels",
                        w->max_depth);
    switch (n->kind) {
    case MYM_ARRAY: return mym_enc_array(w, n, depth);
    case MYM_OBJARRAY: return mym_enc_objarray(w, n, depth);
    case MYM_STRUCT: return mym_enc_struct(w, n, depth);
    case MYM_CELL: return mym_enc_cell(w, n, depth);
    case MYM_SPARSE: return mym_enc_sparse(w, n);
    case MYM_RECARRAY: return mym_enc_recarray(w, n, depth);
    default: return mym_enc_dj0(w, n, depth);
    }
}

int mym_encode_item(mym_wr *w, const mym_node *n, uint32_t depth) {
    uint64_t at = w->pos;
    int rc;
    mym_w_u64(w, 0);
    if ((rc = mym_encode_value(w, n, depth))) return rc;
    mym_w_patch_u64(w, at, w->pos - at - 8);
    return 0;
}

void mym_encode_opts_init(mym_encode_opts *o) {
    o->header = MYM_HDR_AUTO;
    o->compress = MYM_COMPRESS_MYM;
    o->level = MYM_DEFAULT_ZLEVEL;
    o->max_depth = MYM_DEFAULT_MAX_DEPTH;
}

int mym_measure(const mym_node *root, mym_header header, uint32_t max_depth,
                mym_encoded_info *info, mym_error *err) {
    mym_wr w;
    int rc;
    if (!root) return mym_fail(err, MYM_E_ARG, -1, "no value to encode");
    memset(&w, 0, sizeof w);
    w.pos = 4;
    w.err = err;
    w.max_depth = max_depth ? max_depth : MYM_DEFAULT_MAX_DEPTH;
    if ((rc = mym_encode_value(&w, root, 0))) return rc;
    if (header == MYM_HDR_MYM && w.dj0)
        return mym_fail(err, MYM_E_ARG, -1, "value needs the dj0 protocol, which MATLAB cannot "
                        "read, but the mYm header was required");
    info->plain_length = w.pos;
    info->header = header == MYM_HDR_AUTO ? (w.dj0 ? MYM_HDR_DJ0 : MYM_HDR_MYM) : header;
    if (w.pos > (uint64_t)SIZE_MAX) return mym_fail(err, MYM_E_LIMIT, -1, "encoded value too large");
    return 0;
}

int mym_write_plain(const mym_node *root, const mym_encoded_info *info, uint8_t *dst,
                    mym_error *err) {
    mym_wr w;
    int rc;
    memset(&w, 0, sizeof w);
    w.dst = dst;
    w.err = err;
    w.max_depth = UINT32_MAX;   /* already checked by mym_measure */
    memcpy(dst, info->header == MYM_HDR_DJ0 ? "dj0\0" : "mYm\0", 4);
    w.pos = 4;
    if ((rc = mym_encode_value(&w, root, 0))) return rc;
    if (w.pos != info->plain_length)
        return mym_fail(err, MYM_E_ARG, -1, "tree changed between measuring and writing");
    return 0;
}

void mym_buffer_init(mym_buffer *b) { b->data = NULL; b->len = b->cap = 0; }

void mym_buffer_free(mym_buffer *b) {
    free(b->data);
    mym_buffer_init(b);
}

int mym_encode(const mym_node *root, const mym_encode_opts *opts, mym_buffer *out,
               mym_error *err) {
    mym_encode_opts o;
    mym_encoded_info info;
    mym_buffer z;
    uint8_t *plain;
    int rc, compressed = 0;
    if (opts) o = *opts; else mym_encode_opts_init(&o);
    if ((rc = mym_measure(root, o.header, o.max_depth, &info, err))) return rc;
    plain = (uint8_t *)malloc((size_t)info.plain_length);
    if (!plain) return mym_fail(err, MYM_E_NOMEM, -1, "out of memory for %llu bytes",
                                (unsigned long long)info.plain_length);
    if ((rc = mym_write_plain(root, &info, plain, err))) { free(plain); return rc; }
    mym_buffer_init(&z);
    rc = mym_compress(plain, (size_t)info.plain_length, o.compress, o.level, &z, &compressed, err);
    if (rc) { free(plain); return rc; }
    mym_buffer_free(out);
    if (compressed) {
        free(plain);
        *out = z;
    } else {
        out->data = plain;
        out->len = out->cap = (size_t)info.plain_length;
    }
    return 0;
}
