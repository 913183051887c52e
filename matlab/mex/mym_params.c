/* mym_params.c -- MATLAB values -> bound parameters (see mym_params.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "mym_params.h"
#include "mym_blob.h"

/* placeholder value i (kind 'S' or 'F', described further by note) as UTF-8 text; a value that
 * is not text fails with id mym:placeholder, the message naming the value */
static int placeholder_utf8(const mxArray *a, size_t i, char kind, const char *note, char **s,
                            size_t *n, mym_err *e)
{
    char what[64];
    snprintf(what, sizeof what, "{%c} value %u%s", kind, (unsigned)(i + 1), note);
    if (mym_get_utf8(a, s, n, what, e)) {
        snprintf(e->id, sizeof e->id, "mym:placeholder");
        return -1;
    }
    return 0;
}

static int read_file(const mxArray *a, size_t i, uint8_t **data, size_t *len, mym_err *e)
{
    char *name;
    size_t n;
    FILE *f;
    long sz;
    if (placeholder_utf8(a, i, 'F', " (a file name)", &name, &n, e)) return -1;
    f = fopen(name, "rb");
    if (!f) return mymx_fail(e, "mym:placeholder", "{F} value %u: cannot open file '%s': %s",
                            (unsigned)(i + 1), name, strerror(errno));
    if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return mymx_fail(e, "mym:placeholder", "{F} value %u: cannot read file '%s'",
                        (unsigned)(i + 1), name);
    }
    *data = (uint8_t *)mxMalloc((size_t)sz + 1);
    if (sz && fread(*data, 1, (size_t)sz, f) != (size_t)sz) {
        fclose(f);
        return mymx_fail(e, "mym:placeholder", "{F} value %u: short read from file '%s'",
                        (unsigned)(i + 1), name);
    }
    fclose(f);
    *len = (size_t)sz;
    return 0;
}

static int set_bytes(mym_params *p, size_t i, const uint8_t *d, size_t len, int blob)
{
    MYSQL_BIND *b = &p->bind[i];
    b->buffer_type = blob ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
    b->buffer = (void *)(d ? d : (const uint8_t *)"");
    b->buffer_length = (unsigned long)len;
    p->len[i] = (unsigned long)len;
    b->length = &p->len[i];
    p->total_bytes += len;
    return 0;
}

static int build_string(mym_params *p, size_t i, const mym_ph *ph, const mxArray *a,
                        mym_err *e)
{
    MYSQL_BIND *b = &p->bind[i];
    double v;
    if (mxIsChar(a)) {
        char *s;
        size_t n;
        if (placeholder_utf8(a, i, 'S', "", &s, &n, e)) return -1;
        return set_bytes(p, i, (const uint8_t *)s, n, 0);
    }
    if ((mxIsNumeric(a) || mxIsLogical(a)) && mxIsEmpty(a)) {
        p->isnull[i] = 1;
        b->buffer_type = MYSQL_TYPE_NULL;
        return 0;
    }
    if (!mym_get_scalar(a, &v))
        return mymx_fail(e, "mym:placeholder", "{S} value %u must be a char vector or a real "
                        "numeric scalar, got a %s of %u elements", (unsigned)(i + 1),
                        mxGetClassName(a), (unsigned)mxGetNumberOfElements(a));
    if (ph->sflavor == 'n') {
        char buf[400];
        int k;
        if (v != v) { p->isnull[i] = 1; b->buffer_type = MYSQL_TYPE_NULL; return 0; }
        k = snprintf(buf, sizeof buf, "%.*f", ph->decimals, v);
        if (k < 0 || k >= (int)sizeof buf)
            return mymx_fail(e, "mym:placeholder", "{S%d} value %u cannot be formatted",
                            ph->decimals, (unsigned)(i + 1));
        {
            char *s = (char *)mxMalloc((size_t)k + 1);
            memcpy(s, buf, (size_t)k + 1);
            return set_bytes(p, i, (const uint8_t *)s, (size_t)k, 0);
        }
    }
    if (mxIsInt64(a) || mxIsUint64(a)) {
        memcpy(&p->iv[i], mxGetData(a), 8);
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->is_unsigned = mxIsUint64(a);
        b->buffer = &p->iv[i];
        return 0;
    }
    if (ph->sflavor == 'i' || !(mxIsDouble(a) || mxIsSingle(a))) {
        if (v != v) { p->isnull[i] = 1; b->buffer_type = MYSQL_TYPE_NULL; return 0; }
        v = floor(v);
        if (!(v >= -9.2233720368547758e18 && v < 9.2233720368547758e18))
            return mymx_fail(e, "mym:placeholder", "{Si} value %u (%g) is out of the integer "
                            "range", (unsigned)(i + 1), v);
        p->iv[i] = (long long)v;
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &p->iv[i];
        return 0;
    }
    if (v != v) { p->isnull[i] = 1; b->buffer_type = MYSQL_TYPE_NULL; return 0; }
    p->dv[i] = v;
    b->buffer_type = MYSQL_TYPE_DOUBLE;
    b->buffer = &p->dv[i];
    return 0;
}

int mym_params_build(mym_params *p, const mym_ph *ph, size_t n, const mxArray **args,
                     mym_err *e)
{
    size_t i;
    memset(p, 0, sizeof *p);
    p->n = n;
    p->bind = (MYSQL_BIND *)mxCalloc(n ? n : 1, sizeof(MYSQL_BIND));
    p->isnull = (my_bool *)mxCalloc(n ? n : 1, sizeof(my_bool));
    p->len = (unsigned long *)mxCalloc(n ? n : 1, sizeof(unsigned long));
    p->dv = (double *)mxCalloc(n ? n : 1, sizeof(double));
    p->iv = (long long *)mxCalloc(n ? n : 1, sizeof(long long));
    p->owned = (mym_buffer *)mxCalloc(n ? n : 1, sizeof(mym_buffer));
    for (i = 0; i < n; i++) mym_buffer_init(&p->owned[i]);
    for (i = 0; i < n; i++) {
        const mxArray *a = args[i];
        p->bind[i].is_null = &p->isnull[i];
        switch (ph[i].kind) {
        case 'S':
            if (build_string(p, i, &ph[i], a, e)) return -1;
            break;
        case 'M':
            if (mym_value_to_blob(a, ph[i].compress, &p->owned[i], e)) {
                char tmp[sizeof e->msg];
                memcpy(tmp, e->msg, sizeof tmp);
                tmp[sizeof tmp - 40] = 0;
                snprintf(e->msg, sizeof e->msg, "value %u: %.2000s", (unsigned)(i + 1), tmp);
                return -1;
            }
            set_bytes(p, i, p->owned[i].data, p->owned[i].len, 1);
            break;
        case 'B':
        case 'F': {
            const uint8_t *d;
            size_t len;
            mym_buffer tmp;
            if (ph[i].kind == 'B') {
                if (!mxIsUint8(a) || mxIsComplex(a) || mxGetNumberOfDimensions(a) != 2
                    || (mxGetM(a) > 1 && mxGetN(a) > 1))
                    return mymx_fail(e, "mym:placeholder", "{B} value %u must be a uint8 "
                                    "vector, got a %dx%d %s", (unsigned)(i + 1),
                                    (int)mxGetM(a), (int)mxGetN(a), mxGetClassName(a));
                d = (const uint8_t *)mxGetData(a);
                len = mxGetNumberOfElements(a);
            } else {
                uint8_t *fd;
                if (read_file(a, i, &fd, &len, e)) return -1;
                d = fd;
            }
            if (ph[i].compress) {
                int rc;
                mym_buffer_init(&tmp);
                rc = mym_bytes_maybe_compress(&d, &len, &tmp, e);
                p->owned[i] = tmp;
                if (rc) return -1;
            }
            set_bytes(p, i, d, len, 1);
            break;
        }
        default:
            return mymx_fail(e, "mym:placeholder", "internal: unknown placeholder kind");
        }
        p->total_bytes += 16;
    }
    return 0;
}

void mym_params_free(mym_params *p)
{
    size_t i;
    if (!p->owned) return;
    for (i = 0; i < p->n; i++) mym_buffer_free(&p->owned[i]);
    p->owned = NULL;
}

int mym_param_bytes(const mym_params *p, size_t i, const uint8_t **data, size_t *len)
{
    const MYSQL_BIND *b = &p->bind[i];
    if (b->buffer_type == MYSQL_TYPE_STRING || b->buffer_type == MYSQL_TYPE_BLOB) {
        *data = (const uint8_t *)b->buffer;
        *len = p->len[i];
        return 0;
    }
    return -1;
}
