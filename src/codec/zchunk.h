/*
 * zchunk.h -- zlib counts bytes in uInt, blobs in size_t: these helpers hand zlib a large
 * buffer in pieces of at most 1 GiB, so compress/inflate loops share one way of doing it.
 */
#ifndef MYM_ZCHUNK_H
#define MYM_ZCHUNK_H
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define MYM_ZCHUNK_MAX (1u << 30)

/* the largest piece of n bytes zlib can count at once */
static inline uInt mym_zchunk(size_t n) {
    return n > MYM_ZCHUNK_MAX ? MYM_ZCHUNK_MAX : (uInt)n;
}

/* once zlib has consumed its input, give it the next piece of *in and advance past it */
static inline void mym_zfeed(z_stream *zs, const uint8_t **in, size_t *in_left) {
    if (zs->avail_in == 0 && *in_left) {
        uInt c = mym_zchunk(*in_left);
        zs->next_in = (Bytef *)*in;
        zs->avail_in = c;
        *in += c;
        *in_left -= c;
    }
}

#endif
