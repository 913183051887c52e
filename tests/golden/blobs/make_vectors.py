"""Regenerate the golden blob vectors in this folder: ``python tests/golden/blobs/make_vectors.py``.

The bytes of MATLAB vectors come from a deliberately tiny, independent writer below (struct.pack
over the typed value description), NOT from the codec under test, so the golden files can catch
codec bugs. dj0 vectors are produced by DataJoint 0.14's ``pack`` (the reference writer) and are
checked against the hex published in the spec. Run it only when adding vectors; review the diff.
"""
import json
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

CLASS_IDS = {"logical": 3, "char": 4, "double": 6, "single": 7, "int8": 8, "uint8": 9,
             "int16": 10, "uint16": 11, "int32": 12, "uint32": 13, "int64": 14, "uint64": 15}
FORMATS = {"logical": "B", "double": "d", "single": "f", "int8": "b", "uint8": "B",
           "int16": "h", "uint16": "H", "int32": "i", "uint32": "I", "int64": "q", "uint64": "Q"}


# ---- value description helpers -----------------------------------------------------------------
def jnum(x, cls):
    """JSON form of one element (specials and 64-bit integers as strings)."""
    if cls in ("int64", "uint64"):
        return str(int(x))
    if cls == "logical":
        return bool(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Inf" if x > 0 else "-Inf"
        if x == 0 and math.copysign(1, x) < 0:
            return "-0"
    return x


def num(cls, dims, real, imag=None):
    v = {"class": cls, "dims": list(dims), "real": [jnum(x, cls) for x in real]}
    if imag is not None:
        v["imag"] = [jnum(x, cls) for x in imag]
    return v


def char(text=None, dims=None, units=None):
    if units is None:
        raw = text.encode("utf-16-le")
        units = list(struct.unpack("<%dH" % (len(raw) // 2), raw))
    if dims is None:
        dims = [1, len(units)] if units else [0, 0]
    v = {"class": "char", "dims": list(dims), "utf16": units}
    if text is not None and len(dims) == 2 and dims[0] == 1:
        v["text"] = text
    return v


def struct_(dims, fields, values):
    return {"class": "struct", "dims": list(dims), "fields": list(fields), "values": values}


def cell(dims, elements):
    return {"class": "cell", "dims": list(dims), "elements": elements}


def sparse(rows, cols, i, j, real, imag=None, logical=False):
    v = {"class": "sparse", "rows": rows, "cols": cols, "logical": logical,
         "i": list(i), "j": list(j), "real": [jnum(x, "logical" if logical else "double") for x in real]}
    if imag is not None:
        v["imag"] = list(imag)
    return v


# ---- independent reference writer for MATLAB values --------------------------------------------
def _unjson(x, cls):
    if cls in ("int64", "uint64"):
        return int(x)
    if isinstance(x, str):
        return {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf, "-0": -0.0}[x]
    return x


def _dims(dims, size=8):
    f = "<Q" if size == 8 else "<I"
    return struct.pack(f, len(dims)) + b"".join(struct.pack(f, d) for d in dims)


def write(v, size=8):
    """Payload bytes of a typed value description (size=4 -> legacy 32-bit dims)."""
    c = v["class"]
    item = (lambda b: struct.pack("<Q" if size == 8 else "<I", len(b)) + b)
    if c == "char":
        return (b"A" + _dims(v["dims"], size) + struct.pack("<II", 4, 0) +
                struct.pack("<%dH" % len(v["utf16"]), *v["utf16"]))
    if c in FORMATS:
        fmt = "<%d%s" % (len(v["real"]), FORMATS[c])
        data = struct.pack(fmt, *[_unjson(x, c) for x in v["real"]])
        if "imag" in v:
            data += struct.pack(fmt, *[_unjson(x, c) for x in v["imag"]])
        return b"A" + _dims(v["dims"], size) + struct.pack("<II", CLASS_IDS[c], "imag" in v) + data
    if c == "struct":
        out = b"S" + _dims(v["dims"], size) + struct.pack("<I", len(v["fields"]))
        out += b"".join(f.encode() + b"\0" for f in v["fields"])
        return out + b"".join(item(write(x, size)) for x in v["values"])
    if c == "cell":
        return b"C" + _dims(v["dims"], size) + b"".join(item(write(x, size)) for x in v["elements"])
    if c == "sparse":
        f = "<Q" if size == 8 else "<I"
        nnz = len(v["i"])
        jc = [sum(1 for j in v["j"] if j < col) for col in range(v["cols"] + 1)]
        out = b"P" + b"".join(struct.pack(f, x) for x in (v["rows"], v["cols"], nnz))
        cls, fmt = (3, "B") if v["logical"] else (6, "d")
        out += struct.pack("<II", cls, "imag" in v)
        out += b"".join(struct.pack(f, x) for x in jc) + b"".join(struct.pack(f, x) for x in v["i"])
        out += struct.pack("<%d%s" % (nnz, fmt), *[_unjson(x, "double") for x in v["real"]])
        if "imag" in v:
            out += struct.pack("<%dd" % nnz, *v["imag"])
        return out
    if c == "containers.Map":   # what MATLAB saves a Map as: a dj0 dict (spec §10), values mYm payloads
        out = b"\x04" + struct.pack("<Q", len(v["keys"]))
        for k, x in zip(v["keys"], v["values"]):
            out += item(_map_key(k)) + item(write(x, size))
        return out
    raise ValueError(c)


def _map_key(k):
    """dj0 payload of a Map key: str, or an int when integral within 2^53, else a float."""
    if k["class"] == "char":
        text = k["text"].encode("utf-8")
        return b"\x05" + struct.pack("<Q", len(text)) + text
    x = _unjson(k["real"][0], "double")
    if x == int(x) and abs(x) <= 2**53:
        n = abs(int(x)).bit_length() // 8 + 1
        return b"\x0a" + struct.pack("<H", n) + int(x).to_bytes(n, "little", signed=True)
    return b"\x0d" + struct.pack("<d", x)


def _has_map(v):
    if v["class"] == "containers.Map":
        return True
    return any(_has_map(x) for x in v.get("values", []) + v.get("elements", []))


def blob(v, size=8):
    return (b"dj0\0" if _has_map(v) else b"mYm\0") + write(v, size)


def envelope(plain, size=8, level=6):
    return b"ZL123\0" + struct.pack("<Q" if size == 8 else "<I", len(plain)) + zlib.compress(plain, level)


# ---- the vectors --------------------------------------------------------------------------------
def matlab_vectors():
    V = {}
    ints = {"int8": [-128, 0, 127], "uint8": [0, 1, 255], "int16": [-32768, 5, 32767],
            "uint16": [0, 7, 65535], "int32": [-2**31, 9, 2**31 - 1], "uint32": [0, 11, 2**32 - 1],
            "int64": [-2**63, -1, 2**63 - 1], "uint64": [0, 2**53 + 1, 2**64 - 1]}
    V["double_row"] = num("double", [1, 3], [1.0, 2.0, 3.0])
    V["double_scalar"] = num("double", [1, 1], [5.0])
    V["double_specials"] = num("double", [1, 5], [math.nan, math.inf, -math.inf, -0.0, 1e-310])
    V["double_matrix_2x3"] = num("double", [2, 3], [0.0, 3.0, 1.0, 4.0, 2.0, 5.0])
    V["double_complex"] = num("double", [1, 2], [1.0, -0.0], [-2.0, math.inf])
    V["single_col"] = num("single", [3, 1], [1.5, -2.25, 1e30])
    V["single_complex"] = num("single", [1, 2], [1.5, 0.0], [-1.0, 2.5])
    for cls, vals in ints.items():
        V[cls + "_row"] = num(cls, [1, 3], vals)
        V[cls + "_complex"] = num(cls, [1, 3], vals, list(reversed(vals)))
    V["logical_2x2"] = num("logical", [2, 2], [True, False, False, True])
    V["empty_double_0x0"] = num("double", [0, 0], [])
    V["empty_double_1x0"] = num("double", [1, 0], [])
    V["empty_int16_0x3"] = num("int16", [0, 3], [])
    V["empty_logical_0x0"] = num("logical", [0, 0], [])
    V["nd_double_2x3x4"] = num("double", [2, 3, 4], [float(k) for k in range(24)])
    V["nd_uint8_2x1x2"] = num("uint8", [2, 1, 2], [1, 2, 3, 4])
    V["char_ascii"] = char("hello world")
    V["char_single"] = char("a")
    V["char_empty"] = char("", dims=[0, 0], units=[])
    V["char_empty_1x0"] = char("", dims=[1, 0], units=[])
    V["char_latin1"] = char("héllo")
    V["char_bmp"] = char("Ωmega €")
    V["char_emoji_surrogates"] = char("a😀b")
    V["char_matrix_2x3"] = {"class": "char", "dims": [2, 3],
                            "utf16": [ord(c) for c in "adbecf"]}  # rows 'abc' and 'def'
    V["struct_1x1"] = struct_([1, 1], ["x"], [num("double", [1, 1], [1.0])])
    V["struct_1x1_mixed"] = struct_([1, 1], ["name", "data", "flag"], [
        char("mouse"), num("double", [2, 2], [1.0, 2.0, 3.0, 4.0]), num("logical", [1, 1], [True])])
    V["struct_array_1x3"] = struct_([1, 3], ["a", "b"], [
        num("double", [1, 1], [1.0]), char("one"),
        num("double", [1, 1], [2.0]), char("two"),
        num("int32", [1, 2], [3, 4]), char("")])
    V["struct_nested"] = struct_([1, 1], ["inner", "n"], [
        struct_([1, 1], ["deep"], [struct_([1, 1], ["v"], [num("double", [1, 1], [7.0])])]),
        num("uint8", [1, 1], [3])])
    V["struct_zero_fields_1x1"] = struct_([1, 1], [], [])
    V["struct_zero_fields_0x0"] = struct_([0, 0], [], [])
    V["struct_empty_with_fields"] = struct_([0, 0], ["a", "b"], [])
    V["struct_2x2"] = struct_([2, 2], ["k"], [num("double", [1, 1], [float(k)]) for k in range(4)])
    V["cell_empty_0x0"] = cell([0, 0], [])
    V["cell_1x0"] = cell([1, 0], [])
    V["cell_mixed"] = cell([1, 2], [num("double", [1, 1], [1.0]), char("a")])
    V["cell_vectors"] = cell([1, 2], [num("double", [1, 2], [1.0, 2.0]), num("double", [1, 2], [3.0, 4.0])])
    V["cell_of_one_vector"] = cell([1, 1], [num("double", [1, 3], [1.0, 2.0, 3.0])])
    V["cell_of_empties"] = cell([1, 2], [num("double", [0, 0], []), num("double", [0, 0], [])])
    V["cell_of_strings"] = cell([2, 1], [char("ab"), char("c")])
    V["cell_scalars"] = cell([1, 2], [num("double", [1, 1], [1.0]), num("double", [1, 1], [2.0])])
    V["cell_nested"] = cell([1, 2], [cell([1, 1], [char("x")]), cell([0, 0], [])])
    V["cell_2x2_structs"] = cell([2, 2], [struct_([1, 1], ["f"], [num("double", [1, 1], [float(k)])])
                                          for k in range(4)])
    V["cell_in_struct"] = struct_([1, 1], ["c"], [cell([1, 2], [char("é"), num("int8", [1, 1], [-3])])])
    V["sparse_real"] = sparse(2, 2, [1, 0], [0, 1], [3.0, 2.0])
    V["sparse_complex"] = sparse(3, 2, [0, 2], [0, 1], [1.0, -1.0], imag=[0.5, 2.0])
    V["sparse_logical"] = sparse(2, 3, [0, 1], [0, 2], [True, True], logical=True)
    V["sparse_empty"] = sparse(4, 3, [], [], [])
    V["sparse_in_cell"] = cell([1, 1], [sparse(1, 1, [0], [0], [9.0])])
    return V


def dj0_vectors():
    """Python-only values: hex from DataJoint 0.14 pack (the reference writer)."""
    return {
        "dj0_none": "None",
        "dj0_true": "True",
        "dj0_int_minus1": "-1",
        "dj0_int_128": "128",
        "dj0_int_minus129": "-129",
        "dj0_int_big": "2**64",
        "dj0_int_negbig": "-(2**70) + 5",
        "dj0_float": "1.5",
        "dj0_float_negzero": "-0.0",
        "dj0_complex": "1-2j",
        "dj0_str": "'é'",
        "dj0_bytes": "b'\\x00\\x01'",
        "dj0_tuple": "(1, 2)",
        "dj0_list": "[1, 'a']",
        "dj0_dict": "{'k': 1}",
        "dj0_nested": "{'a': [1, (2.5, None)], 'b': {'c': b'x'}}",
        "dj0_decimal": "decimal.Decimal('1.50')",
        "dj0_date": "datetime.date(2024, 1, 2)",
        "dj0_datetime": "datetime.datetime(2024, 1, 2, 3, 4, 5, 6)",
        "dj0_time": "datetime.time(13, 14, 15, 16)",
        "dj0_uuid": "uuid.UUID('12345678-1234-5678-1234-567812345678')",
        "dj0_np_float64_scalar": "np.float64(2.5)",
        "dj0_np_int32_scalar": "np.int32(7)",
        "dj0_np_bool_scalar": "np.bool_(True)",
        "dj0_unicode_array": "np.array(['ab', 'c'])",
        "dj0_object_array": "np.array([1, 'x', None], dtype=object)",
        "dj0_datetime64_scalar": "np.datetime64('2024-01-02')",
        "dj0_datetime64_array": "np.array(['2024-01-02T03:04:05', '1970-01-01T00:00:00'], dtype='datetime64[s]')",
        "dj0_recarray": "np.array([(1.0, 2)], dtype=[('x', 'f8'), ('y', 'i8')])",
        "dj0_empty_list": "[]",
        "dj0_empty_str": "''",
        "dj0_set_numbers": "{10, 3, -1}",
        "dj0_dict_text_keys": "{'a b': 1.5, 'c': 'x'}",
        "dj0_dict_number_keys": "{1: 'x', 2.5: None}",
        "dj0_dict_mixed_keys": "{1: 2, 'b': 3}",
        "dj0_int_uint64": "2**63",
        "dj0_decimal_text": "decimal.Decimal('1234567890.123456789')",
        "dj0_datetime64_ns": "np.array(['2024-01-02T03:04:05.123456789', 'NaT'], dtype='datetime64[ns]')",
        "dj0_nested_error": "[1, {'k': [2**70]}]",
    }


NOFORM = "mYm:CrossPlatform:Compatibility"


def dj0_matlab():
    """What MATLAB/Octave decode each dj0 vector to (docs/blobs.md, "dj0 in MATLAB"): a typed
    description, a containers.Map description, or the error id of a value with no MATLAB form."""
    i64 = lambda x: num("int64", [1, 1], [x])  # noqa: E731
    dbl = lambda x: num("double", [1, 1], [x])  # noqa: E731
    empty = num("double", [0, 0], [])
    return {
        "dj0_none": empty,
        "dj0_true": num("logical", [1, 1], [True]),
        "dj0_int_minus1": i64(-1),
        "dj0_int_128": i64(128),
        "dj0_int_minus129": i64(-129),
        "dj0_int_big": NOFORM,
        "dj0_int_negbig": NOFORM,
        "dj0_float": dbl(1.5),
        "dj0_float_negzero": dbl(-0.0),
        "dj0_complex": num("double", [1, 1], [1.0], [-2.0]),
        "dj0_str": char("é"),
        "dj0_bytes": num("uint8", [1, 2], [0, 1]),
        "dj0_tuple": cell([1, 2], [i64(1), i64(2)]),
        "dj0_list": cell([1, 2], [i64(1), char("a")]),
        "dj0_dict": struct_([1, 1], ["k"], [i64(1)]),
        "dj0_nested": struct_([1, 1], ["a", "b"], [
            cell([1, 2], [i64(1), cell([1, 2], [dbl(2.5), empty])]),
            struct_([1, 1], ["c"], [num("uint8", [1, 1], [120])])]),
        "dj0_decimal": dbl(1.5),
        "dj0_date": char("2024-01-02"),
        "dj0_datetime": char("2024-01-02T03:04:05.000006"),
        "dj0_time": char("13:14:15.000016"),
        "dj0_uuid": char("12345678-1234-5678-1234-567812345678"),
        "dj0_np_float64_scalar": dbl(2.5),
        "dj0_np_int32_scalar": num("int32", [1, 1], [7]),
        "dj0_np_bool_scalar": num("logical", [1, 1], [True]),
        "dj0_unicode_array": cell([2, 1], [char("ab"), char("c")]),
        "dj0_object_array": cell([3, 1], [i64(1), char("x"), empty]),
        "dj0_datetime64_scalar": char("2024-01-02"),
        "dj0_datetime64_array": cell([2, 1], [char("2024-01-02T03:04:05"), char("1970-01-01T00:00:00")]),
        "dj0_recarray": struct_([1, 1], ["x", "y"], [dbl(1.0), i64(2)]),
        "dj0_empty_list": cell([0, 0], []),
        "dj0_empty_str": char(""),
        "dj0_set_numbers": cell([1, 3], [i64(-1), i64(3), i64(10)]),
        "dj0_dict_text_keys": {"class": "containers.Map", "keys": [char("a b"), char("c")],
                               "values": [dbl(1.5), char("x")]},
        "dj0_dict_number_keys": {"class": "containers.Map", "keys": [dbl(1.0), dbl(2.5)],
                                 "values": [char("x"), empty]},
        "dj0_dict_mixed_keys": NOFORM,
        "dj0_int_uint64": num("uint64", [1, 1], [2**63]),
        "dj0_decimal_text": char("1234567890.123456789"),
        "dj0_datetime64_ns": cell([2, 1], [char("2024-01-02T03:04:05.123456789"), char("NaT")]),
        "dj0_nested_error": NOFORM,
    }


# What Python reads back (after dj.blob.unpack and the reading rule of docs/blobs.md, "MATLAB
# re-saves") from the bytes MATLAB writes when it re-saves the decoded value; only where that
# differs from the original Python value.
DJ0_RESAVED = {
    "dj0_tuple": "[1, 2]",
    "dj0_nested": "{'a': [1, [2.5, None]], 'b': {'c': b'x'}}",
    "dj0_date": "'2024-01-02'",
    "dj0_datetime": "'2024-01-02T03:04:05.000006'",
    "dj0_time": "'13:14:15.000016'",
    "dj0_uuid": "'12345678-1234-5678-1234-567812345678'",
    "dj0_decimal": "1.5",
    "dj0_decimal_text": "'1234567890.123456789'",
    "dj0_unicode_array": "['ab', 'c']",
    "dj0_object_array": "[1, 'x', None]",
    "dj0_datetime64_scalar": "'2024-01-02'",
    "dj0_datetime64_array": "['2024-01-02T03:04:05', '1970-01-01T00:00:00']",
    "dj0_datetime64_ns": "['2024-01-02T03:04:05.123456789', 'NaT']",
    "dj0_recarray": "{'x': 1.0, 'y': 2}",
    "dj0_set_numbers": "[-1, 3, 10]",
    "dj0_np_float64_scalar": "2.5",
    "dj0_np_int32_scalar": "7",
    "dj0_np_bool_scalar": "True",
}


def main():
    import datajoint.blob as djb  # the 0.14 oracle, used only to generate dj0 hex
    import datetime, decimal, uuid  # noqa: F401  (names used by eval)
    import numpy as np  # noqa: F401

    for name in os.listdir(HERE):
        if name.endswith(".json"):
            os.remove(os.path.join(HERE, name))

    def save(name, hexstr, matlab, value, **extra):
        doc = {"name": name, "hex": hexstr, "matlab": matlab, "value": value}
        doc.update(extra)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")

    for name, v in matlab_vectors().items():
        save(name, blob(v).hex(), True, v)

    # compressed: spec §15.6 bytes (zlib level 6, as both reference writers produce)
    zeros = num("double", [1, 200], [0.0] * 200)
    env = envelope(blob(zeros))
    assert env.hex() == ("5a4c31323300" "6506000000000000" "789ccb8dcc65706462800046287d024ab3318c825130"
                         "0a46c1281805e40300770c0246"), env.hex()
    save("compressed_zeros_1x200", env.hex(), True, zeros, reencode=False,
         note="compressed with zlib level 6: decode only; compressed bytes are not canonical")
    # legacy 32-bit dims (spec §11)
    v = num("double", [1, 2], [1.5, 2.5])
    assert blob(v, 4).hex() == ("6d596d0041020000000100000002000000060000000000000000000000"
                                "0000f83f0000000000000440")
    save("legacy32_double_1x2", blob(v, 4).hex(), True, v, reencode=False, dims32=True)
    v = struct_([1, 1], ["s"], [char("hi")])
    save("legacy32_struct", blob(v, 4).hex(), True, v, reencode=False, dims32=True)
    v = cell([1, 2], [num("double", [1, 1], [1.0]), char("ab")])
    save("legacy32_cell_compressed", envelope(blob(v, 4) + b"", 4).hex(), True, v,
         reencode=False, dims32=True)
    # Octave-built mym: chars written one byte each (UTF-8 bytes in practice)
    for name, text in (("octave_char8_ascii_in_cell", "abc"), ("octave_char8_utf8_in_struct", "hé")):
        raw = text.encode("utf-8")
        payload = (b"A" + _dims([1, len(raw)]) + struct.pack("<II", 4, 0) + raw)
        if "cell" in name:
            plain = b"mYm\0C" + _dims([1, 1]) + struct.pack("<Q", len(payload)) + payload
            value = cell([1, 1], [char(text)])
        else:
            plain = (b"mYm\0S" + _dims([1, 1]) + struct.pack("<I", 1) + b"t\0" +
                     struct.pack("<Q", len(payload)) + payload)
            value = struct_([1, 1], ["t"], [char(text)])
        save(name, plain.hex(), True, value, reencode=False,
             note="Octave mym wrote 1 byte per char; decoders recognise it from the element length")
    raw = b"xyz"
    save("octave_char8_toplevel", (b"mYm\0A" + _dims([1, 3]) + struct.pack("<II", 4, 0) + raw).hex(),
         True, char("xyz"), reencode=False)
    # 0.14 writes a stray zero byte after a zero-field struct (spec §7)
    save("py014_struct_zero_fields_stray_byte",
         (b"mYm\0S" + _dims([1, 1]) + struct.pack("<I", 0) + b"\0").hex(), True,
         struct_([1, 1], [], []), reencode=False, note="DataJoint 0.14 writer layout")

    # what decoding gives when it differs from the packed value (0.14 semantics)
    decoded = {"dj0_unicode_array": "np.array(['ab', 'c'], dtype=object)",
               "dj0_recarray": "np.rec.array([(1.0, 2)], dtype=[('x', 'f8'), ('y', 'i8')])"}
    # Python writes 1-d arrays with ndims = 1 (still mYm); MATLAB reads an n x 1 column
    for name, v in (("py014_logical_1d", num("logical", [2], [True, False])),
                    ("py014_double_1d", num("double", [3], [1.0, -2.5, 0.0]))):
        save(name, blob(v).hex(), True, v, reencode=False,
             note="ndims = 1 as DataJoint 0.14 writes 1-d arrays; MATLAB sees an n x 1 column "
                  "and re-encodes it with 2 dims")
    assert blob(num("logical", [2], [True, False])).hex() == (
        "6d596d00410100000000000000020000000000000003000000000000000100")  # spec §15.7
    for name, expr in dj0_vectors().items():
        value = eval(expr)
        desc = {"class": "python", "repr": expr}
        if name in decoded:
            desc["decoded"] = decoded[name]
        extra = {}
        m = dj0_matlab()[name]
        if isinstance(m, str):
            extra["matlab_error"] = m
        else:
            extra["matlab_value"] = m
            extra["matlab_hex"] = blob(m).hex()
            extra["resaved"] = DJ0_RESAVED.get(name, expr)
        save(name, djb.pack(value, compress=False).hex(), False, desc, **extra)


if __name__ == "__main__":
    main()
