/*
 * mym_ph.h -- finds mym placeholders in a query string.
 *
 * Recognized tokens: {S} {Si} {S<n>} {M} {uM} {B} {uB} {F} {uF} (case-sensitive, as mym).
 * Any other text in braces is left alone. A token written inside its own quotes ("{S}" or
 * '{M}', the way DataJoint for MATLAB writes them) takes the quotes with it, because the value
 * is sent as a bound parameter, never spliced into the SQL text.
 */
#ifndef MYM_PH_H
#define MYM_PH_H

#include <stddef.h>

typedef struct mym_ph {
    size_t start, end;   /* span [start, end) of the query replaced by the parameter marker */
    char kind;           /* 'S', 'M', 'B' or 'F' */
    int compress;        /* M/B/F: 1 unless the u prefix was given */
    int sflavor;         /* S: 0 plain, 'i' integer, 'n' fixed decimals */
    int decimals;        /* S with digits: number of decimals */
} mym_ph;

/* Scan `q` (length n) and store up to `max` placeholders in out; returns the total count
 * found (which may exceed max: the caller sizes the array with a first call, max = 0). */
size_t mym_ph_scan(const char *q, size_t n, mym_ph *out, size_t max);

#endif
