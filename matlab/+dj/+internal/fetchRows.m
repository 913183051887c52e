function s = fetchRows(conn, q, names, suffix, folder, asColumns)
% Run the SELECT of a compiled query for the named attributes (all when empty) with
% ORDER BY/LIMIT suffix, and return the rows as an n x 1 struct array of MATLAB values:
% NULL uuids as uint8 1x0, external and attached values loaded (attachments saved in
% folder). With asColumns true, a scalar struct of n x 1 columns instead, taken from the
% connector's column buffers as they are (numbers stay numeric vectors, NaN for NULL; text,
% blobs and the values above are cell columns): fetch(rel, ..., 'table') builds on it.
if isempty(names)
    names = {q.header.name};
end
res = conn.query([dj.internal.selectSql(q, names) suffix], q.args{:});
if nargin >= 6 && asColumns
    s = columns(res, names);
    for j = 1:numel(names)
        a = q.header(strcmp({q.header.name}, names{j}));
        if ~isempty(a) && needsLoading(a)
            s.(names{j}) = loadColumn(s.(names{j}), a, conn, folder);
        end
    end
    return
end
s = dj.internal.resultToStruct(res, names);
for j = 1:numel(names)
    a = q.header(strcmp({q.header.name}, names{j}));
    if ~isempty(a) && needsLoading(a) && ~isempty(s)
        values = loadColumn({s.(names{j})}, a, conn, folder);
        [s.(names{j})] = values{:};
    end
end
end


function s = columns(res, names)
% mym's result as a scalar struct of n x 1 columns (numeric as given, everything else cells)
s = struct();
n = 0;
if isstruct(res) && ~isempty(names)
    first = res.(names{1});
    if ischar(first)
        n = size(first, 1);
    else
        n = numel(first);
    end
end
for i = 1:numel(names)
    if n == 0
        v = {};
    else
        v = res.(names{i});
    end
    if ischar(v)
        v = cellstr(v);
    elseif ~(isnumeric(v) || islogical(v) || iscell(v))
        v = num2cell(v);
    end
    if iscell(v) && isempty(v)
        v = cell(0, 1);
    end
    s.(names{i}) = reshape(v, [], 1);
end
end


function tf = needsLoading(a)
tf = a.isUuid || a.isExternal || a.isAttachment || a.isFilepath;
end


function values = loadColumn(values, a, conn, folder)
% one attribute's values (a cell): NULL uuids as uint8 1x0, other uuids unchanged; external
% values fetched by hash (blob@store), attachments saved in folder and replaced by their path
% (attach, attach@store), filepaths checked and copied back from the store (filepath@store).
% NULL stays [] for blobs and is '' for attachments and filepaths.
if a.isUuid
    empty = cellfun(@isempty, values);
    values(empty) = {zeros(1, 0, 'uint8')};
    return
end
label = sprintf('`%s`.%s', a.database, a.name);
spec = [];
for i = 1:numel(values)
    v = values{i};
    if isempty(v)
        if a.isExternal
            values{i} = [];
        else
            values{i} = '';
        end
        continue
    end
    if isempty(spec) && ~isempty(a.store)
        spec = dj.internal.storeSpec(a.store);   % once per attribute and fetch
    end
    if a.isExternal
        v = dj.internal.External.get(a.database, a.store, v, label, spec);
    elseif a.isFilepath
        v = dj.internal.External.getFilepath(conn, a.database, a.store, v, label, spec);
    elseif ~isempty(a.store)
        v = dj.internal.External.getAttachment(conn, a.database, a.store, v, label, folder, spec);
    else
        v = dj.internal.External.attachFile(v(2:end), label, folder);   % after the leading 0 byte
    end
    values{i} = v;
end
end
