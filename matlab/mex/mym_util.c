/* mym_util.c -- error record and char conversion shared by the connector modules. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "mym_util.h"
#include "mym_codec.h"

int mymx_fail(mym_err *e, const char *id, const char *fmt, ...)
{
    va_list ap;
    snprintf(e->id, sizeof e->id, "%s", id);
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int mym_get_utf8(const mxArray *a, char **out, size_t *len, const char *what, mym_err *e)
{
    size_t n;
    if (!mxIsChar(a))
        return mymx_fail(e, "mym:args", "%s must be a char vector, got a %s", what,
                        mxGetClassName(a));
    n = mxGetNumberOfElements(a);
    if (n && mxGetNumberOfDimensions(a) != 2) 
        return mymx_fail(e, "mym:args", "%s must be a char vector, not an N-d char array", what);
    if (n && mxGetM(a) != 1 && mxGetN(a) != 1)
        return mymx_fail(e, "mym:args", "%s must be a char vector, not a %dx%d char matrix", what,
                        (int)mxGetM(a), (int)mxGetN(a));
#ifdef HAVE_OCTAVE
    *out = (char *)mxMalloc(n + 1);
    if (n) memcpy(*out, mxGetChars(a), n);
    (*out)[n] = 0;
    *len = n;
#else
    {
        size_t need = 0;
        const mxChar *u = mxGetChars(a);
        mym_utf16_to_utf8(u, n, 1, NULL, 0, &need);
        *out = (char *)mxMalloc(need + 1);
        if (need) mym_utf16_to_utf8(u, n, 1, *out, need, &need);
        (*out)[need] = 0;
        *len = need;
    }
#endif
    return 0;
}

mxArray *mym_utf8_to_mx(const char *s, size_t n)
{
    mwSize dims[2];
    mxArray *a;
    dims[0] = 1;
    if (n == 0) {
        dims[0] = 0;   /* '' is 0x0, as mxCreateString("") gives it to mym */
        dims[1] = 0;
        return mxCreateCharArray(2, dims);
    }
#ifdef HAVE_OCTAVE
    dims[1] = (mwSize)n;
    a = mxCreateCharArray(2, dims);
    if (n) memcpy(mxGetChars(a), s, n);
#else
    {
        size_t need = 0, i;
        if (mym_utf8_to_utf16(s, n, NULL, 0, &need) == 0) {
            dims[1] = (mwSize)need;
            a = mxCreateCharArray(2, dims);
            if (need) mym_utf8_to_utf16(s, n, (uint16_t *)mxGetChars(a), need, &need);
        } else {
            mxChar *c;
            dims[1] = (mwSize)n;
            a = mxCreateCharArray(2, dims);
            c = mxGetChars(a);
            for (i = 0; i < n; i++) c[i] = (mxChar)(unsigned char)s[i];
        }
    }
#endif
    return a;
}

int mym_get_scalar(const mxArray *a, double *v)
{
    if (!(mxIsNumeric(a) || mxIsLogical(a)) || mxIsSparse(a) || mxIsComplex(a)
        || mxGetNumberOfElements(a) != 1)
        return 0;
    switch (mxGetClassID(a)) {
    case mxDOUBLE_CLASS: *v = *(const double *)mxGetData(a); break;
    case mxSINGLE_CLASS: *v = *(const float *)mxGetData(a); break;
    case mxLOGICAL_CLASS: *v = *(const mxLogical *)mxGetData(a) != 0; break;
    case mxINT8_CLASS: *v = *(const int8_t *)mxGetData(a); break;
    case mxUINT8_CLASS: *v = *(const uint8_t *)mxGetData(a); break;
    case mxINT16_CLASS: *v = *(const int16_t *)mxGetData(a); break;
    case mxUINT16_CLASS: *v = *(const uint16_t *)mxGetData(a); break;
    case mxINT32_CLASS: *v = *(const int32_t *)mxGetData(a); break;
    case mxUINT32_CLASS: *v = *(const uint32_t *)mxGetData(a); break;
    case mxINT64_CLASS: *v = (double)*(const int64_t *)mxGetData(a); break;
    case mxUINT64_CLASS: *v = (double)*(const uint64_t *)mxGetData(a); break;
    default: return 0;
    }
    return 1;
}
