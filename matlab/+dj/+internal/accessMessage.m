function text = accessMessage(serverMessage, sql)
% A refusal of the server's privilege system, reworded to say what the user
% needs: the operation, the account, the missing privilege and the table or
% schema (as Python's AccessError does). The server's error number is kept.
m = regexprep(serverMessage, '^(mym:\s*)+', '');
errno = regexp(m, 'error (\d+)[,)]', 'tokens', 'once');
m = regexprep(m, '\s*\((MariaDB |MySQL )?error \d+.*$', '');
if isempty(errno)
    suffix = '';
else
    suffix = sprintf(' (server error %s)', errno{1});
end
t = regexp(m, '^(?<priv>[A-Z][A-Z ]*?) command denied to user (?<who>''[^'']*''@''[^'']*'') for column ''(?<col>[^'']*)'' in table ''?(?<tbl>[^'']*)''?$', 'names', 'once');
if ~isempty(t)
    text = sprintf('%s not permitted: user %s lacks the %s privilege on column %s of table %s%s', ...
        t.priv, t.who, t.priv, t.col, t.tbl, suffix);
    return
end
t = regexp(m, '^(?<priv>[A-Z][A-Z ]*?) command denied to user (?<who>''[^'']*''@''[^'']*'') for table (?<tbl>.+)$', 'names', 'once');
if ~isempty(t)
    text = sprintf('%s not permitted: user %s lacks the %s privilege on table %s%s', ...
        t.priv, t.who, t.priv, strrep(t.tbl, '''', '`'), suffix);
    return
end
t = regexp(m, '^Access denied for user (?<who>''[^'']*''@''[^'']*'') to database ''(?<db>.*)''$', 'names', 'once');
if ~isempty(t)
    priv = statementPrivilege(sql);
    if isempty(priv)
        text = sprintf('Not permitted: user %s has no access to schema `%s`%s', t.who, t.db, suffix);
    else
        text = sprintf('%s not permitted: user %s lacks the %s privilege on schema `%s`%s', ...
            priv, t.who, priv, t.db, suffix);
    end
    return
end
text = sprintf('Not permitted: %s%s', m, suffix);
end


function p = statementPrivilege(sql)
% the privilege a statement on a whole schema needs ('' when unclear)
w = regexp(strtrim(sql), '^(\w+)(\s+\w+)?', 'tokens', 'once');
p = '';
if isempty(w)
    return
end
verb = upper(w{1});
object = upper(strtrim(w{2}));
if any(strcmp(verb, {'CREATE', 'DROP', 'ALTER'})) && any(strcmp(object, {'DATABASE', 'SCHEMA'}))
    p = verb;
elseif any(strcmp(verb, {'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'DROP', 'ALTER'}))
    p = verb;
end
end
