%{
# probe models
probe : varchar(16)   # probe "model" name
---
n_channels : smallint unsigned
%}
classdef Probe < dj.Lookup
end
