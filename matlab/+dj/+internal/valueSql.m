function [text, args] = valueSql(v, attr, context, conn)
% Placeholder text and argument for one value of an attribute, checking that
% the value fits the attribute so that errors name the attribute, not the SQL.
% An external value (blob@, attach@, filepath@; insert/update, given conn) is
% stored first and the column gets its hash; an attach value is the file's
% name and contents.
ph = @dj.internal.placeholder;
if attr.isExternal || attr.isAttachment || attr.isFilepath
    if nargin < 4 || ~any(strcmp(context, {'insert', 'update'}))
        error(['DataJoint:' context ':externalAttribute'], ...
            'Attribute "%s" (%s) is stored as an object: it cannot be compared with a value', attr.name, attr.type);
    end
    label = sprintf('`%s`.%s', attr.database, attr.name);
    if attr.isExternal
        hex = dj.internal.External.put(conn, attr.database, attr.store, v, label);
    elseif attr.isFilepath
        hex = dj.internal.External.putFilepath(conn, attr.database, attr.store, v, label);
    elseif ~isempty(attr.store)
        hex = dj.internal.External.putAttachment(conn, attr.database, attr.store, v, label);
    else
        % attach: name + NUL + contents in the column itself
        text = ph('rawbytes');
        args = {dj.internal.External.attachBytes(v, label)};
        return
    end
    text = ['UNHEX(' ph('string') ')'];
    args = {hex};
    return
end
if attr.isBlob
    text = ph('blob');
    args = {v};
    return
end
if attr.isUuid
    if ~ischar(v) || isempty(regexp(v, '^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$', 'once'))
        error(mismatchId(context), ...
            'Attribute "%s" is a uuid: expected text like "1b4e28ba-2fa1-11d2-883f-0016d3cca427"', attr.name);
    end
    text = ['UNHEX(REPLACE(' ph('string') ',''-'',''''))'];
    args = {v};
    return
end
if attr.isNumeric
    if ischar(v) && ~isempty(regexp(strtrim(v), '^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$', 'once'))
        s = strtrim(v);
    elseif (isnumeric(v) || islogical(v)) && isscalar(v) && isreal(v)
        s = numberText(v);
    else
        error(mismatchId(context), ...
            'Attribute "%s" (%s) needs a numeric scalar, got %s', attr.name, attr.sqlType, describe(v));
    end
    text = ph('string');
    args = {s};
    return
end
% strings, dates, enums
if ischar(v) && (isrow(v) || isempty(v))
    text = ph('string');
    args = {v};
else
    error(mismatchId(context), ...
        'Attribute "%s" (%s) needs a character string, got %s', attr.name, attr.sqlType, describe(v));
end
end


function s = numberText(v)
if islogical(v)
    v = double(v);
end
if isa(v, 'uint64') && v > uint64(intmax('int64'))
    s = uint64Text(v);
elseif isinteger(v)
    s = sprintf('%d', v);
elseif isinf(v) || isnan(v)
    error('DataJoint:DataType:Mismatch', 'Cannot store %g in a numeric column', v);
elseif v == round(v) && abs(v) < 2^53
    s = sprintf('%d', v);
else
    s = sprintf('%.17g', v);
end
end


function s = uint64Text(v)
% the exact decimal digits of a uint64 above intmax('int64'): Octave's sprintf('%d') prints
% those as a rounded '1.84467e+19', which the server would store as 18446700000000000000
s = '';
ten = uint64(10);
while v > 0
    d = mod(v, ten);       % exact for uint64 (idivide rounds through double in Octave)
    s = [char('0' + double(d)) s];
    v = (v - d) / ten;     % an exact quotient: nothing to round
end
end


function s = describe(v)
if ischar(v)
    s = sprintf('the text "%s"', v);
else
    s = sprintf('a %s of size %s', class(v), mat2str(size(v)));
end
end


function id = mismatchId(context)
% a value that does not fit its attribute: 3.x's identifier where 3.x raises it
% (insert, update), so that 3.x code catching it still does; ours elsewhere
if any(strcmp(context, {'insert', 'update'}))
    id = 'DataJoint:DataType:Mismatch';
else
    id = ['DataJoint:' context ':wrongType'];
end
end
