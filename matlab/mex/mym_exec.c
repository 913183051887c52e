/* mym_exec.c -- statement execution for mym (see mym_exec.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "mym_exec.h"
#include "mym_ph.h"
#include "mym_params.h"
#include "mym_result.h"

#define MAX_PARAMS 65535

static int query_error(mym_err *e, unsigned err, const char *msg, const char *state,
                       const char *sql, size_t len)
{
    int show = len > 300 ? 300 : (int)len;
    return mymx_fail(e, "mym:query", "%s (MariaDB error %u, SQLSTATE %s) in query: %.*s%s", msg,
                    err, state ? state : "?", show, sql, len > 300 ? " ..." : "");
}

/* Read and discard the results after the first one (the further statements of a
   multi-statement string, or a procedure's further result sets), as mym returns only the
   first; the connection is then ready for the next statement. Returns -1 when one of the
   further statements failed (the server stops there), so that failure is not silent. */
static int drain_text(MYSQL *db)
{
    int rc;
    while (mysql_more_results(db)) {
        MYSQL_RES *r;
        rc = mysql_next_result(db);
        if (rc > 0) return -1;
        if (rc < 0) break;
        r = mysql_store_result(db);
        if (r) mysql_free_result(r);
        else if (mysql_field_count(db) != 0) return -1;
    }
    return 0;
}

static void show(int nlhs, mxArray **out, mxArray *value)
{
    if (nlhs >= 1) {
        out[0] = value;
    } else if (value && mxIsStruct(value)) {
        mxArray *in = value;
        mexCallMATLAB(0, NULL, 1, &in, "disp");
    }
}

static int exec_text(mym_conn *c, const char *q, size_t qlen, int b2d, int nlhs,
                     mxArray **out, mym_err *e)
{
    MYSQL *db = c->db;
    MYSQL_RES *res;
    mxArray *v = NULL;
    if (qlen + 1 > c->max_packet)
        return mymx_fail(e, "mym:packet", "the statement is %lu bytes, more than the server's "
                        "max_allowed_packet (%lu bytes)", (unsigned long)qlen, c->max_packet);
    if (mysql_real_query(db, q, (unsigned long)qlen))
        return query_error(e, mysql_errno(db), mysql_error(db), mysql_sqlstate(db), q, qlen);
    res = mysql_store_result(db);
    if (!res) {
        if (mysql_field_count(db) != 0)
            return query_error(e, mysql_errno(db), mysql_error(db), mysql_sqlstate(db), q, qlen);
        v = mxCreateDoubleScalar((double)mysql_affected_rows(db));
        if (drain_text(db))
            return query_error(e, mysql_errno(db), mysql_error(db), mysql_sqlstate(db), q, qlen);
        if (nlhs >= 1) out[0] = v;
        return 0;
    }
    if (mym_result_from_res(res, b2d, &v, e)) {
        mysql_free_result(res);
        drain_text(db);
        return -1;
    }
    mysql_free_result(res);
    if (drain_text(db))
        return query_error(e, mysql_errno(db), mysql_error(db), mysql_sqlstate(db), q, qlen);
    show(nlhs, out, v);
    return 0;
}

static int stmt_fail(MYSQL_STMT *st, mym_err *e, const char *sql, size_t len)
{
    query_error(e, mysql_stmt_errno(st), mysql_stmt_error(st), mysql_stmt_sqlstate(st), sql,
                len);
    mysql_stmt_close(st);
    return -1;
}

static int fetch_stmt_result(MYSQL_STMT *st, MYSQL_RES *meta, int b2d, mxArray **out,
                             mym_err *e, const char *sql, size_t sqllen)
{
    size_t nf = mysql_num_fields(meta), nr, i, j;
    MYSQL_FIELD *f = mysql_fetch_fields(meta);
    MYSQL_BIND *b = (MYSQL_BIND *)mxCalloc(nf, sizeof(MYSQL_BIND));
    my_bool *isnull = (my_bool *)mxCalloc(nf, sizeof(my_bool));
    my_bool *err = (my_bool *)mxCalloc(nf, sizeof(my_bool));
    unsigned long *len = (unsigned long *)mxCalloc(nf, sizeof(unsigned long));
    double *dv = (double *)mxCalloc(nf, sizeof(double));
    long long *iv = (long long *)mxCalloc(nf, sizeof(long long));
    char **buf = (char **)mxCalloc(nf, sizeof(char *));
    unsigned long *maxlen = (unsigned long *)mxCalloc(nf, sizeof(unsigned long));
    mym_result r;
    my_bool upd = 1;
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &upd);
    if (mysql_stmt_store_result(st))
        return query_error(e, mysql_stmt_errno(st), mysql_stmt_error(st),
                           mysql_stmt_sqlstate(st), sql, sqllen);
    nr = (size_t)mysql_stmt_num_rows(st);
    {
        /* metadata taken after store_result carries each column's longest value */
        MYSQL_RES *sized = mysql_stmt_result_metadata(st);
        if (sized) {
            MYSQL_FIELD *sf = mysql_fetch_fields(sized);
            for (j = 0; j < nf; j++) maxlen[j] = sf[j].max_length;
            mysql_free_result(sized);
        }
    }
    mym_result_init(&r, f, nf, nr, b2d);
    for (j = 0; j < nf; j++) {
        b[j].is_null = &isnull[j];
        b[j].length = &len[j];
        b[j].error = &err[j];
        switch (r.cols[j].kind) {
        case MYM_K_DBL:
            b[j].buffer_type = MYSQL_TYPE_DOUBLE;
            b[j].buffer = &dv[j];
            break;
        case MYM_K_I64: case MYM_K_U64:
            b[j].buffer_type = MYSQL_TYPE_LONGLONG;
            b[j].is_unsigned = r.cols[j].kind == MYM_K_U64;
            b[j].buffer = &iv[j];
            break;
        default:
            /* size from the longest value in the stored result (string forms of dates
               and the like may exceed it slightly: those are re-fetched below) */
            b[j].buffer_type = MYSQL_TYPE_BLOB;
            b[j].buffer_length = maxlen[j] + 64;
            buf[j] = (char *)mxMalloc(b[j].buffer_length);
            b[j].buffer = buf[j];
        }
    }
    if (mysql_stmt_bind_result(st, b))
        return query_error(e, mysql_stmt_errno(st), mysql_stmt_error(st),
                           mysql_stmt_sqlstate(st), sql, sqllen);
    for (i = 0; i < nr; i++) {
        int rc = mysql_stmt_fetch(st);
        if (rc == MYSQL_NO_DATA) break;
        if (rc == 1)
            return query_error(e, mysql_stmt_errno(st), mysql_stmt_error(st),
                               mysql_stmt_sqlstate(st), sql, sqllen);
        for (j = 0; j < nf; j++) {
            int kind = r.cols[j].kind;
            if (kind == MYM_K_DBL) {
                mym_result_put_double(&r, i, j, dv[j], isnull[j]);
            } else if (kind == MYM_K_I64 || kind == MYM_K_U64) {
                if (mym_result_put_int(&r, i, j, (int64_t)iv[j], isnull[j], e)) return -1;
            } else {
                if (!isnull[j] && len[j] > b[j].buffer_length) {
                    /* value longer than the buffer: grow it and fetch this column again */
                    buf[j] = (char *)mxRealloc(buf[j], len[j]);
                    b[j].buffer = buf[j];
                    b[j].buffer_length = len[j];
                    if (mysql_stmt_fetch_column(st, &b[j], (unsigned)j, 0)
                        || mysql_stmt_bind_result(st, b))
                        return query_error(e, mysql_stmt_errno(st), mysql_stmt_error(st),
                                           mysql_stmt_sqlstate(st), sql, sqllen);
                }
                if (mym_result_put(&r, i, j, buf[j], isnull[j] ? 0 : len[j], isnull[j], e))
                    return -1;
            }
        }
    }
    *out = r.st;
    return 0;
}

static int exec_stmt(mym_conn *c, const char *q, size_t qlen, mym_params *p, int b2d,
                     int nlhs, mxArray **out, mym_err *e)
{
    MYSQL_STMT *st;
    MYSQL_RES *meta;
    mxArray *v = NULL;
    size_t total = qlen + p->total_bytes + 16;
    int rc;
    if (total > c->max_packet)
        return mymx_fail(e, "mym:packet", "the statement with its %u values is %lu bytes, more "
                        "than the server's max_allowed_packet (%lu bytes); send less data per "
                        "statement or raise max_allowed_packet on the server",
                        (unsigned)p->n, (unsigned long)total, c->max_packet);
    st = mysql_stmt_init(c->db);
    if (!st) return mymx_fail(e, "mym:query", "cannot create a prepared statement: %s",
                             mysql_error(c->db));
    if (mysql_stmt_prepare(st, q, (unsigned long)qlen)) return stmt_fail(st, e, q, qlen);
    if (mysql_stmt_param_count(st) != p->n) {
        mymx_fail(e, "mym:placeholder", "the statement has %lu parameter markers but %u "
                 "placeholders were found: a placeholder must stand alone (optionally in its "
                 "own quotes, as \"{S}\"), not inside a longer quoted literal, and the query "
                 "must not contain bare '?'", mysql_stmt_param_count(st), (unsigned)p->n);
        mysql_stmt_close(st);
        return -1;
    }
    if (p->n && mysql_stmt_bind_param(st, p->bind)) return stmt_fail(st, e, q, qlen);
    if (mysql_stmt_execute(st)) return stmt_fail(st, e, q, qlen);
    meta = mysql_stmt_result_metadata(st);
    if (!meta) {
        if (mysql_stmt_field_count(st) != 0) return stmt_fail(st, e, q, qlen);
        v = mxCreateDoubleScalar((double)mysql_stmt_affected_rows(st));
        while (mysql_stmt_next_result(st) == 0) {}
        mysql_stmt_close(st);
        if (nlhs >= 1) out[0] = v;
        return 0;
    }
    rc = fetch_stmt_result(st, meta, b2d, &v, e, q, qlen);
    mysql_free_result(meta);
    if (rc == 0) while (mysql_stmt_next_result(st) == 0) {}
    mysql_stmt_close(st);
    if (rc) return -1;
    show(nlhs, out, v);
    return 0;
}

/* Trailing 'bigint_to_double' arguments are flags, not placeholder values. */
static int count_flags(int nargs, const mxArray **args, size_t nph, int *b2d)
{
    int nflags = 0;
    while (nargs - nflags > 0 && (size_t)(nargs - nflags) > nph) {
        const mxArray *a = args[nargs - nflags - 1];
        char buf[32];
        if (!mxIsChar(a) || mxGetNumberOfElements(a) >= sizeof buf) break;
        mxGetString(a, buf, sizeof buf);
        if (strcasecmp(buf, "bigint_to_double")) break;
        *b2d = 1;
        nflags++;
    }
    return nflags;
}

/* A lost connection is often a stalled server that the read/write timeout gave up on: name
 * the settings, so the user knows what ended the wait and what to raise for long queries. */
static int timeout_hint(const mym_conn *c, mym_err *e)
{
    size_t n = strlen(e->msg);
    int tls_timeout = strstr(e->msg, "MariaDB error 2026,") && strstr(e->msg, "timed out");
    if (!strstr(e->msg, "MariaDB error 2013,") && !strstr(e->msg, "MariaDB error 2006,")
        && !tls_timeout)
        return -1;
    snprintf(e->msg + n, sizeof e->msg - n, "\nThe connection was lost or the server did not "
             "answer within read_timeout = %u s / write_timeout = %u s (0: no limit; set with "
             "mym open options 'read_timeout'/'write_timeout' or dj.config "
             "'databaseRead_timeout'/'databaseWrite_timeout'); the server may be stopped, "
             "overloaded or unreachable. Reconnect when it answers again.",
             c->read_timeout, c->write_timeout);
    return -1;
}

static int exec_any(mym_conn *c, char *q, size_t qlen, int nargs, const mxArray **args,
                    int nlhs, mxArray **out, mym_err *e);

int mym_exec(mym_conn *c, char *q, size_t qlen, int nargs, const mxArray **args, int nlhs,
             mxArray **out, mym_err *e)
{
    if (exec_any(c, q, qlen, nargs, args, nlhs, out, e)) return timeout_hint(c, e);
    return 0;
}

static int exec_any(mym_conn *c, char *q, size_t qlen, int nargs, const mxArray **args,
                    int nlhs, mxArray **out, mym_err *e)
{
    size_t nph = mym_ph_scan(q, qlen, NULL, 0), i, k;
    int b2d = 0, nflags = count_flags(nargs, args, nph, &b2d), rc;
    mym_ph *ph;
    mym_params p;
    char *nq;
    nargs -= nflags;
    if ((size_t)nargs != nph)
        return mymx_fail(e, "mym:placeholder", "the query has %u placeholder(s) but %d value(s) "
                        "were given", (unsigned)nph, nargs);
    if (nph == 0) return exec_text(c, q, qlen, b2d, nlhs, out, e);
    if (nph > MAX_PARAMS)
        return mymx_fail(e, "mym:placeholder", "the query has %u placeholders; at most %d are "
                        "allowed per statement: split it", (unsigned)nph, MAX_PARAMS);
    ph = (mym_ph *)mxCalloc(nph, sizeof(mym_ph));
    mym_ph_scan(q, qlen, ph, nph);
    rc = mym_params_build(&p, ph, nph, args, e);
    if (rc) { mym_params_free(&p); return -1; }
    nq = (char *)mxMalloc(qlen + 1);
    for (i = 0, k = 0; i < nph; i++) {
        size_t from = i ? ph[i - 1].end : 0;
        memcpy(nq + k, q + from, ph[i].start - from);
        k += ph[i].start - from;
        nq[k++] = '?';
    }
    memcpy(nq + k, q + ph[nph - 1].end, qlen - ph[nph - 1].end);
    k += qlen - ph[nph - 1].end;
    nq[k] = 0;
    rc = exec_stmt(c, nq, k, &p, b2d, nlhs, out, e);
    mym_params_free(&p);
    return rc;
}

int mym_serialize_cmd(const char *spec, size_t slen, int nargs, const mxArray **args,
                      mxArray **out, mym_err *e)
{
    size_t nph = mym_ph_scan(spec, slen, NULL, 0), i;
    mym_ph *ph;
    mym_params p;
    mxArray *cell;
    if (nph < (size_t)nargs)
        return mymx_fail(e, "mym:placeholder", "serialize: %d value(s) but only %u "
                        "placeholder(s)", nargs, (unsigned)nph);
    if (nargs == 0)
        return mymx_fail(e, "mym:args", "serialize needs at least one value");
    ph = (mym_ph *)mxCalloc(nph, sizeof(mym_ph));
    mym_ph_scan(spec, slen, ph, nph);
    /* extra placeholders beyond the values given are ignored, as mym does */
    if (mym_params_build(&p, ph, (size_t)nargs, args, e)) { mym_params_free(&p); return -1; }
    cell = mxCreateCellMatrix((mwSize)nargs, 1);
    for (i = 0; i < (size_t)nargs; i++) {
        const uint8_t *d;
        size_t len;
        mxArray *a;
        if (mym_param_bytes(&p, i, &d, &len)) {
            mym_params_free(&p);
            return mymx_fail(e, "mym:placeholder", "serialize: value %u has no byte form "
                            "(use {M} for numbers)", (unsigned)(i + 1));
        }
        a = mxCreateNumericMatrix((mwSize)len, 1, mxUINT8_CLASS, mxREAL);
        if (len) memcpy(mxGetData(a), d, len);
        mxSetCell(cell, (mwIndex)i, a);
    }
    mym_params_free(&p);
    *out = cell;
    return 0;
}
