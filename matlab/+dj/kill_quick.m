function nkill = kill_quick(restriction, connection)
% dj.kill_quick(restriction [, connection]): end every other server connection
% matching restriction (SQL on information_schema.processlist: ID, USER, HOST,
% DB, COMMAND, TIME, STATE, INFO; e.g. 'TIME > 600') without asking, as 3.x.
% Returns how many were ended.
if nargin < 2
    connection = dj.conn;
end
if nargin < 1
    restriction = '';
end
rows = dj.internal.processList(connection, restriction);
nkill = 0;
for i = 1:numel(rows)
    nkill = nkill + dj.internal.killProcess(connection, rows(i).id);
end
end
