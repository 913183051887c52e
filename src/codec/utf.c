/*
 * utf.c -- UTF-8 <-> UTF-16 conversion for char data (MATLAB stores UTF-16 code units; Python
 * and Octave speak UTF-8).
 */
#include "codec_internal.h"

int mym_utf16_to_utf8(const void *units_le, size_t n, int lenient, char *out, size_t cap,
                      size_t *needed) {
    const uint8_t *u = (const uint8_t *)units_le;
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        uint32_t c = (uint32_t)u[2 * i] | ((uint32_t)u[2 * i + 1] << 8);
        uint8_t b[4];
        unsigned m, j;
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
            uint32_t d = (uint32_t)u[2 * i + 2] | ((uint32_t)u[2 * i + 3] << 8);
            if (d >= 0xDC00 && d <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                i++;
            }
        }
        if (c >= 0xD800 && c <= 0xDFFF) {
            if (!lenient) return MYM_E_UTF;
            c = 0xFFFD;
        }
        if (c < 0x80) { b[0] = (uint8_t)c; m = 1; }
        else if (c < 0x800) { b[0] = (uint8_t)(0xC0 | (c >> 6)); b[1] = (uint8_t)(0x80 | (c & 0x3F)); m = 2; }
        else if (c < 0x10000) {
            b[0] = (uint8_t)(0xE0 | (c >> 12)); b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            b[2] = (uint8_t)(0x80 | (c & 0x3F)); m = 3;
        } else {
            b[0] = (uint8_t)(0xF0 | (c >> 18)); b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
            b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F)); b[3] = (uint8_t)(0x80 | (c & 0x3F)); m = 4;
        }
        if (out) {
            if (k + m > cap) return MYM_E_ARG;
            for (j = 0; j < m; j++) out[k + j] = (char)b[j];
        }
        k += m;
    }
    if (needed) *needed = k;
    return 0;
}

int mym_utf8_to_utf16(const char *utf8, size_t n, uint16_t *out, size_t cap, size_t *needed) {
    const uint8_t *s = (const uint8_t *)utf8;
    size_t i = 0, k = 0;
    while (i < n) {
        uint32_t c = s[i];
        unsigned m, j;
        if (c < 0x80) m = 0;
        else if (c >= 0xC2 && c <= 0xDF) { m = 1; c &= 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { m = 2; c &= 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { m = 3; c &= 0x07; }
        else return MYM_E_UTF;
        if (m > n - i - 1) return MYM_E_UTF;
        for (j = 1; j <= m; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return MYM_E_UTF;
            c = (c << 6) | (s[i + j] & 0x3F);
        }
        if ((m == 2 && c < 0x800) || (m == 3 && (c < 0x10000 || c > 0x10FFFF)) ||
            (c >= 0xD800 && c <= 0xDFFF))
            return MYM_E_UTF;
        i += m + 1;
        if (c >= 0x10000) {
            if (out) {
                if (k + 2 > cap) return MYM_E_ARG;
                out[k] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
                out[k + 1] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
            }
            k += 2;
        } else {
            if (out) {
                if (k + 1 > cap) return MYM_E_ARG;
                out[k] = (uint16_t)c;
            }
            k += 1;
        }
    }
    if (needed) *needed = k;
    return 0;
}
