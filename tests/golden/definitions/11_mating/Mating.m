%{
# breeding pairs
mating_id : int   # mating number
---
(mother) -> golden.Animal
(father) -> golden.Animal(animal_id)
(handler) -> [nullable, unique] golden.Person
unique index (mother, father)
index(handler, mother)
%}
classdef Mating < dj.Manual
end
