%{
# surgery on an animal
-> golden.Animal
surgery_idx : tinyint unsigned   # surgery number for this animal
---
(surgeon) -> golden.Person(person_id)
(assistant) -> [nullable] golden.Person
surgery_date : date
%}
classdef Surgery < dj.Manual
end
