function name = toCamelCase(tableName)
% snake_name (tier prefix removed) -> ClassName, for tables found in the database.
s = regexprep(tableName, '^[~#_]*', '');
parts = regexp(s, '[^A-Za-z0-9]+', 'split');
name = '';
for i = 1:numel(parts)
    p = parts{i};
    if ~isempty(p)
        name = [name upper(p(1)) p(2:end)]; %#ok<AGROW>
    end
end
end
