function test_dj_kill()
% dj.kill_quick ends other server connections matching a restriction on
% information_schema.processlist and counts them; never this connection; a
% restriction is one SQL condition.
c = dj.conn;
other = db_open();
closer = onCleanup(@() close_quietly(other));
r = mym(other, 'SELECT CONNECTION_ID() AS id');
id = double(r.id);
assert(dj.kill_quick('1=0') == 0);
assert(dj.kill_quick(sprintf('ID = %d', id)) == 1);
pause(0.2);
gone = false;
try
    mym(other, 'SELECT 1 AS x');
catch
    gone = true;
end
assert(gone, 'the matching connection was ended');
assert(dj.kill_quick(sprintf('ID = %d', id), c) == 0, 'an ended connection is not listed again');
mine = c.connectionId();
assert(dj.kill_quick(sprintf('ID = %d', mine)) == 0, 'this connection is never listed');
assert(c.connectionId() == mine);
assert_error(@() dj.kill_quick('1=1; DROP DATABASE x'), 'DataJoint:kill:badArgument');
rows = dj.internal.processList(c, '1=1', 'ID');
assert(isstruct(rows) && ~any([rows.id] == mine) && all(isfield(rows, {'id', 'user', 'host', 'db', 'time', 'info'})));
end
