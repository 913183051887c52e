function saveJSONfile(data, jsonFileName)
% DJ.LIB.SAVEJSONFILE  Write a struct as an indented JSON object (3.x).
%   dj.lib.saveJSONfile(struct('databaseHost', 'db.lab', 'metrics', struct('heightCm', 3)), 'x.json')
%   writes {"database.host": "db.lab", "metrics": {"height.cm": 3}}: as in 3.x, a lowercase
%   letter or digit followed by an uppercase one becomes '.' and lowercase in every key (the
%   names of dj.config and of Python's JSON settings). Empty values are null; arrays and struct
%   arrays are JSON arrays; text is escaped by jsonencode. (dj.config.save writes the settings.)
if ~isstruct(data) || ~isscalar(data) || ~ischar(jsonFileName) || isempty(jsonFileName)
    error('DataJoint:saveJSONfile:badArgument', 'saveJSONfile(data, file) needs a scalar struct and a file name');
end
text = encodeValue(data, '');
f = fopen(jsonFileName, 'w');
if f < 0
    error('DataJoint:saveJSONfile:write', 'Cannot write %s', jsonFileName);
end
closer = onCleanup(@() fclose(f));
fprintf(f, '%s\n', text);
end


function t = encodeValue(v, indent)
inner = [indent sprintf('\t')];
if isstruct(v) && isscalar(v)
    names = fieldnames(v);
    parts = cell(1, numel(names));
    for i = 1:numel(names)
        parts{i} = sprintf('%s%s : %s', inner, jsonencode(dottedKey(names{i})), encodeValue(v.(names{i}), inner));
    end
    t = sprintf('{\n%s\n%s}', strjoin(parts, sprintf(',\n')), indent);
elseif isempty(v)
    t = 'null';
elseif ischar(v) && size(v, 1) == 1
    t = jsonencode(v);
elseif (isnumeric(v) || islogical(v)) && isscalar(v)
    t = jsonencode(v);
elseif iscell(v) || isstruct(v) || isnumeric(v) || islogical(v)
    parts = cell(1, numel(v));
    for i = 1:numel(v)
        if iscell(v)
            item = v{i};
        else
            item = v(i);
        end
        parts{i} = [inner encodeValue(item, inner)];
    end
    t = sprintf('[\n%s\n%s]', strjoin(parts, sprintf(',\n')), indent);
else
    error('DataJoint:saveJSONfile:badArgument', 'saveJSONfile cannot write a value of class %s', class(v));
end
end


function key = dottedKey(name)
% 'databaseHost' -> 'database.host'
[starts] = regexp(name, '[a-z0-9][A-Z]');
key = name;
for k = numel(starts):-1:1
    i = starts(k) + 1;
    key = [key(1:i-1) '.' lower(key(i)) key(i+1:end)];
end
end
