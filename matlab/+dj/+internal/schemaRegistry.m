function out = schemaRegistry(op, dbname, package)
% Which package each database is bound to, as dj.Schema objects are made:
% schemaRegistry('set', db, package) records it, schemaRegistry('get', db)
% returns the package ('' when none). describe and the ERD use it to name
% tables of other schemas by class, as 3.x's connection.tableToClass does.
persistent packages
if isempty(packages)
    packages = containers.Map();
end
out = '';
switch op
    case 'set'
        packages(dbname) = package;
    case 'get'
        if isKey(packages, dbname)
            out = packages(dbname);
        end
    otherwise
        error('DataJoint:internal', 'schemaRegistry: unknown operation "%s"', op);
end
end
