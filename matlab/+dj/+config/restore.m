function out = restore()
% dj.config.restore: forget settings set in code or loaded, as in 3.x; returns the settings.
% Octave spelling: dj.internal.Settings.restore().
out = dj.internal.Settings.restore();
end
