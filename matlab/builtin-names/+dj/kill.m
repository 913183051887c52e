function kill(restriction, connection, order_by)
% DJ.KILL  List the server's other connections and end those you pick (3.x).
%   dj.kill lists every other connection (information_schema.processlist) and asks for an ID to
%   end ('q' quits, 'a' ends all listed); dj.kill(restriction) lists those matching an SQL
%   condition on ID, USER, HOST, DB, COMMAND, TIME, STATE, INFO (e.g. 'TIME > 600');
%   dj.kill(restriction, connection, order_by) uses that connection and order (a column name,
%   or a cell of them; default ID). dj.kill_quick does the same without asking.
%   This file lives in matlab/builtin-names, not matlab/+dj: Octave warns on every addpath that
%   a function file named kill shadows its built-in, so the toolbox adds this folder itself,
%   with exactly that warning (Octave:shadowed-function) silenced, when dj.conn or dj.config
%   first runs (see its README.md).
if nargin < 1
    restriction = '';
end
if nargin < 2 || isempty(connection)
    connection = dj.conn;
end
if nargin < 3 || isempty(order_by)
    order_by = 'ID';
end
if iscell(order_by)
    order_by = strjoin(order_by, ', ');
end
while true
    rows = dj.internal.processList(connection, restriction, order_by);
    showRows(rows);
    answer = input('process to kill (''q''-quit, ''a''-all) > ', 's');
    if ~ischar(answer) || isempty(strtrim(answer))
        continue
    end
    answer = strtrim(answer);
    if strncmpi(answer, 'q', 1)
        break
    elseif strncmpi(answer, 'a', 1)
        for i = 1:numel(rows)
            dj.internal.killProcess(connection, rows(i).id);
        end
        break
    end
    id = sscanf(answer, '%d', 1);
    if isempty(id)
        fprintf('Not a process id: %s\n', answer);
    elseif ~any([rows.id] == id)
        fprintf('Process %d is not listed\n', id);
    else
        dj.internal.killProcess(connection, id);
    end
end
end


function showRows(rows)
fprintf('%8s  %-16s %-22s %-16s %-8s %6s  %s\n', 'ID', 'USER', 'HOST', 'DB', 'COMMAND', 'TIME', 'STATE');
for i = 1:numel(rows)
    r = rows(i);
    fprintf('%8d  %-16s %-22s %-16s %-8s %6d  %s\n', r.id, text(r.user), text(r.host), text(r.db), ...
        text(r.command), double(r.time), text(r.state));
end
fprintf('%d connections\n', numel(rows));
end


function t = text(v)
if ischar(v)
    t = regexprep(v, '[\x00-\x1f]', ' ');
else
    t = '';
end
end
