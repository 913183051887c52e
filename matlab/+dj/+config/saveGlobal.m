function saveGlobal()
% dj.config.saveGlobal: write the settings to ~/.datajoint_config.json, as in 3.x.
% Octave spelling: dj.internal.Settings.saveGlobal().
dj.internal.Settings.saveGlobal();
end
