function test_dj_golden()
% Every golden definition with a MATLAB class file, declared from Octave in
% folder order, compiles to exactly expected.sql and is accepted by the server;
% the resulting tables match what the SQL says (SHOW CREATE TABLE equality
% against the same statement run directly into a second database).
root = fileparts(fileparts(fileparts(mfilename('fullpath'))));
goldenDir = fullfile(root, 'tests', 'golden', 'definitions');
cases = dir(goldenDir);
cases = sort({cases([cases.isdir] & ~strncmp({cases.name}, '.', 1)).name});

work = tempname();
mkdir(work);
pkgDir = fullfile(work, '+golden');
mkdir(pkgDir);
c = dj.conn();
db = sprintf('djtest_oct_%s_golden', dec2hex(randi(2^31), 8));
ref = [db '_ref'];
c.query(['CREATE DATABASE `' ref '`']);
cleanup = onCleanup(@() teardown(c, {db, ref}, work));
dj.createSchema('golden', work, db);
addpath(work);
pathCleanup = onCleanup(@() rmpath(work));

nChecked = 0;
for i = 1:numel(cases)
    folder = fullfile(goldenDir, cases{i});
    meta = jsondecode(fileread(fullfile(folder, 'meta.json')));
    if meta.python_only
        continue
    end
    copyfile(fullfile(folder, [meta.matlab_class '.m']), pkgDir);
end
rehash();
for i = 1:numel(cases)
    folder = fullfile(goldenDir, cases{i});
    meta = jsondecode(fileread(fullfile(folder, 'meta.json')));
    expected = strtrim(fileread(fullfile(folder, 'expected.sql')));
    if ~meta.python_only
        t = feval(['golden.' meta.matlab_class]);
        got = t.declarationSql();
        want = strrep(expected, '{db}', db);
        if ~strcmp(got, want)
            error('test:golden', 'case %s: generated SQL differs\n--- got:\n%s\n--- expected:\n%s', cases{i}, got, want);
        end
        t.heading();   % declares it
        assert(c.tableExists(db, meta.table), sprintf('case %s: table %s not created', cases{i}, meta.table));
        nChecked = nChecked + 1;
    end
    % the reference copy: the expected statement run as is
    c.query(strrep(expected, '{db}', ref));
    if ~meta.python_only
        a = c.query(sprintf('SHOW CREATE TABLE `%s`.`%s`', db, meta.table));
        b = c.query(sprintf('SHOW CREATE TABLE `%s`.`%s`', ref, meta.table));
        sa = strrep(secondColumn(a), db, '{db}');
        sb = strrep(secondColumn(b), ref, '{db}');
        assert(strcmp(sa, sb), sprintf('case %s: server tables differ:\n%s\n%s', cases{i}, sa, sb));
    end
end
assert(nChecked >= 10, sprintf('only %d golden MATLAB cases found', nChecked));
% Lookup contents were inserted at declaration
s = fetch(golden.Stimulus, '*');
assert(numel(s) == 1 && strcmp(s.stim_name, 'gratings') && strcmp(s.stim_kind, 'grating'));
end


function s = secondColumn(r)
v = struct2cell(r);
s = v{2}{1};
end


function teardown(c, dbs, work)
for i = 1:numel(dbs)
    try
        c.query(['DROP DATABASE IF EXISTS `' dbs{i} '`']);
    catch
    end
end
remove_tree(work);
end
