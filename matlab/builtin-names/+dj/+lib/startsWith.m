function tf = startsWith(s, pattern)
% DJ.LIB.STARTSWITH  Whether text s (or each text of a cell) begins with pattern (3.x).
%   In matlab/builtin-names because Octave warns about a file named like its built-in.
tf = strncmp(s, pattern, numel(pattern));
end
