function save(file)
% dj.config.save(file): write the settings in force as JSON, as in 3.x.
% Octave spelling: dj.internal.Settings.save(file).
dj.internal.Settings.save(file);
end
