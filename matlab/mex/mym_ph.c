/* mym_ph.c -- placeholder scanner (plain C, no MEX API: see mym_ph.h). */
#include "mym_ph.h"

static int parse_token(const char *t, size_t len, mym_ph *p)
{
    size_t i = 0;
    p->compress = 1;
    p->sflavor = 0;
    p->decimals = 0;
    if (len == 0) return 0;
    if (t[0] == 'u') { p->compress = 0; i = 1; }
    if (i >= len) return 0;
    switch (t[i]) {
    case 'M': case 'B': case 'F':
        if (i + 1 != len) return 0;
        p->kind = t[i];
        return 1;
    case 'S':
        if (!p->compress) return 0;   /* {uS} is not a mym token */
        p->kind = 'S';
        p->compress = 0;
        if (len == 1) return 1;
        if (len == 2 && t[1] == 'i') { p->sflavor = 'i'; return 1; }
        {
            size_t k;
            int d = 0;
            if (len > 3) return 0;
            for (k = 1; k < len; k++) {
                if (t[k] < '0' || t[k] > '9') return 0;
                d = d * 10 + (t[k] - '0');
            }
            p->sflavor = 'n';
            p->decimals = d;
            return 1;
        }
    default:
        return 0;
    }
}

size_t mym_ph_scan(const char *q, size_t n, mym_ph *out, size_t max)
{
    size_t i = 0, count = 0;
    while (i < n) {
        size_t j;
        mym_ph p;
        if (q[i] != '{') { i++; continue; }
        for (j = i + 1; j < n && j - i <= 5 && q[j] != '}' && q[j] != '{'; j++) {}
        if (j >= n || q[j] != '}' || !parse_token(q + i + 1, j - i - 1, &p)) { i++; continue; }
        p.start = i;
        p.end = j + 1;
        if (i > 0 && p.end < n && (q[i - 1] == '"' || q[i - 1] == '\'')
            && q[p.end] == q[i - 1]) {
            p.start = i - 1;
            p.end = p.end + 1;
        }
        if (count < max) out[count] = p;
        count++;
        i = j + 1;
    }
    return count;
}
