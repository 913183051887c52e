classdef TableAccessor < handle
    % schema.v: the tables of a schema without class files, as 3.x's virtual
    % class generator. schema.v.Session and schema.v('Session') both give a
    % dj.FreeTable for the table of class name Session (any tier), so tables
    % declared from Python or elsewhere are usable at once.

    properties (Access = private)
        conn
        dbname
    end

    methods
        function self = TableAccessor(conn, dbname)
            self.conn = conn;
            self.dbname = dbname;
        end

        function varargout = subsref(self, s)
            switch s(1).type
                case '.'
                    name = s(1).subs;
                case '()'
                    if numel(s(1).subs) ~= 1 || ~ischar(s(1).subs{1})
                        error('DataJoint:schema:badArgument', 'schema.v(''ClassName'') takes one class name');
                    end
                    name = s(1).subs{1};
                otherwise
                    error('DataJoint:schema:badArgument', 'Use schema.v.ClassName or schema.v(''ClassName'')');
            end
            if isempty(regexp(name, '^[A-Z][A-Za-z0-9]*$', 'once'))
                error('DataJoint:schema:badArgument', ['schema.v.%s: a class name starts with an uppercase ' ...
                    'letter and has only letters and digits'], name);
            end
            t = self.table(name);
            if numel(s) == 1
                varargout = {t};
            elseif nargout == 0
                subsref(t, s(2:end));
            else
                varargout = cell(1, nargout);
                [varargout{:}] = subsref(t, s(2:end));
            end
        end

        function t = table(self, className)
            % the table of a class name: tier prefixes as dj.FreeTable finds
            % them, then part tables (<master>__<part> is class MasterPart)
            try
                t = dj.FreeTable(self.conn, self.dbname, className);
            catch err
                if ~strcmp(err.identifier, 'DataJoint:missingTable')
                    rethrow(err);
                end
                part = self.partTable(className);
                if isempty(part)
                    rethrow(err);
                end
                t = dj.FreeTable(self.conn, self.dbname, part);
            end
        end

        function name = partTable(self, className)
            % the part table whose class name is className, '' when none
            name = '';
            r = self.conn.query(sprintf(['SELECT table_name AS t FROM information_schema.tables ' ...
                'WHERE table_schema=%s AND table_name LIKE ''%%\\_\\_%%'' ORDER BY table_name'], ...
                dj.internal.placeholder('string')), self.dbname);
            if isempty(r.t)
                return
            end
            tables = cellstr(r.t);
            k = find(strcmp(cellfun(@dj.internal.toCamelCase, tables, 'UniformOutput', false), className) & ...
                cellfun(@(t) strcmp(dj.internal.tierOf(t), 'part'), tables), 1);
            if ~isempty(k)
                name = tables{k};
            end
        end

        function n = numArgumentsFromSubscript(self, s, context) %#ok<INUSD>
            % MATLAB asks how many outputs schema.v.X gives: one table
            n = 1;
        end

        function names = properties(self)
            % the class names of the schema's tables (tab completion in 3.x)
            s = dj.internal.schemaRegistry('get', self.dbname);
            r = self.conn.query(sprintf(['SELECT table_name AS t FROM information_schema.tables ' ...
                'WHERE table_schema=%s ORDER BY table_name'], dj.internal.placeholder('string')), self.dbname);
            names = {};
            if ~isempty(r.t)
                tables = cellstr(r.t);
                tables = tables(~strncmp(tables, '~', 1) & ~strncmp(tables, '$', 1));   % job, external and hidden tables have no class name
                names = unique(cellfun(@dj.internal.toCamelCase, tables, 'UniformOutput', false));
            end
            if nargout == 0
                fprintf('Tables of schema %s (database %s):\n', s, self.dbname);
                fprintf('    %s\n', names{:});
                clear names
            end
        end

        function disp(self)
            fprintf('  tables of database %s without class files: schema.v.ClassName\n', self.dbname);
        end
    end
end
