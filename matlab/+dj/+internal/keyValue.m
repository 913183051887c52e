function [s, kind] = keyValue(v, a)
% One job-key value as Python sees it (docs/jobs.md 3 and 5): s is its Python
% str() text, which key_hash hashes; kind says which Python type it has
% ('int', 'float', 'decimal', 'datetime', 'date', 'time', 'uuid' or 'text'),
% which decides how the key blob stores it. a: the heading attribute.
t = lower(a.sqlType);
if ~isempty(regexp(t, '^((tiny|small|medium|big)?int|bool|year)', 'once'))
    kind = 'int';
    s = sprintf('%d', v);
elseif ~isempty(regexp(t, '^(float|double|real)', 'once'))
    kind = 'float';
    s = dj.internal.pyRepr(v);
elseif ~isempty(regexp(t, '^(decimal|numeric)', 'once'))
    kind = 'decimal';
    s = decimalText(v, t);
elseif ischar(v) && ~isempty(regexp(t, '^(datetime|timestamp)', 'once'))
    kind = 'datetime';
    s = regexprep(v, '\.0*$', '');
    f = regexp(s, '\.(\d+)$', 'tokens', 'once');
    if ~isempty(f)
        s = [s(1:end-numel(f{1})) f{1} repmat('0', 1, 6 - numel(f{1}))];
    end
elseif ischar(v) && strncmp(t, 'time', 4)
    kind = 'time';
    s = timeText(v);
elseif ischar(v)
    s = v;
    if isfield(a, 'isUuid') && a.isUuid
        kind = 'uuid';
    elseif strcmp(t, 'date')
        kind = 'date';
    else
        kind = 'text';
    end
else
    error('DataJoint:jobs:badKey', 'Cannot hash a %s value of attribute "%s"', class(v), a.name);
end
end


function s = decimalText(v, t)
if ischar(v)
    s = strtrim(v);
else
    sc = regexp(t, ',\s*(\d+)', 'tokens', 'once');
    if isempty(sc), scale = 0; else, scale = str2double(sc{1}); end
    s = sprintf('%.*f', scale, v);
end
neg = ~isempty(s) && s(1) == '-';
body = regexprep(s, '^[-+]', '');
parts = strsplit(body, '.');
if numel(parts) > 1, frac = parts{2}; else, frac = ''; end
c = regexprep([parts{1} frac], '^0+', '');
if isempty(c), c = '0'; end
e = -numel(frac);
adj = e + numel(c) - 1;
if adj >= -6
    return
end
s = '';
if neg, s = '-'; end
s = [s c(1)];
if numel(c) > 1
    s = [s '.' c(2:end)];
end
s = sprintf('%sE%d', s, adj);
end


function s = timeText(v)
m = regexp(strtrim(v), '^(?<sg>-?)(?<h>\d+):(?<mi>\d\d):(?<se>\d\d)(\.(?<f>\d+))?$', 'names', 'once');
if isempty(m)
    s = v; return
end
us = 0;
if isfield(m, 'f') && ~isempty(m.f)
    us = str2double([m.f repmat('0', 1, 6 - numel(m.f))]);
end
m = {m.sg, m.h, m.mi, m.se};
total = (str2double(m{2}) * 3600 + str2double(m{3}) * 60 + str2double(m{4})) * 1e6 + us;
if strcmp(m{1}, '-')
    total = -total;
end
d = floor(total / 86400e6);
r = total - d * 86400e6;
sec = floor(r / 1e6);
us = r - sec * 1e6;
s = '';
if d ~= 0
    if abs(d) == 1, s = sprintf('%d day, ', d); else, s = sprintf('%d days, ', d); end
end
s = sprintf('%s%d:%02d:%02d', s, floor(sec / 3600), floor(mod(sec, 3600) / 60), mod(sec, 60));
if us ~= 0
    s = sprintf('%s.%06d', s, us);
end
end
