classdef External
    % blob@store values: objects in a 'file' store laid out as DataJoint for
    % Python 0.14 lays them out, tracked in `db`.`~external_<store>`
    % (docs/external.md). An object is the packed blob, named by the MD5 of its
    % bytes: <location>/<db>/<subfolds of hex>/<hex>.

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
            hex = dj.internal.bytesMd5(bytes);
            path = objectPath(spec, db, hex);
            if exist(path, 'file') ~= 2
                writeObject(path, bytes);
            end
            sql = sprintf(['INSERT INTO %s (`hash`,`size`) VALUES (UNHEX(%s),%s) ' ...
                'ON DUPLICATE KEY UPDATE `timestamp`=CURRENT_TIMESTAMP'], ...
                dj.internal.External.tableName(db, store), dj.internal.placeholder('string'), ...
                dj.internal.placeholder('string'));
            try
                conn.query(sql, hex, sprintf('%d', numel(bytes)));
            catch err
                if ~strcmp(err.identifier, 'DataJoint:missingTable') || conn.inTransaction
                    rethrow(err);
                end
                % dropped since (a schema dropped and re-created): declare again
                dj.internal.External.declare(conn, db, store);
                conn.query(sql, hex, sprintf('%d', numel(bytes)));
            end
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
