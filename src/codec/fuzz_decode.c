/*
 * fuzz_decode.c -- fuzz harness for the blob decoder (not part of the Python extension).
 *
 * libFuzzer:  clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/codec \
 *                 src/codec/fuzz_decode.c <all other src/codec C files> -lz -o fuzz_decode
 * Replay (no libFuzzer, e.g. gcc + ASan): build with -DMYM_FUZZ_REPLAY and pass files.
 * scripts/fuzz-codec does both. Every decoded tree is re-encoded (decode -> encode -> decode must
 * succeed and give the same bytes), which also exercises the writer on odd trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mym_codec.h"

static void check_roundtrip(const mym_tree *t) {
    mym_encode_opts eo;
    mym_buffer once, twice;
    mym_error err;
    mym_tree *t2 = NULL;
    mym_encode_opts_init(&eo);
    eo.compress = MYM_COMPRESS_NONE;
    mym_buffer_init(&once);
    mym_buffer_init(&twice);
    /* Octave 1-byte chars are decode-only: such trees are refused by the encoder */
    if (mym_encode(t->root, &eo, &once, &err) != 0) return;
    if (mym_decode(once.data, once.len, NULL, &t2, &err) != 0) {
        fprintf(stderr, "re-encoded blob does not decode: %s\n", err.message);
        abort();
    }
    if (mym_encode(t2->root, &eo, &twice, &err) != 0 || twice.len != once.len ||
        memcmp(twice.data, once.data, once.len) != 0) {
        fprintf(stderr, "encode is not stable after a round trip\n");
        abort();
    }
    mym_tree_free(t2);
    {   /* the envelope round trip: compressed bytes inflate back to exactly `once` */
        mym_buffer z;
        int did = 0;
        mym_buffer_init(&z);
        if (mym_compress(once.data, once.len, MYM_COMPRESS_PY, 1, &z, &did, &err) != 0) abort();
        if (did) {
            t2 = NULL;
            if (mym_decode(z.data, z.len, NULL, &t2, &err) != 0 || t2->plain_length != once.len) {
                fprintf(stderr, "compressed round trip failed: %s\n", err.message);
                abort();
            }
            mym_tree_free(t2);
        }
        mym_buffer_free(&z);
    }
    mym_buffer_free(&once);
    mym_buffer_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mym_tree *t = NULL;
    mym_error err;
    mym_decode_opts o;
    int rc;
    mym_decode_opts_init(&o);
    o.max_inflated = 1u << 24;   /* keep the fuzzer's memory bounded */
    rc = mym_decode(data, size, &o, &t, &err);
    if (rc == 0) {
        check_roundtrip(t);
        mym_tree_free(t);
    } else if (err.offset < -1 || (err.offset > (int64_t)size && !err.in_inflated)) {
        fprintf(stderr, "error offset %lld outside the input (%zu bytes)\n",
                (long long)err.offset, size);
        abort();
    }
    return 0;
}

#ifdef MYM_FUZZ_REPLAY
int main(int argc, char **argv) {
    int i;
    for (i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        uint8_t *buf;
        long n;
        if (!f) { perror(argv[i]); return 2; }
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = (uint8_t *)malloc(n ? (size_t)n : 1);
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); return 2; }
        fclose(f);
        LLVMFuzzerTestOneInput(buf, (size_t)n);
        free(buf);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
#endif
