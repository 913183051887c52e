/*
 * mym_params.h -- turns MATLAB arguments into MariaDB bound parameters, one per placeholder.
 */
#ifndef MYM_PARAMS_H
#define MYM_PARAMS_H

#include <mysql.h>
#include "mym_ph.h"
#include "mym_util.h"
#include "mym_codec.h"

typedef struct mym_params {
    size_t n;
    MYSQL_BIND *bind;
    my_bool *isnull;
    unsigned long *len;
    double *dv;
    long long *iv;
    mym_buffer *owned;     /* serialized/compressed bytes, freed by mym_params_free */
    size_t total_bytes;    /* sum of parameter sizes, for the max_allowed_packet check */
} mym_params;

/* Build parameter i from placeholder ph[i] and MATLAB value args[i]. */
int mym_params_build(mym_params *p, const mym_ph *ph, size_t n, const mxArray **args,
                     mym_err *e);
void mym_params_free(mym_params *p);

/* Bytes of a {M}/{B}/{F}/{S} value as mym('serialize ...') returns them (mxMalloc'd copy). */
int mym_param_bytes(const mym_params *p, size_t i, const uint8_t **data, size_t *len);

#endif
