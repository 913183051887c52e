%{
# LFP power in each frequency band
-> golden.LFP
-> golden.FrequencyBand
-----
power :float # mV^2 Hz -- average power in the band
%}
classdef Power < dj.Computed
    methods(Access=protected)
        function makeTuples(self, key)
            self.insert(key)
        end
    end
end
