function schema = createSchema(package, parentDir, dbname)
% Create the database and write +package/getSchema.m under parentDir, the
% non-interactive form of the MATLAB toolbox's createSchema.
if nargin < 3
    error('DataJoint:schema:badArgument', 'dj.createSchema(package, parentDir, dbname)');
end
if isempty(regexp(package, '^[A-Za-z]\w*$', 'once'))
    error('DataJoint:schema:badArgument', 'Invalid package name "%s"', package);
end
if isempty(regexp(dbname, '^[\w$-]+$', 'once'))
    error('DataJoint:schema:badArgument', 'Invalid database name "%s"', dbname);
end
folder = fullfile(parentDir, ['+' package]);
if ~exist(folder, 'dir')
    mkdir(folder);
end
f = fopen(fullfile(folder, 'getSchema.m'), 'w');
fprintf(f, 'function obj = getSchema\n');
fprintf(f, 'persistent schemaObject\n');
fprintf(f, 'if isempty(schemaObject)\n');
fprintf(f, '    schemaObject = dj.Schema(dj.conn, ''%s'', ''%s'');\n', package, dbname);
fprintf(f, 'end\n');
fprintf(f, 'obj = schemaObject;\n');
fprintf(f, 'end\n');
fclose(f);
schema = dj.Schema(dj.conn, package, dbname);
end
