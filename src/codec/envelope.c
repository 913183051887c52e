/*
 * envelope.c -- the "ZL123\0" compression envelope (spec §3).
 *
 * Compression defaults to zlib level 1: blobs are written far more often than they are
 * re-read by size-sensitive code, and any level yields a standard zlib stream that every reader
 * (mym, DataJoint 0.14) inflates. Inflation never trusts the declared size for allocation beyond
 * what the compressed input could possibly produce (deflate expands at most ~1032:1).
 */
#include <stdlib.h>
#include <zlib.h>
#include "codec_internal.h"
#include "zchunk.h"

#define ENV_MAGIC "ZL123"
#define MAX_DEFLATE_RATIO 1040u

int mym_zlib_header_ok(const uint8_t *p, size_t avail) {
    return avail >= 2 && (p[0] & 0x0F) == 8 && (p[0] >> 4) <= 7 &&
           ((unsigned)p[0] * 256u + p[1]) % 31u == 0 && !(p[1] & 0x20);
}

int mym_inflate_envelope(const uint8_t *buf, size_t len, unsigned size_width, uint64_t max,
                         uint8_t **out, size_t *outlen, mym_error *err) {
    uint64_t size = 0;
    size_t start = 6 + size_width, clen;
    unsigned k;
    z_stream zs;
    uint8_t *dst;
    int zrc;
    if (len < start + 2)
        return mym_fail(err, MYM_E_TRUNCATED, (int64_t)len, "compressed blob is truncated");
    for (k = size_width; k > 0; k--) size = (size << 8) | buf[6 + k - 1];
    clen = len - start;
    if (size < 5)
        return mym_fail(err, MYM_E_CORRUPT, 6, "compressed blob declares only %llu bytes",
                        (unsigned long long)size);
    if (size > max)
        return mym_fail(err, MYM_E_INFLATE_LIMIT, 6, "compressed blob declares %llu decompressed "
                        "bytes, over the limit of %llu", (unsigned long long)size,
                        (unsigned long long)max);
    if (size / MAX_DEFLATE_RATIO > clen + 64 || size > (uint64_t)SIZE_MAX)
        return mym_fail(err, MYM_E_ZLIB, 6, "compressed blob declares %llu bytes, more than %llu "
                        "compressed bytes can hold", (unsigned long long)size,
                        (unsigned long long)clen);
    dst = (uint8_t *)malloc((size_t)size + 1);   /* +1 detects overlong streams */
    if (!dst) return mym_fail(err, MYM_E_NOMEM, 6, "out of memory inflating %llu bytes",
                              (unsigned long long)size);
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) {
        free(dst);
        return mym_fail(err, MYM_E_NOMEM, -1, "zlib initialisation failed");
    }
    zs.next_out = dst;
    zs.avail_out = 0;
    {
        /* feed in chunks that fit zlib's uInt counters */
        size_t in_left = clen, out_left = (size_t)size + 1;
        const uint8_t *in = buf + start;
        do {
            mym_zfeed(&zs, &in, &in_left);
            if (zs.avail_out == 0 && out_left) {
                uInt c = mym_zchunk(out_left);
                zs.avail_out = c;
                out_left -= c;
            }
            zrc = inflate(&zs, Z_NO_FLUSH);
        } while (zrc == Z_OK && (zs.avail_in || in_left) && (zs.avail_out || out_left));
    }
    {
        size_t produced = (size_t)((uint8_t *)zs.next_out - dst);
        size_t consumed = (size_t)((const uint8_t *)zs.next_in - (buf + start));
        inflateEnd(&zs);
        if (zrc != Z_STREAM_END) {
            free(dst);
            if (produced > size)
                return mym_fail(err, MYM_E_ZLIB, 6, "compressed blob inflates to more than the "
                                "declared %llu bytes", (unsigned long long)size);
            return mym_fail(err, MYM_E_ZLIB, (int64_t)(start + consumed),
                            "compressed data is corrupt or truncated (zlib: %s)",
                            zs.msg ? zs.msg : (zrc == Z_BUF_ERROR || zrc == Z_OK ?
                                               "unexpected end of stream" : "error"));
        }
        if (produced != size) {
            free(dst);
            return mym_fail(err, MYM_E_ZLIB, 6, "compressed blob declares %llu bytes but "
                            "inflates to %llu", (unsigned long long)size,
                            (unsigned long long)produced);
        }
        if (start + consumed != len) {
            free(dst);
            return mym_fail(err, MYM_E_CORRUPT, (int64_t)(start + consumed),
                            "%llu stray bytes after the compressed data",
                            (unsigned long long)(len - start - consumed));
        }
        *out = dst;
        *outlen = produced;
    }
    return 0;
}

static int rule_accepts(mym_compress_rule rule, size_t L, size_t C) {
    if (rule == MYM_COMPRESS_MYM) return (float)L / (14.0f + (float)C) > 1.1f;
    return 14u + C < L;
}

/* Large blobs: deflate a few 64 KiB samples first and skip compressing data that clearly will
 * not meet the rule (random doubles gain ~4%, far from MATLAB's 10%). This only ever leaves a
 * blob uncompressed, which every reader accepts; it saves ~90% of the time on such data. */
#define SAMPLE_MIN_LEN ((size_t)1 << 20)
#define SAMPLE_CHUNK ((size_t)64 << 10)
#define SAMPLE_COUNT 4

static int sample_says_skip(const uint8_t *plain, size_t len, mym_compress_rule rule, int level) {
    static const double threshold[3] = {0.0, 1.05, 1.0};
    uint8_t *tmp;
    size_t bound, in_total = 0, out_total = 0;
    z_stream zs;
    int k;
    if (len < SAMPLE_MIN_LEN) return 0;
    memset(&zs, 0, sizeof zs);
    if (deflateInit(&zs, level) != Z_OK) return 0;
    bound = deflateBound(&zs, (uLong)SAMPLE_CHUNK);
    tmp = (uint8_t *)malloc(bound);
    if (!tmp) { deflateEnd(&zs); return 0; }
    for (k = 0; k < SAMPLE_COUNT; k++) {
        size_t at = (len - SAMPLE_CHUNK) / (SAMPLE_COUNT - 1) * (size_t)k;
        deflateReset(&zs);
        zs.next_in = (Bytef *)(plain + at);
        zs.avail_in = (uInt)SAMPLE_CHUNK;
        zs.next_out = tmp;
        zs.avail_out = (uInt)bound;
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END) { free(tmp); deflateEnd(&zs); return 0; }
        in_total += SAMPLE_CHUNK;
        out_total += bound - zs.avail_out;
    }
    free(tmp);
    deflateEnd(&zs);
    return (double)in_total / (double)out_total < threshold[rule];
}

/* blobs this large are deflated on two threads (zpar.c) */
#define PARALLEL_MIN_LEN ((size_t)4 << 20)

static int finish_envelope(mym_buffer *out, size_t len, size_t total, int *compressed) {
    unsigned k;
    memcpy(out->data, ENV_MAGIC, 6);   /* includes the terminating zero byte */
    for (k = 0; k < 8; k++) out->data[6 + k] = (uint8_t)((uint64_t)len >> (8 * k));
    out->len = 14 + total;
    *compressed = 1;
    return 0;
}

int mym_compress(const uint8_t *plain, size_t len, mym_compress_rule rule, int level,
                 mym_buffer *out, int *compressed, mym_error *err) {
    z_stream zs;
    size_t cap, total;
    int zrc;
    *compressed = 0;
    if (rule == MYM_COMPRESS_NONE || len <= 1000) return 0;
    if (rule != MYM_COMPRESS_MYM && rule != MYM_COMPRESS_PY)
        return mym_fail(err, MYM_E_ARG, -1, "unknown compression rule %d", (int)rule);
    if (level <= 0 || level > 9) level = MYM_DEFAULT_ZLEVEL;
    if (sample_says_skip(plain, len, rule, level)) return 0;
    /* the largest zlib output that could still satisfy the rule, plus slack */
    cap = rule == MYM_COMPRESS_MYM ? (size_t)((double)len / 1.1) : len - 14;
    cap += 16;
    total = 14 + cap;
    mym_buffer_free(out);
    out->data = (uint8_t *)malloc(total);
    if (!out->data) return mym_fail(err, MYM_E_NOMEM, -1, "out of memory compressing");
    out->cap = total;
    if (len >= PARALLEL_MIN_LEN) {
        int rc = mym_deflate_two_threads(plain, len, level, out->data + 14, cap, &total);
        if (rc < 0) {
            mym_buffer_free(out);
            return mym_fail(err, rc, -1, "compression failed (%s)",
                            rc == MYM_E_NOMEM ? "out of memory" : "zlib error");
        }
        if (rc > 0 || !rule_accepts(rule, len, total)) {
            mym_buffer_free(out);
            return 0;
        }
        return finish_envelope(out, len, total, compressed);
    }
    memset(&zs, 0, sizeof zs);
    if (deflateInit(&zs, level) != Z_OK) {
        mym_buffer_free(out);
        return mym_fail(err, MYM_E_NOMEM, -1, "zlib initialisation failed");
    }
    zs.next_out = out->data + 14;
    {
        size_t in_left = len, out_left = cap;
        const uint8_t *in = plain;
        do {
            int flush;
            mym_zfeed(&zs, &in, &in_left);
            if (zs.avail_out == 0) {
                uInt c;
                if (!out_left) break;        /* output would be too large: not worth it */
                c = mym_zchunk(out_left);
                zs.avail_out = c;
                out_left -= c;
            }
            flush = in_left ? Z_NO_FLUSH : Z_FINISH;
            zrc = deflate(&zs, flush);
        } while (zrc == Z_OK || zrc == Z_BUF_ERROR);
    }
    total = (size_t)(zs.next_out - (out->data + 14));
    deflateEnd(&zs);
    if (zrc != Z_STREAM_END || !rule_accepts(rule, len, total)) {
        mym_buffer_free(out);
        return 0;
    }
    return finish_envelope(out, len, total, compressed);
}
