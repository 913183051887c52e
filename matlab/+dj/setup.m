function setup(varargin)
% DJ.SETUP  Make the toolbox ready in this session, as 3.x's dj.setup(force, prompt).
%   dj.setup builds the mym connector when it is missing or older than its sources (build_mex,
%   docs/matlab-connector.md), puts matlab/builtin-names on the path (see its README.md) and
%   checks that mym answers with version 2.6 or later (DataJoint:System:mYmIncompatible); it does
%   this once per session. dj.setup(true) (or dj.setup('force', true)) does it again and rebuilds
%   the connector. prompt (second argument, or 'prompt', value) is accepted for 3.x code and
%   unused: nothing is downloaded or installed (3.x fetched mym and GHToolbox from GitHub).
persistent done
[force, ~] = parseArgs(varargin);
if ~isempty(done) && ~force
    return
end
build_mex(force);
dj.internal.addBuiltinNames();
v = mym('version');
if ~(v.major > 2 || (v.major == 2 && v.minor >= 6))
    error('DataJoint:System:mYmIncompatible', 'mym %d.%d is too old: version 2.6 or later is needed', ...
        v.major, v.minor);
end
done = true;
end


function [force, prompt] = parseArgs(args)
% positional (force, prompt) as 3.x's inputParser optionals, or name-value pairs
force = false;
prompt = true;
if ~isempty(args) && ischar(args{1})
    if mod(numel(args), 2) ~= 0
        error('DataJoint:setup:badArgument', 'dj.setup options come in name-value pairs (force, prompt)');
    end
    for i = 1:2:numel(args)
        switch lower(args{i})
            case 'force'
                force = flag(args{i+1}, 'force');
            case 'prompt'
                prompt = flag(args{i+1}, 'prompt');
            otherwise
                error('DataJoint:setup:badArgument', 'dj.setup has no option %s (force, prompt)', args{i});
        end
    end
    return
end
if numel(args) > 2
    error('DataJoint:setup:badArgument', 'dj.setup(force, prompt) takes at most two arguments');
end
if numel(args) >= 1
    force = flag(args{1}, 'force');
end
if numel(args) >= 2
    prompt = flag(args{2}, 'prompt');
end
end


function tf = flag(v, name)
if ~((islogical(v) || isnumeric(v)) && isscalar(v))
    error('DataJoint:setup:badArgument', 'dj.setup: %s must be true or false', name);
end
tf = logical(v);
end
