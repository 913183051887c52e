"""The C API as the MATLAB/Octave MEX uses it (constructors, UTF helpers, encode/decode, options),
compiled with the system C compiler into a small program and checked against golden vectors."""
import json
import os
import shutil
import subprocess
import sysconfig

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODEC = os.path.join(ROOT, "src", "codec")
GOLDEN = os.path.join(ROOT, "tests", "golden", "blobs")

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mym_codec.h"

static int failures = 0;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static void hex(const mym_buffer *b) {
    size_t i;
    for (i = 0; i < b->len; i++) printf("%02x", b->data[i]);
    printf("\n");
}

static mym_buffer encode(const mym_node *n, mym_compress_rule rule) {
    mym_encode_opts o; mym_buffer b; mym_error e;
    mym_encode_opts_init(&o);
    o.compress = rule;
    mym_buffer_init(&b);
    if (mym_encode(n, &o, &b, &e)) { printf("encode error: %s\n", e.message); failures++; }
    return b;
}

int main(void) {
    mym_tree *t = mym_tree_new();
    mym_error e;
    uint16_t u16[8];
    char u8[16];
    size_t need = 0;
    uint64_t d11[2] = {1, 1}, d12[2] = {1, 2};
    double one = 1.0;
    const char *xname[] = {"x"};

    /* UTF-8 <-> UTF-16, including a surrogate pair */
    CHECK(mym_utf8_to_utf16("a\xF0\x9F\x98\x80" "b", 6, NULL, 0, &need) == 0 && need == 4);
    CHECK(mym_utf8_to_utf16("a\xF0\x9F\x98\x80" "b", 6, u16, 8, &need) == 0);
    CHECK(u16[0] == 'a' && u16[1] == 0xD83D && u16[2] == 0xDE00 && u16[3] == 'b');
    CHECK(mym_utf16_to_utf8(u16, 4, 0, u8, sizeof u8, &need) == 0 && need == 6 &&
          memcmp(u8, "a\xF0\x9F\x98\x80" "b", 6) == 0);
    CHECK(mym_utf8_to_utf16("\xC3\x28", 2, NULL, 0, &need) == MYM_E_UTF);      /* bad cont. */
    CHECK(mym_utf8_to_utf16("\xC0\xAF", 2, NULL, 0, &need) == MYM_E_UTF);      /* overlong */
    CHECK(mym_utf8_to_utf16("\xED\xA0\x80", 3, NULL, 0, &need) == MYM_E_UTF);  /* surrogate */
    CHECK(mym_utf8_to_utf16("\xE2\x82", 2, NULL, 0, &need) == MYM_E_UTF);      /* truncated */
    u16[0] = 0xDC00;                                                          /* lone low */
    CHECK(mym_utf16_to_utf8(u16, 1, 0, NULL, 0, &need) == MYM_E_UTF);
    CHECK(mym_utf16_to_utf8(u16, 1, 1, NULL, 0, &need) == 0 && need == 3);    /* U+FFFD */

    /* golden: char_emoji_surrogates from UTF-8 text */
    {
        mym_node *c = mym_new_char_utf8(t, "a\xF0\x9F\x98\x80" "b", 6, &e);
        mym_buffer b = encode(c, MYM_COMPRESS_NONE);
        printf("char_emoji_surrogates "); hex(&b); mym_buffer_free(&b);
        CHECK(mym_new_char_utf8(t, "\xff", 1, &e) == NULL && e.code == MYM_E_UTF);
    }
    /* golden: struct_1x1 */
    {
        mym_node *s = mym_new_struct(t, 2, d11, 1, xname);
        mym_buffer b;
        s->children[0] = mym_new_array(t, MYM_CLASS_DOUBLE, 0, 2, d11, &one, NULL);
        b = encode(s, MYM_COMPRESS_MYM);
        printf("struct_1x1 "); hex(&b); mym_buffer_free(&b);
    }
    /* a NULL cell element is written as a 0x0 double (as mym does) */
    {
        mym_node *c = mym_new_cell(t, 2, d12);
        mym_buffer b;
        c->children[0] = mym_new_char_utf8(t, "a", 1, &e);
        b = encode(c, MYM_COMPRESS_NONE);
        printf("cell_null_element "); hex(&b); mym_buffer_free(&b);
    }
    /* dj0 nodes force the dj0 header; the mYm header can be demanded and then fails */
    {
        mym_node *l = mym_new_seq(t, MYM_LIST, 2);
        mym_encode_opts o; mym_buffer b; int rc;
        l->children[0] = mym_new_int64(t, 1);
        l->children[1] = mym_new_text(t, MYM_STR, "a", 1);
        b = encode(l, MYM_COMPRESS_NONE);
        printf("dj0_list "); hex(&b); mym_buffer_free(&b);
        mym_encode_opts_init(&o);
        o.header = MYM_HDR_MYM;
        mym_buffer_init(&b);
        rc = mym_encode(l, &o, &b, &e);
        CHECK(rc == MYM_E_ARG && strstr(e.message, "dj0") != NULL);
    }
    /* inconsistent trees are refused, not written */
    {
        mym_node *a = mym_new_array(t, MYM_CLASS_DOUBLE, 0, 2, d12, NULL, NULL);
        mym_buffer b; mym_encode_opts o;
        mym_encode_opts_init(&o);
        mym_buffer_init(&b);
        CHECK(mym_encode(a, &o, &b, &e) == MYM_E_ARG);
        CHECK(mym_new_array(t, 99, 0, 2, d12, &one, NULL) == NULL);
    }
    /* decode with COPY: data survives freeing the input */
    {
        static const uint8_t blob[] = {0x6d,0x59,0x6d,0x00,0x41, 2,0,0,0,0,0,0,0, 1,0,0,0,0,0,0,0,
            1,0,0,0,0,0,0,0, 6,0,0,0, 0,0,0,0, 0,0,0,0,0,0,0xf0,0x3f};
        uint8_t *copy = (uint8_t *)malloc(sizeof blob);
        mym_tree *d = NULL; mym_decode_opts o; double v = 0;
        memcpy(copy, blob, sizeof blob);
        mym_decode_opts_init(&o);
        o.flags |= MYM_DEC_COPY;
        CHECK(mym_decode(copy, sizeof blob, &o, &d, &e) == 0);
        memset(copy, 0, sizeof blob);
        free(copy);
        memcpy(&v, d->root->re, 8);
        CHECK(d->header == MYM_HDR_MYM && d->root->kind == MYM_ARRAY && v == 1.0);
        CHECK(d->root->numel == 1 && d->root->ndims == 2 && d->root->class_id == 6);
        mym_tree_free(d);
        /* errors carry an offset */
        CHECK(mym_decode(blob, sizeof blob - 1, NULL, &d, &e) == MYM_E_TRUNCATED && d == NULL);
        CHECK(e.offset == 37);
    }
    /* compression: 200 zeros compress under both rules and inflate back */
    {
        static double zeros[200];
        uint64_t dz[2] = {1, 200};
        mym_node *z = mym_new_array(t, MYM_CLASS_DOUBLE, 0, 2, dz, zeros, NULL);
        mym_buffer b = encode(z, MYM_COMPRESS_MYM);
        mym_tree *d = NULL;
        CHECK(b.len < 100 && memcmp(b.data, "ZL123", 6) == 0);
        CHECK(mym_decode(b.data, b.len, NULL, &d, &e) == 0 && d->compressed && d->root->numel == 200);
        mym_tree_free(d);
        /* the decompressed-size cap: its own error code, nothing allocated, 0 means the default */
        {
            mym_decode_opts o;
            mym_decode_opts_init(&o);
            CHECK(o.max_inflated == MYM_DEFAULT_MAX_INFLATED && MYM_DEFAULT_MAX_INFLATED == ((uint64_t)1 << 30));
            o.max_inflated = 1000;   /* the plain blob is 1600 + header bytes */
            d = NULL;
            CHECK(mym_decode(b.data, b.len, &o, &d, &e) == MYM_E_INFLATE_LIMIT && d == NULL);
            CHECK(strstr(e.message, "over the limit of 1000") != NULL);
            o.max_inflated = 0;
            CHECK(mym_decode(b.data, b.len, &o, &d, &e) == 0);
            mym_tree_free(d);
        }
        mym_buffer_free(&b);
    }
    mym_tree_free(t);
    printf("failures %d\n", failures);
    return failures != 0;
}
"""


def _cc():
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")


@pytest.fixture(scope="module")
def capi_output(tmp_path_factory):
    cc = _cc()
    assert cc, "a C compiler is required to build the package, so it must be present"
    d = tmp_path_factory.mktemp("capi")
    src = d / "capi_test.c"
    src.write_text(PROGRAM)
    sources = [os.path.join(CODEC, f) for f in sorted(os.listdir(CODEC))
               if f.endswith(".c") and not f.startswith("fuzz_")]
    exe = d / "capi_test"
    cmd = [cc, "-std=c99", "-O1", "-g", "-Wall", "-I", CODEC, str(src), *sources, "-lz", "-o", str(exe)]
    if sysconfig.get_platform().startswith("linux"):
        cmd[1:1] = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]
    subprocess.run(cmd, check=True, capture_output=True)
    proc = subprocess.run([str(exe)], capture_output=True, text=True,
                          env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    return lines


def _golden(name):
    with open(os.path.join(GOLDEN, name + ".json")) as f:
        return json.load(f)["hex"]


def test_capi_checks_pass(capi_output):
    assert capi_output["failures"] == "0"


def test_capi_constructors_match_golden_bytes(capi_output):
    assert capi_output["char_emoji_surrogates"] == _golden("char_emoji_surrogates")
    assert capi_output["struct_1x1"] == _golden("struct_1x1")
    assert capi_output["dj0_list"] == _golden("dj0_list")


def test_capi_null_cell_element_is_empty_double(capi_output):
    from datajoint_interop import blob
    value = blob.unpack(bytes.fromhex(capi_output["cell_null_element"]))
    assert value.shape == (1, 2) and value[0, 0] == "a"
    assert value[0, 1].shape == (0, 0) and value[0, 1].dtype == "float64"
