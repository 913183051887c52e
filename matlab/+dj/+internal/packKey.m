function bytes = packKey(key, attrs)
% The `key` blob of a ~jobs row, written as Python writes it (docs/jobs.md 5):
% a dj0 dict attribute name -> value with the Python type of each column's
% value (int, float, Decimal, date, datetime, UUID or str; a time column as
% the text of its timedelta). So schema.jobs.fetch('key') in Python (ours and
% DataJoint 0.14) returns the same dict whichever language reserved the job.
% attrs: heading attributes of the key. Returns a uint8 row for a binary
% placeholder. (mym itself never writes dj0; MATLAB does not read this blob.)
names = fieldnames(key);
parts = cell(1, 2 * numel(names));
for i = 1:numel(names)
    a = attrs(strcmp({attrs.name}, names{i}));
    if isempty(a)
        error('DataJoint:jobs:badKey', 'Key attribute "%s" is not in the key source', names{i});
    end
    parts{2*i-1} = item(textPayload(names{i}));
    parts{2*i} = item(valuePayload(key.(names{i}), a));
end
bytes = [uint8('dj0') uint8(0) uint8(4) u64(numel(names)) parts{:}];
end


function p = valuePayload(v, a)
[text, kind] = dj.internal.keyValue(v, a);
switch kind
    case 'int'
        p = intPayload(v, a.name);
    case 'float'
        p = [uint8(13) typecast(double(v), 'uint8')];
    case 'decimal'
        p = [uint8('d') u64(numel(text)) uint8(text)];
    case 'date'
        p = [uint8('t') dateBytes(text, a.name) typecast(int64(-1), 'uint8')];
    case 'datetime'
        p = [uint8('t') dateBytes(text(1:10), a.name) timeBytes(text(12:end), a.name)];
    case 'uuid'
        p = [uint8('u') uint8(hex2dec(reshape(strrep(text, '-', ''), 2, [])'))'];
    otherwise  % text, and time (Python's str of the timedelta)
        p = textPayload(text);
end
end


function p = intPayload(v, name)
% 0x0A, u16 n, n bytes of two's complement: n = bit_length(|v|) // 8 + 1
if ~isreal(v) || v ~= round(v)
    error('DataJoint:jobs:badKey', 'Key attribute "%s" must be an integer', name);
end
if v >= 0
    mag = uint64(v);
    raw = [typecast(mag, 'uint8') uint8(0)];
else
    x = int64(v);
    mag = uint64(-(x + 1)) + 1;
    raw = [typecast(x, 'uint8') uint8(255)];
end
bits = 0;
while mag > 0
    mag = bitshift(mag, -1);
    bits = bits + 1;
end
n = floor(bits / 8) + 1;
p = [uint8(10) typecast(uint16(n), 'uint8') raw(1:n)];
end


function b = dateBytes(text, name)
% i32 year*10000 + month*100 + day
d = sscanf(text, '%4d-%2d-%2d');
if numel(d) ~= 3
    error('DataJoint:jobs:badKey', 'Key attribute "%s": "%s" is not a date', name, text);
end
b = typecast(int32(d(1) * 10000 + d(2) * 100 + d(3)), 'uint8');
end


function b = timeBytes(text, name)
% i64 ((hour*100 + minute)*100 + second)*1e6 + microsecond; text is hh:mm:ss[.ffffff]
m = regexp(text, '^(\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?$', 'tokens', 'once');
if isempty(m)
    error('DataJoint:jobs:badKey', 'Key attribute "%s": "%s" is not a time of day', name, text);
end
us = 0;
if numel(m) > 3 && ~isempty(m{end})
    us = str2double(m{end});
end
hms = str2double(m(1:3));
b = typecast(int64(((hms(1) * 100 + hms(2)) * 100 + hms(3)) * 1e6 + us), 'uint8');
end


function p = textPayload(s)
utf8 = reshape(unicode2native(s, 'UTF-8'), 1, []);
p = [uint8(5) u64(numel(utf8)) uint8(utf8)];
end


function p = item(payload)
p = [u64(numel(payload)) payload];
end


function b = u64(n)
% little-endian, as the blob format; MATLAB and Octave hosts are little-endian
b = typecast(uint64(n), 'uint8');
end
