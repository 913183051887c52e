function s = fromFields(s)
% DJ.STRUCT.FROMFIELDS  A struct array from a scalar struct of equally long columns (3.x), such
%   as conn.query returns: numeric and logical columns give one number per element, cell
%   columns one cell each. An empty column gives an empty array.
if ~isstruct(s) || ~isscalar(s)
    error('DataJoint:struct:badArgument', 'dj.struct.fromFields needs a scalar struct of columns');
end
names = fieldnames(s);
n = [];
cols = cell(numel(names), 1);
for i = 1:numel(names)
    v = s.(names{i});
    if isnumeric(v) || islogical(v)
        v = num2cell(v);
    elseif ischar(v) && ~isempty(v)
        v = cellstr(v);
    elseif ~iscell(v)
        error('DataJoint:struct:badArgument', 'dj.struct.fromFields: field %s is not a column', names{i});
    end
    if isempty(v)
        v = {};
    end
    if isempty(n)
        n = numel(v);
    elseif numel(v) ~= n
        error('DataJoint:struct:badArgument', 'dj.struct.fromFields: field %s has %d values, not %d', ...
            names{i}, numel(v), n);
    end
    cols{i} = reshape(v, 1, []);
end
if isempty(n)
    n = 0;
end
if n == 0
    s = cell2struct(cell(numel(names), 0), names, 1);
else
    s = cell2struct(vertcat(cols{:}), names, 1);
end
end
