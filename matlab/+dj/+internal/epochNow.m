function t = epochNow
% Seconds since 1970-01-01 UTC, as SLURM_JOB_END_TIME counts them, in MATLAB and Octave.
if dj.internal.isOctave()
    t = time();
else
    t = posixtime(datetime('now', 'TimeZone', 'UTC'));
end
end
