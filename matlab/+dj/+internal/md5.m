function h = md5(str)
% Lowercase hex MD5 of the UTF-8 bytes of str. Octave has hash(); MATLAB has Java.
if ~ischar(str)
    error('DataJoint:md5:input', 'md5 expects a char row');
end
if exist('OCTAVE_VERSION', 'builtin')
    h = lower(hash('md5', str));
else
    md = java.security.MessageDigest.getInstance('MD5');
    bytes = unicode2native(str, 'UTF-8');
    d = typecast(md.digest(bytes), 'uint8');
    h = lower(reshape(dec2hex(d, 2).', 1, []));
end
end
