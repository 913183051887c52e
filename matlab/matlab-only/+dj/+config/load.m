function load(file)
% dj.config.load(file): read a settings file (default ./dj_local_conf.json), as in 3.x.
% Octave spelling: dj.internal.Settings.load(file).
if nargin < 1
    dj.internal.Settings.load();
else
    dj.internal.Settings.load(file);
end
end
