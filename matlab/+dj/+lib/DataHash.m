function out = DataHash(data, varargin)
% DATAHASH  Checksum of a MATLAB value, compatible with the dj.lib.DataHash that
% DataJoint for MATLAB 3.x ships (Jan Simon's DataHash) and calls to name
% external objects: DataHash(packedBytes, 'bin', 'hex', 'MD5').
%
%   h = dj.lib.DataHash(data, opts...)
% Options (any order, case-insensitive):
%   input:  'array' (default: class, dimensions and contents, structs and cells
%           recursively), 'bin' (only the bytes of a numeric, logical or char
%           array; chars as 16-bit codes), 'ascii' (chars as 8-bit codes),
%           'file' (data is a file name: the file's bytes)
%   output: 'hex' (default), 'HEX', 'double', 'uint8', 'base64', 'short'
%           (base64 without '=' padding)
%   method: 'MD5' (default), 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'MD2'
% dj.lib.DataHash() returns the version information and the methods.
% Function handles and objects are refused (their byte form depends on the
% MATLAB release): 'JSimon:DataHash:BadDataType'.
if nargin == 0
    out = struct('HashVersion', 4, 'Date', [2019 5 19], ...
        'HashMethod', {{'MD2', 'MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'}});
    return
end
[method, format, mode] = parseOptions(varargin);
switch mode
    case 'file'
        bytes = fileBytes(data);
    case {'bin', 'ascii'}
        bytes = plainBytes(data, strcmp(mode, 'ascii'));
    otherwise
        bytes = arrayBytes(data);
end
digest = dj.internal.bytesDigest(bytes, method);
out = formatDigest(digest, format);
end


function [method, format, mode] = parseOptions(opts)
% the options as DataHash takes them: strings, or one struct of strings (old style)
method = 'MD5';
format = 'hex';
mode = 'array';
if numel(opts) == 1 && isstruct(opts{1})
    opts = struct2cell(opts{1})';
end
methods = {'MD2', 'MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'};
for i = 1:numel(opts)
    o = opts{i};
    if ~ischar(o)
        error('JSimon:DataHash:BadInputType', 'DataHash options must be text or a struct of text, got %s', class(o));
    end
    switch lower(o)
        case {'array', 'bin', 'ascii', 'file'}
            mode = lower(o);
        case 'binary'
            mode = 'bin';
        case {'hex', 'double', 'uint8', 'base64', 'short'}
            format = lower(o);
            if strcmp(o, 'HEX')
                format = 'HEX';
            end
        otherwise
            k = find(strcmpi(o, methods), 1);
            if isempty(k)
                error('JSimon:DataHash:BadInput2', ['Unknown DataHash option or hash method "%s" ' ...
                    '(methods: %s; outputs: hex, HEX, double, uint8, base64, short; inputs: array, bin, ascii, file)'], ...
                    o, strjoin(methods, ', '));
            end
            method = methods{k};
    end
end
end


function bytes = fileBytes(name)
if ~ischar(name)
    error('JSimon:DataHash:BadFile', 'DataHash(..., ''file'') needs a file name, got %s', class(name));
end
fid = fopen(name, 'r');
if fid < 0
    error('JSimon:DataHash:BadFile', 'Cannot open file: %s', name);
end
bytes = fread(fid, Inf, '*uint8');
fclose(fid);
end


function bytes = plainBytes(data, ascii)
% 'bin'/'ascii': the bytes of the elements only, so that empty arrays of any
% class give the same hash; complex values: all real parts, then all imaginary
if issparse(data) || ~(isnumeric(data) || islogical(data) || ischar(data))
    error('JSimon:DataHash:BadDataType', '[Bin] input needs data type: numeric, CHAR, LOGICAL');
end
if ischar(data)
    if ascii
        bytes = uint8(double(data(:)));
    else
        bytes = typecast(uint16(double(data(:))), 'uint8');
    end
elseif islogical(data)
    bytes = uint8(data(:));
elseif isreal(data)
    bytes = typecast(data(:), 'uint8');
else
    bytes = [typecast(real(data(:)), 'uint8'); typecast(imag(data(:)), 'uint8')];
end
bytes = bytes(:);
end


function bytes = arrayBytes(data)
% 'array': class name, number of dimensions and size (uint64), then the
% contents; struct fields in sorted order, each field name followed by that
% field of every element; cells element by element
head = [uint8(class(data)) typecast(uint64([ndims(data) size(data)]), 'uint8')];
if issparse(data)
    [s.Index1, s.Index2, s.Value] = find(data);
    body = arrayBytes(s);
elseif isstruct(data)
    fields = sort(fieldnames(data));
    parts = cell(1, numel(fields));
    for f = 1:numel(fields)
        elems = cell(1, numel(data));
        for k = 1:numel(data)
            elems{k} = arrayBytes(data(k).(fields{f}))';
        end
        parts{f} = [uint8(fields{f}) elems{:}];
    end
    body = [parts{:}];
elseif iscell(data)
    parts = cellfun(@(x) arrayBytes(x)', data(:)', 'UniformOutput', false);
    body = [parts{:}];
elseif isempty(data)
    body = uint8([]);
elseif isnumeric(data) || islogical(data) || ischar(data)
    body = plainBytes(data, false)';
else
    error('JSimon:DataHash:BadDataType', 'DataHash: cannot hash a value of class %s', class(data));
end
bytes = [head body]';
end


function out = formatDigest(d, format)
d = d(:)';
switch format
    case 'hex'
        out = lower(reshape(dec2hex(d, 2).', 1, []));
    case 'HEX'
        out = upper(reshape(dec2hex(d, 2).', 1, []));
    case 'double'
        out = double(d);
    case 'uint8'
        out = d;
    case 'base64'
        out = base64(d, true);
    case 'short'
        out = base64(d, false);
end
end


function s = base64(d, pad)
alphabet = ['A':'Z' 'a':'z' '0':'9' '+/'];
n = numel(d);
bits = reshape(dec2bin(double(d), 8).', 1, []);
extra = mod(-numel(bits), 6);
bits = [bits repmat('0', 1, extra)];
s = alphabet(bin2dec(reshape(bits, 6, []).') + 1);
if pad
    s = [s repmat('=', 1, mod(-n, 3))];
end
end
