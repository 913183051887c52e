function q = quoteId(name)
% The one place identifiers become SQL: backquoted, with anything that could
% escape the quotes refused rather than escaped.
if ~ischar(name) || isempty(name) || any(name == '`') || any(name == 0)
    error('DataJoint:sql:badIdentifier', 'Invalid SQL identifier: %s', disp_value(name));
end
q = ['`' name '`'];
end

function s = disp_value(v)
if ischar(v)
    s = ['"' v '"'];
else
    s = ['<' class(v) '>'];
end
end
