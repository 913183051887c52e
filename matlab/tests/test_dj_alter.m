function tests = test_dj_alter()
% 3.x's table-altering methods (addAttribute, dropAttribute, alterAttribute,
% alterTableComment, addIndex, dropIndex, addForeignKey, dropForeignKey),
% dj.reload/schema.reload, isConnected for a session lost inside a transaction
% (databaseReconnect_transaction), queryIgnore_extra_insert_fields and
% queryPopulate_check.
[work, db] = test_package('dja', 'alter');
write_class(work, 'dja', 'Owner', {'# owners', 'owner_id : int', '---', 'oname = "" : varchar(16)'}, 'dj.Manual', '');
write_class(work, 'dja', 'Item', {'# items', 'item_id : int', '---', 'size = 1 : int  # size'}, 'dj.Manual', '');
write_class(work, 'dja', 'Calc', {'# computed from an owner', '-> dja.Owner', 'calc_id : int', '---', ...
    'v : int'}, 'dj.Computed', sprintf(['    properties\n        keySource = dja.Item\n    end\n' ...
    '    methods (Access = protected)\n        function makeTuples(self, key)\n        end\n    end\n']));
rehash();
dj.config('safemode', false);
insert(dja.Item, struct('item_id', {1, 2}, 'size', {3, 4}));
insert(dja.Owner, struct('owner_id', 7, 'oname', 'Ann'));

tests.attributes = @() t_attributes(db);
tests.comment = @() t_comment(db);
tests.indexes = @() t_indexes(db);
tests.foreign_keys = @() t_foreign_keys(db);
tests.bad_input = @() t_bad_input();
tests.reload = @() t_reload(db);
tests.extra_insert_fields = @() t_extra_fields();
tests.populate_check = @() t_populate_check();
tests.lost_transaction = @() t_lost_transaction();
tests.zz_cleanup = @() drop_test_package(work, db);
end


function r = columns(db, tbl)
% the live columns of a table, in order, with type, default and comment
c = dj.conn;
r = c.query(['SELECT column_name AS n, column_type AS t, column_default AS d, column_comment AS c ' ...
    'FROM information_schema.columns WHERE table_schema="{S}" AND table_name="{S}" ORDER BY ordinal_position'], db, tbl);
r.n = cellstr(r.n)';
end


function t_attributes(db)
t = dja.Item;
addAttribute(t, 'weight = 2.5 : double  # grams');
r = columns(db, 'item');
assert(isequal(r.n, {'item_id', 'size', 'weight'}), strjoin(r.n, ','));
assert(strcmp(r.c{3}, 'grams'));
assert(isequal(sort(fetchn(dja.Item, 'weight')), [2.5; 2.5]), 'the default fills existing rows');
assert(any(strcmp(t.header.names, 'weight')), 'the heading is read again after ALTER');
addAttribute(t, 'tag = "a" : varchar(8)', 'First');
addAttribute(t, 'mid = null : int  # between', 'After item_id');
r = columns(db, 'item');
assert(isequal(r.n, {'tag', 'item_id', 'mid', 'size', 'weight'}), strjoin(r.n, ','));
assert_error(@() alterAttribute(t, 'mid', 'middle = 0 : bigint'), 'DataJoint:query');   % NULLs present: strict mode refuses
alterAttribute(t, 'mid', 'middle = null : bigint  # renamed, new type');
r = columns(db, 'item');
assert(strcmp(r.n{3}, 'middle') && ~isempty(strfind(r.t{3}, 'bigint')) && strcmp(r.c{3}, 'renamed, new type'));
dropAttribute(t, 'middle');
dropAttribute(t, 'tag');
dropAttribute(t, 'weight');
r = columns(db, 'item');
assert(isequal(r.n, {'item_id', 'size'}), strjoin(r.n, ','));
% a comment with quotes, a backslash and a semicolon stays one literal
addAttribute(t, 'odd = 0 : int  # it''s "x" \ ; DROP TABLE item');
r = columns(db, 'item');
assert(strcmp(r.c{3}, 'it''s "x" \ ; DROP TABLE item'), r.c{3});
dropAttribute(t, 'odd');
end


function t_comment(db)
t = dja.Item;
alterTableComment(t, 'new "comment" \ it''s');
c = dj.conn;
r = c.query('SELECT table_comment AS c FROM information_schema.tables WHERE table_schema="{S}" AND table_name="item"', db);
assert(strcmp(r.c{1}, 'new "comment" \ it''s'), r.c{1});
assert(strcmp(t.info.comment, 'new "comment" \ it''s'));
assert_error(@() alterTableComment(t, 5), 'DataJoint:alter:badArgument');
% text mym would read as a placeholder is refused, never replaced by a value; other braces stay
assert_error(@() alterTableComment(t, 'a {S} b'), 'DataJoint:query');
assert(strcmp(t.info.comment, 'new "comment" \ it''s'));
alterTableComment(t, 'set {"x"}');
assert(strcmp(t.info.comment, 'set {"x"}'));
end


function names = indexes(db, tbl)
c = dj.conn;
r = c.query(['SELECT index_name AS i, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols, ' ...
    'MIN(non_unique) AS nu FROM information_schema.statistics WHERE table_schema="{S}" AND table_name="{S}" ' ...
    'AND index_name<>"PRIMARY" GROUP BY index_name'], db, tbl);
names = {};
for i = 1:numel(r.i)
    names{end+1} = sprintf('%d:%s', double(r.nu(i)), r.cols{i}); %#ok<AGROW>
end
names = sort(names);
end


function t_indexes(db)
t = dja.Item;
addIndex(t, false, {'size', 'item_id'});
addIndex(t, false, {'size', 'item_id'});      % the same index again: nothing added
addIndex(t, true, 'size');
assert(isequal(indexes(db, 'item'), {'0:size', '1:size,item_id'}), strjoin(indexes(db, 'item'), ' '));
assert_error(@() insert(dja.Item, struct('item_id', 9, 'size', 3)), 'DataJoint:duplicate');
assert_error(@() dropIndex(t, false, 'size'), 'DataJoint:alter:noIndex');
dropIndex(t, true, 'size');
dropIndex(t, false, {'size', 'item_id'});
assert(isempty(indexes(db, 'item')));
assert_error(@() addIndex(t, false, {'nope'}), 'DataJoint:alter:unknownAttribute');
assert_error(@() addIndex(t, false, {}), 'DataJoint:alter:badArgument');
end


function t_foreign_keys(db)
t = dja.Item;
assert_error(@() addForeignKey(t, dja.Owner), 'DataJoint:alter:badReference');
addAttribute(t, 'owner_id = null : int');
addForeignKey(t, 'dja.Owner');
c = dj.conn;
ps = c.parents(db, 'item');
assert(numel(ps) == 1 && strcmp(ps{1}.table, 'owner'));
update(dja.Item & 'item_id=1', 'owner_id', 7);
assert_error(@() update(dja.Item & 'item_id=2', 'owner_id', 8), 'DataJoint:integrity');
dropForeignKey(t, dja.Owner);
assert(isempty(c.parents(db, 'item')));
assert_error(@() dropForeignKey(t, dja.Owner), 'DataJoint:alter:noReference');
assert_error(@() addForeignKey(t, 'x); DROP TABLE item; --'), 'DataJoint:alter:badArgument');
assert_error(@() addForeignKey(t, dja.Owner & 'owner_id=7'), 'DataJoint:alter:badArgument');
dropAttribute(t, 'owner_id');
end


function t_bad_input()
t = dja.Item;
assert_error(@() dropAttribute(t, 'size`; DROP TABLE item; --'), 'DataJoint:alter:unknownAttribute');
assert_error(@() dropAttribute(t, 3), 'DataJoint:alter:unknownAttribute');
assert_error(@() alterAttribute(t, 'nope', 'x : int'), 'DataJoint:alter:unknownAttribute');
assert_error(@() addAttribute(t, 'x : nosuchtype'), 'DataJoint:declare:unknownType');
assert_error(@() addAttribute(t, 'x = 1 : int; DROP TABLE item'), 'DataJoint:declare:unknownType');
assert_error(@() addAttribute(t, '-> dja.Owner'), 'DataJoint:alter:badArgument');
assert_error(@() addAttribute(t, 'x = 1 : int', 'After nope'), 'DataJoint:alter:unknownAttribute');
assert_error(@() addAttribute(t, {'x : int'}), 'DataJoint:alter:badArgument');
c = dj.conn;
c.startTransaction();
try
    assert_error(@() addAttribute(t, 'x = 1 : int'), 'DataJoint:alter:inTransaction');
catch err
    c.cancelTransaction();
    rethrow(err);
end
c.cancelTransaction();
assert(isequal(t.header.names, {'item_id', 'size'}), strjoin(t.header.names, ','));
end


function t_reload(db)
t = dja.Item;
assert(~any(strcmp(t.header.names, 'late')));
% changed behind the toolbox's back (another session, Python): the cached heading is stale
other = db_open();
cleanup = onCleanup(@() mym(other, 'close'));
mym(other, sprintf('ALTER TABLE `%s`.`item` ADD COLUMN `late` int NOT NULL DEFAULT 5', db));
assert(~any(strcmp(t.header.names, 'late')), 'cached before reload');
s = dja.getSchema();
s.reload();
assert(any(strcmp(t.header.names, 'late')), 'schema.reload reads the heading again');
mym(other, sprintf('ALTER TABLE `%s`.`item` DROP COLUMN `late`', db));
dj.reload();
assert(~any(strcmp(t.header.names, 'late')), 'dj.reload reads the heading again');
end


function t_extra_fields()
row = struct('item_id', 20, 'size', 1, 'colour', 'red');
assert_error(@() insert(dja.Item, row), 'DataJoint:insert:unknownAttribute');
old = dj.config('queryIgnore_extra_insert_fields', true);
cleanup = onCleanup(@() dj.config('queryIgnore_extra_insert_fields', old));
insert(dja.Item, row);
assert(fetch1(dja.Item & 'item_id=20', 'size') == 1);
dj.config('queryIgnore_extra_insert_fields', false);
assert_error(@() insert(dja.Item, setfield(row, 'item_id', 21)), 'DataJoint:insert:unknownAttribute');
delQuick(dja.Item & 'item_id=20');
end


function id = populateWarning()
lastwarn('');
populate(dja.Calc);
[~, id] = lastwarn();
end


function t_populate_check()
% Calc's key source (Item) has item_id, which Calc's key lacks (keySourceExtra);
% Calc's owner_id comes before the key source's attributes (keyOrder, warned last)
assert(strcmp(populateWarning(), 'DataJoint:populate:keyOrder'), 'both checks warn (the second last)');
warning('error', 'DataJoint:populate:keySourceExtra');
try
    assert_error(@() populate(dja.Calc), 'DataJoint:populate:keySourceExtra');
catch err
    warning('on', 'DataJoint:populate:keySourceExtra');
    rethrow(err);
end
warning('on', 'DataJoint:populate:keySourceExtra');
old = dj.config('queryPopulate_check', false);
cleanup = onCleanup(@() dj.config('queryPopulate_check', old));
assert(isempty(populateWarning()), 'no check when queryPopulate_check is false');
end


function killSession(c)
other = db_open();
mym(other, 'KILL {Si}', double(c.serverId));
mym(other, 'close');
pause(0.2);
end


function t_lost_transaction()
c = dj.conn;
assert(c.isConnected);
c.startTransaction();
killSession(c);
assert_error(@() c.isConnected, 'DataJoint:lostConnection');
assert_error(@() count(dja.Item), 'DataJoint:lostConnection');
c.cancelTransaction();   % the session is gone: nothing to roll back, inTransaction is cleared
assert(~c.inTransaction);
assert(count(dja.Item) >= 2, 'outside a transaction a lost session is reopened');
assert(c.isConnected);
% with databaseReconnect_transaction: a warning, and work goes on in a new session
old = dj.config('databaseReconnect_transaction', true);
cleanup = onCleanup(@() dj.config('databaseReconnect_transaction', old));
c.startTransaction();
insert(dja.Item, struct('item_id', 30, 'size', 1));
killSession(c);
lastwarn('');
warning('off', 'DataJoint:Connection:reconnectTransaction');
tf = c.isConnected;
[~, id] = lastwarn();
assert(~tf && strcmp(id, 'DataJoint:Connection:reconnectTransaction'), id);
lastwarn('');
n = count(dja.Item & 'item_id=30');
[~, id] = lastwarn();
warning('on', 'DataJoint:Connection:reconnectTransaction');
assert(strcmp(id, 'DataJoint:Connection:reconnectTransaction'), id);
assert(n == 0, 'the lost transaction''s insert was rolled back');
assert(~c.inTransaction && c.isConnected);
end
