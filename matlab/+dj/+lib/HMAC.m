function mac = HMAC(key, message, method)
% DJ.LIB.HMAC  HMAC (RFC 2104) of text message under text key, as uppercase hex (3.x);
%   method 'SHA-1', 'SHA-256' (block 64 bytes), 'SHA-384' or 'SHA-512' (block 128 bytes).
blocks = struct('SHA_1', 64, 'SHA_256', 64, 'SHA_384', 128, 'SHA_512', 128);
field = strrep(method, '-', '_');
if ~ischar(method) || ~isfield(blocks, field)
    error('DataJoint:HMAC:badMethod', 'HMAC method must be SHA-1, SHA-256, SHA-384 or SHA-512');
end
if ~ischar(key) || ~ischar(message)
    error('DataJoint:HMAC:badArgument', 'HMAC key and message must be text');
end
block = blocks.(field);
k = uint8(key(:)');
if numel(k) > block
    k = dj.internal.bytesDigest(k, method);
end
k = [k zeros(1, block - numel(k), 'uint8')];
inner = dj.internal.bytesDigest([bitxor(k, uint8(54)) uint8(message(:)')], method);
d = dj.internal.bytesDigest([bitxor(k, uint8(92)) inner], method);
mac = reshape(dec2hex(d, 2).', 1, []);
end
