/*
 * mym.c -- MEX entry point of the MATLAB/Octave MariaDB connector, call-compatible with mym:
 *
 *   id = mym('open', host[:port], user, pass [, tls] [, 'ssl', opts] [, 'read_timeout', s]
 *            [, 'write_timeout', s])          (also mym(id, 'open', ...) and mym(-1, 'open', ...))
 *   mym(id, 'close'); mym('closeall'); s = mym(id, 'status'); mym(id, 'use', db)
 *   r = mym(id, 'SELECT ... WHERE a="{S}" AND b={Si}', v1, v2 [, 'bigint_to_double'])
 *   c = mym('serialize {M}', v);  v = mym('deserialize', bytes);  ver = mym('version')
 *   n = mym('max_decompressed_size' [, bytes])   cap on what a compressed blob may inflate to
 *   m = mym('blob_errors' [, 'error'|'marker'])   a blob that cannot be decoded fails the call
 *                                                 ('error') or gives an MException ('marker')
 *
 * The modules report errors through a mym_err; this file is the only place that raises them,
 * after everything the call opened has been released.
 */
#include <string.h>
#include <strings.h>
#include "mex.h"
#include "mym_conn.h"
#include "mym_exec.h"
#include "mym_blob.h"

#define MYM_VERSION_MAJOR 2
#define MYM_VERSION_MINOR 9
#define MYM_VERSION_BUGFIX 0

static int registered = 0;

static void at_exit(void) { mym_conn_close_all(); }

static int parse_id(const mxArray *a, int *id, mym_err *e)
{
    double v;
    if (!mym_get_scalar(a, &v))
        return mymx_fail(e, "mym:args", "connection id must be a real scalar");
    if (v != (double)(int)v || v < -1 || v >= MYM_MAXCONN)
        return mymx_fail(e, "mym:args", "connection id must be an integer in -1..%d, got %g",
                        MYM_MAXCONN - 1, v);
    *id = (int)v;
    return 0;
}

static void print_status(void)
{
    int i, any = 0;
    for (i = 0; i < MYM_MAXCONN; i++) {
        mym_conn *c = mym_conn_get(i);
        if (!c->db) continue;
        any = 1;
        mexPrintf("%2d: %s@%s%s  server %s%s\n", i, c->user, c->host,
                  c->port ? "" : "", mysql_get_server_info(c->db),
                  c->tls ? "  (encrypted)" : "");
    }
    if (!any) mexPrintf("No connections open\n");
}

static int need_open(mym_conn *c, int id, mym_err *e)
{
    if (!c || !c->db)
        return mymx_fail(e, "mym:connect", "connection %d is not open", id);
    return 0;
}

static int dispatch(int nlhs, mxArray *plhs[], int nrhs, const mxArray *prhs[], mym_err *e)
{
    int id = 0, j = 0, explicit_id = 0;
    char *cmd;
    size_t clen;
    mym_conn *c;

    if (nrhs > 0 && !mxIsChar(prhs[0])) {
        if (parse_id(prhs[0], &id, e)) return -1;
        j = 1;
        explicit_id = 1;
    }
    if (nrhs <= j) {
        if (explicit_id) {
            if (nlhs >= 1) plhs[0] = mxCreateDoubleScalar(mym_conn_status(id));
            return 0;
        }
        print_status();
        return 0;
    }
    if (mym_get_utf8(prhs[j], &cmd, &clen, "the command", e)) return -1;

    if (!strcasecmp(cmd, "open")) {
        if (id == -1) {
            id = mym_conn_free_id();
            if (id < 0) return mymx_fail(e, "mym:connect", "all %d connection slots are in use",
                                        MYM_MAXCONN);
        }
        if (mym_conn_open(id, nrhs - j - 1, prhs + j + 1, e)) return -1;
        if (nlhs >= 1) plhs[0] = mxCreateDoubleScalar(id);
        return 0;
    }
    if (id == -1)
        return mymx_fail(e, "mym:args", "id -1 (pick a free slot) is only valid with 'open'");
    c = mym_conn_get(id);
    if (!strcasecmp(cmd, "close")) {
        mym_conn_close(id);
        return 0;
    }
    if (!strcasecmp(cmd, "closeall")) {
        mym_conn_close_all();
        return 0;
    }
    if (!strcasecmp(cmd, "status")) {
        int s = mym_conn_status(id);
        if (nlhs >= 1) plhs[0] = mxCreateDoubleScalar(s);
        else if (s == 1) mexPrintf("%2d: Not connected\n", id);
        else mexPrintf("%2d: %s@%s  server %s%s%s\n", id, c->user, c->host,
                       mysql_get_server_info(c->db), c->tls ? "  (encrypted)" : "",
                       s == 2 ? "  (server unreachable)" : "");
        return 0;
    }
    if (!strcasecmp(cmd, "version")) {
        static const char *fields[] = {"major", "minor", "bugfix"};
        if (nrhs > j + 1) return mymx_fail(e, "mym:args", "'version' takes no arguments");
        if (nlhs >= 1) {
            plhs[0] = mxCreateStructMatrix(1, 1, 3, fields);
            mxSetFieldByNumber(plhs[0], 0, 0, mxCreateDoubleScalar(MYM_VERSION_MAJOR));
            mxSetFieldByNumber(plhs[0], 0, 1, mxCreateDoubleScalar(MYM_VERSION_MINOR));
            mxSetFieldByNumber(plhs[0], 0, 2, mxCreateDoubleScalar(MYM_VERSION_BUGFIX));
        } else {
            mexPrintf("mym (datajoint-interop) version %d.%d.%d, client %s\n",
                      MYM_VERSION_MAJOR, MYM_VERSION_MINOR, MYM_VERSION_BUGFIX,
                      mysql_get_client_info());
        }
        return 0;
    }
    if (!strcasecmp(cmd, "max_decompressed_size")) {
        /* mym('max_decompressed_size' [, bytes]): read (and set) the cap on compressed blobs */
        if (nrhs > j + 2) return mymx_fail(e, "mym:args", "usage: mym('max_decompressed_size' [, bytes])");
        if (nrhs == j + 2) {
            const mxArray *a = prhs[j + 1];
            double v;
            if (!mxIsNumeric(a) || mxIsComplex(a) || mxGetNumberOfElements(a) != 1)
                return mymx_fail(e, "mym:args", "max_decompressed_size needs one positive number of bytes");
            v = mxGetScalar(a);
            if (!(v >= 1 && v <= 9007199254740992.0) || v != (double)(uint64_t)v)
                return mymx_fail(e, "mym:args", "max_decompressed_size must be a whole number of bytes "
                                "from 1 to 2^53, got %g", v);
            mym_blob_set_max_inflated((uint64_t)v);
        }
        if (nlhs >= 1 || nrhs == j + 1) plhs[0] = mxCreateDoubleScalar((double)mym_blob_max_inflated());
        return 0;
    }
    if (!strcasecmp(cmd, "blob_errors")) {
        /* mym('blob_errors' [, 'error'|'marker']): read (and set) what an undecodable blob gives */
        if (nrhs > j + 2) return mymx_fail(e, "mym:args", "usage: mym('blob_errors' [, 'error'|'marker'])");
        if (nrhs == j + 2) {
            char *mode;
            size_t mlen;
            if (mym_get_utf8(prhs[j + 1], &mode, &mlen, "blob_errors mode", e)) return -1;
            if (!strcasecmp(mode, "marker")) mym_blob_set_markers(1);
            else if (!strcasecmp(mode, "error")) mym_blob_set_markers(0);
            else return mymx_fail(e, "mym:args", "blob_errors must be 'error' or 'marker', got '%.40s'", mode);
        }
        plhs[0] = mxCreateString(mym_blob_markers() ? "marker" : "error");
        return 0;
    }
    if (!strcasecmp(cmd, "deserialize")) {
        const mxArray *a;
        if (nrhs != j + 2) return mymx_fail(e, "mym:args", "usage: mym('deserialize', bytes)");
        a = prhs[j + 1];
        if (!mxIsUint8(a) || mxIsComplex(a) || mxIsSparse(a))
            return mymx_fail(e, "mym:args", "deserialize needs a uint8 array, got a %s",
                            mxGetClassName(a));
        return mym_blob_to_value((const uint8_t *)mxGetData(a), mxGetNumberOfElements(a), 0,
                                 "deserialize", &plhs[0], e);
    }
    if (!strncasecmp(cmd, "serialize", 9) && (clen == 9 || cmd[9] == ' ')) {
        return mym_serialize_cmd(cmd + 9, clen - 9, nrhs - j - 1, prhs + j + 1, &plhs[0], e);
    }
    if (!strcasecmp(cmd, "use") || !strncasecmp(cmd, "use ", 4)) {
        char *db;
        size_t n;
        if (need_open(c, id, e)) return -1;
        if (clen == 3) {
            if (nrhs < j + 2) return mymx_fail(e, "mym:args", "usage: mym(id, 'use', database)");
            if (mym_get_utf8(prhs[j + 1], &db, &n, "database name", e)) return -1;
        } else {
            db = cmd + 4;
            while (*db == ' ' || *db == '\t') db++;
        }
        if (mysql_select_db(c->db, db))
            return mymx_fail(e, "mym:query", "cannot use database '%s': %s (MariaDB error %u)",
                            db, mysql_error(c->db), mysql_errno(c->db));
        if (nlhs >= 1) plhs[0] = mxCreateDoubleScalar(1);
        return 0;
    }
    if (need_open(c, id, e)) return -1;
    return mym_exec(c, cmd, clen, nrhs - j - 1, prhs + j + 1, nlhs, plhs, e);
}

void mexFunction(int nlhs, mxArray *plhs[], int nrhs, const mxArray *prhs[])
{
    mym_err e;
    e.id[0] = 0;
    e.msg[0] = 0;
    if (!registered) {
        mexAtExit(at_exit);
        registered = 1;
    }
    if (dispatch(nlhs, plhs, nrhs, prhs, &e))
        mexErrMsgIdAndTxt(e.id[0] ? e.id : "mym:error", "%s", e.msg);
}
