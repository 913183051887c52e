% a MATLAB comment before the block
%{
# visual stimuli

stim_id : smallint   # stimulus number
# a comment line
------------------------------
stim_name : ...
   varchar(64)   # name of the stimulus
contrast = 1.0 : \
   float   # Michelson contrast
stim_kind = "grating" : enum('grating', 'movie', 'noise')
%}
classdef Stimulus < dj.Lookup
    properties
        contents = {1 'gratings' 1.0 'grating'}
    end
end
