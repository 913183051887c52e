function writeConfigFile(file)
% dj.config.save: the settings in force as a JSON object, one key a line,
% under the names Python 0.14 reads (dj.internal.configName), so both
% languages keep sharing the file. Values that came from the environment are
% not written (they belong to the session, and DJ_PASS is a secret). The file
% is written under a temporary name readable only by its owner and renamed
% over the old one, so a password in it is never readable by others (as
% Python's dj.config.save).
[values, sources] = dj.internal.configValues();
values.blobMaxDecompressedSize = dj.config('blobMaxDecompressedSize');
names = fieldnames(values);
lines = {};
for i = 1:numel(names)
    if strncmp(sources.(names{i}), 'environment', 11)
        continue
    end
    try
        text = encode(values.(names{i}));
    catch err
        error('DataJoint:config:badValue', 'dj.config(''%s'') cannot be written as JSON: %s', names{i}, err.message);
    end
    lines{end+1} = sprintf('    "%s": %s', dj.internal.configName(names{i}, true), text); %#ok<AGROW>
end
text = sprintf('{\n%s\n}\n', strjoin(lines, sprintf(',\n')));
tmp = [file '.tmp' sprintf('%d', floor(rand() * 1e9))];
if dj.internal.isOctave()
    old = umask(77);   % Octave reads the digits as octal: owner only
    f = fopen(tmp, 'w');
    umask(old);
else
    f = fopen(tmp, 'w');
    if f >= 0
        fileattrib(tmp, '-r -w -x', 'g');
        fileattrib(tmp, '-r -w -x', 'o');
    end
end
if f < 0
    error('DataJoint:config:badFile', 'Cannot write settings file %s', file);
end
fwrite(f, text, 'char');
fclose(f);
[ok, msg] = movefile(tmp, file, 'f');
if ~ok
    delete(tmp);
    error('DataJoint:config:badFile', 'Cannot write settings file %s: %s', file, msg);
end
end


function t = encode(v)
% JSON for one setting: [] is null, a containers.Map of stores an object
if isempty(v) && (isnumeric(v) || ischar(v)) && ~ischar(v)
    t = 'null';
elseif isa(v, 'containers.Map')
    k = keys(v);
    parts = cell(1, numel(k));
    for i = 1:numel(k)
        parts{i} = sprintf('%s: %s', jsonencode(k{i}), encode(v(k{i})));
    end
    t = ['{' strjoin(parts, ', ') '}'];
else
    t = jsonencode(v);
end
end
