%{
# recording sessions
-> demolab.Animal
session : smallint   # session number
---
rig : varchar(16)   # recording rig
trace = null : longblob   # raw samples
%}
classdef Session < dj.Manual
end
