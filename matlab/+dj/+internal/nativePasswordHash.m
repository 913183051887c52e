function h = nativePasswordHash(password)
% The mysql_native_password hash of a password: '*' and the upper-case hex of
% SHA1(SHA1(password)), what MariaDB stores and its PASSWORD() returns. Sending
% it instead of the password keeps the password out of every server log.
% Passwords are printable ASCII, as in the Python package: the Python driver
% logs in with latin-1 bytes, so other characters would lock Python out.
if ~ischar(password) || isempty(password) || size(password, 1) ~= 1
    error('DataJoint:password', 'The password must be a non-empty char row');
end
if any(double(password) < 32 | double(password) > 126)
    error('DataJoint:password', ['The password contains characters that are not printable ASCII: ' ...
        'use letters, digits, spaces and ASCII punctuation, so that Python and MATLAB clients log in alike']);
end
stage = dj.internal.bytesDigest(uint8(double(password)), 'SHA-1');
h = ['*' upper(reshape(dec2hex(dj.internal.bytesDigest(stage, 'SHA-1'), 2).', 1, []))];
end
