%{
# local field potential
-> golden.Session
---
voltage : longblob  # (mV)
dt : double   # (s) sampling interval
%}
classdef LFP < dj.Imported
    methods(Access=protected)
        function makeTuples(self, key)
            self.insert(key)
        end
    end
end
