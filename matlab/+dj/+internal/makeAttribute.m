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
% blob@store, attach@store, filepath@store: binary(16) holding the hash of the
% object's row in ~external_<store> (docs/external.md); store is the name after '@'.
% isExternal marks external blobs only (their values are packed MATLAB arrays);
% isAttachment marks attach and attach@store, isFilepath filepath@store.
a.store = '';
at = regexp(type, '^(blob|attach|filepath)@(.+)$', 'tokens', 'once');
if ~isempty(at)
    a.store = at{2};
end
a.isExternal = strncmp(type, 'blob@', 5);
a.database = '';   % the schema the attribute is stored in (loadHeading): where its objects live
a.isAttachment = strcmp(type, 'attach') || strncmp(type, 'attach@', 7);
a.isFilepath = strncmp(type, 'filepath@', 9);
a.isBlob = ~isempty(regexp(lt, '^(tiny|medium|long)?blob', 'once')) && ~a.isAttachment;
a.isNumeric = ~isempty(regexp(lt, '^((tiny|small|medium|big)?int|decimal|numeric|double|float|real|bool|year)', 'once'));
a.isString = ~a.isNumeric && ~a.isBlob && ~a.isUuid && ~a.isAttachment && ~a.isFilepath && ~a.isExternal;
a.expr = '';
end
