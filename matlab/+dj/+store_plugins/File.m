classdef File
    % DataJoint for MATLAB 3.5's store plugin for protocol 'file': a store in a local or mounted
    % folder. Objects are whole files; paths use '/' on every platform. The external
    % attributes of this toolbox (blob@store, attach@store, filepath@store) do their own file
    % work (dj.internal.External), so this class is for 3.5 code that calls the plugin itself.
    properties
        protocol
        datajoint_type
        location
        type_config
    end

    methods (Static)
        function result = exists(external_filepath)
            result = exist(external_filepath, 'file') == 2;
        end

        function remove_object(external_filepath)
            if exist(external_filepath, 'file') ~= 2
                error('DataJoint:external:missingFile', 'No object at %s', external_filepath);
            end
            delete(external_filepath);
        end

        function upload_buffer(buffer, external_filepath)
            % write the bytes of buffer (uint8, or numbers 0..255) to the file, making its folder
            folder = fileparts(external_filepath);
            if ~isempty(folder) && exist(folder, 'dir') ~= 7
                [ok, msg] = mkdir(folder);
                if ~ok
                    error('DataJoint:external:write', 'Cannot make folder %s: %s', folder, msg);
                end
            end
            if ~(isa(buffer, 'uint8') || (isnumeric(buffer) && all(buffer(:) == round(buffer(:))) && ...
                    all(buffer(:) >= 0 & buffer(:) <= 255)) || ischar(buffer))
                error('DataJoint:external:badArgument', 'upload_buffer needs bytes (uint8 or whole numbers 0..255)');
            end
            f = fopen(external_filepath, 'w');
            if f < 0
                error('DataJoint:external:write', 'Cannot write %s', external_filepath);
            end
            closer = onCleanup(@() fclose(f));
            n = fwrite(f, uint8(buffer(:)), 'uint8');
            if n ~= numel(buffer)
                error('DataJoint:external:write', 'Wrote %d of %d bytes to %s', n, numel(buffer), external_filepath);
            end
        end

        function result = download_buffer(external_filepath)
            % the file's bytes as a column of doubles (what fread gives, as in 3.5)
            f = fopen(external_filepath, 'r');
            if f < 0
                error('DataJoint:external:missingFile', 'No object at %s', external_filepath);
            end
            closer = onCleanup(@() fclose(f));
            result = fread(f, Inf, 'uint8');
        end
    end

    methods
        function self = File(config)
            % config: a store's settings (protocol, location, optional subfolding and
            % datajoint_type 'blob' or 'filepath')
            if ~isstruct(config) || ~isscalar(config) || ~all(isfield(config, {'protocol', 'location'})) || ...
                    ~ischar(config.protocol) || ~ischar(config.location)
                error('DataJoint:external:badConfig', ...
                    'dj.store_plugins.File(config): config needs text fields protocol and location');
            end
            self.protocol = config.protocol;
            self.location = strrep(config.location, '\', '/');
            self.type_config = struct();
            subfolding = [2 2];
            if isfield(config, 'subfolding')
                subfolding = config.subfolding;
            end
            if isfield(config, 'datajoint_type')
                if ~ischar(config.datajoint_type) || ~any(strcmpi(config.datajoint_type, {'blob', 'filepath'}))
                    error('DataJoint:external:badConfig', 'datajoint_type must be ''blob'' or ''filepath''');
                end
                self.datajoint_type = config.datajoint_type;
                if strcmpi(config.datajoint_type, 'blob')
                    self.type_config.subfolding = subfolding;
                end
            else
                self.type_config.subfolding = subfolding;
            end
        end

        function external_filepath = make_external_filepath(self, relative_filepath)
            external_filepath = [self.location '/' relative_filepath];
        end
    end
end
