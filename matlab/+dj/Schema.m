classdef Schema < handle
    % Binds a MATLAB package (+pkg) to a database; +pkg/getSchema.m returns it.

    properties (SetAccess = private)
        conn
        package = ''
        dbname = ''
    end

    methods
        function self = Schema(conn, package, dbname)
            if ~isa(conn, 'dj.Connection')
                error('DataJoint:schema:badArgument', 'dj.Schema(conn, package, dbname): conn must be a dj.Connection');
            end
            if ~ischar(package) || isempty(regexp(package, '^[A-Za-z]\w*$', 'once'))
                error('DataJoint:schema:badArgument', 'Invalid package name "%s"', package);
            end
            if ~ischar(dbname) || isempty(regexp(dbname, '^[\w$-]+$', 'once'))
                error('DataJoint:schema:badArgument', 'Invalid database name "%s"', dbname);
            end
            self.conn = conn;
            self.package = package;
            self.dbname = dbname;
            conn.query(['CREATE DATABASE IF NOT EXISTS ' dj.internal.quoteId(dbname)]);
            conn.register(self);
        end

        function names = tableNames(self)
            r = self.conn.query(sprintf(['SELECT table_name AS t FROM information_schema.tables ' ...
                'WHERE table_schema=%s ORDER BY table_name'], dj.internal.placeholder('string')), self.dbname);
            if isempty(r) || isempty(r.t)
                names = {};
            else
                names = cellstr(r.t)';
            end
        end

        function t = v(self, className)
            % a table of this schema by class name, without a class file
            t = dj.FreeTable(self.conn, self.dbname, className);
        end

        function dropQuick(self)
            % drop the whole database without asking
            names = self.tableNames();
            self.conn.query(['DROP DATABASE IF EXISTS ' dj.internal.quoteId(self.dbname)]);
            for i = 1:numel(names)
                self.conn.forgetHeading([dj.internal.quoteId(self.dbname) '.' dj.internal.quoteId(names{i})]);
            end
        end
    end
end
