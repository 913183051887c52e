/*
 * mym_result.h -- builds mym's result struct (one field per column) from either protocol:
 * text rows (mysql_store_result) or binary rows (prepared statements).
 */
#ifndef MYM_RESULT_H
#define MYM_RESULT_H

#include <mysql.h>
#include "mym_util.h"

enum { MYM_K_DBL = 1, MYM_K_I64, MYM_K_U64, MYM_K_TEXT, MYM_K_BLOB, MYM_K_BIN };

typedef struct mym_col {
    int kind;
    mxArray *arr;
    double *pd;
    int64_t *pi;
    int float_dec;      /* FLOAT columns: text-protocol decimals (-1: %g form); -2: not FLOAT */
    char *name;         /* the column's name as the server gives it (see field_name) */
} mym_col;

typedef struct mym_result {
    size_t nfields, nrows;
    mym_col *cols;
    mxArray *st;
} mym_result;

/* Classify columns and allocate the output arrays. */
void mym_result_init(mym_result *r, const MYSQL_FIELD *f, size_t nfields, size_t nrows,
                     int bigint_to_double);
/* Store one value given as text/bytes (text protocol, or non-numeric binary-protocol column). */
int mym_result_put(mym_result *r, size_t row, size_t col, const char *s, unsigned long len,
                   int is_null, mym_err *e);
/* Binary protocol numeric values. */
int mym_result_put_double(mym_result *r, size_t row, size_t col, double v, int is_null);
int mym_result_put_int(mym_result *r, size_t row, size_t col, int64_t v, int is_null,
                       mym_err *e);
/* Text of a number -> double with '.' as the decimal point whatever the locale (len bytes). */
double mym_parse_double(const char *s, unsigned long len);
/* Full text-protocol result. */
int mym_result_from_res(MYSQL_RES *res, int bigint_to_double, mxArray **out, mym_err *e);

#endif
