/* mym_result.c -- column conversion for query results (see mym_result.h). */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <errno.h>
#include <locale.h>
#if defined(__APPLE__)
#include <xlocale.h>
#endif
#include "mym_result.h"
#include "mym_blob.h"

/* Numbers always use '.' whatever LC_NUMERIC the host application set. */
double mym_parse_double(const char *s, unsigned long len)
{
    char buf[128];
    const char *p = s;
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    p = buf;
#if defined(_WIN32)
    {
        static _locale_t cl = NULL;
        if (!cl) cl = _create_locale(LC_NUMERIC, "C");
        return _strtod_l(p, NULL, cl);
    }
#else
    {
        static locale_t cl = (locale_t)0;
        if (!cl) cl = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        if (cl) return strtod_l(p, NULL, cl);
        return strtod(p, NULL);
    }
#endif
}

static int is_numeric_type(enum enum_field_types t)
{
    switch (t) {
    case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG: case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE: case MYSQL_TYPE_NULL: case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_INT24: case MYSQL_TYPE_YEAR:
        return 1;
    default:
        return 0;
    }
}

static int classify(const MYSQL_FIELD *f, int b2d)
{
    if (f->type == MYSQL_TYPE_LONGLONG && !b2d)
        return (f->flags & UNSIGNED_FLAG) ? MYM_K_U64 : MYM_K_I64;
    if (is_numeric_type(f->type)) return MYM_K_DBL;
    switch (f->type) {
    case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB: case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
        return f->charsetnr == 63 ? MYM_K_BLOB : MYM_K_TEXT;
    case MYSQL_TYPE_STRING: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_VARCHAR:
        return f->charsetnr == 63 ? MYM_K_BIN : MYM_K_TEXT;
    case MYSQL_TYPE_BIT: case MYSQL_TYPE_GEOMETRY:
        return MYM_K_BIN;
    default:
        return MYM_K_TEXT;
    }
}

/* Column names become struct fields exactly as the server names them, as mym does
   (`COUNT(*)` stays `COUNT(*)`: read it as r.('COUNT(*)')). Only a name repeated in one
   result is changed (the second `a` becomes `a_2`), since a struct cannot hold both, and an
   empty name becomes `column_<n>`. */
static void field_name(mym_col *cols, size_t j, const char *src)
{
    size_t len = strlen(src), m;
    int dup = 1;
    if (!len) {
        cols[j].name = (char *)mxMalloc(32);
        snprintf(cols[j].name, 32, "column_%u", (unsigned)(j + 1));
        return;
    }
    cols[j].name = (char *)mxMalloc(len + 1);
    memcpy(cols[j].name, src, len + 1);
    for (;;) {
        int clash = 0;
        for (m = 0; m < j; m++) if (!strcmp(cols[m].name, cols[j].name)) { clash = 1; break; }
        if (!clash) return;
        dup++;
        mxFree(cols[j].name);
        cols[j].name = (char *)mxMalloc(len + 16);
        snprintf(cols[j].name, len + 16, "%s_%d", src, dup);
    }
}

/* How the text protocol prints a FLOAT column: with its declared decimals (FLOAT(M,D)),
   else with FLT_DIG (6) significant digits; NOT_FIXED_DEC (31) marks "no declared
   decimals". -2 for other columns. */
static int float_decimals(const MYSQL_FIELD *f)
{
    if (f->type != MYSQL_TYPE_FLOAT) return -2;
    return f->decimals < 31 ? (int)f->decimals : -1;
}

/* A binary-protocol FLOAT as the text protocol would have given it: the server prints the
   float32 (6 significant digits, or its declared decimals) and the client parses that text.
   Without this a bound query returned 1.0099999904632568 where the same query as text
   returned 1.01 (mym sends every query as text). */
static double float_as_text(double v, int dec)
{
    char buf[80];
    double f = (double)(float)v;   /* the column's value: exact, it came from a float32 */
    int n;
    if (!isfinite(f)) return f;
    if (dec >= 0) n = snprintf(buf, sizeof buf, "%.*f", dec, f);
    else n = snprintf(buf, sizeof buf, "%.6g", f);
    if (n <= 0 || n >= (int)sizeof buf) return f;
    return mym_parse_double(buf, (unsigned long)n);
}

void mym_result_init(mym_result *r, const MYSQL_FIELD *f, size_t nfields, size_t nrows,
                     int b2d)
{
    size_t j;
    const char **names;
    r->nfields = nfields;
    r->nrows = nrows;
    r->cols = (mym_col *)mxCalloc(nfields ? nfields : 1, sizeof(mym_col));
    names = (const char **)mxCalloc(nfields ? nfields : 1, sizeof(char *));
    for (j = 0; j < nfields; j++) {
        mym_col *c = &r->cols[j];
        c->kind = classify(&f[j], b2d);
        c->float_dec = float_decimals(&f[j]);
        field_name(r->cols, j, f[j].name ? f[j].name : "column");
        names[j] = c->name;
        switch (c->kind) {
        case MYM_K_DBL:
            c->arr = mxCreateDoubleMatrix((mwSize)nrows, 1, mxREAL);
            c->pd = mxGetPr(c->arr);
            break;
        case MYM_K_I64: case MYM_K_U64:
            c->arr = mxCreateNumericMatrix((mwSize)nrows, 1,
                                           c->kind == MYM_K_I64 ? mxINT64_CLASS : mxUINT64_CLASS,
                                           mxREAL);
            c->pi = (int64_t *)mxGetData(c->arr);
            break;
        default:
            c->arr = mxCreateCellMatrix((mwSize)nrows, 1);
        }
    }
    r->st = mxCreateStructMatrix(1, 1, (int)nfields, names);
    for (j = 0; j < nfields; j++) mxSetFieldByNumber(r->st, 0, (int)j, r->cols[j].arr);
}

int mym_result_put_double(mym_result *r, size_t row, size_t col, double v, int is_null)
{
    const mym_col *c = &r->cols[col];
    if (is_null) v = mxGetNaN();
    else if (c->float_dec != -2) v = float_as_text(v, c->float_dec);
    c->pd[row] = v;
    return 0;
}

int mym_result_put_int(mym_result *r, size_t row, size_t col, int64_t v, int is_null,
                       mym_err *e)
{
    if (is_null)
        /* mym's own words first (3.x code may match on them), then where and what to do */
        return mymx_fail(e, "mym:null", "Invalid value NULL in a BIGINT column. Column '%s' "
                        "row %u is NULL, which an int64/uint64 column cannot hold; add the "
                        "trailing argument 'bigint_to_double' (DataJoint: "
                        "dj.config('queryBigint_to_double', true)) to get doubles with NaN for "
                        "NULL", r->cols[col].name, (unsigned)(row + 1));
    r->cols[col].pi[row] = v;
    return 0;
}

int mym_result_put(mym_result *r, size_t row, size_t col, const char *s, unsigned long len,
                   int is_null, mym_err *e)
{
    mym_col *c = &r->cols[col];
    switch (c->kind) {
    case MYM_K_DBL:
        c->pd[row] = is_null ? mxGetNaN() : mym_parse_double(s, len);
        return 0;
    case MYM_K_I64: case MYM_K_U64: {
        char buf[32];
        char *end;
        if (is_null) return mym_result_put_int(r, row, col, 0, 1, e);
        if (len >= sizeof buf) len = sizeof buf - 1;
        memcpy(buf, s, len);
        buf[len] = 0;
        errno = 0;
        if (c->kind == MYM_K_I64) c->pi[row] = (int64_t)strtoll(buf, &end, 10);
        else c->pi[row] = (int64_t)strtoull(buf, &end, 10);
        if (errno || *end)
            return mymx_fail(e, "mym:query", "column '%s' row %u: unreadable integer '%s'",
                            c->name, (unsigned)(row + 1), buf);
        return 0;
    }
    case MYM_K_TEXT:
    case MYM_K_BIN:
        /* NULL text and NULL bytes both read as '' */
        if (is_null) {
            mwSize d[2] = {0, 0};
            mxSetCell(c->arr, (mwIndex)row, mxCreateCharArray(2, d));
        } else if (c->kind == MYM_K_TEXT) {
            mxSetCell(c->arr, (mwIndex)row, mym_utf8_to_mx(s, len));
        } else {
            mxArray *a = mxCreateNumericMatrix((mwSize)len, 1, mxUINT8_CLASS, mxREAL);
            if (len) memcpy(mxGetData(a), s, len);
            mxSetCell(c->arr, (mwIndex)row, a);
        }
        return 0;
    case MYM_K_BLOB: {
        char where[128];
        mxArray *v = NULL;
        snprintf(where, sizeof where, "column '%s' row %u", c->name, (unsigned)(row + 1));
        if (mym_blob_to_value((const uint8_t *)s, len, is_null, where, &v, e)) return -1;
        mxSetCell(c->arr, (mwIndex)row, v);
        return 0;
    }
    }
    return mymx_fail(e, "mym:query", "internal: unknown column kind");
}

int mym_result_from_res(MYSQL_RES *res, int b2d, mxArray **out, mym_err *e)
{
    mym_result r;
    size_t nf = mysql_num_fields(res), nr = (size_t)mysql_num_rows(res), i, j;
    mym_result_init(&r, mysql_fetch_fields(res), nf, nr, b2d);
    for (i = 0; i < nr; i++) {
        MYSQL_ROW row = mysql_fetch_row(res);
        unsigned long *lens;
        if (!row) return mymx_fail(e, "mym:query", "result row %u could not be read",
                                  (unsigned)(i + 1));
        lens = mysql_fetch_lengths(res);
        for (j = 0; j < nf; j++)
            if (mym_result_put(&r, i, j, row[j], lens[j], row[j] == NULL, e)) return -1;
    }
    *out = r.st;
    return 0;
}
