function obj = getSchema
% Binds package demolab to a database; change the name to your own schema.
persistent schemaObject
if isempty(schemaObject)
    schemaObject = dj.Schema(dj.conn, 'demolab', 'demo_lab');
end
obj = schemaObject;
end
