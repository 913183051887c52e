function def = parseDefinition(text, source)
% Parse a table definition (MATLAB classdef block or Python-style string)
% into a language-neutral model, so that one compiler emits the SQL.
%
% def.comment : table comment
% def.items   : struct array in line order, kind = 'attribute' | 'fk' | 'index'
if nargin < 2
    source = 'definition';
end
rawLines = regexp(text, '\r?\n', 'split');

% join continuation lines ('...' or '\' at the end) with one space
lines = {};
lineNos = [];
buffer = '';
startNo = 0;
for i = 1:numel(rawLines)
    t = strtrim(rawLines{i});
    if isempty(buffer)
        startNo = i;
    end
    cont = false;
    if numel(t) >= 3 && strcmp(t(end-2:end), '...')
        t = strtrim(t(1:end-3)); cont = true;
    elseif ~isempty(t) && t(end) == '\'
        t = strtrim(t(1:end-1)); cont = true;
    end
    if isempty(buffer)
        buffer = t;
    elseif ~isempty(t)
        buffer = [buffer ' ' t]; %#ok<AGROW>
    end
    if ~cont
        lines{end+1} = buffer; %#ok<AGROW>
        lineNos(end+1) = startNo; %#ok<AGROW>
        buffer = '';
    end
end
if ~isempty(buffer)
    lines{end+1} = buffer;
    lineNos(end+1) = startNo;
end

def = struct('comment', '', 'items', []);
items = {};
inKey = true;
sawDivider = false;
first = true;
for k = 1:numel(lines)
    line = lines{k};
    if isempty(line)
        continue
    end
    if first
        first = false;
        if line(1) == '#'
            def.comment = strtrim(line(2:end));
            continue
        end
        tok = regexp(line, '^[A-Za-z_]\w*\.[A-Za-z_]\w*\s*\(\s*(manual|lookup|imported|computed|part)\s*\)\s*(?<c>#.*)?$', 'names', 'once', 'ignorecase');
        if ~isempty(tok)
            c = tok.c;
            if ~isempty(c)
                c = strtrim(c(2:end));
            end
            def.comment = c;
            continue
        end
    end
    if line(1) == '#'
        continue
    end
    where = sprintf('%s, line %d: "%s"', source, lineNos(k), line);
    if ~isempty(regexp(line, '^(-{3,}|_{3,})\s*(#.*)?$', 'once'))
        if sawDivider
            error('DataJoint:declare:syntax', 'Second divider in %s: a definition has one "---" line', where);
        end
        sawDivider = true;
        inKey = false;
        continue
    end
    if ~isempty(regexp(line, '^(\([^)]*\)\s*)?->', 'once'))
        fk = parseForeignKey(line, inKey, where);
        fk.lineNo = lineNos(k);
        items{end+1} = fk; %#ok<AGROW>
        continue
    end
    tok = regexp(line, '^(?<uq>unique\s+)?index\s*\((?<attrs>[^)]*)\)\s*(#.*)?$', 'names', 'once', 'ignorecase');
    if ~isempty(tok)
        attrs = splitNames(tok.attrs);
        if isempty(attrs)
            error('DataJoint:declare:syntax', 'Index without attributes in %s', where);
        end
        items{end+1} = makeItem('index', inKey, lineNos(k), line, ...
            struct('unique', ~isempty(tok.uq), 'attrs', {attrs})); %#ok<AGROW>
        continue
    end
    items{end+1} = parseAttribute(line, inKey, lineNos(k), where); %#ok<AGROW>
end
if isempty(items)
    def.items = struct('kind', {}, 'inKey', {}, 'lineNo', {}, 'line', {}, 'spec', {});
else
    def.items = [items{:}];
end
end


function item = makeItem(kind, inKey, lineNo, line, spec)
item = struct('kind', kind, 'inKey', inKey, 'lineNo', lineNo, 'line', line, 'spec', spec);
end


function names = splitNames(s)
names = {};
parts = strsplit(s, ',');
for i = 1:numel(parts)
    p = strtrim(parts{i});
    if ~isempty(p)
        names{end+1} = p; %#ok<AGROW>
    end
end
end


function item = parseForeignKey(line, inKey, where)
% [(new, ...)] -> [options] pkg.Class[(old, ...)] [# comment]
pat = ['^(\(\s*(?<new>[^)]*)\))?\s*->\s*(\[(?<opts>[^\]]*)\])?\s*' ...
       '(?<ref>[A-Za-z_][\w.]*)\s*(\((?<old>[^)]*)\))?\s*(#.*)?$'];
m = regexp(line, pat, 'names', 'once');
if isempty(m) || isempty(m.ref)
    error('DataJoint:declare:syntax', ...
        'Invalid foreign key in %s: expected "[(new_attr, ...)] -> [options] package.ClassName[(parent_attr, ...)]"', where);
end
if ~isfield(m, 'new') || isempty(m.new); m.new = ''; end
if ~isfield(m, 'old') || isempty(m.old); m.old = ''; end
if ~isfield(m, 'opts') || isempty(m.opts); m.opts = ''; end
opts = lower(splitNames(m.opts));
for i = 1:numel(opts)
    if ~any(strcmp(opts{i}, {'nullable', 'unique'}))
        error('DataJoint:declare:syntax', 'Unknown foreign key option "%s" in %s (allowed: nullable, unique)', opts{i}, where);
    end
end
newNames = splitNames(m.new);
oldNames = splitNames(m.old);
for i = 1:numel(newNames)
    if isempty(regexp(newNames{i}, '^[a-z][a-z0-9_]*$', 'once'))
        error('DataJoint:declare:syntax', 'Invalid attribute name "%s" in %s', newNames{i}, where);
    end
end
if ~isempty(oldNames) && numel(oldNames) ~= numel(newNames)
    error('DataJoint:declare:syntax', ...
        'In %s, %d new name(s) are given for %d parent attribute(s)', where, numel(newNames), numel(oldNames));
end
if any(strcmp(opts, 'nullable')) && inKey
    error('DataJoint:declare:syntax', 'Primary key foreign keys cannot be nullable: %s', where);
end
item = makeItem('fk', inKey, 0, line, struct('ref', m.ref, 'newNames', {newNames}, ...
    'oldNames', {oldNames}, 'nullable', any(strcmp(opts, 'nullable')), ...
    'unique', any(strcmp(opts, 'unique'))));
end


function item = parseAttribute(line, inKey, lineNo, where)
% name [= default] : type [# comment]; the default and the type may contain
% quoted ':' and '#', so scan outside quotes instead of splitting.
tok = regexp(line, '^([a-z][a-z0-9_]*)\s*', 'tokens', 'once');
if isempty(tok)
    error('DataJoint:declare:syntax', ...
        'Invalid line in %s: expected "name [= default] : type [# comment]", a foreign key "-> package.Class", an index or "---"', where);
end
name = tok{1};
rest = strtrim(line(numel(regexp(line, '^[a-z][a-z0-9_]*\s*', 'match', 'once'))+1:end));
default = [];
if ~isempty(rest) && rest(1) == '='
    pos = findOutsideQuotes(rest, ':', 2);
    if ~pos
        error('DataJoint:declare:syntax', 'Missing ":" before the type in %s', where);
    end
    default = strtrim(rest(2:pos-1));
    if isempty(default)
        error('DataJoint:declare:syntax', 'Empty default value in %s', where);
    end
    rest = rest(pos:end);
end
if isempty(rest) || rest(1) ~= ':'
    error('DataJoint:declare:syntax', ...
        'Invalid line in %s: expected "name [= default] : type [# comment]"', where);
end
rest = strtrim(rest(2:end));
pos = findOutsideQuotes(rest, '#', 1);
comment = '';
if pos
    comment = strtrim(rest(pos+1:end));
    comment = regexprep(comment, '#+$', '');
    comment = strtrim(comment);
    rest = rest(1:pos-1);
end
type = strtrim(rest);
if isempty(type) || isempty(regexp(type, '^[A-Za-z<]', 'once'))
    error('DataJoint:declare:syntax', 'Missing or invalid type in %s', where);
end
item = makeItem('attribute', inKey, lineNo, line, struct('name', name, 'default', default, ...
    'hasDefault', ~isempty(default), 'type', type, 'comment', comment));
end


function pos = findOutsideQuotes(s, ch, start)
pos = 0;
q = '';
for i = start:numel(s)
    c = s(i);
    if ~isempty(q)
        if c == q
            q = '';
        end
    elseif c == '"' || c == ''''
        q = c;
    elseif c == ch
        pos = i;
        return
    end
end
end
