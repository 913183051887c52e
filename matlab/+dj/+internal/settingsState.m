function out = settingsState(op, varargin)
% What dj.config holds in this session on top of the files and environment,
% which are read again on every use (so that a changed working directory,
% file or variable counts, as in dj.conn). Two layers, as in 3.x:
% 'loaded' (dj.config.load: above the files, below the environment) and
% 'code' (dj.config(name, value): above everything but dj.conn's arguments).
%   settingsState('get')                        -> struct(code, codeSources, loaded, loadedSources)
%   settingsState('set', name, value, source)   a value set in code
%   settingsState('load', values, file)         values read by dj.config.load
%   settingsState('restore')                    forget both layers
%   settingsState('version')                    a number that changes with every change above,
%                                               so that callers may cache what they read
persistent state version
if isempty(state)
    state = fresh();
    version = 0;
end
if strcmp(op, 'version')
    out = version;
    return
end
version = version + 1;
switch op
    case 'get'
        version = version - 1;
    case 'set'
        state.code.(varargin{1}) = varargin{2};
        state.codeSources.(varargin{1}) = varargin{3};
    case 'load'
        values = varargin{1};
        names = fieldnames(values);
        for i = 1:numel(names)
            state.loaded.(names{i}) = values.(names{i});
            state.loadedSources.(names{i}) = varargin{2};
            if isfield(state.code, names{i})
                % a later load replaces what code set before it, as in 3.x
                state.code = rmfield(state.code, names{i});
                state.codeSources = rmfield(state.codeSources, names{i});
            end
        end
    case 'restore'
        state = fresh();
    otherwise
        error('DataJoint:config:badValue', 'settingsState: unknown operation "%s"', op);
end
out = state;
end


function s = fresh()
s = struct('code', struct(), 'codeSources', struct(), 'loaded', struct(), 'loadedSources', struct());
end
