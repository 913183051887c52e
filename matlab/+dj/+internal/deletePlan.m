function plan = deletePlan(rel, forDrop)
% Tables to delete from, children before parents, each restricted to the rows
% that depend on rel's rows. Dependents are found from the foreign keys the
% server knows (information_schema), in any database, not only loaded ones.
if nargin < 2
    forDrop = false;
end
plan = visit(rel, 0, forDrop, {});
end


function plan = visit(r, depth, forDrop, plan)
if depth > 64
    error('DataJoint:delete:cycle', 'Foreign keys nest deeper than 64 levels below %s', r.fullName);
end
c = r.conn();   % binds a class's table first
kids = c.children(r.dbName, r.tableName);
for i = 1:numel(kids)
    k = kids{i};
    child = dj.internal.Table(r.conn(), k.db, k.table);
    if ~forDrop
        map = k.attrMap;   % rows: {parent_col, child_col}
        if all(strcmp(map(:, 1), map(:, 2)))
            child = child & proj(r);
        else
            renames = cellfun(@(p, c) [p '->' c], map(:, 1), map(:, 2), 'UniformOutput', false);
            child = child & proj(proj(r, renames{:}), map{:, 2});
        end
    end
    plan = visit(child, depth + 1, forDrop, plan);
end
plan{end+1} = r;
end
