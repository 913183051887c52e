/* mym_conn.c -- open/close/status of the connection table (see mym_conn.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errmsg.h>
#include "mym_conn.h"

static mym_conn table[MYM_MAXCONN];

mym_conn *mym_conn_get(int id)
{
    if (id < 0 || id >= MYM_MAXCONN) return NULL;
    return &table[id];
}

int mym_conn_free_id(void)
{
    int i;
    for (i = 0; i < MYM_MAXCONN; i++)
        if (!table[i].db) return i;
    return -1;
}

void mym_conn_close(int id)
{
    mym_conn *c = mym_conn_get(id);
    if (c && c->db) {
        mysql_close(c->db);
        c->db = NULL;
    }
}

void mym_conn_close_all(void)
{
    int i;
    for (i = 0; i < MYM_MAXCONN; i++) mym_conn_close(i);
}

typedef struct tls_opts {
    int mode;                  /* 0 off, 1 preferred, 2 required */
    int verify;                /* -1: default (on when a CA is given) */
    char *ca, *capath, *cert, *key, *cipher;
    unsigned read_timeout, write_timeout;   /* seconds, 0 = no limit */
} tls_opts;

/* A timeout option: whole seconds, 0 (or Inf) for none; Connector/C takes an unsigned int. */
static int parse_timeout(const mxArray *a, const char *name, unsigned *out, mym_err *e)
{
    double d;
    if (!mym_get_scalar(a, &d) || d != d || d < 0)
        return mymx_fail(e, "mym:args", "option '%s' must be a number of seconds >= 0 (0 or Inf: "
                        "no limit)", name);
    if (d > 4294967.0) d = 0;                   /* Inf and absurdly long: no limit */
    *out = d > 0 && d < 1 ? 1u : (unsigned)d;    /* Connector/C counts whole seconds */
    return 0;
}

/* A bad ssl struct gets mym's (DataJoint's) identifier for it, which 3.x code catches. */
#define TLS_STRUCT "mYm:TLS:InvalidStruct"

static int opt_string(const mxArray *s, const char *name, char **out, mym_err *e)
{
    const mxArray *f = mxGetField(s, 0, name);
    size_t n;
    char what[64];
    if (!f || mxIsEmpty(f)) return 0;
    snprintf(what, sizeof what, "ssl option '%s'", name);
    if (mym_get_utf8(f, out, &n, what, e)) {
        snprintf(e->id, sizeof e->id, "%s", TLS_STRUCT);
        return -1;
    }
    return 0;
}

static int parse_tls_struct(const mxArray *s, tls_opts *t, mym_err *e)
{
    const mxArray *v;
    int i, nf;
    static const char *known[] = {"ca", "capath", "cert", "key", "cipher", "verify", NULL};
    if (mxGetNumberOfElements(s) != 1)
        return mymx_fail(e, TLS_STRUCT, "ssl options must be a 1x1 struct");
    nf = mxGetNumberOfFields(s);
    for (i = 0; i < nf; i++) {
        const char *fn = mxGetFieldNameByNumber(s, i);
        int k, ok = 0;
        for (k = 0; known[k]; k++) if (!strcmp(fn, known[k])) ok = 1;
        if (!ok)
            return mymx_fail(e, TLS_STRUCT, "unknown ssl option '%s' (known: ca, capath, cert, "
                            "key, cipher, verify)", fn);
    }
    t->mode = 2;
    if (opt_string(s, "ca", &t->ca, e) || opt_string(s, "capath", &t->capath, e)
        || opt_string(s, "cert", &t->cert, e) || opt_string(s, "key", &t->key, e)
        || opt_string(s, "cipher", &t->cipher, e))
        return -1;
    v = mxGetField(s, 0, "verify");
    if (v && !mxIsEmpty(v)) {
        double d;
        if (!mym_get_scalar(v, &d))
            return mymx_fail(e, TLS_STRUCT, "ssl option 'verify' must be a logical scalar");
        t->verify = d != 0;
    }
    return 0;
}

static int parse_tls_arg(const mxArray *a, tls_opts *t, mym_err *e)
{
    double d;
    if (mxIsEmpty(a) && !mxIsStruct(a)) { t->mode = 1; return 0; }   /* [] or '': default */
    if (mxIsStruct(a)) return parse_tls_struct(a, t, e);
    if (mxIsChar(a)) {
        char *s;
        size_t n;
        if (mym_get_utf8(a, &s, &n, "TLS mode", e)) return -1;
        if (!strcasecmp(s, "true")) t->mode = 2;
        else if (!strcasecmp(s, "false")) t->mode = 0;
        else if (!strcasecmp(s, "nan") || n == 0) t->mode = 1;
        else return mymx_fail(e, "mym:args", "TLS mode must be 'true', 'false' or 'nan', got '%s'", s);
        return 0;
    }
    if (mym_get_scalar(a, &d)) {
        t->mode = d != d ? 1 : (d != 0 ? 2 : 0);
        return 0;
    }
    return mymx_fail(e, "mym:args", "TLS option must be 'true'/'false'/'nan', a logical or a "
                    "struct of ssl options, got a %s", mxGetClassName(a));
}

static int try_connect(MYSQL *db, const char *host, const char *user, const char *pass,
                       unsigned port, const tls_opts *t, int use_tls)
{
    unsigned int timeout = 10;
    unsigned long maxp = 1024UL * 1024UL * 1024UL;
    my_bool on = 1, off = 0;
    mysql_optionsv(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(db, MYSQL_OPT_MAX_ALLOWED_PACKET, &maxp);
    mysql_optionsv(db, MYSQL_OPT_LOCAL_INFILE, &off);
    /* a stalled server (stopped, overloaded, cut off) must end in an error, not a hang */
    mysql_optionsv(db, MYSQL_OPT_READ_TIMEOUT, &t->read_timeout);
    mysql_optionsv(db, MYSQL_OPT_WRITE_TIMEOUT, &t->write_timeout);
    if (port) {
        unsigned int proto = MYSQL_PROTOCOL_TCP;
        mysql_optionsv(db, MYSQL_OPT_PROTOCOL, &proto);
    }
    if (use_tls) {
        int verify = t->verify >= 0 ? t->verify : (t->ca || t->capath) ? 1 : 0;
        /* Connector/C checks the chain whenever a CA is given: with verification off the
           CA must not be passed at all */
        mysql_ssl_set(db, t->key, t->cert, verify ? t->ca : NULL, verify ? t->capath : NULL,
                      t->cipher);
        mysql_optionsv(db, MYSQL_OPT_SSL_ENFORCE, &on);
        mysql_optionsv(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, verify ? &on : &off);
    } else {
        mysql_optionsv(db, MYSQL_OPT_SSL_ENFORCE, &off);
        mysql_optionsv(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
    }
    /* multi-statement strings are allowed as mym allows them (text statements only: a
       statement with placeholders is prepared, and prepared statements are single) */
    return mysql_real_connect(db, host, user, pass, NULL, port, NULL,
                              CLIENT_MULTI_RESULTS | CLIENT_MULTI_STATEMENTS) != NULL;
}

/* Once per session, as the Python package does: an encrypted connection whose server certificate
 * nobody checked (no CA given, or verify false) protects against eavesdropping only. */
static void warn_unverified(const char *host, unsigned port)
{
    static int warned = 0;
    if (warned) return;
    warned = 1;
    mexWarnMsgIdAndTxt("mym:tlsUnverified", "the TLS connection to %s:%u is encrypted but the "
                       "server's certificate is not verified, so the server is not "
                       "authenticated; give its CA to verify it: mym('open', ..., 'ssl', "
                       "struct('ca', '/path/to/ca.pem'))", host, port);
}

int mym_conn_open(int id, int nargs, const mxArray **args, mym_err *e)
{
    mym_conn *c = mym_conn_get(id);
    char *host = NULL, *user = NULL, *pass = NULL, *colon;
    size_t n;
    unsigned port = 0;
    tls_opts t;
    MYSQL *db;
    int i, ok;
    memset(&t, 0, sizeof t);
    t.mode = 1;
    t.verify = -1;
    t.read_timeout = MYM_DEFAULT_READ_TIMEOUT;
    t.write_timeout = MYM_DEFAULT_WRITE_TIMEOUT;
    if (!c) return mymx_fail(e, "mym:args", "connection id %d is out of range 0..%d", id,
                            MYM_MAXCONN - 1);
    if (nargs >= 1 && mym_get_utf8(args[0], &host, &n, "host", e)) return -1;
    if (nargs >= 2 && mym_get_utf8(args[1], &user, &n, "user", e)) return -1;
    if (nargs >= 3 && mym_get_utf8(args[2], &pass, &n, "password", e)) return -1;
    i = 3;
    if (nargs > 3) {
        int is_name = 0;
        if (mxIsChar(args[3])) {
            char *s;
            if (mym_get_utf8(args[3], &s, &n, "TLS mode", e)) return -1;
            is_name = !strcasecmp(s, "ssl") || !strcasecmp(s, "read_timeout")
                      || !strcasecmp(s, "write_timeout");
        }
        if (!is_name) {
            if (parse_tls_arg(args[3], &t, e)) return -1;
            i = 4;
        }
    }
    for (; i < nargs; i += 2) {
        char *name;
        if (mym_get_utf8(args[i], &name, &n, "option name", e)) return -1;
        if (i + 1 >= nargs)
            return mymx_fail(e, "mym:args", "option '%s' has no value", name);
        if (!strcasecmp(name, "ssl")) {
            if (parse_tls_arg(args[i + 1], &t, e)) return -1;
        } else if (!strcasecmp(name, "read_timeout")) {
            if (parse_timeout(args[i + 1], "read_timeout", &t.read_timeout, e)) return -1;
        } else if (!strcasecmp(name, "write_timeout")) {
            if (parse_timeout(args[i + 1], "write_timeout", &t.write_timeout, e)) return -1;
        } else {
            return mymx_fail(e, "mym:args", "unknown open option '%s' (known: 'ssl', "
                            "'read_timeout', 'write_timeout')", name);
        }
    }
    /* host, host:port, [v6addr] or [v6addr]:port; a bare IPv6 address has no port */
    colon = NULL;
    if (host && host[0] == '[') {
        char *close = strchr(host, ']');
        if (!close) return mymx_fail(e, "mym:args", "invalid host '%s'", host);
        if (close[1] == ':') colon = close + 1;
        else if (close[1]) return mymx_fail(e, "mym:args", "invalid host '%s'", host);
        *close = 0;
        host++;
    } else if (host && (colon = strchr(host, ':')) != NULL && strchr(colon + 1, ':')) {
        colon = NULL;
    }
    if (colon) {
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (*end || p <= 0 || p > 65535)
            return mymx_fail(e, "mym:args", "invalid port '%s' in host", colon + 1);
        port = (unsigned)p;
        *colon = 0;
    }
    if (host && !*host) host = NULL;
    mym_conn_close(id);
    db = mysql_init(NULL);
    if (!db) return mymx_fail(e, "mym:connect", "cannot initialize a MariaDB client handle");
    ok = try_connect(db, host, user, pass, port, &t, t.mode != 0);
    if (!ok && t.mode == 1) {
        /* TLS preferred: the server may simply not offer it; retry in clear text */
        mysql_close(db);
        db = mysql_init(NULL);
        if (!db) return mymx_fail(e, "mym:connect", "cannot initialize a MariaDB client handle");
        ok = try_connect(db, host, user, pass, port, &t, 0);
    }
    if (!ok) {
        mymx_fail(e, "mym:connect", "cannot connect to %s:%u as '%s': %s (error %u)",
                 host ? host : "localhost", port ? port : 3306, user ? user : "",
                 mysql_error(db), mysql_errno(db));
        mysql_close(db);
        return -1;
    }
    c->db = db;
    snprintf(c->host, sizeof c->host, "%s", host ? host : "localhost");
    snprintf(c->user, sizeof c->user, "%s", user ? user : "");
    c->port = port;
    c->tls = mysql_get_ssl_cipher(db) != NULL;
    if (c->tls && !(t.verify > 0 || (t.verify < 0 && (t.ca || t.capath))))
        warn_unverified(c->host, port ? port : 3306);
    c->read_timeout = t.read_timeout;
    c->write_timeout = t.write_timeout;
    c->max_packet = 16UL * 1024 * 1024;
    if (mysql_query(db, "SELECT @@max_allowed_packet") == 0) {
        MYSQL_RES *r = mysql_store_result(db);
        if (r) {
            MYSQL_ROW row = mysql_fetch_row(r);
            if (row && row[0]) c->max_packet = strtoul(row[0], NULL, 10);
            mysql_free_result(r);
        }
    }
    return 0;
}

int mym_conn_status(int id)
{
    mym_conn *c = mym_conn_get(id);
    if (!c || !c->db) return 1;
    if (mysql_ping(c->db)) return 2;
    return 0;
}
