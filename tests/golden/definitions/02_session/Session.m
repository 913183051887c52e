%{
# experimental session
-> golden.Animal
session : smallint   # session number
---
session_date : date
operator = "" : varchar(32)  # who ran it
session_ts = CURRENT_TIMESTAMP : timestamp
%}
classdef Session < dj.Manual
end
