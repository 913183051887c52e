/*
 * mym_blob.h -- bridge between MATLAB/Octave values (mxArray) and the shared codec's node tree.
 *
 * Chars are always written as UTF-16 units (what MATLAB writes), also under Octave where an
 * mxChar is one UTF-8 byte; on reading they are converted back. dj0 blobs (DataJoint for
 * Python's native format) decode to natural MATLAB values (mym_dj0.c); a value with no MATLAB
 * form is refused with mYm:CrossPlatform:Compatibility, the identifier the original mym uses
 * for Python-only blobs, so existing MATLAB code that catches it keeps working.
 */
#ifndef MYM_BLOB_H
#define MYM_BLOB_H

#include "mym_util.h"
#include "mym_codec.h"

/* Serialize a MATLAB value ({M}); compress under mym's rule unless `compress` is 0.
 * On success out->data (malloc) holds the blob; caller frees with mym_buffer_free. */
int mym_value_to_blob(const mxArray *a, int compress, mym_buffer *out, mym_err *e);

/* Wrap raw bytes ({B}, {F}) in the compression envelope when mym's rule says so.
 * The data pointer and length are replaced by the envelope when compressed (out then owns it). */
int mym_bytes_maybe_compress(const uint8_t **data, size_t *len, mym_buffer *out, mym_err *e);

/* Decode a stored blob into a MATLAB value. NULL data gives '' (0x0 char). Bytes that are not
 * a blob come back as an Nx1 uint8 column. `where` names the source for error messages. */
/* The cap on a compressed blob's decompressed size (bytes; 0 restores the codec default). */
void mym_blob_set_max_inflated(uint64_t bytes);
uint64_t mym_blob_max_inflated(void);

/* Marker mode (mym('blob_errors', 'marker')): a blob that cannot be decoded gives an MException
 * value (its id and message) instead of failing the whole call, so other rows still arrive. */
void mym_blob_set_markers(int on);
int mym_blob_markers(void);

int mym_blob_to_value(const uint8_t *data, size_t len, int is_null, const char *where,
                      mxArray **out, mym_err *e);

#endif
