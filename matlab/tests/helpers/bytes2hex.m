function h = bytes2hex(b)
% BYTES2HEX  uint8 vector -> lowercase hex text (row).
  h = lower(reshape(dec2hex(double(b(:)), 2).', 1, []));
end
