function h = loadHeading(conn, db, tbl)
% Read a table's attributes from information_schema, the way both originals do,
% so tables declared by Python or MATLAB look the same to the toolbox.
ph = dj.internal.placeholder('string');
r = conn.query(sprintf(['SELECT column_name AS name, column_type AS type, is_nullable AS nullable, ' ...
    'column_key AS ckey, column_default AS dflt, column_default IS NULL AS nodflt, extra AS extra, ' ...
    'column_comment AS comment ' ...
    'FROM information_schema.columns WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position'], ph, ph), ...
    db, tbl);
names = asCell(r.name);
if isempty(names)
    % information_schema hides tables the account may not see: let the server
    % say whether the table is missing or forbidden (accessDenied names both)
    full = [dj.internal.quoteId(db) '.' dj.internal.quoteId(tbl)];
    try
        r = conn.query(['SELECT 1 FROM ' full ' WHERE 0']); %#ok<NASGU>
    catch err
        if strcmp(err.identifier, 'DataJoint:accessDenied')
            rethrow(err);
        end
    end
    error('DataJoint:missingTable', 'Table %s does not exist', full);
end
t = conn.query(sprintf(['SELECT table_comment AS comment FROM information_schema.tables ' ...
    'WHERE table_schema=%s AND table_name=%s'], ph, ph), db, tbl);
c = asCell(t.comment);
h.db = db;
h.table = tbl;
h.fullName = [dj.internal.quoteId(db) '.' dj.internal.quoteId(tbl)];
h.comment = c{1};
types = asCell(r.type);
nullable = asCell(r.nullable);
ckey = asCell(r.ckey);
dflt = asCell(r.dflt);
nodflt = asCell(r.nodflt);
extra = asCell(r.extra);
comments = asCell(r.comment);
% columns named '_...' are hidden (DataJoint for Python 0.14: e.g. the insertion timestamp of
% add_hidden_timestamp): they stay in the table but are no attribute of the heading
visible = find(~strncmp(names, '_', 1));
attrs = cell(1, numel(visible));
for k = 1:numel(visible)
    i = visible(k);
    sqlType = regexprep(types{i}, '^((tiny|small|medium|big)?int)\(\d+\)', '$1');
    comment = comments{i};
    type = sqlType;
    m = regexp(comment, '^:([^:]+):(.*)$', 'tokens', 'once');
    if ~isempty(m)
        type = lower(m{1});
        comment = m{2};
    end
    d = dflt{i};
    if isnumeric(d)
        d = '';
    end
    attrs{k} = dj.internal.makeAttribute(names{i}, type, sqlType, strcmp(ckey{i}, 'PRI'), ...
        strcmp(nullable{i}, 'YES'), d, comment, comments{i});
    attrs{k}.database = db;
    attrs{k}.hasDefault = ~double(nodflt{i});
    attrs{k}.autoIncrement = ~isempty(strfind(lower(extra{i}), 'auto_increment'));
end
h.attrs = [attrs{:}];
h.primaryKey = {h.attrs([h.attrs.inKey]).name};
end


function c = asCell(v)
if iscell(v)
    c = v(:)';
elseif ischar(v)
    c = cellstr(v)';
else
    c = num2cell(v(:)');
end
end
