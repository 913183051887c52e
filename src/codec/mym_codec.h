/*
 * mym_codec.h -- public C99 API of the mYm / dj0 blob codec.
 *
 * This header is shared unchanged by two callers:
 *   - the Cython extension datajoint_interop._blob (Python), and
 *   - the MATLAB/Octave MEX connector matlab/mex/mym.c.
 * It therefore includes only the C standard library: no Python, no MATLAB headers.
 * The byte format is described in docs/spec/blob-format.md; section numbers (§) refer to it.
 *
 * MODEL: a typed tree.
 *   decode : bytes  -> mym_tree (arena of mym_node)           mym_decode()
 *   encode : mym_node tree built by the caller -> bytes        mym_measure() + mym_write_plain()
 *                                                              or mym_encode() (one call)
 * A tree owns one memory arena. Every node, dims vector, child-pointer vector and field-name
 * string reachable from tree->root lives in that arena and is released by ONE mym_tree_free().
 * There is no per-node free.
 *
 * OWNERSHIP OF BULK DATA (numeric data, UTF-16 units, dj0 string/bytes payloads, sparse index
 * vectors):
 *   - Decoding, uncompressed input: data pointers point INTO the caller's input buffer (zero copy)
 *     unless MYM_DEC_COPY is set. The input buffer must then outlive the tree.
 *   - Decoding, compressed input (ZL123 envelope): the inflated bytes are owned by the tree, so
 *     data pointers stay valid until mym_tree_free(), whatever happens to the input.
 *   - Decoding with MYM_DEC_COPY: everything is copied into the arena; the input may be freed
 *     right after mym_decode() returns.
 *   - Decoded data pointers are NOT aligned for their element type (a double may start at an odd
 *     offset). Read them with memcpy, never by casting to double* and dereferencing.
 *   - Decoded data is little-endian (the format's byte order); on the supported (little-endian)
 *     hosts that is native order.
 *   - Encoding: data pointers given to the node constructors are BORROWED. The codec never frees
 *     or modifies them; they must stay valid until encoding is finished. Dims vectors and field
 *     names passed to constructors are COPIED into the arena.
 *
 * ERRORS: every function that can fail returns 0 on success or a negative MYM_E_* code, and fills
 * the caller's mym_error (message + byte offset in the input, or -1 when no offset applies).
 * The decoder never reads outside [buf, buf+len), never recurses deeper than max_depth, and checks
 * every count and length against the bytes that remain BEFORE allocating anything proportional to
 * it, so a short hostile input cannot make it allocate much more than a small multiple of its own
 * size (the one exception is inflation, which is capped by opts->max_inflated).
 *
 * THREADS: no global state; separate trees may be used from separate threads. mym_compress()
 * deflates inputs >= 4 MiB on one extra POSIX thread of its own (pure C, no MATLAB/Python calls
 * in it); build with -DMYM_NO_THREADS to keep everything on the calling thread.
 */
#ifndef MYM_CODEC_H
#define MYM_CODEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MYM_CODEC_VERSION 1

/* ------------------------------------------------------------------------------------------ */
/* Result codes                                                                                */
/* ------------------------------------------------------------------------------------------ */
#define MYM_OK              0
#define MYM_E_TRUNCATED   (-1)  /* input ended before a field / payload was complete          */
#define MYM_E_CORRUPT     (-2)  /* impossible value: bad code, bad length, trailing bytes, ...  */
#define MYM_E_LIMIT       (-3)  /* depth, dims product or size limit exceeded                  */
#define MYM_E_NOMEM       (-4)  /* malloc failed                                               */
#define MYM_E_ZLIB        (-5)  /* zlib stream invalid, or inflated size differs from header   */
#define MYM_E_HEADER      (-6)  /* not a blob: neither "mYm\0", "dj0\0" nor "ZL123\0"          */
#define MYM_E_ARG         (-7)  /* caller error while building/encoding a tree                 */
#define MYM_E_UTF         (-8)  /* invalid UTF-8 or UTF-16 in a conversion                     */
#define MYM_E_INFLATE_LIMIT (-9) /* a ZL123 blob declares more bytes than opts->max_inflated   */

typedef struct mym_error {
    int code;            /* one of MYM_E_*, 0 when no error                                    */
    int64_t offset;      /* byte offset in the (outer, as given) input, -1 if not applicable.   */
                         /* For compressed input the offset refers to the INFLATED plain bytes  */
                         /* and `in_inflated` is set.                                           */
    int in_inflated;
    char message[240];   /* NUL-terminated English text, e.g. "cell element 3: length ..."   */
} mym_error;

/* ------------------------------------------------------------------------------------------ */
/* Node kinds                                                                                  */
/* ------------------------------------------------------------------------------------------ */
typedef enum mym_kind {
    /* MATLAB-compatible (mYm header) ---------------------------------------------------------- */
    MYM_ARRAY = 1,   /* 'A' with a flat element class: logical(3), char(4), numeric(6..15),       */
                     /*     datetime64 (65536+k, dj0 only). ndims may be 0 (dj0 0-d array).      */
    MYM_STRUCT,      /* 'S' struct array: dims, field names, numel*nfields children              */
    MYM_CELL,        /* 'C' cell array: dims, numel children                                     */
    MYM_SPARSE,      /* 'P' sparse matrix (CSC): rows, cols, nzmax, jc, ir, re, im               */
    /* dj0-only (any of these anywhere forces the dj0 header) -------------------------------- */
    MYM_OBJARRAY,    /* 'A' class 5: dims, numel children (each any payload)                     */
    MYM_RECARRAY,    /* 'F' numpy structured array: field names + nfields children (one array    */
                     /*     per field, each an ARRAY/OBJARRAY/RECARRAY node of the same shape)    */
    MYM_NONE,        /* 0xFF */
    MYM_BOOL,        /* 0x0B  -> u.b                                                              */
    MYM_INT,         /* 0x0A  -> u.i (see mym_int)                                               */
    MYM_FLOAT,       /* 0x0D  -> u.f[0]                                                           */
    MYM_COMPLEX,     /* 0x0C  -> u.f[0] real, u.f[1] imag                                        */
    MYM_STR,         /* 0x05  -> u.bytes (UTF-8, not NUL-terminated)                             */
    MYM_BYTES,       /* 0x06  -> u.bytes                                                          */
    MYM_TUPLE,       /* 0x01  -> nchildren items                                                  */
    MYM_LIST,        /* 0x02  -> nchildren items                                                  */
    MYM_SET,         /* 0x03  -> nchildren items                                                  */
    MYM_DICT,        /* 0x04  -> nchildren = 2*pairs: key0, value0, key1, value1, ...             */
    MYM_DECIMAL,     /* 'd'   -> u.bytes (ASCII text of the decimal)                              */
    MYM_DATETIME,    /* 't'   -> u.dt (date/time, -1 = absent)                                    */
    MYM_UUID         /* 'u'   -> u.uuid (16 bytes, RFC 4122 order)                                */
} mym_kind;

/* MATLAB class ids used with MYM_ARRAY / MYM_SPARSE (§6.1) */
enum {
    MYM_CLASS_LOGICAL = 3, MYM_CLASS_CHAR = 4, MYM_CLASS_OBJECT = 5,
    MYM_CLASS_DOUBLE = 6, MYM_CLASS_SINGLE = 7,
    MYM_CLASS_INT8 = 8, MYM_CLASS_UINT8 = 9, MYM_CLASS_INT16 = 10, MYM_CLASS_UINT16 = 11,
    MYM_CLASS_INT32 = 12, MYM_CLASS_UINT32 = 13, MYM_CLASS_INT64 = 14, MYM_CLASS_UINT64 = 15,
    MYM_CLASS_DATETIME64 = 65536   /* + unit index k: 0..12 = Y M W D h m s ms us ns ps fs as */
};

/* node flags (mym_node.flags) */
#define MYM_NF_CHAR8      0x01u  /* decode: char data stored 1 byte per char (Octave mym, §13). */
                                 /*   elem_size is 1 and `re` holds those bytes (UTF-8 or       */
                                 /*   Latin-1 as written). Encode never writes this form.       */
#define MYM_NF_STRAYZERO  0x02u  /* decode: zero-field S/F record was followed by 0.14's stray  */
                                 /*   zero byte (§7). Encode: write that byte too (to reproduce */
                                 /*   0.14 bytes exactly); default off (mym layout).             */
#define MYM_NF_SMALLINT   0x04u  /* MYM_INT: u.i.value holds the exact value (fits in int64).   */

/* Arbitrary-size integer (dj0 0x0A). */
typedef struct mym_int {
    const uint8_t *bytes;  /* two's complement little-endian, nbytes long (may be NULL if      */
    size_t nbytes;         /* nbytes == 0 or when encoding from `value`)                        */
    int64_t value;         /* valid when MYM_NF_SMALLINT is set (decode: set when nbytes <= 8) */
} mym_int;

typedef struct mym_node mym_node;

struct mym_node {
    mym_kind kind;
    uint32_t flags;          /* MYM_NF_*                                                      */

    /* shape: ARRAY, OBJARRAY, STRUCT, CELL (ndims may be 0 only for dj0 ARRAY/OBJARRAY;       */
    /* ndims 1 is legal and is what Python 0.14 writes for 1-d arrays).                        */
    uint32_t ndims;
    uint64_t *dims;          /* ndims entries, arena-owned                                     */
    uint64_t numel;          /* product of dims (1 for ndims == 0); checked for overflow       */

    /* ARRAY and SPARSE element data */
    uint32_t class_id;       /* MYM_CLASS_*                                                    */
    uint32_t is_complex;     /* 0 or 1 (decoder normalizes any nonzero value to 1)            */
    uint32_t elem_size;      /* bytes per element: 1,2,4,8 (char: 2, or 1 with MYM_NF_CHAR8)  */
    const void *re;          /* numel (ARRAY) or nzmax (SPARSE) elements, unaligned, LE       */
    const void *im;          /* same size, only when is_complex                                */

    /* SPARSE (compressed sparse column) */
    uint64_t rows, cols, nzmax;
    const void *jc;          /* cols+1 x u64 LE (unaligned; decoded from 32-bit blobs they are  */
    const void *ir;          /* nzmax  x u64 LE  widened into the arena, so always u64 here)   */

    /* children: STRUCT (numel*nfields, element-major: e0f0 e0f1 .. e1f0 ..), CELL and         */
    /* OBJARRAY (numel, column-major), TUPLE/LIST/SET (items), DICT (2*pairs), RECARRAY        */
    /* (nfields, one per field). Entries are never NULL in a decoded tree; when encoding, a    */
    /* NULL child of STRUCT/CELL is written as a 0x0 double (what mym does for missing data).  */
    uint64_t nchildren;
    mym_node **children;

    /* STRUCT and RECARRAY field names: NUL-terminated, arena-owned                           */
    uint32_t nfields;
    char **fields;

    /* dj0 scalars */
    union {
        int b;                                   /* MYM_BOOL                                   */
        double f[2];                             /* MYM_FLOAT (f[0]), MYM_COMPLEX              */
        mym_int i;                               /* MYM_INT                                    */
        struct { const uint8_t *ptr; size_t len; } bytes;  /* STR, BYTES, DECIMAL              */
        struct { int32_t date; int64_t time; } dt;         /* DATETIME (-1 = absent)           */
        uint8_t uuid[16];                        /* UUID                                       */
    } u;
};

/* ------------------------------------------------------------------------------------------ */
/* Trees and arena                                                                             */
/* ------------------------------------------------------------------------------------------ */
typedef enum mym_header { MYM_HDR_AUTO = 0, MYM_HDR_MYM = 1, MYM_HDR_DJ0 = 2 } mym_header;

typedef struct mym_arena_block mym_arena_block;   /* opaque */

typedef struct mym_tree {
    mym_node *root;            /* decode: the top-level payload. encode: set by caller         */
    /* filled by mym_decode(): */
    mym_header header;         /* which header the blob carried                                */
    int compressed;            /* 1 if it had a ZL123 envelope                                 */
    int dims32;                /* 1 if it was read as legacy 32-bit dims (§11)                 */
    uint64_t plain_length;     /* length of the plain (header + payload) bytes                */
    /* private */
    mym_arena_block *arena;
    uint8_t *owned;            /* inflated plain bytes when compressed                         */
    mym_arena_block *spare;    /* emptied blocks kept by mym_tree_reset for the next use       */
} mym_tree;

mym_tree *mym_tree_new(void);                 /* NULL on out of memory                        */
void      mym_tree_free(mym_tree *t);         /* frees arena + owned bytes; NULL is a no-op   */
/* Empties t for reuse (every node and pointer into it becomes invalid), keeping up to `keep`
 * bytes of its arena blocks: a caller encoding many values in a row then neither returns that
 * memory to the system nor faults it back in (for a cell of 10,000 strings that is most of
 * the time). */
void      mym_tree_reset(mym_tree *t, size_t keep);
void     *mym_arena_alloc(mym_tree *t, size_t n);   /* 16-byte aligned, zeroed; NULL on OOM  */

/* ------------------------------------------------------------------------------------------ */
/* Decoding                                                                                    */
/* ------------------------------------------------------------------------------------------ */
typedef enum mym_dims_mode {
    MYM_DIMS_AUTO = 0,   /* parse as 64-bit; if that fails, as legacy 32-bit (§11 rule 3)    */
    MYM_DIMS_64   = 1,
    MYM_DIMS_32   = 2
} mym_dims_mode;

#define MYM_DEC_COPY        0x01u  /* copy bulk data into the arena (input may be freed)      */
#define MYM_DEC_NO_CHAR8    0x02u  /* do not detect Octave 1-byte chars                       */
#define MYM_DEC_LENIENT     0x04u  /* tolerate trailing bytes / item length mismatches        */
                                   /*   (mym behaviour); default is strict (Python behaviour)  */

typedef struct mym_decode_opts {
    uint32_t flags;          /* MYM_DEC_*                                                      */
    mym_dims_mode dims_mode;
    uint32_t max_depth;      /* nesting limit; 0 means default MYM_DEFAULT_MAX_DEPTH           */
    uint64_t max_inflated;   /* cap on the ZL123 size field; 0 means MYM_DEFAULT_MAX_INFLATED;
                                over it: MYM_E_INFLATE_LIMIT (callers name their setting)       */
} mym_decode_opts;

#define MYM_DEFAULT_MAX_DEPTH     256u
/* 1 GiB: a 1 MiB compressed blob may declare ~1 GB, so a hostile row costs at most this much
   memory unless the user raises the limit (Python: config['blob.max_decompressed_size'],
   MATLAB: dj.config('blobMaxDecompressedSize'), mym('max_decompressed_size', bytes)) */
#define MYM_DEFAULT_MAX_INFLATED  ((uint64_t)1 << 30)

/* Fill *opts with the defaults (strict, auto dims, char8 detection on). */
void mym_decode_opts_init(mym_decode_opts *opts);

/*
 * Decode one blob. `opts` may be NULL (defaults). On success *out is a new tree (free it with
 * mym_tree_free); on failure *out is NULL and err describes the problem.
 *
 * Char detection (Octave mym wrote 1 byte per char, §13): an 'A' class-4 payload whose slot has
 * a known exact size (top level, or a length-prefixed cell/struct/object element) and whose data
 * occupies exactly numel bytes instead of 2*numel is returned with MYM_NF_CHAR8 and elem_size 1.
 */
int mym_decode(const uint8_t *buf, size_t len, const mym_decode_opts *opts,
               mym_tree **out, mym_error *err);

/* ------------------------------------------------------------------------------------------ */
/* Encoding                                                                                    */
/* ------------------------------------------------------------------------------------------ */
typedef enum mym_compress_rule {
    MYM_COMPRESS_NONE = 0,
    MYM_COMPRESS_MYM  = 1,   /* L > 1000 && L / (14 + C) > 1.1  (single precision, as mym)     */
    MYM_COMPRESS_PY   = 2    /* L > 1000 && 14 + C < L          (DataJoint for Python 0.14)    */
} mym_compress_rule;

typedef struct mym_encode_opts {
    mym_header header;         /* AUTO: mYm unless a dj0 node/array variant occurs (§12.1)    */
    mym_compress_rule compress;
    int level;                 /* zlib level 1..9; 0 means MYM_DEFAULT_ZLEVEL                  */
    uint32_t max_depth;        /* 0 means MYM_DEFAULT_MAX_DEPTH                                */
} mym_encode_opts;

#define MYM_DEFAULT_ZLEVEL 1

void mym_encode_opts_init(mym_encode_opts *opts);   /* AUTO header, MYM rule, default level */

typedef struct mym_encoded_info {
    uint64_t plain_length;     /* header + payload bytes                                       */
    mym_header header;         /* header that will be written (resolved from AUTO)             */
} mym_encoded_info;

/* Validate a tree and compute the exact size of its plain (uncompressed) encoding. Fails with
 * MYM_E_ARG for inconsistent nodes (children count != numel*nfields, NULL data with numel > 0,
 * bad class id, field names that are empty or contain NUL, etc.). `header` as in opts. */
int mym_measure(const mym_node *root, mym_header header, uint32_t max_depth,
                mym_encoded_info *info, mym_error *err);

/* Write exactly info->plain_length bytes (header + payload) into dst. The tree must not have
 * changed since mym_measure(). */
int mym_write_plain(const mym_node *root, const mym_encoded_info *info, uint8_t *dst,
                    mym_error *err);

/* Growable output buffer (malloc-backed). */
typedef struct mym_buffer {
    uint8_t *data;
    size_t len, cap;
} mym_buffer;

void mym_buffer_init(mym_buffer *b);
void mym_buffer_free(mym_buffer *b);

/* Apply the compression envelope to plain bytes according to `rule`. *compressed is set to 1 and
 * `out` receives the complete envelope when the rule says to compress; otherwise *compressed is 0
 * and `out` is left empty (the caller keeps using `plain`). Gives up early (without finishing the
 * deflate) when the output can no longer satisfy the rule, and skips inputs >= 1 MiB whose four
 * 64 KiB samples compress by less than 5% (MYM rule) or not at all (PY rule): such a blob is
 * stored uncompressed, which every reader accepts. */
int mym_compress(const uint8_t *plain, size_t len, mym_compress_rule rule, int level,
                 mym_buffer *out, int *compressed, mym_error *err);

/* Convenience: measure + write + compress into `out` (the final blob bytes). */
int mym_encode(const mym_node *root, const mym_encode_opts *opts, mym_buffer *out,
               mym_error *err);

/* ------------------------------------------------------------------------------------------ */
/* Node constructors (for callers that build trees, e.g. the MEX from mxArrays)               */
/* All return NULL only on out-of-memory or invalid arguments (dims product overflow). Dims    */
/* and names are copied; data pointers are borrowed. Children arrays are allocated zeroed and  */
/* filled by the caller: node->children[i] = child.                                            */
/* ------------------------------------------------------------------------------------------ */

/* numeric / logical / char / datetime64 array. elem_size is derived from class_id. */
mym_node *mym_new_array(mym_tree *t, uint32_t class_id, int is_complex, uint32_t ndims,
                        const uint64_t *dims, const void *re, const void *im);
/* char array from UTF-16 code units (class 4) */
mym_node *mym_new_char16(mym_tree *t, uint32_t ndims, const uint64_t *dims, const uint16_t *units);
/* 1xN char row from UTF-8 text: converted to UTF-16 units owned by the arena. NULL + err on
 * invalid UTF-8. (The MEX under Octave, where mxChar is 8-bit UTF-8, needs exactly this.) */
mym_node *mym_new_char_utf8(mym_tree *t, const char *utf8, size_t nbytes, mym_error *err);
mym_node *mym_new_struct(mym_tree *t, uint32_t ndims, const uint64_t *dims, uint32_t nfields,
                         const char *const *names);
mym_node *mym_new_cell(mym_tree *t, uint32_t ndims, const uint64_t *dims);
mym_node *mym_new_objarray(mym_tree *t, uint32_t ndims, const uint64_t *dims);
mym_node *mym_new_sparse(mym_tree *t, uint32_t class_id, int is_complex, uint64_t rows,
                         uint64_t cols, uint64_t nzmax, const uint64_t *jc, const uint64_t *ir,
                         const void *re, const void *im);
mym_node *mym_new_recarray(mym_tree *t, uint32_t nfields, const char *const *names);
mym_node *mym_new_scalar(mym_tree *t, mym_kind kind);     /* NONE, BOOL, FLOAT, COMPLEX, UUID,  */
                                                          /* DATETIME: then set node->u.*       */
mym_node *mym_new_int64(mym_tree *t, int64_t v);
mym_node *mym_new_int_bytes(mym_tree *t, const uint8_t *twos_le, size_t n);   /* borrowed     */
mym_node *mym_new_text(mym_tree *t, mym_kind kind, const void *data, size_t n); /* STR, BYTES,
                                                                                 DECIMAL; borrowed */
mym_node *mym_new_seq(mym_tree *t, mym_kind kind, uint64_t n);  /* TUPLE, LIST, SET: n items;  */
                                                                /* DICT: n = 2 * pairs          */

/* Bytes per element for a class id (0 for unknown/5). */
uint32_t mym_class_elem_size(uint32_t class_id);

/* ------------------------------------------------------------------------------------------ */
/* UTF-8 <-> UTF-16 helpers                                                                    */
/* ------------------------------------------------------------------------------------------ */
/* Units may be unaligned little-endian (as decoded). Two calls: first with out == NULL to get
 * the required size in *needed, then with a buffer of that size. */

/* Strict UTF-16 -> UTF-8. Unpaired surrogates are an error (MYM_E_UTF) unless `lenient`,
 * in which case they are encoded as U+FFFD. */
int mym_utf16_to_utf8(const void *units_le, size_t nunits, int lenient,
                      char *out, size_t cap, size_t *needed);
/* Strict UTF-8 -> UTF-16 (rejects overlongs, surrogates, > U+10FFFF). out is native uint16. */
int mym_utf8_to_utf16(const char *utf8, size_t nbytes, uint16_t *out, size_t cap,
                      size_t *needed);

#ifdef __cplusplus
}
#endif
#endif /* MYM_CODEC_H */
