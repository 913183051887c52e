function setPassword(newPassword)
% dj.setPassword(newPassword): change the password of the connected account.
% Only the password's mysql_native_password hash travels: SET PASSWORD takes
% no statement parameter, so the hash (computed here, '*' and 40 hex digits,
% checked below) is the only value written into the statement text, and no
% server log ever shows the password. SET PASSWORD needs no privilege for
% one's own account. MySQL has no hash form for its default plugin, so there
% the command refuses and points to `dji password`.
if nargin < 1
    error('DataJoint:password', 'dj.setPassword needs the new password');
end
hashed = dj.internal.nativePasswordHash(newPassword);
assert(~isempty(regexp(hashed, '^\*[0-9A-F]{40}$', 'once')));
connection = dj.conn();
version = connection.query('SELECT VERSION() AS v');
if isempty(strfind(lower(char(version.v{1})), 'mariadb'))
    error('DataJoint:password', ['dj.setPassword sends a MariaDB password hash; on MySQL change ' ...
        'the password with `dji password` (Python) instead']);
end
connection.query(['SET PASSWORD = ''' hashed '''']);
disp done
end
