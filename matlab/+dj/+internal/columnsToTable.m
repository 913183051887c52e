function t = columnsToTable(cols, names)
% The result of fetch(rel, ..., 'table'): from a scalar struct of n x 1 columns (fetchRows with
% asColumns), a MATLAB table with one variable per attribute, in the order asked for, where the
% table class exists (MATLAB R2013b+). Octave has no table class: there the struct of columns
% itself is returned, which reads the same way by name (t.attr is the n x 1 column, numbers as
% a numeric vector, other values as a cell column); height is numel(t.(name)).
if hasTableClass()
    values = cellfun(@(n) cols.(n), names, 'UniformOutput', false);
    t = table(values{:}, 'VariableNames', names);
else
    t = orderfields(cols, names);
end
end


function tf = hasTableClass()
% asked on every call (cheap next to a query), so a table class added to the path is used
try
    tf = exist('table', 'class') == 8;
catch
    tf = false;
end
end
