function tests = test_dj_names35()
% The last DataJoint for MATLAB 3.5 names (issue 17): dj.Shared, dj.Hidden, schema.prefix and
% schema.headers, dj.store_plugins.File, and the GUI-only view, clip and dj.lib.getpass,
% which in a session without a GUI (octave-cli here) raise or warn under a DataJoint id;
% the dj.internal.Master mix-in's getParts.
[work, db] = test_package('djn', 'names35');
write_class(work, 'djn', 'Owner', {'# shared owners', 'owner : varchar(16)', '---', 'n = 0 : int'}, 'dj.Shared', '');
write_class(work, 'djn', 'Secret', {'# hidden bookkeeping', 'k : int', '---', 'note = "" : varchar(20)'}, 'dj.Hidden', '');
write_class(work, 'djn', 'Rig', {'# rigs', 'rig : int'}, 'dj.Manual & dj.internal.Master', '');
write_class(work, 'djn', 'RigPart', {'# parts of a rig', '-> djn.Rig', 'part : int'}, 'dj.Part', ...
    sprintf('    properties (SetAccess = protected)\n        master = djn.Rig\n    end\n'));
write_class(work, 'djn', 'RigNote', {'# not a part', 'note_id : int'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
tests.master_mixin_get_parts = @() t_master();
tests.declare_static = @() t_declare();
tests.shared_is_manual = @() t_shared(db);
tests.hidden_tier = @() t_hidden(db);
tests.schema_prefix_and_headers = @() t_schema(db);
tests.store_plugin_file = @() t_file(work);
tests.gui_only_names = @() t_gui();
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_master()
r = djn.Rig;
assert(isa(r, 'dj.internal.Master') && isa(r, 'dj.Manual'));
parts = getParts(r);
assert(iscell(parts) && numel(parts) == 1 && isa(parts{1}, 'djn.RigPart'), 'only the dj.Part class');
insert(r, struct('rig', 1));
insert(parts{1}, struct('rig', 1, 'part', 7));
assert(count(djn.RigPart) == 1, 'the part was declared with its master');
del(r);
assert(count(djn.RigPart) == 0, 'deleting the master deletes its parts');
end


function t_declare()
t = djn.Owner;
[sql, stores] = dj.internal.Declare.declare(t, sprintf('%%{\n# shared owners\nowner : varchar(16)\n---\nn = 0 : int\n%%}'));
assert(strcmp(strtrim(sql), strtrim(t.declarationSql())), 'the same statement as the class file gives: %s', sql);
assert(iscell(stores) && isempty(stores));
[sql2] = dj.internal.Declare.declare(djn.RigPart, sprintf('# other part\n-> djn.Rig\npart : int\n---\nw : double'));
assert(~isempty(strfind(sql2, '`rig__part`')) && ~isempty(strfind(sql2, 'FOREIGN KEY')) && ~isempty(strfind(sql2, '`w` double')), sql2);
assert_error(@() dj.internal.Declare.declare(5, 'a : int'), 'DataJoint:declare:badArgument');
assert_error(@() dj.internal.Declare.declare(t, {'a : int'}), 'DataJoint:declare:badArgument');
% getDefinition gives the class file's text; declaring it and describe's text give one statement
def = dj.internal.Declare.getDefinition(t);
assert(strcmp(def, sprintf('# shared owners\nowner : varchar(16)\n---\nn = 0 : int')), 'the file''s block: %s', def);
assert(strcmp(dj.internal.Declare.declare(t, def), dj.internal.Declare.declare(t, describe(t))), ...
    'the file''s definition and describe declare the same table');
p = dj.internal.Declare.getDefinition(djn.RigPart);
assert(~isempty(strfind(p, '-> djn.Rig')) && isempty(strfind(p, '%{')), p);
assert_error(@() dj.internal.Declare.getDefinition('djn.Owner'), 'DataJoint:declare:badArgument');
% a table without a class file (schema.v, dj.FreeTable): describe's text, declared under its own name
v = dj.FreeTable(dj.conn(), t.dbName, 'owner');
vdef = dj.internal.Declare.getDefinition(v);
assert(~isempty(strfind(vdef, 'owner')) && isempty(strfind(vdef, '%{')), vdef);
vsql = dj.internal.Declare.declare(v & 'n > 0', vdef);
assert(strcmp(vsql, dj.internal.Declare.declare(t, def)), 'the same table: %s', vsql);
end


function t_shared(db)
t = djn.Owner;
assert(isa(t, 'dj.Shared') && isa(t, 'dj.internal.Table'));
insert(t, struct('owner', {'ann', 'bob'}, 'n', {1, 2}));
assert(isequal(sort(fetchn(t, 'owner'))', {'ann', 'bob'}));
assert(strcmp(t.info.tier, 'manual') && strcmp(t.info.name, 'owner'), 'a manual-tier table, no name prefix');
c = dj.conn();
r = c.query(sprintf('SELECT table_name AS t FROM information_schema.tables WHERE table_schema=''%s'' AND table_name=''owner''', db));
assert(numel(r.t) == 1);
end


function t_hidden(db)
t = djn.Secret;
insert(t, struct('k', 1, 'note', 'x'));
assert(strcmp(fetch1(t & 'k=1', 'note'), 'x'));
assert(strcmp(t.info.name, '$secret') && strcmp(t.info.tier, 'hidden'), 'the $ prefix and the hidden tier');
s = djn.getSchema;
assert(any(strcmp(s.tableNames(), '$secret')), 'the table is in the database');
out = evalc('disp(s)');
assert(isempty(strfind(out, 'Secret')) && ~isempty(strfind(out, 'Owner')), 'schema display leaves hidden tables out');
assert(~isprop(s.v, 'Secret'), 'no virtual class for a hidden table');
% makeClass writes the class of an existing hidden table with its tier
file = which('djn.Secret');
delete(file);
evalc('s.makeClass(''Secret'')');
text = fileread(file);
assert(~isempty(strfind(text, 'classdef Secret < dj.Hidden')) && ~isempty(strfind(text, 'note')), text);
rehash();
end


function t_schema(db)
s = djn.getSchema;
assert(ischar(s.prefix) && isempty(s.prefix), 'prefix: always empty here');
h = s.headers;
assert(isa(h, 'containers.Map') && isKey(h, 'owner') && isKey(h, '$secret'));
o = h('owner');
assert(isa(o, 'dj.internal.Header') && isequal(o.primaryKey, {'owner'}) && isequal(o.dependentFields, {'n'}));
err = assert_error(@() dj.Schema(dj.conn, 'djn', [db '/pre']), 'DataJoint:schema:prefix');
assert(~isempty(strfind(err.message, 'prefix')));
end


function t_file(work)
root = fullfile(work, 'store');
p = dj.store_plugins.File(struct('protocol', 'file', 'location', root, 'datajoint_type', 'blob'));
assert(strcmp(p.protocol, 'file') && isequal(p.type_config.subfolding, [2 2]));
path = p.make_external_filepath('ab/cd/object');
assert(strcmp(path, [strrep(root, '\', '/') '/ab/cd/object']));
assert(~dj.store_plugins.File.exists(path));
bytes = uint8([0 1 2 250 255 10 13]);
dj.store_plugins.File.upload_buffer(bytes, path);   % makes ab/cd
assert(dj.store_plugins.File.exists(path));
back = dj.store_plugins.File.download_buffer(path);
assert(isa(back, 'double') && isequal(back, double(bytes(:))), 'the bytes, as fread gives them');
dj.store_plugins.File.remove_object(path);
assert(~dj.store_plugins.File.exists(path));
assert_error(@() dj.store_plugins.File.download_buffer(path), 'DataJoint:external:missingFile');
assert_error(@() dj.store_plugins.File.remove_object(path), 'DataJoint:external:missingFile');
assert_error(@() dj.store_plugins.File.upload_buffer([1 300], path), 'DataJoint:external:badArgument');
assert_error(@() dj.store_plugins.File(struct('protocol', 'file')), 'DataJoint:external:badConfig');
assert_error(@() dj.store_plugins.File(struct('protocol', 'file', 'location', root, 'datajoint_type', 'x')), ...
    'DataJoint:external:badConfig');
f = dj.store_plugins.File(struct('protocol', 'file', 'location', root, 'datajoint_type', 'filepath'));
assert(~isfield(f.type_config, 'subfolding'), 'filepath stores are not subfolded');
end


function t_gui()
assert(~dj.internal.hasGui(), 'these tests run without a GUI (octave-cli)');
assert_error(@() view(djn.Owner), 'DataJoint:view:noGUI');
assert_error(@() dj.lib.getpass('db password'), 'DataJoint:getpass:noGUI');
assert_error(@() dj.lib.getpass(5), 'DataJoint:getpass:badArgument');
lastwarn('');
out = evalc('clip(djn.Owner & ''owner="ann"'')');
[msg, id] = lastwarn();
assert(strcmp(id, 'DataJoint:clip:noClipboard'), 'clip warns that nothing was copied: %s', msg);
assert(~isempty(strfind(out, 'ann')), 'clip prints the code of the rows: %s', out);
end
