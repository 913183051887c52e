function s = pyRepr(v)
% Python's repr() of a double: the shortest digits that read back as v, laid
% out positionally for decimal exponents -4..15, else as d.ddde+XX. The job
% protocol hashes this text, so it must match Python exactly.
v = double(v);
if isnan(v)
    s = 'nan'; return
elseif isinf(v)
    if v > 0, s = 'inf'; else, s = '-inf'; end
    return
elseif v == 0
    if 1/v < 0, s = '-0.0'; else, s = '0.0'; end
    return
end
for p = 1:17
    e = sprintf('%.*e', p-1, v);
    if str2double(e) == v
        break
    end
end
m = regexp(e, '^(?<sg>-?)(?<d1>\d)\.?(?<dr>\d*)e(?<ex>[-+]\d+)$', 'names', 'once');
sign = m.sg;
digits = regexprep([m.d1 m.dr], '0+$', '');
if isempty(digits)
    digits = '0';
end
x = str2double(m.ex);
if x >= -4 && x < 16
    if x >= 0
        if numel(digits) <= x + 1
            ip = [digits repmat('0', 1, x + 1 - numel(digits))];
            fp = '0';
        else
            ip = digits(1:x+1);
            fp = digits(x+2:end);
        end
        s = [sign ip '.' fp];
    else
        s = [sign '0.' repmat('0', 1, -x-1) digits];
    end
else
    mant = digits(1);
    if numel(digits) > 1
        mant = [mant '.' digits(2:end)];
    end
    if x < 0, es = '-'; else, es = '+'; end
    s = sprintf('%s%se%s%02d', sign, mant, es, abs(x));
end
end
