classdef ExternalMapping < handle
    % schema.external: the ~external_<store> tracking tables of a schema, as
    % 3.x's schema.external.table('store') gives them (queryable tables with
    % the hash, size and timestamp of every object of the store).

    properties (Access = private)
        conn
        dbname
    end

    methods
        function self = ExternalMapping(conn, dbname)
            self.conn = conn;
            self.dbname = dbname;
        end

        function t = table(self, store)
            % the tracking table of store: dj.FreeTable on `db`.`~external_<store>`
            if ~ischar(store) || isempty(regexp(store, '^[A-Za-z0-9][A-Za-z0-9_-]*$', 'once'))
                error('DataJoint:external:badStore', 'Invalid store name "%s"', char(store));
            end
            if ~self.conn.tableExists(self.dbname, ['~external_' store])
                error('DataJoint:external:unconfigured', ['Database %s has no tracking table for store "%s" ' ...
                    '(no table with a %s@%s attribute was declared)'], self.dbname, store, 'blob', store);
            end
            t = dj.FreeTable(self.conn, self.dbname, ['~external_' store]);
        end

        function names = stores(self)
            % names of the stores this schema has tracking tables for
            r = self.conn.query(sprintf(['SELECT table_name AS t FROM information_schema.tables ' ...
                'WHERE table_schema=%s AND table_name LIKE ''~external\\_%%'' ORDER BY table_name'], ...
                dj.internal.placeholder('string')), self.dbname);
            names = {};
            if ~isempty(r.t)
                names = regexprep(cellstr(r.t)', '^~external_', '');
            end
        end

        function disp(self)
            fprintf('  external stores of database %s: %s\n', self.dbname, strjoin(self.stores(), ', '));
        end
    end
end
