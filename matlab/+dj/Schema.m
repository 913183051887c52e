classdef Schema < handle
    % Binds a MATLAB package (+pkg) to a database; +pkg/getSchema.m returns it.

    properties (SetAccess = private)
        conn
        package = ''
        dbname = ''
        v            % schema.v.ClassName: tables without class files (3.x's virtual classes)
        external     % schema.external.table('store'): the store's tracking table
        prefix = ''  % 3.x's table-name prefix ('db/prefix'); always '' here (see below)
    end

    properties (Dependent)
        headers      % containers.Map: table name -> dj.internal.Header, read from the server
    end

    methods
        function self = Schema(conn, package, dbname)
            if ~isa(conn, 'dj.Connection')
                error('DataJoint:schema:badArgument', 'dj.Schema(conn, package, dbname): conn must be a dj.Connection');
            end
            if ~ischar(package) || isempty(regexp(package, '^[A-Za-z]\w*$', 'once'))
                error('DataJoint:schema:badArgument', 'Invalid package name "%s"', package);
            end
            if ischar(dbname) && any(dbname == '/')
                % 3.x's several schemas in one database by table-name prefixes: tables named
                % 'prefix/name' exist in neither Python DataJoint nor this toolbox
                error('DataJoint:schema:prefix', ['dj.Schema(conn, package, ''%s''): table-name ' ...
                    'prefixes (''database/prefix'') are not supported; use one database per schema'], dbname);
            end
            if ~ischar(dbname) || isempty(regexp(dbname, '^[\w$-]+$', 'once'))
                error('DataJoint:schema:badArgument', 'Invalid database name "%s"', dbname);
            end
            self.conn = conn;
            self.package = package;
            self.dbname = dbname;
            ensureDatabase(conn, dbname);
            self.v = dj.internal.TableAccessor(conn, dbname);
            self.external = dj.internal.ExternalMapping(conn, dbname);
            dj.internal.schemaRegistry('set', dbname, package);
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

        function m = get.headers(self)
            % 3.x's schema.headers: every table's Header by table name (jobs tables included),
            % built from the session's cached headings (schema.reload reads them again)
            m = containers.Map('KeyType', 'char', 'ValueType', 'any');
            names = self.tableNames();
            for i = 1:numel(names)
                t = dj.FreeTable(self.conn, self.dbname, names{i});
                m(names{i}) = t.tableHeader();
            end
        end

        function names = classNames(self)
            % 'pkg.ClassName' of every table of the database
            names = cellfun(@(t) [self.package '.' dj.internal.toCamelCase(t)], self.tableNames(), ...
                'UniformOutput', false);
        end

        function makeClass(self, className, tier)
            % write +pkg/ClassName.m: for an existing table its definition read
            % back from the server, else a template of the tier ('L'ookup,
            % 'M'anual, 'I'mported, 'C'omputed, 'P'art; asked when omitted)
            if nargin < 3
                tier = '';
            end
            dj.internal.writeClass(self, className, tier);
        end

        function disp(self)
            fprintf('\nDataJoint schema %s, stored in MySQL database %s\n\n', self.package, self.dbname);
            fprintf('%-25s%-16s%s\n%s\n', 'Table name', 'Tier', 'Comment', repmat('#', 1, 80));
            names = self.tableNames();
            for i = 1:numel(names)
                if any(names{i}(1) == '~$')   % jobs, external and (3.5's) hidden tables
                    continue
                end
                h = self.conn.heading(self.dbname, names{i});
                fprintf('%20s %10s  %s\n', dj.internal.toCamelCase(names{i}), dj.internal.tierOf(names{i}), h.comment);
            end
            fprintf('\n');
        end

        function d = erd(self)
            % the schema's diagram, written to a file by graphviz (see dj.ERD)
            d = dj.ERD(self);
            d.draw();
            if nargout == 0
                clear d
            end
        end

        function reload(self)
            % forget the cached headings of this database's tables, so that changes made
            % elsewhere (another session, Python) are read again (3.x's schema.reload)
            self.conn.forgetDatabase(self.dbname);
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


function ensureDatabase(conn, dbname)
% create the database only when it is missing: readers and writers may use a
% schema but not create one (CREATE DATABASE IF NOT EXISTS needs CREATE)
r = conn.query(sprintf('SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name=%s', ...
    dj.internal.placeholder('string')), dbname);
if double(r.n(1)) > 0
    return
end
try
    conn.query(['CREATE DATABASE ' dj.internal.quoteId(dbname)]);
catch err
    if strcmp(err.identifier, 'DataJoint:accessDenied')
        error('DataJoint:accessDenied', ['Schema `%s` does not exist or user %s may not use it, and creating it ' ...
            'was refused: %s'], dbname, conn.user, err.message);
    elseif isempty(strfind(err.message, 'database exists'))
        rethrow(err);
    end
end
end
