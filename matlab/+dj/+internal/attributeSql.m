function [sql, store] = attributeSql(a, inKey, where)
% The column clause of one parsed attribute (parseDefinition's spec), as Python 0.14
% writes it; store: the external store it uses ('' for none). Shared by CREATE TABLE
% and by the table-altering methods (addAttribute, alterAttribute), so both accept
% exactly the same types and defaults.
type = a.type;
store = '';
ltype = lower(type);
comment = a.comment;
if ~isempty(comment) && comment(1) == ':'
    error('DataJoint:declare:syntax', 'An attribute comment may not start with ":" (%s)', where);
end
isBlob = ~isempty(regexp(ltype, '^(tiny|medium|long)?blob$', 'once'));
if strcmp(ltype, 'uuid')
    type = 'binary(16)';
    comment = [':uuid:' comment];
elseif strcmp(ltype, 'attach')
    type = 'LONGBLOB';
    comment = [':attach:' comment];
    isBlob = true;
elseif ~isempty(regexp(ltype, '^(blob|attach|filepath)@', 'once'))
    store = ltype(find(ltype == '@', 1) + 1:end);
    if isempty(regexp(store, '^[a-z][-\w]*$', 'once'))
        error('DataJoint:declare:syntax', 'Invalid store name "%s" in %s', store, where);
    end
    if inKey
        error('DataJoint:declare:syntax', 'An external attribute cannot be in the primary key (%s)', where);
    end
    type = 'binary(16)';
    comment = [':' ltype ':' comment];
    isBlob = true;   % defaults only to null
elseif ~isKnownType(ltype)
    error('DataJoint:declare:unknownType', 'Unsupported data type "%s" in %s', type, where);
end
if ~a.hasDefault
    tail = 'NOT NULL';
elseif strcmpi(a.default, 'null')
    if inKey
        error('DataJoint:declare:syntax', 'Primary key attributes cannot be nullable (%s)', where);
    end
    tail = 'DEFAULT NULL';
else
    if isBlob
        error('DataJoint:declare:syntax', 'A blob attribute can only default to null (%s)', where);
    end
    d = a.default;
    oneString = ['^("([^"\\]|\\.|"")*"|''([^''\\]|\\.|'''')*'')$'];
    if ~isempty(regexp(d, oneString, 'once')) ...
            || ~isempty(regexpi(d, '^current_timestamp(\s*\(\s*\d*\s*\))?$', 'once'))
        tail = ['NOT NULL DEFAULT ' d];
    elseif any(d(1) == '"''')
        % anything after the closing quote would become SQL of its own
        error('DataJoint:declare:syntax', 'The default %s must be one quoted string (%s)', d, where);
    else
        tail = ['NOT NULL DEFAULT ' dj.internal.quoteString(d)];
    end
end
sql = sprintf('%s %s %s', dj.internal.quoteId(a.name), type, tail);
if ~isempty(comment)
    sql = sprintf('%s COMMENT %s', sql, dj.internal.quoteString(comment));
end
end


function tf = isKnownType(t)
pats = {
    '^(tiny|small|medium|big)?int(eger)?(\s*\(\d+\))?(\s+unsigned)?(\s+auto_increment)?$'
    '^serial$'
    '^bool(ean)?$'
    '^(decimal|numeric)(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?(\s+unsigned)?$'
    '^(float|double|real)(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?(\s+unsigned)?$'
    '^(var)?char\s*\(\s*\d+\s*\)$'
    '^enum\s*\(.+\)$'
    '^(date|time|year)$'
    '^(datetime|timestamp)(\s*\(\s*\d\s*\))?$'
    '^(tiny|medium|long)?blob$'
    '^json$'
    };
tf = false;
for i = 1:numel(pats)
    if ~isempty(regexp(t, pats{i}, 'once'))
        tf = true;
        return
    end
end
end
