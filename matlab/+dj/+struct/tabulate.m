function [tab, varargout] = tabulate(s, numField, varargin)
% DJ.STRUCT.TABULATE  An n-dimensional array of a numeric field indexed by the distinct values
%   of other fields (3.x): [tab, v1, ..., vn] = dj.struct.tabulate(s, 'value', 'dim1', ..., 'dimn')
%   gives tab(i1, ..., in, r) = the r-th element's value with dim1 == v1(i1) ..., NaN where none;
%   v1 ... vn are the sorted distinct values (numeric rows or cells of text).
if ~isstruct(s) || isempty(s) || ~ischar(numField) || ~isfield(s, numField) || isempty(varargin) ...
        || ~iscellstr(varargin) || ~all(isfield(s, varargin))
    error('DataJoint:struct:badArgument', ...
        'dj.struct.tabulate(s, numField, dim1, ...) needs a non-empty struct array and its field names');
end
if ~all(arrayfun(@(e) isnumeric(e.(numField)) && isscalar(e.(numField)), s))
    error('DataJoint:struct:badArgument', 'dj.struct.tabulate: %s must hold numeric scalars', numField);
end
n = numel(varargin);
index = cell(n, 1);
values = cell(n, 1);
for k = 1:n
    col = {s.(varargin{k})};
    if all(cellfun(@(v) isnumeric(v) && isscalar(v), col))
        [values{k}, ~, index{k}] = unique(cellfun(@double, col));
    else
        [values{k}, ~, index{k}] = unique(col);
    end
end
sz = [cellfun(@numel, values)' 1];
tab = nan(sz);
seen = zeros(sz(1:end-1));
if n == 1
    seen = zeros(sz(1), 1);
end
for e = 1:numel(s)
    at = cellfun(@(ix) ix(e), index, 'UniformOutput', false);
    r = seen(at{:}) + 1;
    seen(at{:}) = r;
    if r > sz(end)
        sz(end) = r;
        tab = cat(n + 1, tab, nan([sz(1:end-1) 1]));
    end
    tab(at{:}, r) = double(s(e).(numField));
end
varargout = values';
end
