function s = columnSql(a, forOutput)
% One SELECT column of a compiled query: the attribute, its expression for a renamed or
% computed one, AS its name. forOutput: as the toolbox reads it back (external hashes as
% hex, attachments with a leading 0 byte, uuids hyphenated); otherwise as stored, for
% derived tables.
qn = dj.internal.quoteId(a.name);
if isempty(a.expr)
    src = qn;
else
    src = a.expr;
end
if forOutput && ~isempty(a.store)
    % the object's hash as 32 hex digits; fetchStruct loads the object
    src = sprintf('LOWER(HEX(%s))', src);
elseif forOutput && a.isAttachment
    % a leading 0 byte keeps the connector from reading name + NUL + contents
    % as a serialized blob: it returns the bytes as they are
    src = sprintf('CONCAT(X''00'',%s)', src);
elseif forOutput && a.isUuid
    % uuids travel as hyphenated text so MATLAB sees the same values as Python
    src = sprintf(['LOWER(CONCAT_WS(''-'',SUBSTR(HEX(%s),1,8),SUBSTR(HEX(%s),9,4),' ...
        'SUBSTR(HEX(%s),13,4),SUBSTR(HEX(%s),17,4),SUBSTR(HEX(%s),21,12)))'], src, src, src, src, src);
end
if strcmp(src, qn)
    s = qn;
else
    s = sprintf('%s AS %s', src, qn);
end
end
