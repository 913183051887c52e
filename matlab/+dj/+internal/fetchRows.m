function s = fetchRows(conn, q, names, suffix, folder)
% Run the SELECT of a compiled query for the named attributes (all when empty) with
% ORDER BY/LIMIT suffix, and return the rows as an n x 1 struct array of MATLAB values:
% NULL uuids as uint8 1x0, external and attached values loaded (attachments saved in
% folder).
if isempty(names)
    names = {q.header.name};
end
res = conn.query([dj.internal.selectSql(q, names) suffix], q.args{:});
s = dj.internal.resultToStruct(res, names);
s = nullUuids(s, q.header, names);
s = loadExternal(s, q.header, names, conn, folder);
end


function s = loadExternal(s, header, names, conn, folder)
% external values come as hashes (hex), attachments as bytes: replace each by
% the stored value (blob@store) or by the path of the local file (attach,
% attach@store: saved in folder; filepath@store: under the store's stage).
% NULL stays [] for blobs and is '' for attachments and filepaths.
for j = 1:numel(names)
    a = header(strcmp({header.name}, names{j}));
    if isempty(a) || ~(a.isExternal || a.isAttachment || a.isFilepath)
        continue
    end
    label = sprintf('`%s`.%s', a.database, a.name);
    spec = [];
    for i = 1:numel(s)
        v = s(i).(names{j});
        if isempty(v)
            if a.isExternal
                s(i).(names{j}) = [];
            else
                s(i).(names{j}) = '';
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
        s(i).(names{j}) = v;
    end
end
end


function s = nullUuids(s, header, names)
% a NULL uuid is an empty uint8 row (1x0), as mym gives a NULL binary(16);
% other uuids stay hyphenated text
for j = 1:numel(names)
    a = header(strcmp({header.name}, names{j}));
    if isempty(a) || ~a.isUuid
        continue
    end
    for i = 1:numel(s)
        if isempty(s(i).(names{j}))
            s(i).(names{j}) = zeros(1, 0, 'uint8');
        end
    end
end
end
