classdef FreeTable < dj.internal.Table
    % A table named by database and table (or class) name, with no class file:
    % for tables declared elsewhere, e.g. from Python.
    methods
        function self = FreeTable(conn, dbName, name)
            if nargin == 2
                parts = regexp(strrep(dbName, '`', ''), '^([^.]+)\.(.+)$', 'tokens', 'once');
                if isempty(parts)
                    error('DataJoint:table:badArgument', 'dj.FreeTable(conn, ''db.table'')');
                end
                dbName = parts{1};
                name = parts{2};
            end
            if ~isempty(regexp(name, '^[A-Z]', 'once'))
                name = findByClassName(conn, dbName, name);
            end
            self = self@dj.internal.Table(conn, dbName, name);
        end
    end
    methods (Hidden)
        function r = emptyCopy(self)
            r = dj.FreeTable(self.conn(), self.dbName, self.tableName);
        end
    end
end


function name = findByClassName(conn, db, className)
base = dj.internal.fromCamelCase(className);
prefixes = {'', '#', '_', '__'};
for i = 1:numel(prefixes)
    if conn.tableExists(db, [prefixes{i} base])
        name = [prefixes{i} base];
        return
    end
end
error('DataJoint:missingTable', 'No table for class %s in database %s', className, db);
end
