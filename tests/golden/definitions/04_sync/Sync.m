%{
# synchronization of scan frames with the stimulus
-> golden.Scan
---
frame_times : longblob   # frame times in the stimulus clock
sync_ts = CURRENT_TIMESTAMP : timestamp
%}
classdef Sync < dj.Imported
    methods(Access=protected)
        function makeTuples(self, key)
            self.insert(key)
        end
    end
end
