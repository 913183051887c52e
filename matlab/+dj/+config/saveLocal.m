function saveLocal()
% dj.config.saveLocal: write the settings to ./dj_local_conf.json, as in 3.x.
% Octave spelling: dj.internal.Settings.saveLocal().
dj.internal.Settings.saveLocal();
end
