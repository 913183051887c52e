function b = hex2bytes(h)
% HEX2BYTES  Lowercase/uppercase hex text -> uint8 column.
  h = reshape(h, 2, []).';
  b = uint8(hex2dec(h));
end
