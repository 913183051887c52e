function spec = storeSpec(store)
% The validated settings of an external store, from dj.config('stores') (a
% struct with one field per store, or a containers.Map for names with '-'),
% which falls back to the 'stores' key of the JSON config files. Same rules as
% the Python package (docs/external.md): protocol 'file' only, a location,
% subfolding (default [2 2]; [] means flat), stage (filepath@store), no other keys.
if ~ischar(store) || isempty(regexp(store, '^[a-z][-\w]*$', 'once'))
    error('DataJoint:external:badStore', ...
        'Invalid store name "%s": expected a lowercase letter, then letters, digits, ''_'' or ''-''', dj.internal.anyText(store));
end
stores = dj.config('stores');
raw = [];
configured = {};
if isa(stores, 'containers.Map')
    configured = keys(stores);
    if isKey(stores, store)
        raw = stores(store);
    end
elseif isstruct(stores) && isscalar(stores)
    configured = fieldnames(stores)';
    if isfield(stores, store)
        raw = stores.(store);
    end
end
if isempty(raw)
    error('DataJoint:external:unconfigured', ...
        'Store "%s" is requested but not configured in dj.config(''stores'') (configured: %s)', ...
        store, strjoin(configured, ', '));
end
if ~isstruct(raw) || ~isscalar(raw)
    error('DataJoint:external:badConfig', 'dj.config(''stores'').%s must be a struct, got a %s', store, class(raw));
end
names = fieldnames(raw);
spec = struct('protocol', '', 'location', '', 'subfolding', [2 2], 'store', store, 'stage', '');
for i = 1:numel(names)
    key = lower(names{i});
    v = raw.(names{i});
    switch key
        case 'protocol'
            spec.protocol = lower(dj.internal.anyText(v));
        case 'location'
            spec.location = v;
        case 'subfolding'
            spec.subfolding = v;
        case 'stage'
            % filepath@store only: the local folder its files are inserted from
            % and fetched to
            if ~ischar(v)
                error('DataJoint:external:badConfig', 'dj.config(''stores'').%s.stage must be text', store);
            end
            spec.stage = v;
        otherwise
            error('DataJoint:external:badConfig', ...
                'Invalid key "%s" in dj.config(''stores'').%s; allowed: location, protocol, stage, subfolding', ...
                names{i}, store);
    end
end
if strcmp(spec.protocol, 's3')
    error('DataJoint:external:badConfig', ['Store "%s": protocol ''s3'' is not supported by this toolbox; ' ...
        'use protocol ''file'' (a mounted directory)'], store);
elseif ~strcmp(spec.protocol, 'file')
    error('DataJoint:external:badConfig', 'Missing or invalid protocol in dj.config(''stores'').%s: "%s" (expected ''file'')', ...
        store, spec.protocol);
end
if ~ischar(spec.location) || isempty(spec.location)
    error('DataJoint:external:badConfig', 'dj.config(''stores'').%s is missing ''location''', store);
end
f = spec.subfolding;
if iscell(f)
    f = cell2mat(f);
end
if ~isempty(f) && (~isnumeric(f) || ~isvector(f) || any(f <= 0) || any(f ~= round(f)) || sum(f) > 32)
    error('DataJoint:external:badConfig', ['dj.config(''stores'').%s.subfolding must be positive integers ' ...
        'summing to at most 32, got %s'], store, mat2str(f));
end
spec.subfolding = double(f(:)');
end

