%{
# notes with "quotes", 100% and a back\slash
note_id : int   # id "quoted" 50% C:\data
---
note = "" : varchar(255)   # it's {braces} /slash/
%}
classdef Note < dj.Manual
end
