function test_dj_key_hash()
% dj.internal.keyHash gives the hash recorded in tests/golden/key_hash/cases.json
% (computed there by DataJoint 0.14's key_hash, and checked by the Python suite
% too) for every case MATLAB can express: the value is given as mym returns it,
% doubles as their text (so Inf and -0 survive JSON).
root = fileparts(fileparts(fileparts(mfilename('fullpath'))));
cases = jsondecode(fileread(fullfile(root, 'tests', 'golden', 'key_hash', 'cases.json')));
if ~iscell(cases)
    cases = num2cell(cases);
end
nChecked = 0;
for i = 1:numel(cases)
    attrs = cases{i}.key;
    if ~iscell(attrs)
        attrs = num2cell(attrs);
    end
    [key, heading, ok] = buildKey(attrs);
    if ~ok
        continue
    end
    got = dj.internal.keyHash(key, heading);
    if ~strcmp(got, cases{i}.hash)
        error('test:keyHash', 'case %d (%s): keyHash gave %s, expected %s', i, ...
            strjoin(cellfun(@(a) a.name, attrs, 'UniformOutput', false), ','), got, cases{i}.hash);
    end
    nChecked = nChecked + 1;
end
if nChecked < 30
    error('test:keyHash', 'only %d golden cases were checked', nChecked);
end
end


function [key, heading, ok] = buildKey(attrs)
% The key struct and the heading attributes keyHash needs; ok is false when an
% attribute has no MATLAB value (a case only Python can express).
key = struct();
heading = struct('name', {}, 'sqlType', {}, 'isUuid', {});
ok = true;
for j = 1:numel(attrs)
    a = attrs{j};
    if ~isfield(a, 'matlab')
        ok = false;
        return
    end
    v = a.matlab;
    if ischar(v) && ~isempty(regexp(a.sql_type, '^(float|double|real)', 'once'))
        v = str2double(v);
    end
    key.(a.name) = v;
    heading(end + 1) = struct('name', a.name, 'sqlType', a.sql_type, ...
        'isUuid', strcmp(a.sql_type, 'uuid')); %#ok<AGROW>
end
end
