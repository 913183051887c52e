%{
# raw recording
-> golden.Session
rec_idx : smallint unsigned   # recording index
---
rec_type = 'ephys' : enum('ephys', 'imaging')
sampling_rate = 30000.0 : double   # (Hz)
gain = -1.5 : float
raw = null : longblob     # raw samples
thumb = null : blob
notes = "" : varchar(255)   # free notes, "quoted" words
started = null : datetime(3)
index (rec_type)
%}
classdef Recording < dj.Imported
    methods(Access=protected)
        function makeTuples(self, key)
            self.insert(key)
        end
    end
end
