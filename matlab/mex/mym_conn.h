/*
 * mym_conn.h -- the table of open MariaDB connections, addressed by mym's integer handles.
 *
 * Handles live in a static table so they survive between calls; mexAtExit closes them all
 * when the MEX is cleared or MATLAB/Octave exits.
 */
#ifndef MYM_CONN_H
#define MYM_CONN_H

#include <mysql.h>
#include "mym_util.h"

#define MYM_MAXCONN 64

typedef struct mym_conn {
    MYSQL *db;                 /* NULL when the slot is closed */
    unsigned long max_packet;  /* server's max_allowed_packet, read at open */
    char host[256];
    char user[128];
    unsigned port;
    int tls;                   /* 1 when the session is encrypted */
    unsigned read_timeout;     /* seconds a read may wait for the server (0: forever) */
    unsigned write_timeout;    /* seconds a write may wait for the server (0: forever) */
} mym_conn;

mym_conn *mym_conn_get(int id);          /* NULL for an out-of-range id */
int mym_conn_free_id(void);              /* first closed slot, or -1 */
void mym_conn_close(int id);
void mym_conn_close_all(void);

/* Open slot `id` (closing it first). args are the MEX arguments after 'open':
 * host[:port], user, password, then an optional TLS mode ('true'/'false'/'nan', logical, or a
 * struct of ssl options) and optional name/value pairs ('ssl', struct). */
int mym_conn_open(int id, int nargs, const mxArray **args, mym_err *e);

/* 0 connected, 1 closed, 2 server unreachable (as mym). */
int mym_conn_status(int id);

/* Defaults of the 'read_timeout'/'write_timeout' open options, equal to the Python package's
 * database.read_timeout/database.write_timeout: long enough for long queries, short enough that
 * a stopped or unreachable server ends in an error instead of an endless wait. */
#define MYM_DEFAULT_READ_TIMEOUT 3600u
#define MYM_DEFAULT_WRITE_TIMEOUT 600u

#endif
