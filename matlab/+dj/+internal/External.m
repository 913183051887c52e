classdef External
    % External values in a 'file' store laid out as DataJoint for Python 0.14
    % lays them out, tracked in `db`.`~external_<store>` (docs/external.md):
    %   blob@store      the packed blob, named by the MD5 of its bytes:
    %                   <location>/<db>/<subfolds of hex>/<hex>
    %   attach@store    the file, named by the MD5 of name + NUL + contents:
    %                   <location>/<db>/<subfolds of hex>/<hex>.<name>
    %   filepath@store  a file under the store's stage, copied to
    %                   <location>/<relative path>, row keyed by the MD5 of the
    %                   relative path, with the MD5 of its contents
    % and attachments kept inside the database (attach: name + NUL + contents).

    properties (Constant)
        % the same definition as the Python package's (schema-conventions 11.3)
        DEFINITION = sprintf(['# external storage tracking\n' ...
            'hash : uuid    #  hash of contents (blob), of filename + contents (attach), or relative filepath (filepath)\n' ...
            '---\n' ...
            'size : bigint unsigned   # size of object in bytes\n' ...
            'attachment_name = null : varchar(255)   # the filename of an attachment\n' ...
            'filepath = null : varchar(1000)   # relative filepath or attachment filename\n' ...
            'contents_hash = null : uuid   # used for the filepath datatype\n' ...
            'timestamp = CURRENT_TIMESTAMP : timestamp   # automatic timestamp'])
    end

    methods (Static)
        function name = tableName(db, store)
            name = [dj.internal.quoteId(db) '.' dj.internal.quoteId(['~external_' store])];
        end

        function declare(conn, db, store)
            % ~external_<store> of db, before a table referencing it (the store
            % must be configured, as in Python: a bad configuration fails early)
            dj.internal.storeSpec(store);
            tbl = ['~external_' store];
            if conn.tableExists(db, tbl)
                return
            end
            if conn.inTransaction
                error('DataJoint:declare:inTransaction', ['Table %s must be declared before a transaction ' ...
                    'starts (CREATE TABLE would commit it)'], dj.internal.External.tableName(db, store));
            end
            def = dj.internal.parseDefinition(dj.internal.External.DEFINITION, tbl);
            sql = dj.internal.compileDefinition(def, db, tbl, @(ref) [], tbl);
            conn.query(sql);
            conn.forgetHeading(dj.internal.External.tableName(db, store));
        end

        function hex = put(conn, db, store, value, label)
            % store one value; returns the 32-hex MD5 for the binary(16) column
            spec = dj.internal.storeSpec(store);
            try
                packed = mym('serialize {uM}', value);
            catch err
                error('DataJoint:DataType:Mismatch', 'Cannot store a %s value in blob attribute %s: %s', ...
                    class(value), label, err.message);
            end
            bytes = compressAs014(conn, packed{1});
            hex = dj.lib.DataHash(bytes, 'bin', 'hex', 'MD5');   % as 3.x names objects
            path = objectPath(spec, db, hex);
            if exist(path, 'file') ~= 2
                writeObject(path, bytes);
            end
            track(conn, db, store, {'hash', 'size'}, {hex, numel(bytes)});
        end

        function value = get(db, store, hex, label, spec)
            % the value of a stored object (spec: storeSpec(store), when the
            % caller reads many objects of one store)
            if nargin < 5
                spec = dj.internal.storeSpec(store);
            end
            path = objectPath(spec, db, lower(hex));
            fid = fopen(path, 'r');
            if fid < 0
                error('DataJoint:external:missingFile', ['The object %s of %s (store "%s") is tracked but its ' ...
                    'file is missing: %s'], hex, label, store, path);
            end
            bytes = fread(fid, Inf, '*uint8');
            fclose(fid);
            try
                value = mym('deserialize', bytes);
            catch err
                error('DataJoint:external:corrupt', 'The object %s of %s (%s) is not a valid blob: %s', ...
                    hex, label, path, err.message);
            end
        end

        function hex = putAttachment(conn, db, store, path, label)
            % attach@store: the file goes into the store once; returns the hash
            % of name + NUL + contents for the binary(16) column
            spec = dj.internal.storeSpec(store);
            [name, contents] = readAttachment(path, label);
            hex = dj.lib.DataHash([utf8(name); 0; contents], 'bin', 'hex', 'MD5');
            target = [objectPath(spec, db, hex) '.' name];
            if exist(target, 'file') ~= 2 || fileSize(target) ~= numel(contents)
                writeObject(target, contents);
            end
            track(conn, db, store, {'hash', 'size', 'attachment_name'}, {hex, numel(contents), name});
        end

        function local = getAttachment(conn, db, store, hex, label, folder, spec)
            % attach@store: save the attachment in folder; returns its local path
            name = trackedValue(conn, db, store, hex, 'attachment_name', label);
            checkName(name, label);
            source = [objectPath(spec, db, lower(hex)) '.' name];
            contents = readBytes(source, 'DataJoint:external:missingFile', ...
                sprintf('The attachment %s of %s (store "%s") is tracked but its file is missing', hex, label, store));
            local = saveAttachment(name, contents, folder, lower(hex));
        end

        function bytes = attachBytes(path, label)
            % attach (in the database): the column holds name + NUL + contents
            [name, contents] = readAttachment(path, label);
            bytes = [utf8(name); 0; contents];
        end

        function local = attachFile(bytes, label, folder)
            % attach (in the database): save the stored file in folder
            bytes = bytes(:);
            k = find(bytes == 0, 1);
            if isempty(k)
                error('DataJoint:external:corrupt', 'The attachment in %s is malformed (no file name)', label);
            end
            name = fromUtf8(bytes(1:k-1));
            checkName(name, label);
            local = saveAttachment(name, bytes(k+1:end), folder, dj.lib.DataHash(bytes, 'bin', 'hex', 'MD5'));
        end

        function hex = putFilepath(conn, db, store, path, label)
            % filepath@store: a file under the store's stage is copied to
            % <location>/<relative path> unless that path is tracked already;
            % returns the MD5 of the relative path for the binary(16) column
            checkFilepathEnabled(label);
            spec = dj.internal.storeSpec(store);
            relative = stageRelative(spec, path, label);
            contents = readBytes(path, 'DataJoint:insert:wrongType', ...
                sprintf('Filepath %s for %s is not a readable file', path, label));
            hex = dj.lib.DataHash(utf8(relative), 'bin', 'hex', 'MD5');
            contentsHash = dj.lib.DataHash(contents, 'bin', 'hex', 'MD5');
            old = trackedRow(conn, db, store, hex, 'LOWER(HEX(`contents_hash`))');
            if ~isempty(old)
                if ~isempty(old{1}) && ~strcmp(old{1}, contentsHash)
                    error('DataJoint:external:filepathConflict', ['A different version of "%s" has already ' ...
                        'been placed in store "%s" (%s)'], relative, store, label);
                end
                return
            end
            writeObject(fullfile(storeRoot(spec), relative), contents);
            track(conn, db, store, {'hash', 'size', 'filepath', 'contents_hash'}, ...
                {hex, numel(contents), relative, contentsHash});
        end

        function local = getFilepath(conn, db, store, hex, label, spec)
            % filepath@store: the file at <stage>/<relative path>, copied from the
            % store when missing or different; checked after copying
            checkFilepathEnabled(label);
            row = trackedRow(conn, db, store, hex, '`filepath`', 'LOWER(HEX(`contents_hash`))', '`size`');
            if isempty(row) || isempty(row{1})
                error('DataJoint:external:missingFile', 'Filepath %s of %s is not tracked in %s', hex, label, ...
                    dj.internal.External.tableName(db, store));
            end
            relative = row{1};
            checkRelative(relative, label);
            if isempty(spec.stage)
                error('DataJoint:external:badConfig', 'dj.config(''stores'').%s needs a ''stage'' folder for filepath attributes', store);
            end
            local = fullfile(absolutePath(spec.stage), relative);
            if ~intact(local, row{3}, row{2})
                source = fullfile(storeRoot(spec), relative);
                contents = readBytes(source, 'DataJoint:external:missingFile', ...
                    sprintf('Missing external file %s (store "%s", %s)', source, store, label));
                writeObject(local, contents);
                if ~intact(local, row{3}, row{2})
                    error('DataJoint:external:checksum', ['%s was copied from store "%s" but does not match ' ...
                        'its recorded size or checksum'], local, store);
                end
            end
        end
    end
end


function path = objectPath(spec, db, hex)
if exist(spec.location, 'dir') ~= 7
    error('DataJoint:external:location', 'Store "%s": inaccessible local directory "%s"', spec.store, spec.location);
end
parts = {spec.location, db};
start = 1;
for w = spec.subfolding
    parts{end+1} = hex(start:start+w-1); %#ok<AGROW>
    start = start + w;
end
parts{end+1} = hex;
path = fullfile(parts{:});
end


function writeObject(path, bytes)
% through a unique temporary name and a rename, so that a reader (or a
% concurrent writer of the same object) never sees a partial file
folder = fileparts(path);
if exist(folder, 'dir') ~= 7
    [ok, msg] = mkdir(folder);
    if ~ok && exist(folder, 'dir') ~= 7
        error('DataJoint:external:write', 'Cannot create folder %s: %s', folder, msg);
    end
end
[~, base] = fileparts(tempname());
temp = sprintf('%s.%s.saving', path, base);
fid = fopen(temp, 'w');
if fid < 0
    error('DataJoint:external:write', 'Cannot write %s', temp);
end
n = fwrite(fid, bytes, 'uint8');
fclose(fid);
if n ~= numel(bytes)
    delete(temp);
    error('DataJoint:external:write', 'Cannot write %s (disk full?)', temp);
end
if dj.internal.isOctave()
    [err, msg] = rename(temp, path);
    ok = err == 0;
else
    [ok, msg] = movefile(temp, path, 'f');
end
if ~ok
    delete(temp);
    error('DataJoint:external:write', 'Cannot place %s: %s', path, msg);
end
end


function bytes = compressAs014(conn, plain)
% Objects are named by the hash of their bytes, so they are compressed as
% DataJoint 0.14 does (blob-format 3.1): zlib at the default level, kept when
% the blob is longer than 1000 bytes and the result is shorter. The server's
% COMPRESS() is that zlib call (4-byte length in front; a '.' appended when
% the stream ends with a space), so the bytes and names equal Python's.
bytes = plain;
n = numel(plain);
if n <= 1000
    return
end
r = conn.query(['SELECT COMPRESS(' dj.internal.placeholder('rawbytes') ') AS z'], plain);
z = r.z;
if iscell(z)
    z = z{1};
end
z = z(:);
stream = z(5:end);
if numel(stream) >= 6 && stream(end) == 46 && stream(end-1) == 32 && ...
        isequal(stream(end-4:end-1), adler32(plain))
    stream = stream(1:end-1);   % the '.' the server appended after a trailing space
end
packed = [uint8('ZL123')'; 0; typecast(uint64(n), 'uint8')'; stream];
if numel(packed) < n
    bytes = packed;
end
end


function d = adler32(x)
% big-endian adler32 of uint8 x (the last four bytes of a zlib stream)
a = 1;
b = 0;
m = 65536;
x = double(x(:));
for first = 1:m:numel(x)
    c = x(first:min(end, first + m - 1));
    k = numel(c);
    b = mod(b + k * a + sum((k:-1:1)' .* c), 65521);
    a = mod(a + sum(c), 65521);
end
d = uint8([floor(b / 256); mod(b, 256); floor(a / 256); mod(a, 256)]);
end


function track(conn, db, store, names, values)
% one row of ~external_<store> for an object (hash and contents_hash given as
% hex, sizes as numbers); an object stored again only refreshes its timestamp
ph = dj.internal.placeholder('string');
cols = strjoin(cellfun(@dj.internal.quoteId, names, 'UniformOutput', false), ',');
texts = cell(1, numel(names));
args = cell(1, numel(names));
for i = 1:numel(names)
    v = values{i};
    if any(strcmp(names{i}, {'hash', 'contents_hash'}))
        texts{i} = ['UNHEX(' ph ')'];
    else
        texts{i} = ph;
    end
    if isnumeric(v)
        v = sprintf('%d', v);
    end
    args{i} = v;
end
sql = sprintf('INSERT INTO %s (%s) VALUES (%s) ON DUPLICATE KEY UPDATE `timestamp`=CURRENT_TIMESTAMP', ...
    dj.internal.External.tableName(db, store), cols, strjoin(texts, ','));
try
    conn.query(sql, args{:});
catch err
    if ~strcmp(err.identifier, 'DataJoint:missingTable') || conn.inTransaction
        rethrow(err);
    end
    % dropped since (a schema dropped and re-created): declare again
    dj.internal.External.declare(conn, db, store);
    conn.query(sql, args{:});
end
end


function row = trackedRow(conn, db, store, hex, varargin)
% the given columns (SQL expressions) of the object's row as a cell, {} when untracked
cols = cell(1, numel(varargin));
for i = 1:numel(varargin)
    cols{i} = sprintf('%s AS c%d', varargin{i}, i);
end
r = conn.query(sprintf('SELECT %s FROM %s WHERE `hash`=UNHEX(%s)', strjoin(cols, ','), ...
    dj.internal.External.tableName(db, store), dj.internal.placeholder('string')), hex);
row = {};
if isempty(r.c1)
    return
end
row = cell(1, numel(varargin));
for i = 1:numel(varargin)
    v = r.(sprintf('c%d', i));
    if iscell(v)
        v = v{1};
    else
        v = double(v(1));
    end
    row{i} = v;
end
end


function v = trackedValue(conn, db, store, hex, column, label)
row = trackedRow(conn, db, store, hex, dj.internal.quoteId(column));
if isempty(row) || isempty(row{1})
    error('DataJoint:external:missingFile', 'Object %s of %s is not tracked in %s', hex, label, ...
        dj.internal.External.tableName(db, store));
end
v = row{1};
end


function [name, contents] = readAttachment(path, label)
% an attachment is given as the path of a readable file; its name is stored
if ~ischar(path) || isempty(path) || ~isrow(path)
    error('DataJoint:insert:wrongType', 'Attachment for %s must be the path of a file (text), got %s', ...
        label, class(path));
end
[~, stem, ext] = fileparts(path);
name = [stem ext];
checkName(name, label);
contents = readBytes(path, 'DataJoint:insert:wrongType', ...
    sprintf('Attachment for %s is not a readable file: %s', label, path));
end


function checkName(name, label)
% a stored name is a plain file name, so a fetch never writes outside its folder
if ~ischar(name) || isempty(name) || any(name == '/' | name == '\' | name == 0) || ...
        any(strcmp(name, {'.', '..'})) || numel(name) > 255
    error('DataJoint:external:badName', 'Attachment name "%s" of %s is not a plain file name (at most 255 characters)', ...
        dj.internal.anyText(name), label);
end
end


function checkRelative(relative, label)
% a relative path inside the store: no absolute path, no '.' or '..' parts
parts = strsplit(strrep(relative, '\', '/'), '/');
if isempty(relative) || relative(1) == '/' || any(relative == 0) || any(cellfun(@isempty, parts)) || ...
        any(strcmp(parts, '.')) || any(strcmp(parts, '..')) || ~isempty(regexp(relative, '^[A-Za-z]:', 'once'))
    error('DataJoint:external:badPath', 'The filepath "%s" of %s is not a plain relative path', dj.internal.anyText(relative), label);
end
end


function relative = stageRelative(spec, path, label)
if ~ischar(path) || isempty(path) || ~isrow(path)
    error('DataJoint:insert:wrongType', 'Filepath for %s must be the path of a file (text), got %s', label, class(path));
end
if isempty(spec.stage)
    error('DataJoint:external:badConfig', 'dj.config(''stores'').%s needs a ''stage'' folder for filepath attributes', spec.store);
end
stage = strrep(absolutePath(spec.stage), '\', '/');
local = strrep(absolutePath(path), '\', '/');
stage = regexprep(stage, '/+$', '');
if numel(local) <= numel(stage) + 1 || ~strcmp(local(1:numel(stage) + 1), [stage '/'])
    error('DataJoint:external:badPath', 'The path %s is not in the stage %s of store "%s" (%s)', ...
        path, spec.stage, spec.store, label);
end
relative = local(numel(stage) + 2:end);
checkRelative(relative, label);
if numel(relative) > 1000
    error('DataJoint:external:badPath', 'Relative filepath "%s" is longer than 1000 characters', relative);
end
end


function p = absolutePath(p)
% absolute form of p, as Python's Path.absolute (no symbolic links resolved)
if ~(numel(p) >= 1 && (p(1) == '/' || p(1) == '\')) && isempty(regexp(p, '^[A-Za-z]:', 'once'))
    p = fullfile(pwd, p);
end
end


function root = storeRoot(spec)
if exist(spec.location, 'dir') ~= 7
    error('DataJoint:external:location', 'Store "%s": inaccessible local directory "%s"', spec.store, spec.location);
end
root = spec.location;
end


function tf = intact(local, size, contentsHash)
% the local copy of a filepath value: present, same size and (when recorded) same MD5
tf = false;
if exist(local, 'file') ~= 2
    return
end
if fileSize(local) ~= size
    return
end
if ~isempty(contentsHash)
    fid = fopen(local, 'r');
    if fid < 0
        return
    end
    b = fread(fid, Inf, '*uint8');
    fclose(fid);
    tf = strcmp(dj.lib.DataHash(b, 'bin', 'hex', 'MD5'), contentsHash);
else
    tf = true;
end
end


function n = fileSize(path)
info = dir(path);
n = -1;
if numel(info) == 1 && ~info.isdir
    n = info.bytes;
end
end


function checkFilepathEnabled(label)
% filepath values are opt-in, as in DataJoint 0.14 (the same environment variable)
if ~strcmpi(getenv('DJ_SUPPORT_FILEPATH_MANAGEMENT'), 'TRUE')
    error('DataJoint:external:filepathDisabled', ['Attribute %s: the filepath data type is disabled; set the ' ...
        'environment variable DJ_SUPPORT_FILEPATH_MANAGEMENT=TRUE to use it (experimental, as in DataJoint 0.14)'], label);
end
end


function bytes = readBytes(path, id, message)
fid = -1;
if exist(path, 'file') == 2
    fid = fopen(path, 'r');
end
if fid < 0
    error(id, '%s', message);
end
bytes = fread(fid, Inf, '*uint8');
fclose(fid);
bytes = bytes(:);
end


function local = saveAttachment(name, contents, folder, hex)
% save as folder/name unless an identical file is there; a different file of
% that name is kept and the attachment becomes name_0000.ext, name_0001.ext, ...
% (as DataJoint 0.14); hex: MD5 of name + NUL + contents
if exist(folder, 'dir') ~= 7
    [ok, msg] = mkdir(folder);
    if ~ok
        error('DataJoint:external:write', 'Cannot create folder %s: %s', folder, msg);
    end
end
[~, stem, ext] = fileparts(name);
if isempty(stem)
    stem = ext;
    ext = '';
end
local = fullfile(folder, name);
prefix = [utf8(name); 0];
for n = 0:65536
    if exist(local, 'file') ~= 2
        writeObject(local, contents);
        return
    end
    fid = fopen(local, 'r');
    if fid >= 0
        existing = fread(fid, Inf, '*uint8');
        fclose(fid);
        if strcmp(dj.lib.DataHash([prefix; existing(:)], 'bin', 'hex', 'MD5'), hex)
            return
        end
    end
    local = fullfile(folder, sprintf('%s_%04x%s', stem, n, ext));
end
error('DataJoint:external:write', 'Too many files named like %s in %s', name, folder);
end


function b = utf8(s)
% UTF-8 bytes of text (Octave keeps text as UTF-8 bytes already), as a column
if dj.internal.isOctave()
    b = uint8(s(:));
else
    b = unicode2native(s, 'UTF-8');
    b = b(:);
end
end


function s = fromUtf8(b)
if dj.internal.isOctave()
    s = char(b(:)');
else
    s = native2unicode(b(:)', 'UTF-8');
end
end

