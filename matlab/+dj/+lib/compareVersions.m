function res = compareVersions(verArray, verComp)
% DJ.LIB.COMPAREVERSIONS  Which versions in a cell are at least verComp (3.x).
%   compareVersions({'3.2.4beta', '9.5.2.1', '8.0'}, '8.0.0') is [false true true]: each
%   version is read as its dot-separated numbers (digits only; missing parts are 0).
if ~iscell(verArray) || isempty(verArray) || ~all(cellfun(@(v) dj.lib.isString(v) && ~isempty(v), verArray))
    error('compareVersions:Error:CellArray', ...
        'Cell array to verify must be of length >= 1 and hold only non-empty texts');
end
if ~dj.lib.isString(verComp) || isempty(verComp)
    error('compareVersions:Error:VersionRef', 'Version reference must be a non-empty text');
end
ref = numbers(char(verComp));
res = false(1, numel(verArray));
for i = 1:numel(verArray)
    v = numbers(char(verArray{i}));
    n = max(numel(v), numel(ref));
    d = [v zeros(1, n - numel(v))] - [ref zeros(1, n - numel(ref))];
    k = find(d ~= 0, 1);
    res(i) = isempty(k) || d(k) > 0;
end
end


function v = numbers(text)
parts = strsplit(text, '.');
v = zeros(1, numel(parts));
for i = 1:numel(parts)
    digits = regexp(parts{i}, '\d+', 'match', 'once');
    if ~isempty(digits)
        v(i) = str2double(digits);
    end
end
end
