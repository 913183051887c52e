function varargout = createSchema(package, parentDir, dbname)
% dj.createSchema(package, parentDir, dbname) as in DataJoint for MATLAB 3.x:
% creates the database when missing and writes +package/getSchema.m (and
% +package/Jobs.m, the job table's class) under parentDir, keeping files that
% exist. Arguments left out are asked for at the prompt. Returns the dj.Schema
% when an output is requested.
if nargin < 3
    dbname = input('Enter database name >> ', 's');
end
if isempty(dbname)
    disp('No database name entered. Quitting.');
    return
end
if ~ischar(dbname) || isempty(regexp(dbname, '^[A-Za-z0-9_$-]+$', 'once'))
    error('DataJoint:schema:badArgument', ['Invalid database name "%s": use letters, digits and ' ...
        'underscores (3.x: begin with a lowercase letter)'], char(dbname));
end
if nargin < 1
    folder = input('Enter package folder path (ending in +package) >> ', 's');
else
    if nargin < 2
        parentDir = input('Enter parent folder path >> ', 's');
    end
    folder = fullfile(parentDir, ['+' package]);
end
if isempty(folder)
    disp('No package selected. Cancelled.');
    return
end
[parent, name] = fileparts(folder);
if isempty(name) || name(1) ~= '+' || isempty(regexp(name(2:end), '^[A-Za-z]\w*$', 'once'))
    error('DataJoint:schema:badArgument', 'Invalid package folder "%s": it must be +name, name a valid identifier', folder);
end
package = name(2:end);
if isempty(parent)
    parent = '.';
end
if ~exist(parent, 'dir')
    error('DataJoint:schema:badArgument', 'Parent folder "%s" does not exist', parent);
end
schema = dj.Schema(dj.conn, package, dbname);
if ~exist(folder, 'dir')
    mkdir(folder);
end
writeGetSchema(folder, package, dbname);
dj.Jobs.writeClass(folder, dbname);
if isempty(which([package '.getSchema']))
    warning('DataJoint:schema:notOnPath', 'Could not find %s.getSchema: add %s to the path', package, parent);
end
if nargout
    varargout{1} = schema;
end
end


function writeGetSchema(folder, package, dbname)
% +package/getSchema.m returning the schema object (one per session)
file = fullfile(folder, 'getSchema.m');
if exist(file, 'file')
    fprintf('%s.getSchema.m already exists\n', package);
    return
end
f = fopen(file, 'w');
if f < 0
    error('DataJoint:schema:write', 'Cannot write %s', file);
end
fprintf(f, 'function obj = getSchema\n');
fprintf(f, 'persistent schemaObject\n');
fprintf(f, 'if isempty(schemaObject)\n');
fprintf(f, '    schemaObject = dj.Schema(dj.conn, ''%s'', ''%s'');\n', package, dbname);
fprintf(f, 'end\n');
fprintf(f, 'obj = schemaObject;\n');
fprintf(f, 'end\n');
fclose(f);
end
