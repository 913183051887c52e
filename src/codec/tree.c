/*
 * tree.c -- trees, their arena, node constructors and error formatting.
 *
 * Nodes are small and numerous (a 10,000-element cell has 10,001), so they come from a bump
 * allocator: one malloc per 64 KiB block and a single release for the whole tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include "codec_internal.h"

struct mym_arena_block {
    mym_arena_block *next;
    size_t used, cap;
    /* data follows, 16-byte aligned */
};

#define MYM_BLOCK_HDR ((sizeof(mym_arena_block) + 15u) & ~(size_t)15u)
#define MYM_BLOCK_MIN (64u * 1024u)

int mym_fail(mym_error *err, int code, int64_t offset, const char *fmt, ...) {
    if (err) {
        va_list ap;
        err->code = code;
        err->offset = offset;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

mym_tree *mym_tree_new(void) {
    return (mym_tree *)calloc(1, sizeof(mym_tree));
}

static void free_blocks(mym_arena_block *b) {
    mym_arena_block *next;
    for (; b; b = next) {
        next = b->next;
        free(b);
    }
}

void mym_arena_release(mym_tree *t) {
    free_blocks(t->arena);
    free_blocks(t->spare);
    t->arena = t->spare = NULL;
}

void mym_tree_reset(mym_tree *t, size_t keep) {
    mym_arena_block *b, *next, *kept = NULL;
    size_t total = 0;
    if (!t) return;
    free_blocks(t->spare);
    for (b = t->arena; b; b = next) {
        next = b->next;
        if (b->cap <= keep - total) {   /* total <= keep always holds */
            total += b->cap;
            b->used = 0;
            b->next = kept;
            kept = b;
        } else {
            free(b);
        }
    }
    free(t->owned);
    memset(t, 0, sizeof *t);
    t->spare = kept;
}

void mym_tree_free(mym_tree *t) {
    if (!t) return;
    mym_arena_release(t);
    free(t->owned);
    free(t);
}

void *mym_arena_alloc(mym_tree *t, size_t n) {
    mym_arena_block *b = t->arena;
    uint8_t *p;
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0) n = 16;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > MYM_BLOCK_MIN ? n : MYM_BLOCK_MIN;
        if (cap > SIZE_MAX - MYM_BLOCK_HDR) return NULL;
        if (t->spare && t->spare->cap >= n) {   /* a block kept by mym_tree_reset */
            b = t->spare;
            t->spare = b->next;
        } else {
            b = (mym_arena_block *)malloc(MYM_BLOCK_HDR + cap);
            if (!b) return NULL;
            b->cap = cap;
        }
        b->used = 0;
        if (n > MYM_BLOCK_MIN / 4 && t->arena) {
            /* big request: keep the current (partly free) block at the head */
            b->next = t->arena->next;
            t->arena->next = b;
        } else {
            b->next = t->arena;
            t->arena = b;
        }
    }
    p = (uint8_t *)b + MYM_BLOCK_HDR + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

uint32_t mym_class_elem_size(uint32_t c) {
    switch (c) {
    case MYM_CLASS_LOGICAL: case MYM_CLASS_INT8: case MYM_CLASS_UINT8: return 1;
    case MYM_CLASS_CHAR: case MYM_CLASS_INT16: case MYM_CLASS_UINT16: return 2;
    case MYM_CLASS_SINGLE: case MYM_CLASS_INT32: case MYM_CLASS_UINT32: return 4;
    case MYM_CLASS_DOUBLE: case MYM_CLASS_INT64: case MYM_CLASS_UINT64: return 8;
    default:
        if (c >= MYM_CLASS_DATETIME64 && c <= MYM_CLASS_DATETIME64 + 12) return 8;
        return 0;
    }
}

int mym_dims_numel(uint32_t ndims, const uint64_t *dims, uint64_t *numel) {
    uint64_t n = 1;
    uint32_t i;
    int zero = 0;
    for (i = 0; i < ndims; i++) {
        if (dims[i] == 0) zero = 1;
        else if (n > UINT64_MAX / dims[i]) return -1;
        else n *= dims[i];
    }
    /* an overflowing product is refused even when another dim is zero: no sane array has it */
    *numel = zero ? 0 : n;
    return 0;
}

static mym_node *new_node(mym_tree *t, mym_kind kind) {
    mym_node *n = (mym_node *)mym_arena_alloc(t, sizeof(mym_node));
    if (n) n->kind = kind;
    return n;
}

static int set_dims(mym_tree *t, mym_node *n, uint32_t ndims, const uint64_t *dims) {
    if (ndims > 0 && !dims) return -1;
    if (ndims > 0) {
        n->dims = (uint64_t *)mym_arena_alloc(t, (size_t)ndims * sizeof(uint64_t));
        if (!n->dims) return -1;
        memcpy(n->dims, dims, (size_t)ndims * sizeof(uint64_t));
    }
    n->ndims = ndims;
    return mym_dims_numel(ndims, dims, &n->numel);
}

static int alloc_children(mym_tree *t, mym_node *n, uint64_t count) {
    n->nchildren = count;
    if (count == 0) return 0;
    if (count > SIZE_MAX / sizeof(mym_node *)) return -1;
    n->children = (mym_node **)mym_arena_alloc(t, (size_t)count * sizeof(mym_node *));
    return n->children ? 0 : -1;
}

static int copy_names(mym_tree *t, mym_node *n, uint32_t nfields, const char *const *names) {
    uint32_t i;
    n->nfields = nfields;
    if (nfields == 0) return 0;
    if (!names) return -1;
    n->fields = (char **)mym_arena_alloc(t, (size_t)nfields * sizeof(char *));
    if (!n->fields) return -1;
    for (i = 0; i < nfields; i++) {
        size_t len;
        if (!names[i]) return -1;
        len = strlen(names[i]);
        n->fields[i] = (char *)mym_arena_alloc(t, len + 1);
        if (!n->fields[i]) return -1;
        memcpy(n->fields[i], names[i], len + 1);
    }
    return 0;
}

mym_node *mym_new_array(mym_tree *t, uint32_t class_id, int is_complex, uint32_t ndims,
                        const uint64_t *dims, const void *re, const void *im) {
    mym_node *n = new_node(t, MYM_ARRAY);
    uint32_t es = mym_class_elem_size(class_id);
    if (!n || es == 0 || set_dims(t, n, ndims, dims)) return NULL;
    n->class_id = class_id;
    n->is_complex = is_complex ? 1u : 0u;
    n->elem_size = es;
    n->re = re;
    n->im = im;
    return n;
}

mym_node *mym_new_char16(mym_tree *t, uint32_t ndims, const uint64_t *dims, const uint16_t *u) {
    return mym_new_array(t, MYM_CLASS_CHAR, 0, ndims, dims, u, NULL);
}

mym_node *mym_new_char_utf8(mym_tree *t, const char *utf8, size_t nbytes, mym_error *err) {
    size_t need = 0;
    uint16_t *units = NULL;
    uint64_t dims[2];
    int rc = mym_utf8_to_utf16(utf8, nbytes, NULL, 0, &need);
    if (rc) {
        mym_fail(err, rc, -1, "text is not valid UTF-8");
        return NULL;
    }
    if (need) {
        units = (uint16_t *)mym_arena_alloc(t, need * 2);
        if (!units) { mym_fail(err, MYM_E_NOMEM, -1, "out of memory"); return NULL; }
        mym_utf8_to_utf16(utf8, nbytes, units, need, &need);
    }
    dims[0] = need ? 1 : 0;
    dims[1] = need;
    return mym_new_char16(t, 2, dims, units);
}

mym_node *mym_new_struct(mym_tree *t, uint32_t ndims, const uint64_t *dims, uint32_t nfields,
                         const char *const *names) {
    mym_node *n = new_node(t, MYM_STRUCT);
    if (!n || set_dims(t, n, ndims, dims) || copy_names(t, n, nfields, names)) return NULL;
    if (nfields && n->numel > UINT64_MAX / nfields) return NULL;
    if (alloc_children(t, n, n->numel * nfields)) return NULL;
    return n;
}

static mym_node *new_shaped(mym_tree *t, mym_kind kind, uint32_t ndims, const uint64_t *dims) {
    mym_node *n = new_node(t, kind);
    if (!n || set_dims(t, n, ndims, dims) || alloc_children(t, n, n->numel)) return NULL;
    return n;
}

mym_node *mym_new_cell(mym_tree *t, uint32_t ndims, const uint64_t *dims) {
    return new_shaped(t, MYM_CELL, ndims, dims);
}

mym_node *mym_new_objarray(mym_tree *t, uint32_t ndims, const uint64_t *dims) {
    mym_node *n = new_shaped(t, MYM_OBJARRAY, ndims, dims);
    if (n) n->class_id = MYM_CLASS_OBJECT;
    return n;
}

mym_node *mym_new_sparse(mym_tree *t, uint32_t class_id, int is_complex, uint64_t rows,
                         uint64_t cols, uint64_t nzmax, const uint64_t *jc, const uint64_t *ir,
                         const void *re, const void *im) {
    mym_node *n = new_node(t, MYM_SPARSE);
    uint32_t es = mym_class_elem_size(class_id);
    if (!n || es == 0 || class_id == MYM_CLASS_CHAR) return NULL;
    n->class_id = class_id;
    n->is_complex = is_complex ? 1u : 0u;
    n->elem_size = es;
    n->rows = rows;
    n->cols = cols;
    n->nzmax = nzmax;
    n->jc = jc;
    n->ir = ir;
    n->re = re;
    n->im = im;
    return n;
}

mym_node *mym_new_recarray(mym_tree *t, uint32_t nfields, const char *const *names) {
    mym_node *n = new_node(t, MYM_RECARRAY);
    if (!n || copy_names(t, n, nfields, names) || alloc_children(t, n, nfields)) return NULL;
    return n;
}

mym_node *mym_new_scalar(mym_tree *t, mym_kind kind) {
    mym_node *n;
    if (kind != MYM_NONE && kind != MYM_BOOL && kind != MYM_FLOAT && kind != MYM_COMPLEX &&
        kind != MYM_UUID && kind != MYM_DATETIME)
        return NULL;
    n = new_node(t, kind);
    if (n && kind == MYM_DATETIME) { n->u.dt.date = -1; n->u.dt.time = -1; }
    return n;
}

mym_node *mym_new_int64(mym_tree *t, int64_t v) {
    mym_node *n = new_node(t, MYM_INT);
    if (!n) return NULL;
    n->flags = MYM_NF_SMALLINT;
    n->u.i.value = v;
    return n;
}

mym_node *mym_new_int_bytes(mym_tree *t, const uint8_t *twos_le, size_t len) {
    mym_node *n = new_node(t, MYM_INT);
    if (!n || (len && !twos_le) || len > 65535) return NULL;
    n->u.i.bytes = twos_le;
    n->u.i.nbytes = len;
    return n;
}

mym_node *mym_new_text(mym_tree *t, mym_kind kind, const void *data, size_t len) {
    mym_node *n;
    if (kind != MYM_STR && kind != MYM_BYTES && kind != MYM_DECIMAL) return NULL;
    if (len && !data) return NULL;
    n = new_node(t, kind);
    if (!n) return NULL;
    n->u.bytes.ptr = (const uint8_t *)data;
    n->u.bytes.len = len;
    return n;
}

mym_node *mym_new_seq(mym_tree *t, mym_kind kind, uint64_t count) {
    mym_node *n;
    if (kind != MYM_TUPLE && kind != MYM_LIST && kind != MYM_SET && kind != MYM_DICT) return NULL;
    if (kind == MYM_DICT && (count & 1u)) return NULL;
    n = new_node(t, kind);
    if (!n || alloc_children(t, n, count)) return NULL;
    return n;
}
