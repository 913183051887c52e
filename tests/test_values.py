"""codec/values.py: each in-row kind's encode (insert), bind (restriction) and decode (fetch)."""
import datetime
import decimal
import uuid

import numpy as np
import pytest

from datajoint_interop.codec.values import (DEFAULT, BlobCodec, NumericCodec, TextCodec, UuidCodec, bind_value,
                                            in_row_codec)
from datajoint_interop.errors import DataJointError
from datajoint_interop.heading import make_attribute


def attr(name, sql_type):
    return make_attribute(name, sql_type)


def test_each_kind_gets_its_codec():
    assert type(in_row_codec(attr("n", "int"))) is NumericCodec
    assert type(in_row_codec(attr("s", "varchar(8)"))) is TextCodec
    assert type(in_row_codec(attr("d", "datetime"))) is TextCodec
    assert type(in_row_codec(attr("u", "uuid"))) is UuidCodec
    assert type(in_row_codec(attr("b", "longblob"))) is BlobCodec


def test_numeric():
    codec = NumericCodec(attr("n", "double"))
    assert codec.encode(None) is DEFAULT and codec.encode(float("nan")) is DEFAULT
    assert codec.encode(np.int16(3)) == 3 and type(codec.encode(np.int16(3))) is int
    assert codec.encode(True) == 1 and codec.encode(decimal.Decimal("1.5")) == decimal.Decimal("1.5")
    with pytest.raises(DataJointError, match="numeric attribute `n`"):
        codec.encode([1])
    with pytest.raises(DataJointError, match="NaN and infinity"):
        codec.bind(float("inf"))
    assert codec.bind(True) == 1 and codec.decode is None


def test_text_and_temporal():
    codec = TextCodec(attr("t", "datetime"), label="db.t.`t`")
    day = datetime.datetime(2024, 1, 2)
    assert codec.encode(day) is day and codec.encode(None) is DEFAULT
    assert codec.encode(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    with pytest.raises(DataJointError, match="db.t.`t` of type datetime"):
        codec.encode(object())
    assert codec.bind(day) is day and codec.decode is None


def test_uuid():
    codec = UuidCodec(attr("u", "uuid"))
    value = uuid.UUID("2a3ef8a8-8fd2-4ee1-9a4f-5a3b0e8d9b77")
    assert codec.encode(value) == value.bytes == codec.bind(str(value)) == codec.bind(value.bytes)
    assert codec.decode(value.bytes) == value and codec.decode(None) is None
    with pytest.raises(DataJointError, match="Invalid UUID"):
        codec.bind("not-a-uuid")


def test_blob():
    codec = BlobCodec(attr("b", "longblob"))
    raw = codec.encode(np.arange(3.0))
    assert np.array_equal(np.ravel(codec.decode(raw)), np.arange(3.0))
    assert codec.encode(None) is DEFAULT
    with pytest.raises(DataJointError, match="cannot be used in a restriction"):
        codec.bind(raw)


def test_bind_without_attribute_is_what_job_keys_use():
    assert bind_value(None, uuid.UUID(int=5)) == uuid.UUID(int=5).bytes
    assert bind_value(None, np.float64(2.5)) == 2.5 and bind_value(None, None) is None
    with pytest.raises(DataJointError, match="cannot be used"):
        bind_value(None, object())
