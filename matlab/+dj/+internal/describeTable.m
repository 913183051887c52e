function str = describeTable(conn, db, tbl)
% The definition of a live table as DataJoint for MATLAB 3.x's describe prints
% it: '%{', '# comment', the attributes with foreign keys written as
% '-> pkg.Parent' once all their attributes have appeared, '---' before the
% first secondary attribute, '%}'. Reads the server, not any class file, so it
% also describes tables declared from Python. Whatever the server holds, the
% text is one block: no line break inside an item (see oneLine).
h = conn.heading(db, tbl);
fks = conn.parents(db, tbl);
fks = fks(cellfun(@(f) ~strncmp(f.table, '~external', 9), fks));
lines = {'%{', ['# ' h.comment]};
seen = {};
inKey = true;
for i = 1:numel(h.attrs)
    a = h.attrs(i);
    if inKey && ~a.inKey
        lines{end+1} = '---'; %#ok<AGROW>
        inKey = false;
    end
    seen{end+1} = a.name; %#ok<AGROW>
    done = cellfun(@(f) all(ismember(f.attrMap(:, 2), seen)), fks);
    for k = find(done)
        lines{end+1} = referenceLine(fks{k}, h.attrs); %#ok<AGROW>
    end
    inForeignKey = any(cellfun(@(f) any(strcmp(f.attrMap(:, 2), a.name)), fks));
    fks = fks(~done);
    if ~inForeignKey
        lines{end+1} = attributeLine(a); %#ok<AGROW>
    end
end
lines = cellfun(@oneLine, lines, 'UniformOutput', false);
lines{end+1} = '%}';
str = sprintf('%s\n', lines{:});
end


function s = oneLine(s)
% Names, types, defaults and comments come from the server: a line break in
% any of them would end the %{ block early and put text into code where the
% definition is written into a class file (dj.new, syncDef). Control
% characters become spaces, so each item stays on its own comment line.
s(s < 32 | s == 127) = ' ';
end


function s = referenceLine(fk, attrs)
% '-> pkg.Parent', '-> [nullable] ...' and renamed forms '(new) -> pkg.Parent'
% (3.x's one-attribute form) or '(new, ...) -> pkg.Parent(old, ...)'
parent = dj.internal.tableToClass(fk.db, fk.table);
old = fk.attrMap(:, 1)';
new = fk.attrMap(:, 2)';
nullable = all(arrayfun(@(a) a.nullable, attrs(ismember({attrs.name}, new))));
arrow = '->';
if nullable
    arrow = '-> [nullable]';
end
renamed = ~strcmp(old, new);
if ~any(renamed)
    s = sprintf('%s %s', arrow, parent);
elseif sum(renamed) == 1
    s = sprintf('(%s) %s %s', new{renamed}, arrow, parent);
else
    s = sprintf('(%s) %s %s(%s)', strjoin(new, ', '), arrow, parent, strjoin(old, ', '));
end
end


function s = attributeLine(a)
% 'name[=default] : type   # comment', padded as 3.x pads it
default = '';
if a.nullable
    default = '=null';
elseif a.hasDefault
    d = dj.internal.unquoteDefault(a.default);
    if a.isNumeric || any(strcmpi(d, {'CURRENT_TIMESTAMP', 'NULL'}))
        default = ['=' d];
    else
        default = ['="' strrep(d, '"', '\"') '"'];
    end
end
type = a.type;
if a.autoIncrement
    type = [type ' AUTO_INCREMENT'];
end
s = sprintf('%-60s# %s', sprintf('%-28s: %s', [a.name default], type), a.comment);
end
