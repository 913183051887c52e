function d = unquoteDefault(d)
% information_schema's column_default as a definition writes it, and as SHOW COLUMNS (which
% 3.x's header read) shows it: MariaDB quotes text defaults there ('abc', quotes doubled) and
% writes current_timestamp().
if numel(d) >= 2 && d(1) == '''' && d(end) == ''''
    d = strrep(d(2:end-1), '''''', '''');
elseif ~isempty(regexpi(d, '^current_timestamp(\(\))?$', 'once'))
    d = 'CURRENT_TIMESTAMP';
end
end
