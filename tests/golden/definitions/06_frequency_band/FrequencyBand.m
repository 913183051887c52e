%{
# frequency bands for LFP power
band_name : varchar(16)
---
freq_lo : float  # (Hz)
freq_hi : float  # (Hz)
%}
classdef FrequencyBand < dj.Lookup
end
