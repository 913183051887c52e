function h = bytesMd5(bytes)
% Lowercase hex MD5 of raw bytes (uint8), the name of an external object.
h = lower(reshape(dec2hex(dj.internal.bytesDigest(bytes, 'MD5'), 2).', 1, []));
end
