classdef Table < dj.internal.GeneralRelvar
    % A base table: heading from the database, plus the operations that change
    % data (insert, delete, update). Restricting a table gives a table of the
    % same class, so del/update/populate work on restricted tables.

    properties (SetAccess = protected)
        fullName = ''      % `db`.`table`
        dbName = ''
        tableName = ''
        connection = []
    end

    methods
        function self = Table(connection, dbName, tableName)
            if nargin >= 3
                self.setIdentity(connection, dbName, tableName);
            end
        end

        function c = conn(self)
            self.ensureIdentity();
            c = self.connection;
        end

        function h = heading(self)
            self.ensureIdentity();
            h = self.connection.heading(self.dbName, self.tableName);
        end

        function n = className(self)
            n = class(self);
        end

        % ---------------- writing ----------------

        function insert(self, tuples, mode)
            % insert(rel, structArray [, 'IGNORE' | 'REPLACE'])
            if nargin < 3
                mode = '';
            end
            switch upper(mode)
                case ''
                    verb = 'INSERT';
                case 'IGNORE'
                    verb = 'INSERT IGNORE';
                case 'REPLACE'
                    verb = 'REPLACE';
                otherwise
                    error('DataJoint:insert:badArgument', 'insert mode must be ''IGNORE'' or ''REPLACE'', got "%s"', mode);
            end
            h = self.heading();
            attrs = h.attrs;
            names = {attrs.name};
            if iscell(tuples)
                if size(tuples, 2) ~= numel(names)
                    error('DataJoint:insert:badArgument', ...
                        'A cell array inserted into %s must have %d columns (%s)', self.fullName, numel(names), strjoin(names, ', '));
                end
                tuples = cell2struct(tuples, names, 2);
            end
            if ~isstruct(tuples)
                error('DataJoint:insert:badArgument', 'insert into %s expects a struct array, got %s', self.fullName, class(tuples));
            end
            if isempty(tuples)
                return
            end
            fields = fieldnames(tuples);
            unknown = fields(~ismember(fields, names));
            if ~isempty(unknown) && dj.internal.setting('queryIgnore_extra_insert_fields', false)
                % 3.x: with this setting, fields that are not attributes are left out
                tuples = rmfield(tuples, unknown);
                fields = fieldnames(tuples);
                unknown = {};
            end
            if ~isempty(unknown)
                error('DataJoint:insert:unknownAttribute', 'Table %s has no attribute "%s" (attributes: %s)', ...
                    self.fullName, unknown{1}, strjoin(names, ', '));
            end
            missing = h.primaryKey(~ismember(h.primaryKey, fields));
            if ~isempty(missing)
                error('DataJoint:insert:missingAttribute', 'Insert into %s is missing primary key attribute "%s"', ...
                    self.fullName, missing{1});
            end
            % as Python: the server would store an enum's first value for a missing one
            required = attrs(~[attrs.nullable] & ~[attrs.hasDefault] & ~[attrs.autoIncrement]);
            missing = setdiff({required.name}, fields, 'stable');
            if ~isempty(missing)
                % the server's wording first: 3.x sent the row and code matches that text
                error('DataJoint:insert:missingAttribute', ...
                    'Field ''%s'' doesn''t have a default value: missing value(s) for attribute(s) %s of %s', ...
                    missing{1}, strjoin(missing, ', '), self.fullName);
            end
            cols = attrs(ismember(names, fields));
            colSql = strjoin(cellfun(@dj.internal.quoteId, {cols.name}, 'UniformOutput', false), ',');
            batch = 500;
            for first = 1:batch:numel(tuples)
                rows = tuples(first:min(numel(tuples), first+batch-1));
                rowSql = cell(1, numel(rows));
                args = {};
                for i = 1:numel(rows)
                    vals = cell(1, numel(cols));
                    for j = 1:numel(cols)
                        a = cols(j);
                        v = rows(i).(a.name);
                        if isNull(v, a)
                            if a.inKey || (~a.nullable && ~a.isBlob && ~a.isExternal)
                                error('DataJoint:DataType:NotNullable', 'Attribute "%s" of %s cannot be NULL', a.name, self.fullName);
                            end
                            vals{j} = 'NULL';
                        else
                            [vals{j}, va] = dj.internal.valueSql(v, a, 'insert', self.connection);
                            args = [args va]; %#ok<AGROW>
                        end
                    end
                    rowSql{i} = ['(' strjoin(vals, ',') ')'];
                end
                try
                    self.connection.query(sprintf('%s INTO %s (%s) VALUES %s', verb, self.fullName, colSql, ...
                        strjoin(rowSql, ',')), args{:});
                catch err
                    explainRefusal(err, cols, rows, true);
                end
            end
        end

        function insert1(self, tuple, varargin)
            insert(self, tuple, varargin{:});
        end

        function inserti(self, tuples)
            insert(self, tuples, 'IGNORE');
        end

        function update(self, attrName, value)
            % update(rel & key, 'attr', value): change one secondary attribute of one row
            h = self.heading();
            k = find(strcmp({h.attrs.name}, attrName));
            if isempty(k)
                error('DataJoint:update:unknownAttribute', 'Table %s has no attribute "%s"', self.fullName, attrName);
            end
            a = h.attrs(k);
            if a.inKey
                error('DataJoint:update:primaryKey', 'Cannot update primary key attribute "%s" of %s', attrName, self.fullName);
            end
            n = self.count();
            if n ~= 1
                error('DataJoint:update:notOneRow', 'update must affect exactly one row of %s; the restriction selects %d', self.fullName, n);
            end
            q = self.compile();
            if nargin < 3 || isNull(value, a)
                if ~a.nullable
                    error('DataJoint:DataType:NotNullable', 'Attribute "%s" of %s cannot be NULL', attrName, self.fullName);
                end
                valSql = 'NULL';
                vargs = {};
            else
                [valSql, vargs] = dj.internal.valueSql(value, a, 'update', self.connection);
            end
            sql = sprintf('UPDATE %s SET %s=%s', self.fullName, dj.internal.quoteId(attrName), valSql);
            if ~isempty(q.where)
                sql = [sql ' WHERE ' strjoin(q.where, ' AND ')];
            end
            try
                self.connection.query(sql, vargs{:}, q.whereArgs{:});
            catch err
                row.(attrName) = [];
                if nargin >= 3
                    row.(attrName) = value;
                end
                explainRefusal(err, a, row, false);
            end
        end

        function delQuick(self)
            % delete the selected rows without cascading or asking
            q = self.compile();
            sql = ['DELETE FROM ' self.fullName];
            if ~isempty(q.where)
                sql = [sql ' WHERE ' strjoin(q.where, ' AND ')];
            end
            self.connection.query(sql, q.whereArgs{:});
        end

        function varargout = del(self, prompt, force)
            % del(rel [, prompt [, 'force']]): delete rows and everything depending
            % on them, in one transaction, after confirmation when prompt
            % (default: the 'safemode' setting) is true. Rows of a part table
            % go only with rows of its master, unless forced (as in DataJoint).
            if nargin < 2 || isempty(prompt)
                prompt = dj.config('safemode');
            end
            force = nargin >= 3 && isForce(force);
            plan = dj.internal.deletePlan(self);
            counts = zeros(1, numel(plan));
            unreadable = {};
            for i = 1:numel(plan)
                try
                    counts(i) = plan{i}.count();
                catch err
                    if ~strcmp(err.identifier, 'DataJoint:accessDenied')
                        rethrow(err);
                    end
                    unreadable{end+1} = plan{i}.fullName; %#ok<AGROW>
                end
            end
            refuseUnpermitted(self.connection, plan, counts, unreadable);
            if ~force
                refuseOrphanedParts(plan, counts);
            end
            n = counts(end);
            if ~any(counts)
                fprintf('Nothing to delete\n');
                varargout = outputs(nargout, 0);
                return
            end
            if prompt
                for i = numel(plan):-1:1
                    if counts(i)
                        fprintf('%8d rows from %s\n', counts(i), plan{i}.fullName);
                    end
                end
                answer = input('Proceed to delete? yes/no > ', 's');
                if ~strcmpi(strtrim(answer), 'yes')
                    fprintf('Delete cancelled\n');
                    varargout = outputs(nargout, 0);
                    return
                end
            end
            c = self.connection;
            started = ~c.inTransaction;
            if started
                c.startTransaction();
            end
            try
                for i = 1:numel(plan)
                    if counts(i)
                        plan{i}.delQuick();
                    end
                end
                if started
                    c.commitTransaction();
                end
            catch err
                if started
                    c.cancelTransaction();
                end
                if started && strcmp(err.identifier, 'DataJoint:integrity')
                    % a dependent table the account cannot see (no privilege on it)
                    error('DataJoint:integrity', ['Nothing was deleted: rows of the cascade are referenced by a ' ...
                        'table that user %s cannot see; ask its owner. %s'], c.user, err.message);
                end
                rethrow(err);
            end
            varargout = outputs(nargout, n);
        end

        function drop(self, prompt, force)
            % drop(rel [, prompt [, 'force']]): drop the table and its dependent
            % tables; a part table goes with its master unless forced
            if nargin < 2 || isempty(prompt)
                prompt = dj.config('safemode');
            end
            self.ensureIdentity();
            if ~(nargin >= 3 && isForce(force)) && ~isempty(dj.internal.masterOf(self.fullName))
                error('DataJoint:drop:partTable', ['%s is a part table: drop its master %s instead ' ...
                    '(or drop(rel, prompt, ''force''))'], self.fullName, dj.internal.masterOf(self.fullName));
            end
            plan = dj.internal.deletePlan(self, true);
            names = unique(cellfun(@(r) r.fullName, plan, 'UniformOutput', false), 'stable');
            denied = dj.internal.missingPrivilege(self.connection, names, 'DROP');
            if ~isempty(denied)
                error('DataJoint:accessDenied', ['Drop refused before any table was dropped: user %s lacks ' ...
                    'the DROP privilege on %s'], currentUser(self.connection), strjoin(denied, ', '));
            end
            if prompt
                fprintf('Dropping %s\n', strjoin(names, ', '));
                answer = input('Proceed? yes/no > ', 's');
                if ~strcmpi(strtrim(answer), 'yes')
                    return
                end
            end
            for i = 1:numel(names)
                self.connection.query(['DROP TABLE IF EXISTS ' names{i}]);
                self.connection.forgetHeading(names{i});
            end
        end

        function [names, isPrimary] = parents(self, primary)
            % 3.x's t.parents: the tables this one references, as '`db`.`table`' names; with
            % primary true (false), only those whose foreign key lies (not) inside the primary key
            if nargin < 2
                primary = [];
            end
            self.ensureIdentity();
            [names, isPrimary] = self.connection.parents(self.fullName, primary);
        end

        function [names, isPrimary] = children(self, primary)
            % 3.x's t.children: the tables referencing this one, as '`db`.`table`' names; with
            % primary true (false), only those that reference it inside (outside) their primary key
            if nargin < 2
                primary = [];
            end
            self.ensureIdentity();
            [names, isPrimary] = self.connection.children(self.fullName, primary);
        end

        function list = ancestors(self)
            % 3.x's t.ancestors: class names of this table and every table it depends on,
            % recursively, farthest first (a table in no bound package: its '`db`.`table`')
            list = self.lineage(@(c, db, t) c.parents(db, t), 'descend');
        end

        function list = descendants(self)
            % 3.x's t.descendants: class names of this table and every table depending on it,
            % recursively, nearest first
            list = self.lineage(@(c, db, t) c.children(db, t), 'ascend');
        end

        function varargout = sizeOnDisk(self)
            % 3.x's t.sizeOnDisk: data plus index size in MiB; printed when no output is asked for
            self.ensureIdentity();
            r = self.connection.query(sprintf(['SELECT CAST(data_length + index_length AS DOUBLE) AS b ' ...
                'FROM information_schema.tables WHERE table_schema=%s AND table_name=%s'], ...
                dj.internal.placeholder('string'), dj.internal.placeholder('string')), self.dbName, self.tableName);
            if isempty(r.b)
                error('DataJoint:missingTable', 'Table %s does not exist', self.fullName);
            end
            mib = double(r.b(1)) / 1024 / 1024;
            if nargout
                varargout{1} = mib;
            else
                fprintf('Size on disk %u MB\n', ceil(mib));
            end
        end

        function optimize(self)
            % 3.x's t.optimize: OPTIMIZE LOCAL TABLE (defragment after many inserts and deletes);
            % prints the server's last status message
            self.ensureIdentity();
            if self.connection.inTransaction
                error('DataJoint:alter:inTransaction', ...
                    'optimize cannot run inside a transaction (the server would commit it)');
            end
            fprintf('optimizing ...');
            r = self.connection.query(['OPTIMIZE LOCAL TABLE ' self.fullName]);
            disp(r.Msg_text{end});
        end

        function list = getEnumValues(self, attrName)
            % 3.x's t.getEnumValues('attr'): the allowed values of an enum attribute, a cell row
            if ~ischar(attrName)
                error('DataJoint:unknownAttribute', 'getEnumValues needs an attribute name');
            end
            attrs = self.heading().attrs;
            a = attrs(strcmpi({attrs.name}, attrName));
            if isempty(a)
                error('DataJoint:unknownAttribute', 'Attribute "%s" not found in %s', attrName, self.fullName);
            end
            list = enumValues(a(1).sqlType);
            if isempty(list) && isempty(regexpi(a(1).sqlType, '^\s*enum\s*\(', 'once'))
                error('DataJoint:unknownAttribute', 'Attribute "%s" not of type ENUM', a(1).name);
            end
            list = reshape(list, 1, []);
        end
    end

    methods
        function str = describe(self)
            % the table's definition read back from the server, as 3.x prints it
            self.ensureIdentity();
            str = dj.internal.describeTable(self.connection, self.dbName, self.tableName);
            if nargout == 0
                fprintf('%s', str);
                clear str
            end
        end

        function s = info(self)
            % table information as 3.x's table.info: name, comment, tier
            h = self.heading();
            s = struct('name', self.tableName, 'comment', h.comment, 'tier', dj.internal.tierOf(self.tableName));
        end

        function h = tableHeader(self)
            % the table's Header (3.x's tableHeader); rel.header for queries
            h = dj.internal.Header.fromHeading(self.heading().attrs, self.info());
        end

        function syncDef(self)
            % Replace the definition block of the class file with the table's
            % definition from the server (after it was altered elsewhere).
            % Asks first when dj.config('safemode') is true.
            file = which(class(self));
            if isempty(file) || ~isa(self, 'dj.internal.UserTable')
                fprintf('File %s.m is not found\n', class(self));
                return
            end
            if dj.config('safemode')
                answer = input(sprintf('Update the table definition in %s? yes/no > ', file), 's');
                if ~strcmpi(strtrim(answer), 'yes')
                    disp('No? Table definition left untouched.');
                    return
                end
            end
            dj.internal.replaceDefinition(file, self.describe());
            disp('updated table definition');
        end

        function erd(self, up, down)
            % diagram of this table and its neighbours (3.x's table.erd):
            % up levels of parents and down levels of children
            radius = dj.internal.setting('displayDiagram_hierarchy_radius', [2 1]);
            if nargin < 2
                up = radius(1);
            end
            if nargin < 3
                down = radius(end);
            end
            d = dj.ERD(self);
            d.expand(up, down);
            d.draw();
        end
    end

    methods
        % ---------------- altering the table (DataJoint for MATLAB 3.x) ----------------
        % Each runs one ALTER TABLE whose names go through quoteId and whose
        % comments and defaults through quoteString, then forgets the cached heading.

        function addAttribute(self, definition, after)
            % addAttribute(t, 'name = default : type # comment' [, 'First' | 'After attr'])
            % adds a secondary attribute (placed last unless after says otherwise)
            if nargin < 3
                after = '';
            end
            col = attributeClause(self, definition, 'addAttribute');
            self.alter(sprintf('ADD COLUMN %s%s', col, placement(self, after)));
        end

        function dropAttribute(self, attrName)
            % dropAttribute(t, 'name') removes a secondary attribute and its values
            self.checkAttribute(attrName, 'dropAttribute');
            self.alter(sprintf('DROP COLUMN %s', dj.internal.quoteId(attrName)));
        end

        function alterAttribute(self, attrName, newDefinition)
            % alterAttribute(t, 'name', 'newname = default : type # comment') changes
            % an attribute's name, type, default or comment in place
            self.checkAttribute(attrName, 'alterAttribute');
            col = attributeClause(self, newDefinition, 'alterAttribute');
            self.alter(sprintf('CHANGE COLUMN %s %s', dj.internal.quoteId(attrName), col));
        end

        function alterTableComment(self, newComment)
            % alterTableComment(t, 'text') replaces the table comment (the first line of its definition)
            if ~ischar(newComment)
                error('DataJoint:alter:badArgument', 'alterTableComment expects the comment as text, got %s', ...
                    class(newComment));
            end
            self.alter(sprintf('COMMENT=%s', dj.internal.quoteString(newComment)));
        end

        function addIndex(self, isUnique, indexAttributes)
            % addIndex(t, isUnique, {'a', 'b'}) adds an index (unique if isUnique) on
            % the attributes, unless the same index exists already
            names = self.indexNames(indexAttributes, 'addIndex');
            if ~isempty(findIndexes(self, isUnique, names))
                return
            end
            word = 'INDEX';
            if isUnique
                word = 'UNIQUE INDEX';
            end
            self.alter(sprintf('ADD %s (%s)', word, strjoin(cellfun(@dj.internal.quoteId, names, ...
                'UniformOutput', false), ',')));
        end

        function dropIndex(self, isUnique, indexAttributes)
            % dropIndex(t, isUnique, {'a', 'b'}) drops the index on exactly these attributes
            names = self.indexNames(indexAttributes, 'dropIndex');
            found = findIndexes(self, isUnique, names);
            if isempty(found)
                error('DataJoint:alter:noIndex', '%s has no %sindex on (%s)', self.fullName, ...
                    uniqueWord(isUnique), strjoin(names, ', '));
            end
            for i = 1:numel(found)
                self.alter(sprintf('DROP INDEX %s', dj.internal.quoteId(found{i})));
            end
        end

        function addForeignKey(self, target)
            % addForeignKey(t, parent) makes t reference parent (a table or its class name);
            % t must already have the parent's primary key attributes
            parent = parentTable(target);
            key = parent.primaryKey;
            missing = setdiff(key, self.header.names, 'stable');
            if ~isempty(missing)
                error('DataJoint:alter:badReference', ['%s lacks %s of the primary key of %s: ' ...
                    'add them first (addAttribute)'], self.fullName, strjoin(missing, ', '), parent.fullName);
            end
            cols = strjoin(cellfun(@dj.internal.quoteId, key, 'UniformOutput', false), ',');
            self.alter(sprintf('ADD FOREIGN KEY (%s) REFERENCES %s (%s) ON UPDATE CASCADE ON DELETE RESTRICT', ...
                cols, parent.fullName, cols));
        end

        function dropForeignKey(self, target)
            % dropForeignKey(t, parent) removes t's foreign keys to parent (the attributes stay)
            parent = parentTable(target);
            fks = self.conn().parents(self.dbName, self.tableName);
            dropped = 0;
            for i = 1:numel(fks)
                if strcmp(fks{i}.db, parent.dbName) && strcmp(fks{i}.table, parent.tableName)
                    self.alter(sprintf('DROP FOREIGN KEY %s', dj.internal.quoteId(fks{i}.name)));
                    dropped = dropped + 1;
                end
            end
            if dropped == 0
                error('DataJoint:alter:noReference', '%s has no foreign key to %s', self.fullName, parent.fullName);
            end
        end
    end

    methods (Hidden)
        function alter(self, clause)
            % one ALTER TABLE statement; DDL commits, so never inside a transaction
            c = self.conn();
            if c.inTransaction
                error('DataJoint:alter:inTransaction', ...
                    'Cannot alter %s inside a transaction: ALTER TABLE would commit it', self.fullName);
            end
            c.query(sprintf('ALTER TABLE %s %s', self.fullName, clause));
            c.forgetHeading(self.fullName);
        end

        function checkAttribute(self, attrName, caller)
            % the attribute must exist: the message lists those that do
            names = self.header.names;
            if ~ischar(attrName) || ~any(strcmp(attrName, names))
                error('DataJoint:alter:unknownAttribute', '%s: %s has no attribute "%s" (attributes: %s)', ...
                    caller, self.fullName, dj.internal.anyText(attrName), strjoin(names, ', '));
            end
        end

        function names = indexNames(self, indexAttributes, caller)
            % the index's attribute names as a cell row, each an attribute of the table
            if ischar(indexAttributes)
                indexAttributes = {indexAttributes};
            end
            if ~iscellstr(indexAttributes) || isempty(indexAttributes)
                error('DataJoint:alter:badArgument', '%s expects attribute names (text or a cell of text)', caller);
            end
            names = indexAttributes(:)';
            for i = 1:numel(names)
                self.checkAttribute(names{i}, caller);
            end
        end

        function list = lineage(self, neighbours, direction)
            % class names of this table and its tables reachable through neighbours(conn, db,
            % table), ordered by their longest distance from it (3.x's ancestors/descendants)
            self.ensureIdentity();
            c = self.connection;
            names = {};
            levels = [];
            pending = {struct('db', self.dbName, 'table', self.tableName, 'level', 0)};
            while ~isempty(pending)
                t = pending{1};
                pending(1) = [];
                full = [dj.internal.quoteId(t.db) '.' dj.internal.quoteId(t.table)];
                k = find(strcmp(names, full));
                if ~isempty(k) && levels(k) >= t.level
                    continue
                end
                if t.level > 256
                    error('DataJoint:dependencies:cycle', 'Foreign keys nest deeper than 256 levels around %s', self.fullName);
                end
                if isempty(k)
                    names{end+1} = full; %#ok<AGROW>
                    levels(end+1) = t.level; %#ok<AGROW>
                else
                    levels(k) = t.level;
                end
                next = neighbours(c, t.db, t.table);
                for i = 1:numel(next)
                    pending{end+1} = struct('db', next{i}.db, 'table', next{i}.table, 'level', t.level + 1); %#ok<AGROW>
                end
            end
            [names, order] = sort(names);
            levels = levels(order);
            [~, order] = sort(levels, direction);
            names = names(order);
            list = cellfun(@(n) c.tableToClass(n), names, 'UniformOutput', false);
            me = strcmp(names, self.fullName);
            if ~isa(self, 'dj.FreeTable') && ~strcmp(class(self), 'dj.internal.Table')
                list(me) = {class(self)};
            end
        end

        function setIdentity(self, connection, dbName, tableName)
            self.connection = connection;
            self.dbName = dbName;
            self.tableName = tableName;
            self.fullName = [dj.internal.quoteId(dbName) '.' dj.internal.quoteId(tableName)];
            self.op = 'table';
        end

        function ensureIdentity(self)
            % subclasses bind their table lazily
        end

        function r = withRestriction(self, restriction)
            r = self.emptyCopy();
            r.restrictions = [self.restrictions {restriction}];
        end

        function r = emptyCopy(self)
            r = dj.internal.Table(self.conn(), self.dbName, self.tableName);
        end

        function s = headerInfo(self)
            % rel.header.info of a table, restricted or not
            s = self.info();
        end

        function q = compileBase(self)
            h = self.heading();
            q.header = h.attrs;
            q.from = self.fullName;
            q.fromArgs = {};
            q.where = {};
            q.whereArgs = {};
            q.plain = true;
            q.projected = false;
        end
    end
end


function refuseUnpermitted(conn, plan, counts, unreadable)
% a cascade either deletes everything it must or nothing: name every table
% the user may not read or delete from before the first row goes
names = cellfun(@(r) r.fullName, plan, 'UniformOutput', false);
withRows = names(counts > 0);
denied = dj.internal.missingPrivilege(conn, [withRows unreadable], 'DELETE');
if isempty(denied) && isempty(unreadable)
    return
end
lines = {};
for i = 1:numel(denied)
    if ~any(strcmp(unreadable, denied{i}))
        k = find(strcmp(names, denied{i}), 1);
        lines{end+1} = sprintf('  %s: no DELETE privilege (%d rows to delete)', denied{i}, counts(k)); %#ok<AGROW>
    end
end
for i = 1:numel(unreadable)
    also = '';
    if any(strcmp(denied, unreadable{i}))
        also = ' and no DELETE privilege';
    end
    lines{end+1} = sprintf('  %s: no SELECT privilege (its dependent rows cannot be found)%s', unreadable{i}, also); %#ok<AGROW>
end
error('DataJoint:accessDenied', 'Delete refused before any row was deleted: user %s may not delete from\n%s', ...
    currentUser(conn), strjoin(lines, sprintf('\n')));
end


function refuseOrphanedParts(plan, counts)
% rows of a part table are deleted only together with rows of its master, so
% that a master never keeps a partial set of parts (DataJoint's rule)
names = cellfun(@(r) r.fullName, plan, 'UniformOutput', false);
deleting = names(counts > 0);
for i = 1:numel(deleting)
    m = dj.internal.masterOf(deleting{i});
    if ~isempty(m) && ~any(strcmp(deleting, m))
        k = find(strcmp(names, deleting{i}), 1);
        error('DataJoint:delete:partTable', ['Delete refused before any row was deleted: it would delete ' ...
            '%d rows of part table %s but none of its master %s. Delete from the master instead ' ...
            '(or del(rel, prompt, ''force''))'], counts(k), deleting{i}, m);
    end
end
end


function tf = isForce(v)
tf = (ischar(v) && strcmpi(v, 'force')) || ((islogical(v) || isnumeric(v)) && isscalar(v) && v);
end


function u = currentUser(conn)
% the account the server authorizes, written as the server writes it: 'name'@'host'
r = conn.query('SELECT CURRENT_USER() AS u');
u = r.u{1};
k = find(u == '@', 1, 'last');
if ~isempty(k)
    u = sprintf('''%s''@''%s''', u(1:k-1), u(k+1:end));
end
end


function c = outputs(n, value)
c = {};
if n > 0
    c = {value};
end
end


function explainRefusal(err, cols, rows, isInsert)
% Rethrow the server's refusal of an insert or update with what to do about
% it: how to skip duplicates (as Python's skip_duplicates=True hint), or which
% values an enum attribute accepts and which given ones it does not.
if isInsert && strcmp(err.identifier, 'DataJoint:duplicate')
    hint = 'To ignore duplicate entries in insert, use insert(table, tuples, ''IGNORE'')';
else
    hint = enumHint(err.message, cols, rows);
end
if isempty(hint)
    rethrow(err);
end
error(err.identifier, '%s\n  %s', err.message, hint);
end


function hint = enumHint(msg, cols, rows)
% '' unless the server refused a value of an enum attribute (it names only the column)
hint = '';
name = regexp(msg, 'for column (?:`[^`]*`\.)*[`'']?([^`'']+)[`'']? at row \d+', 'tokens', 'once');
if isempty(name)
    return
end
a = cols(strcmp({cols.name}, name{1}));
if isempty(a)
    return
end
allowed = enumValues(a(1).sqlType);
if isempty(allowed)
    return
end
given = {rows.(a(1).name)};
given = given(cellfun(@ischar, given));
bad = given(~ismember(lower(deblank(given)), lower(allowed)));
hint = sprintf('Attribute "%s" accepts only ''%s''', a(1).name, strjoin(allowed, ''', '''));
if ~isempty(bad)
    bad = unique(bad, 'stable');
    hint = sprintf('%s; got ''%s''', hint, strjoin(bad(1:min(5, end)), ''', '''));
end
end


function v = enumValues(sqlType)
% the allowed values of an enum('a','b') column type; {} for other types
v = {};
body = regexp(sqlType, '^\s*enum\s*\((.*)\)\s*$', 'tokens', 'once', 'ignorecase');
if isempty(body)
    return
end
v = regexp(body{1}, '''((?:[^'']|'''')*)''', 'tokens');
v = cellfun(@(t) strrep(t{1}, '''''', ''''), v, 'UniformOutput', false);
end


function tf = isNull(v, a)
% [] (and NaN in nullable columns) is NULL; so is '' for a uuid, which is how
% a NULL uuid is fetched (no uuid is empty, unlike an empty string). In a
% nullable blob (internal or external) any empty value but '' is NULL, as in
% DataJoint for MATLAB 3.x; a blob that cannot be NULL stores the empty matrix.
blob = a.isBlob || a.isExternal;
if blob
    tf = a.nullable && isempty(v) && ~ischar(v);
    return
end
tf = (isnumeric(v) && isempty(v)) || (a.isUuid && (ischar(v) || isa(v, 'uint8')) && isempty(v)) || ...
    (isnumeric(v) && isscalar(v) && isnan(v) && a.nullable);
end


function col = attributeClause(self, definition, caller)
% the column clause of one secondary attribute line, compiled as declarations compile it
if ~ischar(definition)
    error('DataJoint:alter:badArgument', '%s expects one attribute definition line as text', caller);
end
where = sprintf('%s of %s', caller, self.fullName);
def = dj.internal.parseDefinition(sprintf('---\n%s', definition), where);
if numel(def.items) ~= 1 || ~strcmp(def.items(1).kind, 'attribute')
    error('DataJoint:alter:badArgument', ['%s expects one attribute line like ' ...
        '''name = default : type # comment'', got "%s"'], caller, definition);
end
[col, store] = dj.internal.attributeSql(def.items(1).spec, false, where);
if ~isempty(store)
    error('DataJoint:alter:unsupported', '%s: external attributes (@%s) can only be declared with the table', ...
        caller, store);
end
end


function s = placement(self, after)
% '' (last), ' FIRST' or ' AFTER `attr`' from 3.x's 'First' / 'After attr' (or just 'attr')
if ~ischar(after)
    error('DataJoint:alter:badArgument', 'The position must be ''First'' or ''After attr''');
end
after = strtrim(after);
if isempty(after)
    s = '';
elseif strcmpi(after, 'first')
    s = ' FIRST';
else
    name = strtrim(regexprep(after, '^after\s+', '', 'ignorecase'));
    self.checkAttribute(name, 'addAttribute');
    s = [' AFTER ' dj.internal.quoteId(name)];
end
end


function found = findIndexes(self, isUnique, names)
% names of the table's secondary indexes (unique or not) on exactly these attributes, in order
ph = dj.internal.placeholder('string');
r = self.conn().query(sprintf(['SELECT index_name AS iname, non_unique AS nu, column_name AS col ' ...
    'FROM information_schema.statistics WHERE table_schema=%s AND table_name=%s ' ...
    'AND index_name<>''PRIMARY'' ORDER BY index_name, seq_in_index'], ph, ph), self.dbName, self.tableName);
found = {};
if isempty(r) || isempty(r.iname)
    return
end
inames = cellstr(r.iname);
cols = cellstr(r.col);
nu = double(r.nu);
u = unique(inames);
for i = 1:numel(u)
    sel = strcmp(inames, u{i});
    if isequal(cols(sel)', names) && all((nu(sel) == 0) == logical(isUnique))
        found{end+1} = u{i}; %#ok<AGROW>
    end
end
end


function w = uniqueWord(isUnique)
w = '';
if isUnique
    w = 'unique ';
end
end


function parent = parentTable(target)
% a referenced table given as a table object or as its class name ('pkg.Class')
if ischar(target)
    if isempty(regexp(target, '^[A-Za-z]\w*(\.[A-Za-z]\w*)+$', 'once'))
        error('DataJoint:alter:badArgument', ...
            'The referenced table must be a table or a class name like ''lab.Session'', got "%s"', target);
    end
    target = feval(target);
end
if ~isa(target, 'dj.internal.Table') || ~isempty(target.restrictions)
    error('DataJoint:alter:badArgument', 'The referenced table must be an unrestricted table, got %s', class(target));
end
parent = target;
parent.ensureIdentity();
end

