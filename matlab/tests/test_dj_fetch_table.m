function tests = test_dj_fetch_table()
% fetch(rel, ..., 'table'): the rows as columns. Octave has no table class, so the result is a
% scalar struct of n x 1 columns (MATLAB gets a table of the same columns); every column must
% hold exactly what fetch's struct array holds, in the same order, NULLs included.
[work, db] = test_package('djt', 'fetchtable');
write_class(work, 'djt', 'Subject', {'# subjects', 'subject_id : int', '---', ...
    'species : enum(''mouse'',''rat'')', 'weight = null : double', 'dob = null : date', ...
    'tag = null : uuid', 'big = 0 : bigint', 'data = null : longblob'}, 'dj.Manual', '');
write_class(work, 'djt', 'Trial', {'# trials', '-> djt.Subject', 'trial : int', '---', 'ok : tinyint'}, ...
    'dj.Manual', '');
rehash();
dj.config('safemode', false);
insert(djt.Subject, struct('subject_id', {1, 2, 3}, 'species', {'mouse', 'rat', 'rat'}, ...
    'weight', {20.5, NaN, 31}, 'dob', {'2020-01-01', [], '2021-03-04'}, ...
    'tag', {'1b4e28ba-2fa1-11d2-883f-0016d3cca427', [], []}, 'big', {int64(2)^60, 0, 5}, ...
    'data', {magic(3), [], {'a', 1}}));
insert(djt.Trial, struct('subject_id', {1, 1, 2}, 'trial', {1, 2, 1}, 'ok', {1, 0, 1}));

tests.columns = @() t_columns();
tests.same_as_struct_fetch = @() t_same();
tests.clauses_and_aggr = @() t_clauses();
tests.empty = @() t_empty();
tests.table_class_where_it_exists = @() t_table_class();
tests.export = @() t_export();
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_columns()
t = fetch(djt.Subject, '*', 'ORDER BY subject_id', 'table');
assert(isstruct(t) && isscalar(t), 'Octave: a scalar struct of columns');
assert(isequal(fieldnames(t)', {'subject_id', 'species', 'weight', 'dob', 'tag', 'big', 'data'}), 'heading order');
assert(isequal(t.subject_id, [1; 2; 3]) && isa(t.subject_id, 'double'));
assert(isequal(size(t.weight), [3 1]) && t.weight(1) == 20.5 && isnan(t.weight(2)), 'NULL numbers are NaN');
assert(iscell(t.species) && isequal(t.species, {'mouse'; 'rat'; 'rat'}));
assert(iscell(t.dob) && strcmp(t.dob{1}, '2020-01-01') && isempty(t.dob{2}));
assert(strcmp(t.tag{1}, '1b4e28ba-2fa1-11d2-883f-0016d3cca427') && isa(t.tag{2}, 'uint8') && isequal(size(t.tag{2}), [1 0]));
assert(isa(t.big, 'int64') && t.big(1) == int64(2)^60, 'BIGINT stays int64 as mym gives it');
assert(iscell(t.data) && isequal(t.data{1}, magic(3)) && isempty(t.data{2}) && isequal(t.data{3}, {'a', 1}));
k = fetch(djt.Subject, 'table');
assert(isequal(fieldnames(k), {'subject_id'}), 'the primary key by default, as fetch');
end


function t_same()
s = fetch(djt.Subject, '*', 'ORDER BY subject_id DESC');
t = fetch(djt.Subject, '*', 'ORDER BY subject_id DESC', 'table');
names = fieldnames(s);
for j = 1:numel(names)
    col = t.(names{j});
    for i = 1:numel(s)
        if iscell(col)
            v = col{i};
        else
            v = col(i);
        end
        assert(isequaln(v, s(i).(names{j})) && strcmp(class(v), class(s(i).(names{j}))), ...
            'row %d, %s differs from fetch', i, names{j});
    end
end
end


function t_clauses()
t = fetch(djt.Trial & 'subject_id = 1', 'ok', 'LIMIT 1', 'table');
assert(isequal(fieldnames(t)', {'subject_id', 'trial', 'ok'}) && numel(t.trial) == 1);
t = fetch(djt.Subject, djt.Trial, 'count(trial)->n', 'table', 'ORDER BY subject_id');
assert(isequal(t.subject_id, [1; 2; 3]) && isequal(t.n, [2; 1; 0]), '3.x''s aggr spelling');
t = fetch(djt.Subject * djt.Trial, 'species', 'table');
assert(numel(t.species) == 3);
assert_error(@() fetch(djt.Subject, 'nope', 'table'), 'DataJoint:missingAttributes');
assert_error(@() fetch(djt.Subject, 'table', 'LIMIT 1; DROP TABLE x'), 'DataJoint:fetch:badArgument');
end


function t_empty()
t = fetch(djt.Subject & 'subject_id > 100', '*', 'table');
assert(isstruct(t) && isscalar(t) && numel(fieldnames(t)) == 7);
assert(isempty(t.subject_id) && size(t.subject_id, 2) <= 1, 'no rows: empty columns');
assert(iscell(t.species) && isequal(size(t.species), [0 1]));
end


function t_table_class()
% MATLAB's branch, run under Octave with a stand-in table class that records its arguments:
% one variable per column, in order, named by 'VariableNames'
folder = tempname();
mkdir(folder);
f = fopen(fullfile(folder, 'table.m'), 'w');
fprintf(f, ['classdef table\n  properties\n    args\n  end\n  methods\n' ...
    '    function self = table(varargin)\n      self.args = varargin;\n    end\n  end\nend\n']);
fclose(f);
addpath(folder);
cleaner = onCleanup(@() removeFolder(folder));
t = fetch(djt.Subject, 'weight', 'species', 'ORDER BY subject_id', 'table');
assert(isa(t, 'table'), class(t));
assert(numel(t.args) == 5 && strcmp(t.args{4}, 'VariableNames'));
assert(isequal(t.args{5}, {'subject_id', 'weight', 'species'}), 'the key first, then as asked');
assert(isequal(t.args{1}, [1; 2; 3]) && isnan(t.args{2}(2)) && isequal(t.args{3}, {'mouse'; 'rat'; 'rat'}));
clear cleaner
t = fetch(djt.Subject, 'table');
assert(isstruct(t), 'without a table class: the struct of columns again');
end


function removeFolder(folder)
rmpath(folder);
delete(fullfile(folder, 'table.m'));
rmdir(folder);
end


function t_export()
folder = tempname();
mkdir(folder);
cleaner = onCleanup(@() remove_tree(folder));
insert(djt.Subject, struct('subject_id', num2cell(10:16), 'species', 'mouse'));
extra = onCleanup(@() del(djt.Subject & 'subject_id >= 10', false));
prefix = fullfile(folder, 'subjects');
out = evalc('export(djt.Subject, prefix, 1e-6)');
files = dir([prefix '-*.mat']);
assert(numel(files) >= 2, 'tiny chunks: several files');
assert(~isempty(strfind(out, 'Tuples: [  10/10]')), out);
all = [];
for i = 1:numel(files)
    loaded = load(fullfile(folder, files(i).name));
    all = [all; loaded.tuples]; %#ok<AGROW>
end
expected = fetch(djt.Subject, '*', 'ORDER BY subject_id');
assert(isequaln(all, expected), 'the files hold every row, every attribute, in key order');
evalc('export(djt.Subject & ''subject_id = 2'', fullfile(folder, ''one''))');
loaded = load(fullfile(folder, 'one-0000.mat'));
assert(numel(loaded.tuples) == 1 && loaded.tuples.subject_id == 2);
c = dj.conn;
assert(~c.inTransaction, 'export closes its transaction');
assert_error(@() export(djt.Subject, prefix, -1), 'DataJoint:export:badArgument');
end
