function [rows, sql] = processList(connection, restriction, orderBy)
% Server connections other than this one, as dj.kill and dj.kill_quick list
% them: restriction is an SQL condition on information_schema.processlist
% (ID, USER, HOST, DB, COMMAND, TIME, STATE, INFO), written by the caller like
% a query restriction; one statement only. rows is a struct array (lowercase fields).
sql = 'SELECT * FROM information_schema.processlist WHERE id <> CONNECTION_ID()';
if nargin >= 2 && ~isempty(restriction)
    checkClause(restriction, 'restriction');
    sql = sprintf('%s AND (%s)', sql, restriction);
end
if nargin >= 3 && ~isempty(orderBy)
    checkClause(orderBy, 'order_by');
    sql = sprintf('%s ORDER BY %s', sql, orderBy);
end
r = connection.query(sql);
names = fieldnames(r);
rows = cell2struct(struct2cell(r), lower(names), 1);
if isempty(rows.id)
    rows = struct('id', {}, 'user', {}, 'host', {}, 'db', {}, 'command', {}, 'time', {}, 'state', {}, 'info', {});
    return
end
n = numel(rows.id);
out = struct('id', num2cell(double(rows.id(:))));
for f = {'user', 'host', 'db', 'command', 'state', 'info'}
    v = rows.(f{1});
    if ~iscell(v)
        v = cellstr(v);
    end
    [out.(f{1})] = v{:};
end
t = num2cell(double(rows.time(:)));
[out.time] = t{:};
rows = out(1:n);
end


function checkClause(text, what)
if ~ischar(text) || any(text == ';')
    error('DataJoint:kill:badArgument', 'The %s must be one SQL condition (text without ";")', what);
end
end
