%{
# probe insertions
-> golden.Session
-> golden.Probe
---
index_count : int   # attribute whose name starts with 'index'
depth = null : float   # (um)
index(index_count)
%}
classdef Insertion < dj.Manual
end
