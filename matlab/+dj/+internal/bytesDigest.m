function d = bytesDigest(bytes, algorithm)
% Digest (uint8 row) of raw bytes with algorithm 'MD2', 'MD5', 'SHA-1',
% 'SHA-256', 'SHA-384' or 'SHA-512' (the methods of dj.lib.DataHash).
% Octave's hash() works on the bytes of a char array (8-bit chars there) and
% answers in hex; MATLAB's chars are 16-bit, so it goes through Java.
if ~isa(bytes, 'uint8')
    error('DataJoint:md5:input', 'bytesDigest expects uint8 bytes, got %s', class(bytes));
end
if ~any(strcmp(algorithm, {'MD2', 'MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'}))
    error('DataJoint:internal', 'unknown digest algorithm %s', algorithm);
end
if dj.internal.isOctave()
    hex = hash(lower(strrep(algorithm, '-', '')), char(bytes(:)'));
    d = uint8(hex2dec(reshape(hex, 2, []).'))';
else
    md = java.security.MessageDigest.getInstance(algorithm);
    d = typecast(md.digest(typecast(bytes(:), 'int8')), 'uint8');
    d = d(:)';
end
end
