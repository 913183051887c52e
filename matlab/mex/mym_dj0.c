/* mym_dj0.c -- MATLAB values for dj0 (DataJoint for Python) nodes; mapping in mym_dj0.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>
#include "mym_dj0.h"
#include "mym_result.h"

void mym_dec_prefix(mym_dec *d, const char *fmt, ...)
{
    char part[80];
    size_t pl, i, cur = strlen(d->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(part, sizeof part, fmt, ap);
    va_end(ap);
    pl = strlen(part);
    for (i = 0; i < pl; i++)        /* dict keys are untrusted bytes: keep the message plain ASCII */
        if ((unsigned char)part[i] < 0x20 || (unsigned char)part[i] >= 0x7f) part[i] = '?';
    if (pl + cur >= sizeof d->path) {   /* full: keep this outer part + "..." + the innermost tail */
        if (pl >= sizeof d->path - 4) return;
        cur = sizeof d->path - 1 - pl - 3;
        memmove(d->path + 3, d->path + strlen(d->path) - cur, cur + 1);
        memcpy(d->path, "...", 3);
        cur += 3;
        if (pl + cur >= sizeof d->path) return;
    }
    memmove(d->path + pl, d->path, cur + 1);
    memcpy(d->path, part, pl);
}

static mxArray *fail(mym_dec *d, const char *id, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static mxArray *fail(mym_dec *d, const char *id, const char *fmt, ...)
{
    va_list ap;
    snprintf(d->e->id, sizeof d->e->id, "%s", id);
    va_start(ap, fmt);
    vsnprintf(d->e->msg, sizeof d->e->msg, fmt, ap);
    va_end(ap);
    return NULL;
}

static mxArray *empty_char(void)
{
    mwSize z[2] = {0, 0};
    return mxCreateCharArray(2, z);
}

/* 1xN char from ASCII (formatted dates, UUIDs, decimal text) */
static mxArray *ascii_char(const char *s)
{
    return mym_utf8_to_mx(s, strlen(s));
}

/* Python str: UTF-8 checked (Python itself refuses invalid UTF-8); '' -> '' (0x0, as MATLAB) */
static mxArray *text_mx(const uint8_t *p, size_t n, mym_dec *d)
{
    size_t need = 0;
    if (n == 0) return empty_char();
    if (mym_utf8_to_utf16((const char *)p, n, NULL, 0, &need) != 0)
        return fail(d, "mym:blob", "corrupt blob: Python str is not valid UTF-8");
    return mym_utf8_to_mx((const char *)p, n);
}

static mxArray *int64_scalar(int64_t v, mxClassID cls)
{
    mxArray *a = mxCreateNumericMatrix(1, 1, cls, mxREAL);
    memcpy(mxGetData(a), &v, 8);
    return a;
}

/* Python int: int64, or uint64 when above int64's range; beyond both it has no MATLAB form */
static mxArray *int_mx(const mym_node *n, mym_dec *d)
{
    const uint8_t *b = n->u.i.bytes;
    size_t nb = n->u.i.nbytes, k;
    uint8_t ext;
    int64_t v;
    if (n->flags & MYM_NF_SMALLINT) return int64_scalar(n->u.i.value, mxINT64_CLASS);
    ext = (b[nb - 1] & 0x80) ? 0xFF : 0x00;
    for (k = 8; k < nb; k++)
        if (b[k] != ext) break;
    memcpy(&v, b, 8);
    if (k == nb && ext == ((b[7] & 0x80) ? 0xFF : 0x00)) return int64_scalar(v, mxINT64_CLASS);
    if (k == nb && ext == 0) return int64_scalar(v, mxUINT64_CLASS);
    return fail(d, MYM_ID_NOFORM, "a Python int of %u bytes is outside the int64 and uint64 "
                "ranges and has no MATLAB form (store it as text or a Decimal)", (unsigned)nb);
}

/* Decimal -> double when the double gives back the same decimal (at most 15 significant
 * digits, exponent within double's normal range); otherwise its exact text as char. */
static mxArray *decimal_mx(const mym_node *n, mym_dec *d)
{
    const char *s = (const char *)n->u.bytes.ptr;
    size_t len = n->u.bytes.len, i = 0;
    long digits = 0, point = -1, exp10 = 0, lead = -1, trail = -1;
    char buf[96];
    if (len == 0 || len >= sizeof buf)
        goto as_text;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (buf[0] == '-' || buf[0] == '+') i = 1;
    if (!strncasecmp(buf + i, "nan", 3) || !strncasecmp(buf + i, "snan", 4))   /* NaN123 too */
        return mxCreateDoubleScalar(mxGetNaN());
    if (!strcasecmp(buf + i, "inf") || !strcasecmp(buf + i, "infinity"))
        return mxCreateDoubleScalar(buf[0] == '-' ? -mxGetInf() : mxGetInf());
    for (; i < len && ((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.'); i++) {
        if (buf[i] == '.') {
            if (point >= 0) goto bad;
            point = digits;
            continue;
        }
        if (buf[i] != '0') {
            if (lead < 0) lead = digits;
            trail = digits;
        }
        digits++;
    }
    if (digits == 0) goto bad;
    if (i < len) {
        char *end;
        if (buf[i] != 'e' && buf[i] != 'E') goto bad;
        exp10 = strtol(buf + i + 1, &end, 10);
        if (*end || end == buf + i + 1) goto bad;
        if (exp10 > 100000 || exp10 < -100000) goto as_text;   /* far outside double's range */
    }
    if (lead < 0) return mxCreateDoubleScalar(buf[0] == '-' ? -0.0 : 0.0);
    {
        long sig = trail - lead + 1;
        long intdigits = (point < 0 ? digits : point) + exp10;  /* digits before the point */
        long mag = intdigits - lead;                            /* decimal exponent + 1 */
        if (sig <= 15 && mag <= 308 && mag >= -306)
            return mxCreateDoubleScalar(mym_parse_double(buf, (unsigned long)len));
    }
as_text:
    return mym_utf8_to_mx(s, len);
bad:
    return fail(d, "mym:blob", "corrupt blob: Decimal text '%.40s' is not a number", buf);
}

/* days since 1970-01-01 -> proleptic Gregorian y-m-d (H. Hinnant's civil_from_days) */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *dd)
{
    int64_t era, yy;
    uint64_t doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (uint64_t)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

static int64_t floordiv(int64_t a, int64_t b, int64_t *rem)
{
    int64_t q = a / b, r = a % b;
    if (r < 0) { r += b; q--; }
    *rem = r;
    return q;
}

static int put_year(char *out, size_t cap, int64_t y)
{
    return y < 0 ? snprintf(out, cap, "-%04lld", (long long)-y) : snprintf(out, cap, "%04lld", (long long)y);
}

/* numpy datetime64 value (unit index k: Y M W D h m s ms us ns ps fs as) -> numpy's ISO text */
static int datetime64_text(int64_t v, unsigned k, char *out, size_t cap)
{
    static const int64_t pow10[] = {1, 1000, 1000000, 1000000000, 1000000000000LL,
                                    1000000000000000LL, 1000000000000000000LL};
    int64_t days, y, rem, frac = 0, sod = 0;
    unsigned m, dd;
    int w;
    if (v == INT64_MIN) return snprintf(out, cap, "NaT"), 0;
    if (k > 12) return -1;
    if (v > 1000000000000000LL || v < -1000000000000000LL) {   /* beyond any calendar year */
        if (k <= 3) return -1;
    }
    if (k == 0) return put_year(out, cap, 1970 + v), 0;
    if (k == 1) {
        y = 1970 + floordiv(v, 12, &rem);
        w = put_year(out, cap, y);
        snprintf(out + w, cap - w, "-%02u", (unsigned)rem + 1);
        return 0;
    }
    if (k == 2) {
        if (v > INT64_MAX / 7 || v < INT64_MIN / 7) return -1;
        days = v * 7;
    } else if (k == 3) days = v;
    else if (k == 4) { days = floordiv(v, 24, &rem); sod = rem * 3600; }
    else if (k == 5) { days = floordiv(v, 1440, &rem); sod = rem * 60; }
    else {
        int64_t secs = floordiv(v, pow10[k - 6], &frac);
        days = floordiv(secs, 86400, &sod);
    }
    if (days > 300000000000000LL || days < -300000000000000LL) return -1;
    civil(days, &y, &m, &dd);
    w = put_year(out, cap, y);
    w += snprintf(out + w, cap - w, "-%02u-%02u", m, dd);
    if (k <= 3) return 0;
    w += snprintf(out + w, cap - w, "T%02d", (int)(sod / 3600));
    if (k >= 5) w += snprintf(out + w, cap - w, ":%02d", (int)(sod / 60 % 60));
    if (k >= 6) w += snprintf(out + w, cap - w, ":%02d", (int)(sod % 60));
    if (k >= 7) snprintf(out + w, cap - w, ".%0*lld", (int)(3 * (k - 6)), (long long)frac);
    return 0;
}

static mxArray *datetime64_mx(const mym_node *n, size_t i, mym_dec *d)
{
    char txt[64];
    int64_t v;
    memcpy(&v, (const uint8_t *)n->re + 8 * i, 8);
    if (datetime64_text(v, n->class_id - MYM_CLASS_DATETIME64, txt, sizeof txt) != 0)
        return fail(d, MYM_ID_NOFORM, "numpy datetime64 value %lld (unit %u) is outside the "
                    "range of calendar dates", (long long)v, n->class_id - MYM_CLASS_DATETIME64);
    return ascii_char(txt);
}

/* Python date / time / datetime (date YYYYMMDD, time HHMMSSuuuuuu, -1 absent) -> isoformat() */
static mxArray *datetime_mx(const mym_node *n, mym_dec *d)
{
    int32_t dt = n->u.dt.date;
    int64_t tm = n->u.dt.time;
    char txt[48];
    int w = 0;
    if (dt == -1 && tm == -1) return fail(d, "mym:blob", "corrupt blob: date/time without date and time");
    if (dt != -1) {
        int y = dt / 10000, mo = dt / 100 % 100, da = dt % 100;
        if (dt < 0 || y < 1 || mo < 1 || mo > 12 || da < 1 || da > 31)
            return fail(d, "mym:blob", "corrupt blob: invalid date field %ld", (long)dt);
        w = snprintf(txt, sizeof txt, "%04d-%02d-%02d%s", y, mo, da, tm != -1 ? "T" : "");
    }
    if (tm != -1) {
        int64_t us = tm % 1000000, hms = tm / 1000000;
        int h = (int)(hms / 10000), mi = (int)(hms / 100 % 100), s = (int)(hms % 100);
        if (tm < 0 || h > 23 || mi > 59 || s > 59)
            return fail(d, "mym:blob", "corrupt blob: invalid time field %lld", (long long)tm);
        w += snprintf(txt + w, sizeof txt - w, "%02d:%02d:%02d", h, mi, s);
        if (us) snprintf(txt + w, sizeof txt - w, ".%06lld", (long long)us);
    }
    return ascii_char(txt);
}

static mxArray *uuid_mx(const mym_node *n)
{
    char txt[40];
    const uint8_t *u = n->u.uuid;
    int i, w = 0;
    for (i = 0; i < 16; i++)
        w += snprintf(txt + w, sizeof txt - w, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", u[i]);
    return ascii_char(txt);
}

static mxArray *bytes_mx(const mym_node *n)
{
    mxArray *a = mxCreateNumericMatrix(1, (mwSize)n->u.bytes.len, mxUINT8_CLASS, mxREAL);
    if (n->u.bytes.len) memcpy(mxGetData(a), n->u.bytes.ptr, n->u.bytes.len);
    return a;
}

/* ---------------------------------------------------------------------------------------- */
/* sequences: list/tuple/set -> 1xN cell ({} when empty); sets sorted when orderable         */
/* ---------------------------------------------------------------------------------------- */

typedef struct set_key {
    const mym_node *node;
    double num;
} set_key;

static int by_number(const void *a, const void *b)
{
    const set_key *x = (const set_key *)a, *y = (const set_key *)b;
    const mym_node *p = x->node, *q = y->node;
    if (p->kind == MYM_INT && q->kind == MYM_INT && (p->flags & q->flags & MYM_NF_SMALLINT))
        return p->u.i.value < q->u.i.value ? -1 : p->u.i.value > q->u.i.value;
    return x->num < y->num ? -1 : x->num > y->num;
}

static int by_text(const void *a, const void *b)
{
    const mym_node *p = ((const set_key *)a)->node, *q = ((const set_key *)b)->node;
    size_t n = p->u.bytes.len < q->u.bytes.len ? p->u.bytes.len : q->u.bytes.len;
    int c = n ? memcmp(p->u.bytes.ptr, q->u.bytes.ptr, n) : 0;   /* UTF-8 order = code points */
    if (c) return c;
    return p->u.bytes.len < q->u.bytes.len ? -1 : p->u.bytes.len > q->u.bytes.len;
}

static int is_number(const mym_node *c)
{
    return (c->kind == MYM_INT && (c->flags & MYM_NF_SMALLINT)) || c->kind == MYM_FLOAT
           || c->kind == MYM_BOOL;
}

/* the order a set's items are shown in: sorted as Python sorts them when all are numbers or
 * all are str (sets have no order of their own); any other mix keeps the stored order */
static const mym_node **set_order(const mym_node *n)
{
    size_t i, cnt = (size_t)n->nchildren;
    int nums = 1, texts = 1;
    set_key *k = (set_key *)mxMalloc(sizeof(set_key) * (cnt ? cnt : 1));
    const mym_node **out = (const mym_node **)mxMalloc(sizeof(mym_node *) * (cnt ? cnt : 1));
    for (i = 0; i < cnt; i++) {
        const mym_node *c = n->children[i];
        k[i].node = c;
        k[i].num = c->kind == MYM_FLOAT ? c->u.f[0] : c->kind == MYM_BOOL ? (double)c->u.b
                   : c->kind == MYM_INT ? (double)c->u.i.value : 0;
        if (!is_number(c) || (c->kind == MYM_FLOAT && isnan(c->u.f[0]))) nums = 0;
        if (c->kind != MYM_STR) texts = 0;
    }
    if (cnt > 1 && (nums || texts)) qsort(k, cnt, sizeof(set_key), nums ? by_number : by_text);
    for (i = 0; i < cnt; i++) out[i] = k[i].node;
    mxFree(k);
    return out;
}

static mxArray *seq_mx(const mym_node *n, mym_dec *d)
{
    size_t i, cnt = (size_t)n->nchildren;
    const mym_node **items = n->kind == MYM_SET ? set_order(n) : (const mym_node **)n->children;
    mxArray *a = mxCreateCellMatrix(cnt ? 1 : 0, (mwSize)cnt);
    for (i = 0; i < cnt; i++) {
        mxArray *v = mym_decode_node(items[i], d);
        if (!v) {
            mym_dec_prefix(d, "{%llu}", (unsigned long long)i + 1);
            return NULL;
        }
        mxSetCell(a, (mwIndex)i, v);
    }
    return a;
}

/* ---------------------------------------------------------------------------------------- */
/* dict -> struct (all keys valid field names) or containers.Map (all str or all numbers)     */
/* ---------------------------------------------------------------------------------------- */

int mym_is_field_name(const uint8_t *p, size_t n)
{
    size_t i;
    if (n == 0 || n > 63) return 0;
    if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))) return 0;
    for (i = 1; i < n; i++) {
        uint8_t c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

static const char *py_type(const mym_node *c)
{
    switch (c->kind) {
    case MYM_NONE: return "None";
    case MYM_BOOL: return "bool";
    case MYM_INT: return "int";
    case MYM_FLOAT: return "float";
    case MYM_COMPLEX: return "complex";
    case MYM_STR: return "str";
    case MYM_BYTES: return "bytes";
    case MYM_TUPLE: return "tuple";
    case MYM_LIST: return "list";
    case MYM_SET: return "set";
    case MYM_DICT: return "dict";
    case MYM_DECIMAL: return "Decimal";
    case MYM_DATETIME: return "date/time";
    case MYM_UUID: return "UUID";
    default: return "array";
    }
}

static mxArray *dict_struct(const mym_node *n, size_t pairs, mym_dec *d)
{
    size_t i;
    char **names = (char **)mxMalloc(sizeof(char *) * (pairs ? pairs : 1));
    mxArray *a;
    for (i = 0; i < pairs; i++) {
        const mym_node *k = n->children[2 * i];
        names[i] = (char *)mxMalloc(k->u.bytes.len + 1);
        memcpy(names[i], k->u.bytes.ptr, k->u.bytes.len);
        names[i][k->u.bytes.len] = 0;
    }
    a = mxCreateStructMatrix(1, 1, (int)pairs, (const char **)names);
    for (i = 0; i < pairs; i++) {
        mxArray *v = mym_decode_node(n->children[2 * i + 1], d);
        if (!v) {
            mym_dec_prefix(d, ".%s", names[i]);
            return NULL;
        }
        mxSetFieldByNumber(a, 0, (int)i, v);
    }
    return a;
}

static mxArray *dict_map(const mym_node *n, size_t pairs, int text_keys, mym_dec *d)
{
    size_t i;
    mxArray *args[4], *out[1] = {NULL}, *err;
    args[0] = mxCreateCellMatrix(1, (mwSize)pairs);
    args[1] = mxCreateCellMatrix(1, (mwSize)pairs);
    for (i = 0; i < pairs; i++) {
        const mym_node *k = n->children[2 * i];
        mxArray *kv, *v;
        if (text_keys) {
            kv = text_mx(k->u.bytes.ptr, k->u.bytes.len, d);
            if (!kv) return NULL;
        } else {
            kv = mxCreateDoubleScalar(k->kind == MYM_FLOAT ? k->u.f[0] : (double)k->u.i.value);
        }
        mxSetCell(args[0], (mwIndex)i, kv);
        v = mym_decode_node(n->children[2 * i + 1], d);
        if (!v) {
            if (text_keys) mym_dec_prefix(d, "('%.*s')", (int)(k->u.bytes.len > 40 ? 40 : k->u.bytes.len),
                                          (const char *)k->u.bytes.ptr);
            else mym_dec_prefix(d, "(%.17g)", mxGetScalar(kv));
            return NULL;
        }
        mxSetCell(args[1], (mwIndex)i, v);
    }
    args[2] = mxCreateString("UniformValues");
    args[3] = mxCreateLogicalScalar(0);
    err = mexCallMATLABWithTrap(1, out, 4, args, "containers.Map");
    if (err || !out[0])
        return fail(d, MYM_ID_NOFORM, "a Python dict could not be made into a containers.Map");
    return out[0];
}

static mxArray *dict_mx(const mym_node *n, mym_dec *d)
{
    size_t pairs = (size_t)n->nchildren / 2, i;
    int fields = 1, texts = 1, nums = 1;
    for (i = 0; i < pairs; i++) {
        const mym_node *k = n->children[2 * i];
        if (k->kind == MYM_STR) {
            if (!mym_is_field_name(k->u.bytes.ptr, k->u.bytes.len)) fields = 0;
        } else {
            fields = texts = 0;
        }
        if (!((k->kind == MYM_INT && (k->flags & MYM_NF_SMALLINT)
               && k->u.i.value <= 9007199254740992LL && k->u.i.value >= -9007199254740992LL)
              || (k->kind == MYM_FLOAT && !isnan(k->u.f[0]))))
            nums = 0;
    }
    if (fields) return dict_struct(n, pairs, d);
    if (texts || nums) return dict_map(n, pairs, texts, d);
    {   /* name two keys of different kinds, or the first that is neither str nor a number */
        size_t j = 0;
        const mym_node *k0 = n->children[0], *kj;
        for (i = 1; i < pairs; i++) {
            kj = n->children[2 * i];
            if ((kj->kind == MYM_STR) != (k0->kind == MYM_STR)) { j = i; break; }
        }
        for (i = 0; i < pairs; i++) {
            kj = n->children[2 * i];
            if (kj->kind != MYM_STR && kj->kind != MYM_FLOAT && !(kj->kind == MYM_INT && (kj->flags & MYM_NF_SMALLINT)))
                return fail(d, MYM_ID_NOFORM, "a Python dict with a key of type %s (key %llu) has no "
                            "MATLAB form: struct fields and containers.Map keys are text or "
                            "numbers", py_type(kj), (unsigned long long)i + 1);
            if (k0->kind != MYM_STR && kj->kind != MYM_STR && j == 0
                && (kj->kind == MYM_INT || isnan(kj->u.f[0])))
                return fail(d, MYM_ID_NOFORM, "a Python dict with the numeric key %llu beyond "
                            "2^53 or NaN has no MATLAB form: containers.Map keys are exact "
                            "doubles", (unsigned long long)i + 1);
        }
        return fail(d, MYM_ID_NOFORM, "a Python dict whose keys mix types (key 1 is of type %s, key "
                    "%llu of type %s) has no MATLAB form: containers.Map keys are either all text "
                    "or all numbers", py_type(k0), (unsigned long long)j + 1,
                    py_type(n->children[2 * j]));
    }
}

/* ---------------------------------------------------------------------------------------- */
/* numpy arrays: object -> cell of the array's shape, datetime64 -> ISO text, records -> struct */
/* ---------------------------------------------------------------------------------------- */

static mxArray *datetime64_array_mx(const mym_node *n, mym_dec *d)
{
    mwSize nd, small[MYM_MX_SMALL_DIMS], *dd;
    mxArray *a;
    size_t i;
    if (n->ndims == 0) return datetime64_mx(n, 0, d);   /* numpy scalar: just the text */
    dd = mym_mx_dims(n, &nd, d, small);
    if (!dd) return NULL;
    a = mxCreateCellArray(nd, dd);
    for (i = 0; i < (size_t)n->numel; i++) {
        mxArray *v = datetime64_mx(n, i, d);
        if (!v) {
            mym_dec_prefix(d, "{%llu}", (unsigned long long)i + 1);
            return NULL;
        }
        mxSetCell(a, (mwIndex)i, v);
    }
    return a;
}

/* the shape node of a record array: its first field's array (nested records recurse) */
static const mym_node *record_shape(const mym_node *n)
{
    while (n->kind == MYM_RECARRAY) {
        if (n->nfields == 0) return NULL;
        n = n->children[0];
    }
    return n;
}

static mxArray *record_mx(const mym_node *n, size_t elem, mym_dec *d);

/* element i of a record field (an array of the record's shape) as a MATLAB scalar value */
static mxArray *field_element(const mym_node *f, size_t i, mym_dec *d)
{
    if (f->kind == MYM_OBJARRAY) return mym_decode_node(f->children[i], d);
    if (f->kind == MYM_RECARRAY) return record_mx(f, i, d);
    if (f->class_id >= MYM_CLASS_DATETIME64) return datetime64_mx(f, i, d);
    if (f->class_id == MYM_CLASS_CHAR) {
        char u8[8];
        size_t need = 0;
        mym_utf16_to_utf8((const uint8_t *)f->re + 2 * i, 1, 1, u8, sizeof u8, &need);
        return mym_utf8_to_mx(u8, need);
    }
    {
        mxArray *a;
        if (f->class_id == MYM_CLASS_LOGICAL) a = mxCreateLogicalMatrix(1, 1);
        else {
#ifdef HAVE_OCTAVE
            if (f->is_complex && f->class_id >= MYM_CLASS_INT8)
                return fail(d, "mym:blob", "the blob holds a complex integer array, which Octave "
                            "cannot represent (MATLAB can)");
#endif
            a = mxCreateNumericMatrix(1, 1, (mxClassID)f->class_id, f->is_complex ? mxCOMPLEX : mxREAL);
        }
        memcpy(mxGetData(a), (const uint8_t *)f->re + i * f->elem_size, f->elem_size);
        if (f->is_complex) memcpy(mxGetImagData(a), (const uint8_t *)f->im + i * f->elem_size, f->elem_size);
        return a;
    }
}

/* check a record array's fields: valid MATLAB names, one value per record */
static int record_check(const mym_node *n, uint64_t numel, mym_dec *d)
{
    uint32_t f;
    for (f = 0; f < n->nfields; f++) {
        const mym_node *c = n->children[f];
        const mym_node *s = record_shape(c);
        if (!mym_is_field_name((const uint8_t *)n->fields[f], strlen(n->fields[f]))) {
            fail(d, MYM_ID_NOFORM, "numpy record field name '%.64s' is not a valid MATLAB "
                 "field name", n->fields[f]);
            return -1;
        }
        if (s && s->numel != numel) {
            fail(d, MYM_ID_NOFORM, "numpy record field '%.64s' holds %llu values for %llu "
                 "records (a sub-array per record has no MATLAB form)", n->fields[f],
                 (unsigned long long)s->numel, (unsigned long long)numel);
            return -1;
        }
        if (c->kind == MYM_RECARRAY && record_check(c, numel, d)) {
            mym_dec_prefix(d, ".%s", n->fields[f]);
            return -1;
        }
        if (c->kind == MYM_ARRAY && c->class_id == MYM_CLASS_CHAR && (c->flags & MYM_NF_CHAR8)) {
            fail(d, "mym:blob", "corrupt blob: record field '%.64s' has 1-byte chars", n->fields[f]);
            return -1;
        }
    }
    return 0;
}

/* record `elem` of a record array as a 1x1 struct */
static mxArray *record_mx(const mym_node *n, size_t elem, mym_dec *d)
{
    mxArray *a = mxCreateStructMatrix(1, 1, (int)n->nfields, (const char **)n->fields);
    uint32_t f;
    for (f = 0; f < n->nfields; f++) {
        mxArray *v = field_element(n->children[f], elem, d);
        if (!v) {
            mym_dec_prefix(d, ".%s", n->fields[f]);
            return NULL;
        }
        mxSetFieldByNumber(a, 0, (int)f, v);
    }
    return a;
}

static mxArray *recarray_mx(const mym_node *n, mym_dec *d)
{
    const mym_node *s = record_shape(n);
    mwSize nd, small[MYM_MX_SMALL_DIMS], *dd, one[2] = {1, 1};
    mxArray *a;
    uint32_t f;
    size_t i, numel = s ? (size_t)s->numel : 1;
    if (record_check(n, s ? s->numel : 1, d)) return NULL;
    if (s) dd = mym_mx_dims(s, &nd, d, small); else { dd = one; nd = 2; }
    if (!dd) return NULL;
    a = mxCreateStructArray(nd, dd, (int)n->nfields, (const char **)n->fields);
    for (i = 0; i < numel && n->nfields; i++)
        for (f = 0; f < n->nfields; f++) {
            mxArray *v = field_element(n->children[f], i, d);
            if (!v) {
                mym_dec_prefix(d, "(%llu).%s", (unsigned long long)i + 1, n->fields[f]);
                return NULL;
            }
            mxSetFieldByNumber(a, (mwIndex)i, (int)f, v);
        }
    return a;
}

mxArray *mym_dj0_to_mx(const mym_node *n, mym_dec *d)
{
    mxArray *a;
    switch (n->kind) {
    case MYM_NONE: return mxCreateDoubleMatrix(0, 0, mxREAL);
    case MYM_BOOL: return mxCreateLogicalScalar(n->u.b ? 1 : 0);
    case MYM_INT: return int_mx(n, d);
    case MYM_FLOAT: return mxCreateDoubleScalar(n->u.f[0]);
    case MYM_COMPLEX:
        a = mxCreateDoubleMatrix(1, 1, mxCOMPLEX);
        memcpy(mxGetData(a), &n->u.f[0], 8);
        memcpy(mxGetImagData(a), &n->u.f[1], 8);
        return a;
    case MYM_STR: return text_mx(n->u.bytes.ptr, n->u.bytes.len, d);
    case MYM_BYTES: return bytes_mx(n);
    case MYM_TUPLE: case MYM_LIST: case MYM_SET: return seq_mx(n, d);
    case MYM_DICT: return dict_mx(n, d);
    case MYM_DECIMAL: return decimal_mx(n, d);
    case MYM_DATETIME: return datetime_mx(n, d);
    case MYM_UUID: return uuid_mx(n);
    case MYM_OBJARRAY: return mym_decode_cell(n, d);
    case MYM_RECARRAY: return recarray_mx(n, d);
    case MYM_ARRAY:
        if (n->class_id >= MYM_CLASS_DATETIME64) return datetime64_array_mx(n, d);
        break;
    default:
        break;
    }
    return fail(d, MYM_ID_NOFORM, "a value of blob node kind %d has no MATLAB form", (int)n->kind);
}
