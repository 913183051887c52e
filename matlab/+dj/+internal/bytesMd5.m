function h = bytesMd5(bytes)
% Lowercase hex MD5 of raw bytes (uint8), the name of an external object.
% Octave's hash() works on the bytes of a char array (8-bit chars there);
% MATLAB's chars are 16-bit, so it goes through Java.
if ~isa(bytes, 'uint8')
    error('DataJoint:md5:input', 'bytesMd5 expects uint8 bytes, got %s', class(bytes));
end
if dj.internal.isOctave()
    h = lower(hash('md5', char(bytes(:)')));
else
    md = java.security.MessageDigest.getInstance('MD5');
    d = typecast(md.digest(typecast(bytes(:), 'int8')), 'uint8');
    h = lower(reshape(dec2hex(d, 2).', 1, []));
end
end
