%{
# power in one recording channel
-> golden.Power
channel : tinyint unsigned   # channel number
---
channel_power : float   # mV^2 Hz
%}
classdef PowerChannel < dj.Part
    properties(SetAccess=protected)
        master = golden.Power
    end
end
