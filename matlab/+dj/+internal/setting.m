function v = setting(name, default)
% dj.config(name), or default while the setting does not exist: display and
% diagram settings of DataJoint for MATLAB 3.x that an older configuration
% (or a settings file without them) may lack.
try
    v = dj.config(name);
catch err
    if isempty(regexpi(err.identifier, '(unknownSetting|InvalidKey)$', 'once'))
        rethrow(err);
    end
    v = [];
end
if isempty(v)
    v = default;
end
end
