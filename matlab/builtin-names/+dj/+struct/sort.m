function sorted = sort(s, fieldNames)
% DJ.STRUCT.SORT  Sort a column struct array by the values of one or more fields (3.x).
%   s = dj.struct.sort(s, 'c') or dj.struct.sort(s, {'b', 'a'}): rows ordered by the fields in
%   turn, numbers numerically and text alphabetically; equal rows keep their order.
%   In matlab/builtin-names because Octave warns about any function file named like a
%   built-in (sort), package or not (see that folder's README.md).
checkColumn(s, 'dj.struct.sort');
if ischar(fieldNames)
    fieldNames = {fieldNames};
end
if ~iscellstr(fieldNames) || ~all(isfield(s, fieldNames))
    error('DataJoint:struct:badArgument', 'dj.struct.sort: the second argument must name fields of the struct array');
end
order = (1:numel(s))';
for k = numel(fieldNames):-1:1
    values = {s(order).(fieldNames{k})};
    if all(cellfun(@(v) (isnumeric(v) || islogical(v)) && isscalar(v), values))
        [~, i] = sort(cellfun(@double, values));
    elseif all(cellfun(@ischar, values))
        [~, i] = sort(values);
    else
        error('DataJoint:struct:badArgument', ...
            'dj.struct.sort: field %s must hold numeric scalars or text in every element', fieldNames{k});
    end
    order = order(i);
end
sorted = s(order);
end


function checkColumn(s, caller)
if ~isstruct(s) || ~(isempty(s) || size(s, 2) == 1) || ndims(s) > 2
    error('DataJoint:struct:badArgument', '%s: the first argument must be a column struct array', caller);
end
end
