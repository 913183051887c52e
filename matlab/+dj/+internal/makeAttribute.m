function a = makeAttribute(name, type, sqlType, inKey, nullable, default, comment, rawComment)
% One attribute of a query's heading. expr is empty for stored attributes and
% holds SQL for renamed or computed ones.
lt = lower(sqlType);
a.name = name;
a.type = type;
a.sqlType = sqlType;
a.inKey = logical(inKey);
a.nullable = logical(nullable);
a.default = default;
a.hasDefault = ~isempty(default);   % loadHeading: from information_schema (a default may be '')
a.autoIncrement = false;
a.comment = comment;
a.rawComment = rawComment;
a.isUuid = strcmp(type, 'uuid');
% blob@store: binary(16) holding the MD5 of the object in the store (docs/external.md)
a.isExternal = strncmp(type, 'blob@', 5);
a.store = '';
if a.isExternal
    a.store = type(6:end);
end
a.database = '';   % the schema the attribute is stored in (loadHeading): where its objects live
a.isAttachment = ~isempty(regexp(type, '^(attach|filepath)', 'once'));
a.isBlob = ~isempty(regexp(lt, '^(tiny|medium|long)?blob', 'once')) && ~a.isAttachment;
a.isNumeric = ~isempty(regexp(lt, '^((tiny|small|medium|big)?int|decimal|numeric|double|float|real|bool|year)', 'once'));
a.isString = ~a.isNumeric && ~a.isBlob && ~a.isUuid && ~a.isAttachment && ~a.isExternal;
a.expr = '';
end
