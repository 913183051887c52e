function name = tableToClass(db, tbl)
% 'pkg.ClassName' of table tbl of database db when a package is bound to db
% (tier prefix dropped, part tables as MasterPart), else `db`.`tbl` as 3.x does.
pkg = dj.internal.schemaRegistry('get', db);
if isempty(pkg)
    name = [dj.internal.quoteId(db) '.' dj.internal.quoteId(tbl)];
else
    name = [pkg '.' dj.internal.toCamelCase(tbl)];
end
end
