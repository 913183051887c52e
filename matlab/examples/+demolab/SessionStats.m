%{
# summary statistics of a session's trace
-> demolab.Session
---
n_samples : int   # number of samples
mean_value = null : double   # mean of the samples
%}
classdef SessionStats < dj.Computed
    methods (Access = protected)
        function makeTuples(self, key)
            trace = fetch1(demolab.Session & key, 'trace');
            key.n_samples = numel(trace);
            if ~isempty(trace)
                key.mean_value = mean(trace(:));
            end
            insert(self, key)
        end
    end
end
