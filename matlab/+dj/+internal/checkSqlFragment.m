function checkSqlFragment(text, what)
% A restriction string, a projected expression or an aggregate is one piece
% of SQL inside the toolbox's statement. Since the connection accepts
% multi-statement strings (as mym does), a ';' outside quoted text would let
% such a piece end the statement and start another: refuse it. Quotes inside
% comments do not open text, and a ';' inside a comment is refused too (a
% comment can end before the ';' takes effect). Text is read both with and
% without backslash escapes (the server's NO_BACKSLASH_ESCAPES mode), so that
% neither reading can hide a ';'.
if ~ischar(text) || ~any(text == ';')
    return
end
scan(text, what, true);
scan(text, what, false);
end


function scan(text, what, backslash)
n = numel(text);
i = 1;
quote = '';
while i <= n
    c = text(i);
    if ~isempty(quote)
        if backslash && c == '\' && quote ~= '`'
            i = i + 2;
            continue
        elseif c == quote
            if i < n && text(i + 1) == quote
                i = i + 2;
                continue
            end
            quote = '';
        end
        i = i + 1;
        continue
    end
    if c == ';'
        refuse(text, what);
    elseif any(c == '''"`')
        quote = c;
    elseif c == '#' || (c == '-' && i + 2 <= n && text(i + 1) == '-' && isspace(text(i + 2)))
        % comment to the end of the line: skip it, refusing a ';' in it
        stop = find(text(i:end) == sprintf('\n'), 1);
        if isempty(stop)
            stop = n - i + 2;
        end
        if any(text(i:i + stop - 2) == ';')
            refuse(text, what);
        end
        i = i + stop;
        continue
    elseif c == '/' && i < n && text(i + 1) == '*'
        stop = strfind(text(i + 2:end), '*/');
        if isempty(stop)
            last = n;
        else
            last = i + stop(1) + 2;
        end
        if any(text(i:last) == ';')
            refuse(text, what);
        end
        i = last + 1;
        continue
    end
    i = i + 1;
end
end


function refuse(text, what)
error('DataJoint:restrict:badCondition', ['%s "%s" contains '';'' outside quoted text: it must be one ' ...
    'SQL expression, not several statements'], what, text);
end
