/*
 * zpar.c -- deflate a large blob on two threads, producing ONE standard zlib stream.
 *
 * Why: compressing multi-megabyte arrays is the slowest part of writing blobs. The input is
 * split in two halves; the first half is deflated as raw deflate ending with a sync flush
 * (byte-aligned, not final), the second half (primed with the last 32 KiB of the first as its
 * dictionary) as raw deflate ending the stream. Concatenated behind a zlib header and followed
 * by the Adler-32 of the whole input (combined from the halves), this is an ordinary RFC 1950
 * stream that zlib, Python's zlib, mym and DataJoint 0.14 inflate unchanged. The split point is
 * fixed, so the output is deterministic. Builds without threads (Windows, -DMYM_NO_THREADS)
 * run the two halves one after the other.
 */
#include <stdlib.h>
#include <zlib.h>
#include "codec_internal.h"
#include "zchunk.h"

#if !defined(_WIN32) && !defined(MYM_NO_THREADS)
#include <pthread.h>
#define MYM_HAVE_THREADS 1
#endif

typedef struct part_job {
    const uint8_t *in;
    size_t len;
    const uint8_t *dict;
    size_t dictlen;
    int level;
    int last;
    uint8_t *out;
    size_t cap;
    size_t outlen;
    uLong adler;
    int ok;       /* 1 done, 0 output did not fit, -1 zlib failure */
} part_job;

static void *run_part(void *arg) {
    part_job *j = (part_job *)arg;
    z_stream zs;
    size_t in_left = j->len;
    const uint8_t *in = j->in;
    int zrc = Z_OK;
    j->ok = -1;
    j->adler = adler32(0L, Z_NULL, 0);
    {   /* adler32 takes uInt lengths */
        const uint8_t *p = j->in;
        size_t left = j->len;
        while (left) {
            uInt c = mym_zchunk(left);
            j->adler = adler32(j->adler, p, c);
            p += c;
            left -= c;
        }
    }
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, j->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    if (j->dictlen && deflateSetDictionary(&zs, j->dict, (uInt)j->dictlen) != Z_OK) {
        deflateEnd(&zs);
        return NULL;
    }
    zs.next_out = j->out;
    zs.avail_out = mym_zchunk(j->cap);
    for (;;) {
        int flush;
        mym_zfeed(&zs, &in, &in_left);
        if (zs.avail_out == 0) {
            size_t used = (size_t)(zs.next_out - j->out);
            size_t left = j->cap - used;
            if (!left) { j->ok = 0; break; }
            zs.avail_out = mym_zchunk(left);
        }
        flush = in_left ? Z_NO_FLUSH : (j->last ? Z_FINISH : Z_SYNC_FLUSH);
        zrc = deflate(&zs, flush);
        if (zrc == Z_STREAM_END) { j->ok = 1; break; }
        if (zrc != Z_OK && zrc != Z_BUF_ERROR) break;
        /* a sync flush is complete once all input is in and output space is left over */
        if (!j->last && !in_left && zs.avail_in == 0 && zs.avail_out > 0 && flush == Z_SYNC_FLUSH) {
            j->ok = 1;
            break;
        }
    }
    j->outlen = (size_t)(zs.next_out - j->out);
    deflateEnd(&zs);
    return NULL;
}

/* Deflate plain[0..len) into dst (a zlib stream of at most cap bytes).
 * Returns 0 and sets *outlen on success, 1 if the stream would exceed cap, <0 on failure. */
int mym_deflate_two_threads(const uint8_t *plain, size_t len, int level, uint8_t *dst,
                            size_t cap, size_t *outlen) {
    part_job a, b;
    size_t half = len / 2, dictlen;
    uLong adler;
    int threaded = 0;
    if (cap < 6 + 64) return 1;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    dictlen = half < 32768 ? half : 32768;
    a.in = plain;
    a.len = half;
    a.level = level;
    a.last = 0;
    a.out = dst + 2;
    a.cap = cap - 6;
    b.in = plain + half;
    b.len = len - half;
    b.dict = plain + half - dictlen;
    b.dictlen = dictlen;
    b.level = level;
    b.last = 1;
    b.cap = (size_t)deflateBound(NULL, (uLong)(b.len > 0xFFFFFFFFu ? 0xFFFFFFFFu : b.len)) + 64;
    if (b.len > 0xFFFFFFFFu) b.cap = b.len + b.len / 100 + 1024;
    b.out = (uint8_t *)malloc(b.cap);
    if (!b.out) return MYM_E_NOMEM;
#ifdef MYM_HAVE_THREADS
    {
        pthread_t th;
        if (pthread_create(&th, NULL, run_part, &b) == 0) {
            run_part(&a);
            pthread_join(th, NULL);
            threaded = 1;
        }
    }
#endif
    if (!threaded) {
        run_part(&a);
        run_part(&b);
    }
    if (a.ok < 0 || b.ok < 0) { free(b.out); return MYM_E_ZLIB; }
    if (a.ok == 0 || b.ok == 0 || 2 + a.outlen + b.outlen + 4 > cap) { free(b.out); return 1; }
    dst[0] = 0x78;   /* deflate, 32 KiB window */
    dst[1] = (uint8_t)(level <= 1 ? 0x01 : level <= 5 ? 0x5E : level == 6 ? 0x9C : 0xDA);
    memcpy(dst + 2 + a.outlen, b.out, b.outlen);
    free(b.out);
    adler = adler32_combine(a.adler, b.adler, (z_off_t)b.len);
    {
        uint8_t *t = dst + 2 + a.outlen + b.outlen;
        t[0] = (uint8_t)(adler >> 24);
        t[1] = (uint8_t)(adler >> 16);
        t[2] = (uint8_t)(adler >> 8);
        t[3] = (uint8_t)adler;
    }
    *outlen = 2 + a.outlen + b.outlen + 4;
    return 0;
}
