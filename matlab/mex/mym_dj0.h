/*
 * mym_dj0.h -- MATLAB values for the Python-native (dj0) nodes of a decoded blob.
 *
 * DataJoint for Python 0.14 writes dicts, lists, str, None, ints, Decimals, dates, UUIDs, numpy
 * scalars and object/datetime64/record arrays. Each gets the natural MATLAB value (table in
 * docs/blobs.md); only a value that truly has none (an int beyond uint64, a dict whose keys mix
 * kinds, ...) is an error, which names the Python type and where in the value it sits.
 *
 * Shared with mym_blob.c: the decoding context that carries the error and builds the position
 * of a failing value ("{2}.a") while the recursion unwinds, so nothing is formatted on success.
 */
#ifndef MYM_DJ0_H
#define MYM_DJ0_H

#include "mym_util.h"
#include "mym_codec.h"

typedef struct mym_dec {
    mym_err *e;
    char path[200];   /* position of the failing value inside the blob, e.g. "{2}.a" */
} mym_dec;

/* Any decoded node -> new mxArray; NULL with d->e (and d->path) filled on failure. */
mxArray *mym_decode_node(const mym_node *n, mym_dec *d);
/* a cell of the node's dims, one decoded child per element the blob's bytes held (mym cells and
 * numpy object arrays alike) */
mxArray *mym_decode_cell(const mym_node *n, mym_dec *d);

/* n bytes form a valid MATLAB field name (letter, then letters/digits/_, at most 63) */
int mym_is_field_name(const uint8_t *p, size_t n);

/* MATLAB dims of an array-like node (0-d -> 1x1, 1-d of n -> n x 1); NULL + error if too large.
 * Up to MYM_MX_SMALL_DIMS dims go into the caller's `small` (no mxMalloc: under Octave every
 * mxMalloc is tracked in a tree until the call ends, which dominated decoding a cell of 10,000
 * strings); more are mxMalloc'd. */
#define MYM_MX_SMALL_DIMS 8
mwSize *mym_mx_dims(const mym_node *n, mwSize *nd, mym_dec *d, mwSize *small);

/* The dj0-only kinds (MYM_NONE .. MYM_UUID, MYM_OBJARRAY, MYM_RECARRAY, datetime64 arrays). */
mxArray *mym_dj0_to_mx(const mym_node *n, mym_dec *d);

/* Prepend one path component (printf-style) to d->path: called by a container whose child
 * failed, so the finished path reads from the top of the value down. */
void mym_dec_prefix(mym_dec *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Error id of a value that has no MATLAB form (the id mym uses for Python-only blobs). */
#define MYM_ID_NOFORM "mYm:CrossPlatform:Compatibility"

#endif
