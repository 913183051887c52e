function s = resultToStruct(res, names)
% mym returns one field per column; the toolbox returns one struct per row.
if isempty(res) || ~isstruct(res)
    s = cell2struct(cell(numel(names), 0), names, 1);
    s = reshape(s, 0, 1);
    return
end
n = -1;
cols = cell(1, numel(names));
for i = 1:numel(names)
    v = res.(names{i});
    if iscell(v)
        c = v(:);
    elseif ischar(v)
        c = cellstr(v);
    else
        c = num2cell(v(:));
    end
    cols{i} = c;
    n = numel(c);
end
if n <= 0
    s = cell2struct(cell(numel(names), 0), names, 1);
    s = reshape(s, 0, 1);
    return
end
s = cell2struct([cols{:}], names, 2);
end
