%{
# experimental animals
animal_id : int   # unique animal id
---
species : enum('mouse','rat')   # species
dob = null : date   # date of birth
%}
classdef Animal < dj.Manual
end
