classdef Settings
    % DataJoint for MATLAB 3.x's settings class, behind dj.config: its file names,
    % defaults and the static load/save/saveLocal/saveGlobal/restore that
    % dj.config.load etc. call. Under Octave, which cannot call dj.config.load
    % (a package function named like the function dj.config), call these:
    % dj.internal.Settings.load(file), which also runs under MATLAB and 3.x.
    properties (Constant)
        LOCALFILE = './dj_local_conf.json'
        GLOBALFILE = '~/.datajoint_config.json'
        DEFAULTS = dj.internal.configKeys()
    end

    methods (Static)
        function out = restore()
            % forget what was set in code or loaded; return the settings now in force
            dj.internal.settingsState('restore');
            mym('max_decompressed_size', dj.internal.Settings.DEFAULTS.blobMaxDecompressedSize);
            out = dj.config();
        end

        function load(file)
            % read a settings file (Python's or 3.x's names) on top of the files read at start;
            % the environment still wins over it, and it replaces values set in code before
            if nargin < 1
                file = dj.internal.Settings.LOCALFILE;
            end
            file = dj.internal.Settings.expand(file);
            values = dj.internal.readConfigFile(file);
            names = fieldnames(values);
            for i = 1:numel(names)
                if ~(isempty(values.(names{i})) && (isnumeric(values.(names{i})) || ischar(values.(names{i}))))
                    values.(names{i}) = dj.internal.checkSetting(names{i}, values.(names{i}), file);
                end
            end
            dj.internal.settingsState('load', values, file);
        end

        function save(file)
            % write the settings in force, under the JSON names Python 0.14 reads, to a file only
            % its owner can read (it may hold a password); values from the environment are left out
            dj.internal.writeConfigFile(dj.internal.Settings.expand(file));
        end

        function saveLocal()
            dj.internal.Settings.save(dj.internal.Settings.LOCALFILE);
        end

        function saveGlobal()
            dj.internal.Settings.save(dj.internal.Settings.GLOBALFILE);
        end

        function file = expand(file)
            % '~/' is the home folder (USERPROFILE on Windows), as in 3.x
            if isstring(file) && isscalar(file)
                file = char(file);
            end
            if ~ischar(file) || isempty(file)
                error('DataJoint:Config:InvalidType', 'A settings file name must be text');
            end
            if strncmp(file, '~/', 2) || strncmp(file, '~\', 2)
                home = getenv('HOME');
                if isempty(home) && ispc()
                    home = getenv('USERPROFILE');
                end
                file = fullfile(home, file(3:end));
            end
        end
    end
end
