/*
 * mym_exec.h -- runs one SQL statement for mym: placeholders become bound parameters of a
 * prepared statement (the text protocol is used only when there are none), and the result set
 * becomes a 1x1 struct with one field per column, converted as mym does:
 *   numeric columns -> double column (NULL -> NaN); BIGINT -> int64/uint64 column (unless the
 *   trailing flag 'bigint_to_double' is given); binary BLOB columns -> cell of decoded values;
 *   BINARY/VARBINARY/BIT -> cell of uint8 columns; everything else -> cell of char.
 */
#ifndef MYM_EXEC_H
#define MYM_EXEC_H

#include "mym_conn.h"

int mym_exec(mym_conn *c, char *query, size_t qlen, int nargs, const mxArray **args,
             int nlhs, mxArray **out, mym_err *e);

/* mym('serialize {M}, {B}, ...', values...): a column cell of uint8 column vectors. */
int mym_serialize_cmd(const char *spec, size_t slen, int nargs, const mxArray **args,
                      mxArray **out, mym_err *e);

#endif
