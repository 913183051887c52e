/*
 * mym_util.h -- error record and small helpers shared by the MEX connector's modules.
 *
 * Every module reports failure by filling a mym_err and returning -1 instead of calling
 * mexErrMsgIdAndTxt directly: raising unwinds straight out of the MEX, so the caller must first
 * release MariaDB handles and codec trees, and only mexFunction knows what is still open.
 */
#ifndef MYM_UTIL_H
#define MYM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "mex.h"

typedef struct mym_err {
    char id[64];
    char msg[2048];
} mym_err;

/* Record an error (printf-style) and return -1 so callers can `return mymx_fail(...)`. */
int mymx_fail(mym_err *e, const char *id, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Text of a MATLAB char vector as UTF-8 (mxMalloc'd, NUL-terminated; *len excludes the NUL).
 * Octave chars already are UTF-8 bytes; MATLAB chars are UTF-16 units and get converted. */
int mym_get_utf8(const mxArray *a, char **out, size_t *len, const char *what, mym_err *e);

/* 1xN char array from UTF-8 bytes (embedded NULs kept). Under MATLAB, invalid UTF-8 falls back
 * to Latin-1 so that no text is silently dropped. */
mxArray *mym_utf8_to_mx(const char *s, size_t n);

/* True when `a` is a real scalar of any numeric or logical class; value returned as double. */
int mym_get_scalar(const mxArray *a, double *v);

#endif
