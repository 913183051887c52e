classdef UserTable < dj.internal.Table
    % A table bound to a classdef file in a +package: the package gives the
    % schema, the class name and tier give the table name, and the file's first
    % comment block gives the definition, declared on first use.

    methods
        function self = UserTable()
            self.op = 'table';
        end

        function s = schema(self)
            s = self.conn().schemaOf(packageOf(class(self)));
        end

        function p = tierPrefix(self) %#ok<MANU>
            error('DataJoint:notImplemented', 'Use dj.Manual, dj.Lookup, dj.Imported, dj.Computed or dj.Part');
        end

        function name = plainTableName(self)
            name = [self.tierPrefix() dj.internal.fromCamelCase(classBase(class(self)))];
        end

        function sql = declarationSql(self)
            % the CREATE TABLE statement this class declares
            s = feval([packageOf(class(self)) '.getSchema']);
            [sql] = dj.internal.declareClass(class(self), s, self.plainTableName());
        end
    end

    methods (Hidden)
        function ensureIdentity(self)
            if ~isempty(self.tableName)
                return
            end
            cls = class(self);
            s = feval([packageOf(cls) '.getSchema']);
            name = self.plainTableName();
            self.setIdentity(s.conn, s.dbname, name);
            if ~s.conn.tableExists(s.dbname, name)
                if s.conn.inTransaction
                    % CREATE TABLE would silently commit the open transaction
                    error('DataJoint:declare:inTransaction', ['%s (table %s) is not declared yet and cannot be ' ...
                        'declared inside a transaction (the server would commit it). Use the class once ' ...
                        'before the transaction, e.g. count(%s)'], cls, self.fullName, cls);
                end
                [sql, stores] = dj.internal.declareClass(cls, s, name);
                for k = 1:numel(stores)
                    dj.internal.External.declare(s.conn, s.dbname, stores{k});
                end
                s.conn.query(sql);
                s.conn.forgetHeading(self.fullName);
                self.afterDeclare();
                self.declareParts();
            end
        end

        function declareParts(self)
            % Part classes of this master (files <Master><Part>.m in the same
            % package deriving from dj.Part) are declared with it, so that a
            % make can insert into them inside its transaction.
            names = self.partClassNames();
            for i = 1:numel(names)
                part = feval(names{i});
                part.ensureIdentity();
            end
        end

        function names = partClassNames(self)
            % 'pkg.<Master><Part>' of every class file next to this class's that derives
            % from dj.Part (read from the files: nothing is constructed)
            names = {};
            cls = class(self);
            file = which(cls);
            if isempty(file)
                return
            end
            base = classBase(cls);
            pkg = packageOf(cls);
            files = dir(fullfile(fileparts(file), [base '?*.m']));
            for i = 1:numel(files)
                name = files(i).name(1:end-2);
                text = fileread(fullfile(fileparts(file), files(i).name));
                if ~isempty(regexp(text, ['classdef\s*(\([^)]*\))?\s*' name '\s*<\s*dj\.Part\>'], 'once'))
                    names{end + 1} = [pkg '.' name]; %#ok<AGROW>
                end
            end
        end

        function afterDeclare(self) %#ok<MANU>
        end

        function r = emptyCopy(self)
            r = feval(class(self));
        end

        function q = compileBase(self)
            self.ensureIdentity();
            q = compileBase@dj.internal.Table(self);
        end
    end
end


function p = packageOf(cls)
k = find(cls == '.', 1, 'last');
if isempty(k)
    error('DataJoint:table:noPackage', 'Table class %s must be inside a +package folder', cls);
end
p = cls(1:k-1);
end


function b = classBase(cls)
k = find(cls == '.', 1, 'last');
b = cls(k+1:end);
end
