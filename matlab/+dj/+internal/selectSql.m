function sql = selectSql(q, names, forOutput)
% SELECT ... FROM ... WHERE ... of a compiled query (dj.internal.compileQuery) for the
% named attributes (all when empty). forOutput (default true): columns as fetch reads
% them (see columnSql); false: plain columns, for subqueries and unions.
if nargin < 3
    forOutput = true;
end
h = q.header;
if isempty(names)
    names = {h.name};
end
cols = cell(1, numel(names));
for i = 1:numel(names)
    cols{i} = dj.internal.columnSql(h(strcmp({h.name}, names{i})), forOutput);
end
sql = sprintf('SELECT %s FROM %s', strjoin(cols, ','), q.from);
if ~isempty(q.where)
    sql = [sql ' WHERE ' strjoin(q.where, ' AND ')];
end
end
