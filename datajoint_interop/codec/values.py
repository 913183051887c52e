"""Attribute values: one codec per kind of in-row attribute, its three conversions side by side.

Every kind says how a user's value is **encoded** for INSERT/UPDATE, how a value is **bound** in a
restriction, and how a fetched raw value is **decoded**. Insert, fetch, restrictions and the job
queue all convert through these codecs, so a kind's rules are read in one place. Kinds whose
values live outside the row (``blob@store``, ``attach``, ``filepath``) need the stores: they are
codecs of the same shape in ``storage/objects.py``.

``encode`` returns ``DEFAULT`` for "let the server use the column default" (None, and NaN for
numbers, as in DataJoint 0.14). ``decode`` is None for kinds whose raw values are final, so fetch
can convert those columns in bulk.
"""
import datetime
import decimal
import math
import numbers
import re
import uuid

import numpy as np

from ..core.errors import DataJointError, InvalidTextError
from ..core.settings import config
from .blob import pack_and_protocol, shares_with_matlab, unpack, warn_if_dj0

DEFAULT = object()  # marker: let the server use the column default

_BINDABLE = (int, float, str, bytes, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, uuid.UUID)


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value, label):
    """Refuse a str the server could never receive (a lone surrogate has no UTF-8 form), naming
    the attribute and the position instead of letting the driver raise UnicodeEncodeError."""
    if not value.isascii():
        found = _SURROGATE.search(value)
        if found:
            raise InvalidTextError(
                f"Text for attribute {label} holds the lone surrogate {found.group()!r} at position "
                f"{found.start()}, which has no UTF-8 form: decode the source bytes with the right "
                f"encoding, or store them in a blob/longblob attribute")
    return value


def _finite(number):
    """False for NaN and +-infinity (float or Decimal), which SQL cannot compare with."""
    return number.is_finite() if isinstance(number, decimal.Decimal) else math.isfinite(number)


def bind_value(attr, value):
    """The value the driver binds for `attr` (None: unknown attribute) in a restriction, or a clear error."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if attr is not None:
        if attr.is_uuid:
            return UuidCodec(attr).bind(value)
        if attr.is_blob or attr.is_attachment or attr.is_filepath:
            raise DataJointError(f"Attribute `{attr.name}` of type {attr.type} cannot be used in a restriction")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, decimal.Decimal)) and not _finite(value):
        name = attr.name if attr is not None else None
        raise DataJointError(
            f"Value {value!r} cannot restrict attribute `{name or '?'}`: NaN and "
            f"infinity are never equal to a stored value; restrict with a SQL condition instead "
            f"(e.g. \"{name or 'attr'} IS NULL\")")
    if isinstance(value, str):
        return check_text(value, f"`{attr.name}`" if attr is not None else "`?`")
    if isinstance(value, _BINDABLE):
        return value.bytes if isinstance(value, uuid.UUID) else value
    raise DataJointError(
        f"Value {value!r} of type {type(value).__name__} cannot be used for attribute "
        f"`{attr.name if attr is not None else '?'}`")


class Codec:
    """Base: `label` names the attribute in errors (``db.table.`attr```)."""

    decode = None  # raw values are final

    def __init__(self, attr, label=None):
        self.attr = attr
        self.label = label or f"`{attr.name}`"

    def bind(self, value):
        return bind_value(self.attr, value)


class NumericCodec(Codec):
    """Integers, floats, decimals; bools are stored as 0/1, NaN as the column default (0.14)."""

    def encode(self, v):
        if v is None:
            return DEFAULT
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, float) and math.isnan(v):
            return DEFAULT
        if isinstance(v, str) and v.strip().lower() in ("", "nan", "+nan", "-nan"):
            return DEFAULT  # an empty or NaN CSV field, as 0.14 treats it
        if isinstance(v, (numbers.Number, decimal.Decimal, str)):
            return v
        raise DataJointError(f"Invalid value {v!r} ({type(v).__name__}) for numeric attribute {self.label}")


class TextCodec(Codec):
    """Strings, enums, dates and times, and anything else stored as itself (the driver formats it)."""

    _STORED = (str, numbers.Number, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, bytes)

    def encode(self, v):
        if v is None:
            return DEFAULT
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, str):
            return check_text(v, self.label)
        if isinstance(v, self._STORED):
            return int(v) if isinstance(v, bool) else v
        if isinstance(v, uuid.UUID):
            return str(v)
        raise DataJointError(f"Invalid value {v!r} ({type(v).__name__}) for attribute {self.label} "
                             f"of type {self.attr.type}")


class UuidCodec(Codec):
    """``uuid``: binary(16) in the row; users give UUIDs, their text, or their 16 bytes."""

    def encode(self, v):
        return DEFAULT if v is None else self.bind(v)

    def bind(self, value):
        if value is None:
            return None
        try:
            if isinstance(value, uuid.UUID):
                return value.bytes
            if isinstance(value, (bytes, bytearray)) and len(value) == 16:
                return bytes(value)
            return uuid.UUID(str(value)).bytes
        except (ValueError, TypeError, AttributeError):
            raise DataJointError(f"Invalid UUID {value!r} for attribute `{self.attr.name}`") from None

    @staticmethod
    def decode(raw):
        return None if raw is None else uuid.UUID(bytes=bytes(raw))


class BlobCodec(Codec):
    """``longblob`` and friends in the row: the mYm/dj0 codec; never usable in a restriction."""

    def __init__(self, attr, label=None, squeeze=False):
        super().__init__(attr, label)
        try:  # read once per statement rather than once per value
            self.compress = bool(config["blob.compress"])
        except Exception:
            self.compress = True
        self.squeeze = squeeze
        self.database = getattr(attr, "database", None)
        self.shared = shares_with_matlab(self.database)  # checked once per statement

    def encode(self, v):
        if v is None:
            return DEFAULT
        try:
            raw, is_dj0 = pack_and_protocol(v, compress=self.compress)
            if self.shared:
                warn_if_dj0(is_dj0, self.database, self.label, v)
            return raw
        except DataJointError as e:
            raise type(e)(f"Cannot store {type(v).__name__} value in blob attribute {self.label}: {e}") from e
        except (TypeError, ValueError) as e:
            raise DataJointError(f"Cannot store {type(v).__name__} value in blob attribute {self.label}: {e}") from e

    def decode(self, raw):
        return None if raw is None else unpack(raw, squeeze=self.squeeze)


def in_row_codec(attr, label=None, squeeze=False):
    """The codec of an attribute whose value is stored in the row itself."""
    if attr.is_blob:
        return BlobCodec(attr, label, squeeze)
    if attr.is_uuid:
        return UuidCodec(attr, label)
    if attr.numeric:
        return NumericCodec(attr, label)
    return TextCodec(attr, label)
