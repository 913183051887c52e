function tests = test_dj_header_display()
% rel.header as 3.x's Header object, and showing a query prints a preview of
% its rows (3.x's disp): key names in capitals, blobs as =BLOB=, at most
% dj.config('displayLimit') rows, '...' when there are more, and the count.
[work, db] = test_package('djh', 'header');
write_class(work, 'djh', 'Animal', {'# lab animals', 'animal_id : int  # animal number', '---', ...
    'species = "mouse" : varchar(16)  # kind', 'weight = null : float', 'notes : varchar(255)', ...
    'tag = null : uuid', 'img = null : longblob  # a picture'}, 'dj.Manual', '');
write_class(work, 'djh', 'Session', {'# sessions', '-> djh.Animal', 'session : smallint', '---', ...
    'rig : tinyint unsigned'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
insert(djh.Animal, struct('animal_id', num2cell(1:15), 'notes', arrayfun(@(i) sprintf('note %d', i), 1:15, ...
    'UniformOutput', false), 'img', {magic(3)}));
insert(djh.Session, struct('animal_id', {1, 1, 2}, 'session', {1, 2, 1}, 'rig', {3, 4, 5}));

tests.header_object = @() t_header();
tests.header_of_queries = @() t_header_queries();
tests.display_preview = @() t_display();
tests.display_settings = @() t_display_settings();
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_header()
rel = djh.Animal;
h = rel.header;
assert(isa(h, 'dj.internal.Header'), class(h));
assert(isequal(h.names, {'animal_id', 'species', 'weight', 'notes', 'tag', 'img'}), strjoin(h.names, ','));
assert(isequal(h.primaryKey, {'animal_id'}));
assert(isequal(h.dependentFields, {'species', 'weight', 'notes', 'tag', 'img'}));
assert(isequal(h.blobNames, {'img'}));
assert(isequal(h.notBlobs, {'animal_id', 'species', 'weight', 'notes', 'tag'}));
assert(h.count() == 6);
a = h.attributes;
assert(isstruct(a) && isequal(size(a), [6 1]));
% 3.x's field names, in 3.x's order
assert(isequal(fieldnames(a)', {'name', 'type', 'isnullable', 'iskey', 'default', 'comment', ...
    'isautoincrement', 'isNumeric', 'isString', 'isAttachment', 'isFilepath', 'isUuid', 'isBlob', ...
    'isExternal', 'database', 'store', 'alias', 'sqlType', 'sqlComment'}), strjoin(fieldnames(a)', ','));
assert(a(1).iskey && ~a(1).isnullable && a(1).isNumeric && strcmp(a(1).type, 'int'));
assert(strcmp(a(1).comment, 'animal number'));
assert(a(2).isString && ~a(2).isNumeric && strcmp(a(2).type, 'varchar(16)'));
assert(strcmp(a(2).default, 'mouse'), 'the default unquoted, as SHOW COLUMNS gives it: %s', a(2).default);
assert(a(3).isnullable && a(3).isNumeric && strcmp(a(3).type, 'float'));
assert(ischar(a(3).default) && isempty(a(3).default), 'NULL default: empty text as 3.x''s');
assert(ischar(a(4).default) && isempty(a(4).default), 'no default: empty text as 3.x''s');
assert(a(5).isUuid && strcmp(a(5).type, 'uuid') && strcmp(a(5).sqlType, 'binary(16)'), a(5).sqlType);
assert(strcmp(a(5).sqlComment, ':uuid:'), a(5).sqlComment);
assert(a(6).isBlob && strcmp(a(6).type, 'longblob') && strcmp(a(6).comment, 'a picture'));
info = h.info;
assert(strcmp(info.name, 'animal') && strcmp(info.comment, 'lab animals') && strcmp(info.tier, 'manual'));
assert(isequal(h.byName('notes').name, 'notes'));
assert_error(@() h.byName('nope'), 'DataJoint:unknownAttribute');
% chained access as 3.x code writes it
assert(strcmp(rel.header.attributes(2).name, 'species'));
t = djh.Session;
assert(isequal(t.header.primaryKey, {'animal_id', 'session'}));
assert(isequal(t.nonKeyFields(), {'rig'}));
assert(strcmp(t.tableHeader().info.tier, 'manual'));
end


function t_header_queries()
q = proj(djh.Animal, 'species->kind', 'weight*2->w2');
h = q.header;
assert(isempty(h.info), 'a derived query has no table info');
assert(isequal(h.names, {'animal_id', 'kind', 'w2'}), strjoin(h.names, ','));
j = q * djh.Session;
assert(isequal(j.header.primaryKey, {'animal_id', 'session'}), strjoin(j.header.primaryKey, ','));
k = h.byName('kind');
assert(strcmp(k.alias, 'species') && strcmp(k.type, 'varchar(16)'), k.alias);
w = h.byName('w2');
assert(strcmp(w.type, '<sql_computed>') && strcmp(w.alias, 'weight*2') && w.isNumeric, w.alias);
assert(h.hasAliases());
e = (djh.Animal & 'animal_id < 0').header;
assert(numel(e.names) == 6, 'an empty result still has its heading');
end


function t_display()
out = evalc('disp(djh.Animal)');
assert(~isempty(strfind(out, 'Object djh.Animal')), out);
assert(~isempty(strfind(out, ':: lab animals ::')), out);
assert(~isempty(regexp(out, 'ANIMAL_ID\s+species\s+weight\s+notes\s+tag\s+img', 'once')), out);
assert(~isempty(strfind(out, '''=BLOB=''')), 'blobs shown as 3.x shows them, quoted: %s', out);
assert(~isempty(strfind(out, '''note 12''')), 'the first 12 rows are shown');
assert(isempty(strfind(out, '''note 13''')), 'not more than displayLimit rows');
assert(~isempty(strfind(out, '...')), 'more rows are marked');
assert(~isempty(regexp(out, '15 tuples \(', 'once')), out);
% stored control characters (a terminal escape, a line break) are not printed
insert(djh.Animal, struct('animal_id', 99, 'notes', sprintf('a\033[2Jb\nc')));
out = evalc('disp(djh.Animal & ''animal_id=99'')');
assert(isempty(find(out == 27, 1)) && ~isempty(strfind(out, '''a [2Jb c''')), out);
del(djh.Animal & 'animal_id=99', false);
% no semicolon at the prompt shows the same preview
rel = djh.Session & 'rig > 3';
out = evalc('rel');
assert(~isempty(regexp(out, 'ANIMAL_ID\s+SESSION\s+rig', 'once')), out);
assert(~isempty(regexp(out, '2 tuples \(', 'once')), out);
assert(isempty(strfind(out, '...')), out);
% an empty query shows only its count
out = evalc('disp(djh.Session & ''rig > 100'')');
assert(~isempty(regexp(out, '0 tuples \(', 'once')) && isempty(strfind(out, 'ANIMAL_ID')), out);
% a join is previewed too
out = evalc('disp(djh.Animal * djh.Session)');
assert(~isempty(regexp(out, '3 tuples', 'once')) && ~isempty(strfind(out, 'Object dj.internal.GeneralRelvar')), out);
end


function t_display_settings()
old = dj.config('displayLimit');
restore = onCleanup(@() dj.config('displayLimit', old));
dj.config('displayLimit', 2);
out = evalc('disp(djh.Animal)');
assert(~isempty(strfind(out, '''note 2''')) && isempty(strfind(out, '''note 3''')), out);
assert(~isempty(strfind(out, '...')) && ~isempty(regexp(out, '15 tuples', 'once')), out);
dj.config('displayCount', false);
out = evalc('disp(djh.Animal)');
dj.config('displayCount', true);
assert(isempty(strfind(out, 'tuples')), out);
% a bad value is refused when it is set (the setting stays as it was)
assert_error(@() dj.config('displayLimit', -1), 'DataJoint:config:badValue');
assert(dj.config('displayLimit') == 2);
end
