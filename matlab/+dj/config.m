function out = config(name, value)
% Toolbox settings: config(name) reads, config(name, value) sets.
% 'safemode' (true): del/drop ask for confirmation.
persistent settings
if isempty(settings)
    settings = struct('safemode', true, 'populateRetries', 3);
end
if nargin == 0
    out = settings;
elseif nargin == 1
    if ~isfield(settings, name)
        error('DataJoint:config:unknownSetting', 'Unknown setting "%s"', name);
    end
    out = settings.(name);
else
    if ~isfield(settings, name)
        error('DataJoint:config:unknownSetting', 'Unknown setting "%s"', name);
    end
    settings.(name) = value;
    out = value;
end
end
