function tf = isOctave
% Octave and MATLAB differ in a few places (strings, exceptions); branch on this.
tf = exist('OCTAVE_VERSION', 'builtin') ~= 0;
end
