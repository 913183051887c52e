function tests = test_dj_parts()
% Imported masters with part tables: makeTuples inserts the master row and its
% parts in one transaction, a failing make leaves neither, deleting a master
% deletes its parts, and parts are not deleted or dropped on their own unless
% forced. Setup declares package +djp in a temporary folder and database.
[work, db] = test_package('djp', 'parts');
write_class(work, 'djp', 'Scan', {'# scans', 'scan_id : int', '---', 'n_cells : int'}, 'dj.Manual', '');
write_class(work, 'djp', 'Segmentation', {'# one per scan', '-> djp.Scan', '---', 'method : varchar(16)'}, 'dj.Imported', ...
    sprintf(['    methods (Access = protected)\n        function makeTuples(self, key)\n' ...
    '            n = fetch1(djp.Scan & key, ''n_cells'');\n' ...
    '            insert(self, setfield(key, ''method'', ''watershed''));\n' ...
    '            cells = repmat(key, n, 1);\n' ...
    '            for i = 1:n\n                cells(i).cell_id = i;\n                cells(i).area = key.scan_id * 100 + i;\n            end\n' ...
    '            insert(djp.SegmentationCell, cells);\n' ...
    '            if key.scan_id == 3\n                error(''djp:boom'', ''bad scan %%d'', key.scan_id);\n            end\n' ...
    '        end\n    end\n']));
write_class(work, 'djp', 'Late', {'# declared on first use', 'late_id : int'}, 'dj.Manual', '');
write_class(work, 'djp', 'SegmentationCell', {'# cells of a segmentation', '-> djp.Segmentation', 'cell_id : int', ...
    '---', 'area : double'}, 'dj.Part', ...
    sprintf('    properties (SetAccess = protected)\n        master = djp.Segmentation\n    end\n'));
rehash();
dj.config('safemode', false);
insert(djp.Scan, struct('scan_id', {1, 2, 3, 4}, 'n_cells', {3, 2, 4, 1}));

tests.populate_master_and_parts = @() t_populate(db);
tests.part_delete_refused = @() t_part_delete(db);
tests.master_delete_cascades = @() t_master_delete();
tests.part_drop_refused = @() t_drop(db);
tests.zz_cleanup = @() cleanup(work, db);
end


function t_populate(db)
assert(count(djp.Segmentation) == 0);
assert(isequal(tableNames(db), {'_segmentation', '_segmentation__cell'}), ...
    'declaring the master declares its part (before any make transaction)');
% a table first used inside a transaction is not declared (CREATE TABLE would commit)
c = dj.conn();
c.startTransaction();
err = assert_error(@() count(djp.Late), 'DataJoint:declare:inTransaction');
c.cancelTransaction();
assert(~isempty(strfind(err.message, 'djp.Late')), err.message);
assert(count(djp.Late) == 0, 'declared outside a transaction');
seg = djp.Segmentation;
cells = djp.SegmentationCell;
assert(strcmp(seg.fullName, sprintf('`%s`.`_segmentation`', db)), seg.fullName);
assert(strcmp(cells.fullName, sprintf('`%s`.`_segmentation__cell`', db)), cells.fullName);
[remaining, total] = progress(seg);
assert(remaining == 4 && total == 4);
% the make of scan 3 inserts its master row and four parts, then fails: all rolled back
assert_error(@() populate(seg, 'scan_id=3'), 'djp:boom');
assert(count(seg) == 0 && count(cells) == 0, sprintf('a failed make leaves no master row and no parts: %d %d', count(seg), count(cells)));
c = dj.conn();
assert(~c.inTransaction);
populate(seg, 'scan_id<>3');
assert(isequal(fetchn(seg, 'scan_id', 'ORDER BY scan_id')', [1 2 4]));
assert(count(cells) == 6);
assert(isequal(fetchn(cells & 'scan_id=1', 'area', 'ORDER BY cell_id')', [101 102 103]));
[failed, errs] = parpopulate(seg);
assert(numel(failed) == 1 && failed.scan_id == 3 && ~isempty(strfind(errs{1}.message, 'bad scan 3')));
assert(count(cells & 'scan_id=3') == 0);
[remaining, total] = progress(seg);
assert(remaining == 1 && total == 4);
c = dj.conn();
c.query(sprintf('DELETE FROM `%s`.`~jobs`', db));
end


function names = tableNames(db)
c = dj.conn();
r = c.query(sprintf(['SELECT table_name AS t FROM information_schema.tables WHERE table_schema=%s ' ...
    'AND table_name LIKE ''\\_segmentation%%'' ORDER BY table_name'], dj.internal.placeholder('string')), db);
names = sort(cellstr(r.t))';
end


function t_part_delete(db)
cells = djp.SegmentationCell;
err = assert_error(@() del(cells & 'scan_id=1'), 'DataJoint:delete:partTable');
assert(~isempty(strfind(err.message, sprintf('`%s`.`_segmentation`', db))), err.message);
assert(~isempty(strfind(err.message, '3 rows')), err.message);
% the rule goes by table names, so a table without a class is treated alike
free = dj.FreeTable(dj.conn(), db, '_segmentation__cell');
assert_error(@() del(free & 'scan_id=1'), 'DataJoint:delete:partTable');
assert(count(cells) == 6, 'nothing deleted');
n = del(cells & 'scan_id=1 AND cell_id=3', false, 'force');
assert(n == 1 && count(cells & 'scan_id=1') == 2, 'forced delete of one part row');
% delQuick does not cascade and does not check (the low-level delete)
delQuick(cells & 'scan_id=4');
assert(count(cells & 'scan_id=4') == 0);
end


function t_master_delete()
seg = djp.Segmentation;
cells = djp.SegmentationCell;
n = del(seg & 'scan_id=1');
assert(n == 1 && count(seg & 'scan_id=1') == 0 && count(cells & 'scan_id=1') == 0, ...
    'deleting a master deletes its parts');
% from further up: scan -> segmentation -> cells, in one cascade
n = del(djp.Scan & 'scan_id=2');
assert(n == 1 && count(seg & 'scan_id=2') == 0 && count(cells & 'scan_id=2') == 0);
assert(count(djp.Scan) == 3 && count(seg) == 1, 'scan 1 stays: only its segmentation was deleted');
end


function t_drop(db)
assert_error(@() drop(djp.SegmentationCell, false), 'DataJoint:drop:partTable');
assert(numel(tableNames(db)) == 2, 'part and master still there');
drop(djp.Segmentation, false);
assert(isempty(tableNames(db)), 'dropping the master drops its part');
assert(count(djp.Scan) == 3);
end


function cleanup(work, db)
drop_test_package(work, db);
end
