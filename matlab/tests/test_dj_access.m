function tests = test_dj_access()
% Wording of privilege refusals for the server messages of MariaDB and MySQL
% (the refusals themselves are tested with real accounts in
% tests/test_octave_access.py).
tests.table_level = @() t_table();
tests.column_and_schema_level = @() t_other();
end


function t_table()
m = dj.internal.accessMessage(['mym: INSERT command denied to user ''bob''@''10.0.0.1'' for table ' ...
    '`lab`.`session` (MariaDB error 1142, SQLSTATE 42000) in query: INSERT INTO x'], 'INSERT INTO x');
assert(strcmp(m, ['INSERT not permitted: user ''bob''@''10.0.0.1'' lacks the INSERT privilege on table ' ...
    '`lab`.`session` (server error 1142)']), m);
% MySQL 8 names the table without its database, in quotes
m = dj.internal.accessMessage(['DELETE command denied to user ''bob''@''%'' for table ''session'' ' ...
    '(MariaDB error 1142, SQLSTATE 42000)'], 'DELETE FROM x');
assert(strcmp(m, 'DELETE not permitted: user ''bob''@''%'' lacks the DELETE privilege on table `session` (server error 1142)'), m);
end


function t_other()
m = dj.internal.accessMessage(['SELECT command denied to user ''bob''@''%'' for column ''secret'' in table ' ...
    '''person'' (MariaDB error 1143, SQLSTATE 42000)'], 'SELECT secret FROM person');
assert(~isempty(strfind(m, 'lacks the SELECT privilege on column secret of table person')), m);
m = dj.internal.accessMessage(['Access denied for user ''bob''@''%'' to database ''lab'' ' ...
    '(MariaDB error 1044, SQLSTATE 42000)'], 'CREATE DATABASE `lab`');
assert(strcmp(m, 'CREATE not permitted: user ''bob''@''%'' lacks the CREATE privilege on schema `lab` (server error 1044)'), m);
m = dj.internal.accessMessage(['Access denied for user ''bob''@''%'' to database ''lab'' ' ...
    '(MariaDB error 1044)'], 'USE lab');
assert(strcmp(m, 'Not permitted: user ''bob''@''%'' has no access to schema `lab` (server error 1044)'), m);
m = dj.internal.accessMessage(['Access denied; you need (at least one of) the PROCESS privilege(s) for this ' ...
    'operation (MariaDB error 1227, SQLSTATE 42000)'], 'SHOW ENGINE INNODB STATUS');
assert(strcmp(m, ['Not permitted: Access denied; you need (at least one of) the PROCESS privilege(s) ' ...
    'for this operation (server error 1227)']), m);
end
