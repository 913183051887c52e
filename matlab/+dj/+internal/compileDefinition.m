function [sql, parents, stores] = compileDefinition(def, db, tableName, resolver, source)
% Model from parseDefinition -> one CREATE TABLE statement in the form
% DataJoint for Python 0.14 emits (schema-conventions 10), so tables declared
% from either language are indistinguishable.
%
% resolver(ref) returns the parent table: struct with fullName ('`db`.`t`'),
% primaryKey (cellstr) and attrs (struct array: name, sqlType, comment).
% stores: the external stores the table's blob@, attach@ and filepath@ attributes use, whose
% ~external_<store> tables must exist before the statement runs.
if nargin < 5
    source = 'definition';
end
q = @dj.internal.quoteId;
names = {};
primary = {};
columns = {};
fks = {};
indexes = {};
parents = {};
stores = {};
for i = 1:numel(def.items)
    item = def.items(i);
    where = sprintf('%s, line %d: "%s"', source, item.lineNo, item.line);
    switch item.kind
        case 'attribute'
            a = item.spec;
            if any(strcmp(a.name, names))
                error('DataJoint:declare:duplicateAttribute', 'Attribute "%s" is declared twice (%s)', a.name, where);
            end
            [columns{end+1}, store] = dj.internal.attributeSql(a, item.inKey, where); %#ok<AGROW>
            if ~isempty(store)
                % referenced like Python 0.14 references it, in line order among the foreign keys
                if ~any(strcmp(stores, store))
                    stores{end+1} = store; %#ok<AGROW>
                end
                fks{end+1} = sprintf('FOREIGN KEY (%s) REFERENCES %s.%s (`hash`) ON UPDATE RESTRICT ON DELETE RESTRICT', ...
                    q(a.name), q(db), q(['~external_' store])); %#ok<AGROW>
            end
            names{end+1} = a.name; %#ok<AGROW>
            if item.inKey
                primary{end+1} = a.name; %#ok<AGROW>
            end
        case 'fk'
            f = item.spec;
            parent = resolver(f.ref);
            parents{end+1} = f.ref; %#ok<AGROW>
            map = renameMap(f, parent, names, where);
            childCols = cell(1, numel(parent.primaryKey));
            for j = 1:numel(parent.primaryKey)
                pname = parent.primaryKey{j};
                cname = pname;
                k = find(strcmp(map(:, 1), pname), 1);
                if ~isempty(k)
                    cname = map{k, 2};
                end
                childCols{j} = cname;
                if any(strcmp(cname, names))
                    continue   % already present: takes part in the constraint only
                end
                pa = parent.attrs(strcmp({parent.attrs.name}, pname));
                if f.nullable
                    nullText = '';
                else
                    nullText = 'NOT NULL ';
                end
                columns{end+1} = sprintf('%s %s %sCOMMENT %s', q(cname), pa.sqlType, ...
                    nullText, dj.internal.quoteString(pa.comment)); %#ok<AGROW>
                names{end+1} = cname; %#ok<AGROW>
                if item.inKey
                    primary{end+1} = cname; %#ok<AGROW>
                end
            end
            fks{end+1} = sprintf('FOREIGN KEY (%s) REFERENCES %s (%s) ON UPDATE CASCADE ON DELETE RESTRICT', ...
                quoteList(childCols), parent.fullName, quoteList(parent.primaryKey)); %#ok<AGROW>
            if f.unique
                indexes{end+1} = sprintf('UNIQUE INDEX (%s)', quoteList(childCols)); %#ok<AGROW>
            end
        case 'index'
            ix = item.spec;
            for j = 1:numel(ix.attrs)
                if ~any(strcmp(ix.attrs{j}, names))
                    error('DataJoint:declare:unknownAttribute', ...
                        'Index on unknown attribute "%s" in %s', ix.attrs{j}, where);
                end
            end
            if ix.unique
                word = 'unique index';
            else
                word = 'index';
            end
            indexes{end+1} = sprintf('%s (%s)', word, quoteList(ix.attrs)); %#ok<AGROW>
    end
end
if isempty(primary)
    error('DataJoint:declare:noPrimaryKey', 'Table %s has no primary key: declare attributes above "---"', tableName);
end
clauses = [columns, {sprintf('PRIMARY KEY (%s)', quoteList(primary))}, fks, indexes];
sql = sprintf('CREATE TABLE IF NOT EXISTS %s.%s (\n%s\n) ENGINE=InnoDB, COMMENT %s', ...
    q(db), q(tableName), strjoin(clauses, sprintf(',\n')), dj.internal.quoteString(def.comment));
end


function s = quoteList(names)
s = strjoin(cellfun(@dj.internal.quoteId, names, 'UniformOutput', false), ',');
end


function map = renameMap(f, parent, existing, where)
% rows {parent_attr, child_attr} for (new) -> Parent(old) references
map = cell(0, 2);
if isempty(f.newNames)
    return
end
old = f.oldNames;
if isempty(old)
    if numel(f.newNames) ~= 1
        error('DataJoint:declare:syntax', ...
            'Ambiguous renamed foreign key in %s: name the parent attributes as in "(a, b) -> pkg.Parent(x, y)"', where);
    end
    if numel(parent.primaryKey) == 1
        old = parent.primaryKey;
    else
        missing = parent.primaryKey(~ismember(parent.primaryKey, existing));
        if numel(missing) ~= 1
            error('DataJoint:declare:syntax', ...
                'Ambiguous renamed foreign key in %s: name the parent attribute as in "(new) -> pkg.Parent(old)"', where);
        end
        old = missing;
    end
end
for i = 1:numel(old)
    if ~any(strcmp(old{i}, parent.primaryKey))
        error('DataJoint:declare:unknownAttribute', ...
            '"%s" is not a primary key attribute of %s (%s)', old{i}, f.ref, where);
    end
end
map = [old(:), f.newNames(:)];
end
