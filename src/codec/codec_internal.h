/*
 * codec_internal.h -- reader/writer primitives shared by the codec modules (not public).
 *
 * Decoding uses a bounds-checked cursor (`mym_rd`); every read states what it is reading so an
 * error message can name it. Encoding runs the same code twice through `mym_wr`: once with a
 * NULL destination to measure and validate, once to write, so the output can go straight into
 * a buffer of the exact final size (one copy of bulk data, no reallocation).
 */
#ifndef MYM_CODEC_INTERNAL_H
#define MYM_CODEC_INTERNAL_H

#include <stdarg.h>
#include <string.h>
#include "mym_codec.h"

/* ---- errors ---- */
int mym_fail(mym_error *err, int code, int64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ---- reader ---- */
typedef struct mym_rd {
    const uint8_t *base;   /* start of the plain bytes (header included)                     */
    size_t len;            /* their length                                                   */
    size_t pos;            /* cursor                                                         */
    int dims32;            /* legacy 32-bit size fields                                      */
    uint32_t flags;        /* MYM_DEC_*                                                      */
    uint32_t max_depth;
    int in_inflated;
    mym_tree *t;
    mym_error *err;
} mym_rd;

/* little-endian loads, spelled out so that compilers make one move of each */
static inline uint32_t mym_get_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t mym_get_le64(const uint8_t *p) {
    return (uint64_t)mym_get_le32(p) | ((uint64_t)mym_get_le32(p + 4) << 32);
}

/* fail unless n more bytes are available before `end` */
int mym_rd_need(mym_rd *r, size_t end, uint64_t n, const char *what);
int mym_rd_u8(mym_rd *r, size_t end, uint8_t *v, const char *what);
int mym_rd_u16(mym_rd *r, size_t end, uint16_t *v, const char *what);
int mym_rd_u32(mym_rd *r, size_t end, uint32_t *v, const char *what);
int mym_rd_u64(mym_rd *r, size_t end, uint64_t *v, const char *what);
/* a "size" field: u64, or u32 in legacy mode */
int mym_rd_size(mym_rd *r, size_t end, uint64_t *v, const char *what);
/* take n bytes (zero copy or copied into the arena per MYM_DEC_COPY) */
int mym_rd_take(mym_rd *r, size_t end, uint64_t n, const void **p, const char *what);
/* a zeroed node of this kind, also stored in *out; NULL (error recorded) when memory runs out */
mym_node *mym_rd_node(mym_rd *r, mym_kind kind, mym_node **out);
/* read ndims + dims, compute numel with overflow check */
int mym_rd_dims(mym_rd *r, size_t end, int ndims_is_size, mym_node *n);
/* field names: nfields NUL-terminated strings */
int mym_rd_names(mym_rd *r, size_t end, mym_node *n);
/* decode one payload occupying [r->pos, end); if exact, it must end exactly at end */
int mym_decode_value(mym_rd *r, size_t end, int exact, uint32_t depth, mym_node **out);
/* decode an item: size prefix + payload of exactly that size */
int mym_decode_item(mym_rd *r, size_t end, uint32_t depth, mym_node **out, const char *what);
/* n's children: count * per items (per 2 for key/value pairs), refused up front when count or the
 * item total cannot fit in the bytes left (each item takes at least its size prefix) */
int mym_dec_children(mym_rd *r, size_t end, uint32_t depth, mym_node *n, uint64_t count,
                     unsigned per, const char *what);

#define MYM_RD_FAIL(r, code, ...) \
    mym_fail((r)->err, (code), (int64_t)(r)->pos, __VA_ARGS__)

/* ---- type-family decoders (cursor just after the type code) ---- */
int mym_dec_array(mym_rd *r, size_t end, int exact, uint32_t depth, mym_node **out);
int mym_dec_struct(mym_rd *r, size_t end, uint32_t depth, mym_node **out);
int mym_dec_cell(mym_rd *r, size_t end, uint32_t depth, mym_node **out);
int mym_dec_sparse(mym_rd *r, size_t end, mym_node **out);
int mym_dec_dj0(mym_rd *r, uint8_t code, size_t end, uint32_t depth, mym_node **out);
int mym_dec_recarray(mym_rd *r, size_t end, uint32_t depth, mym_node **out);

/* ---- writer ---- */
typedef struct mym_wr {
    uint8_t *dst;          /* NULL while measuring                                           */
    uint64_t pos;
    int dj0;               /* set when something needs the dj0 header                        */
    uint32_t max_depth;
    mym_error *err;
} mym_wr;

static inline void mym_w_bytes(mym_wr *w, const void *p, size_t n) {
    if (w->dst && n) memcpy(w->dst + w->pos, p, n);
    w->pos += n;
}
/* Little-endian stores spelled out byte by byte straight into the destination: compilers merge
 * them into one move on little-endian hosts (a loop filling a byte array copied with memcpy
 * stalled store forwarding and was a fifth of packing a cell of strings), and the measuring pass
 * only advances the position. */
static inline void mym_put_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}
static inline void mym_put_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void mym_put_le64(uint8_t *p, uint64_t v) {
    mym_put_le32(p, (uint32_t)v);
    mym_put_le32(p + 4, (uint32_t)(v >> 32));
}
static inline void mym_w_u8(mym_wr *w, uint8_t v) { if (w->dst) w->dst[w->pos] = v; w->pos += 1; }
static inline void mym_w_u16(mym_wr *w, uint16_t v) {
    if (w->dst) mym_put_le16(w->dst + w->pos, v);
    w->pos += 2;
}
static inline void mym_w_u32(mym_wr *w, uint32_t v) {
    if (w->dst) mym_put_le32(w->dst + w->pos, v);
    w->pos += 4;
}
static inline void mym_w_u64(mym_wr *w, uint64_t v) {
    if (w->dst) mym_put_le64(w->dst + w->pos, v);
    w->pos += 8;
}
static inline void mym_w_patch_u64(mym_wr *w, uint64_t at, uint64_t v) {
    if (w->dst) mym_put_le64(w->dst + at, v);
}

int mym_encode_value(mym_wr *w, const mym_node *n, uint32_t depth);
/* item = u64 length + payload */
int mym_encode_item(mym_wr *w, const mym_node *n, uint32_t depth);

int mym_enc_array(mym_wr *w, const mym_node *n, uint32_t depth);
int mym_enc_objarray(mym_wr *w, const mym_node *n, uint32_t depth);
int mym_enc_struct(mym_wr *w, const mym_node *n, uint32_t depth);
int mym_enc_cell(mym_wr *w, const mym_node *n, uint32_t depth);
int mym_enc_sparse(mym_wr *w, const mym_node *n);
int mym_enc_dj0(mym_wr *w, const mym_node *n, uint32_t depth);
int mym_enc_recarray(mym_wr *w, const mym_node *n, uint32_t depth);

/* ---- envelope (envelope.c) ---- */
int mym_zlib_header_ok(const uint8_t *p, size_t avail);
/* inflate the stream of an envelope whose size field is `size_width` bytes wide (8, or 4 in
 * legacy mode) into a new malloc'd buffer of exactly the declared size */
int mym_inflate_envelope(const uint8_t *buf, size_t len, unsigned size_width, uint64_t max,
                         uint8_t **out, size_t *outlen, mym_error *err);

/* two-thread deflate into one zlib stream (zpar.c): 0 ok, 1 larger than cap, <0 error */
int mym_deflate_two_threads(const uint8_t *plain, size_t len, int level, uint8_t *dst,
                            size_t cap, size_t *outlen);

/* shared helpers */
void mym_arena_release(mym_tree *t);   /* free all nodes, keep the tree */
int mym_dims_numel(uint32_t ndims, const uint64_t *dims, uint64_t *numel);
void mym_w_dims(mym_wr *w, const mym_node *n);
int mym_w_names(mym_wr *w, const mym_node *n);

#endif
