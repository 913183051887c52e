function file = writeClass(schema, className, tier)
% +pkg/ClassName.m for dj.new and schema.makeClass, as 3.x's makeClass writes
% it: an existing file is kept; for a table already in the database, its
% definition read back from the server and its tier's base class; otherwise a
% template of the given tier (asked for when tier is '').
if ~ischar(className) || isempty(regexp(className, '^[A-Z][A-Za-z0-9]*$', 'once'))
    error('DataJoint:makeClass', 'Invalid class name "%s": start with an uppercase letter, then letters and digits', ...
        char(className));
end
folder = fileparts(which([schema.package '.getSchema']));
if isempty(folder)
    error('DataJoint:makeClass', 'Cannot find +%s/getSchema.m on the path', schema.package);
end
file = fullfile(folder, [className '.m']);
if exist(file, 'file')
    fprintf('%s already exists\n', file);
    return
end
tableName = existingTable(schema, className);
if ~isempty(tableName)
    fprintf('Table %s.%s already exists, creating the matching class\n', schema.package, className);
    definition = dj.internal.describeTable(schema.conn, schema.dbname, tableName);
    tier = dj.internal.tierOf(tableName);
    master = '';
    if strcmp(tier, 'part')
        master = dj.internal.tableToClass(schema.dbname, regexprep(tableName, '__[^_].*$', ''));
    end
else
    if isempty(tier)
        tier = input(sprintf('\nChoose table tier:\n  L=lookup\n  M=manual\n  I=imported\n  C=computed\n  P=part\n> '), 's');
    end
    tier = tierName(tier);
    definition = sprintf('%%{\n# my newest table\n# add primary key here\n-----\n# add additional attributes\n%%}\n');
    master = [schema.package '.<<MasterClass>>'];
end
text = [definition classText(className, tier, master)];
f = fopen(file, 'w');
if f < 0
    error('DataJoint:makeClass', 'Cannot write %s', file);
end
fprintf(f, '%s', text);
fclose(f);
fprintf('Class template written to %s\n', file);
end


function name = existingTable(schema, className)
% the table of className in the schema's database, '' when there is none
name = '';
base = dj.internal.fromCamelCase(className);
tables = schema.tableNames();
for prefix = {'', '#', '_', '__', '$'}
    if any(strcmp(tables, [prefix{1} base]))
        name = [prefix{1} base];
        return
    end
end
% a part table: <master table>__<part>, named MasterPart
k = find(strcmp(cellfun(@dj.internal.toCamelCase, tables, 'UniformOutput', false), className), 1);
if ~isempty(k) && ~strncmp(tables{k}, '~', 1)
    name = tables{k};
end
end


function t = tierName(choice)
% 'L' or 'lookup' (any case) -> 'lookup', and so on for the five tiers
names = {'lookup', 'manual', 'imported', 'computed', 'part'};
c = lower(strtrim(char(choice)));
if numel(c) == 1
    k = find(cellfun(@(n) n(1) == c, names), 1);
else
    k = find(strcmp(names, c), 1);
end
if isempty(k)
    error('DataJoint:makeClass', 'Unknown table tier "%s": use L, M, I, C or P (lookup, manual, imported, computed, part)', c);
end
t = names{k};
end


function text = classText(className, tier, master)
% the classdef after the definition block, with makeTuples for auto-populated tiers
base = struct('lookup', 'dj.Lookup', 'manual', 'dj.Manual', 'imported', 'dj.Imported', ...
    'computed', 'dj.Computed', 'part', 'dj.Part', 'hidden', 'dj.Hidden');
text = sprintf('\nclassdef %s < %s\n', className, base.(tier));
if strcmp(tier, 'part')
    text = [text sprintf('\n    properties (SetAccess = protected)\n        master = %s\n    end\n', master)];
end
if any(strcmp(tier, {'imported', 'computed'}))
    text = [text sprintf(['\n    methods (Access = protected)\n' ...
        '        function makeTuples(self, key)\n' ...
        '            %% compute the missing attributes of key here\n' ...
        '            self.insert(key)\n' ...
        '        end\n' ...
        '    end\n'])];
end
text = [text sprintf('end\n')];
end
