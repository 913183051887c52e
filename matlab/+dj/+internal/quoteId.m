function q = quoteId(name)
% The one place identifiers become SQL: backquoted, with anything that could
% escape the quotes refused rather than escaped. Names MySQL cannot store
% (empty, NUL, longer than 64 characters, a trailing space, characters outside
% the Unicode BMP) and names holding a mym placeholder such as {S} (mym would
% substitute a value there) are refused before anything reaches the server.
if ~ischar(name) || isempty(name) || size(name, 1) ~= 1
    error('DataJoint:sql:badIdentifier', 'Invalid SQL identifier %s: expected a non-empty char row', disp_value(name));
end
codes = double(name);
if dj.internal.isOctave()
    % Octave chars are UTF-8 bytes: count characters, a 4-byte lead byte means outside the BMP
    nChars = sum(codes < 128 | codes >= 192);
    outsideBmp = any(codes >= 240);
else
    nChars = numel(codes);
    outsideBmp = any(codes >= 55296 & codes <= 57343);
end
ascii = name;
ascii(codes > 127) = '_';
problem = '';
if any(name == '`')
    problem = 'backquotes are not allowed';
elseif any(name == 0)
    problem = 'contains a NUL character';
elseif nChars > 64
    problem = sprintf('%d characters, MySQL allows at most 64', nChars);
elseif name(end) == ' '
    problem = 'ends with a space, which MySQL does not allow';
elseif outsideBmp
    problem = 'contains a character outside the Unicode BMP (e.g. an emoji), which MySQL names cannot hold';
elseif ~isempty(regexp(ascii, '\{(u?[MBF]|S|Si|S\d{1,2})\}', 'once'))
    problem = 'contains a mym placeholder such as {S}, which mym would replace by a value';
end
if ~isempty(problem)
    error('DataJoint:sql:badIdentifier', 'Invalid SQL identifier %s: %s', disp_value(name), problem);
end
q = ['`' name '`'];
end

function s = disp_value(v)
if ischar(v)
    s = ['"' v '"'];
else
    s = ['<' class(v) '>'];
end
end
