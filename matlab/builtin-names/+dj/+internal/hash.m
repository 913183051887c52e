function s = hash(data, inputType)
% DJ.INTERNAL.HASH  3.x's URL-safe hash of a value: SHA-256 of dj.lib.DataHash's input form
%   inputType (default 'array'), as base64 with '/' written '_' and '+' written '-'.
%   In matlab/builtin-names because Octave warns about a file named like its built-in hash.
if nargin < 2
    inputType = 'array';
end
s = dj.lib.DataHash(data, inputType, 'SHA-256', 'base64');
s = strrep(strrep(s, '/', '_'), '+', '-');
end
