function s = quoteString(text)
% A double-quoted SQL string literal holding text, for DDL comments (which mym
% cannot bind as a value). Backslash and double quote are escaped and NUL is
% written as \0, so the text can never end the literal; this is the same
% escaping Python's datajoint_interop.sql.quote_string applies.
if ~ischar(text)
    error('DataJoint:sql:badLiteral', 'Expected char text for an SQL string literal, got %s', class(text));
end
text = strrep(text, '\', '\\');
text = strrep(text, '"', '\"');
text = strrep(text, char(0), '\0');
s = ['"' text '"'];
end
