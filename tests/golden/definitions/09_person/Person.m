%{
# lab members
person_id : char(8)   # short id
---
full_name : varchar(64)
rfid = null : uuid   # badge tag
weight = null : decimal(5,2)   # (kg)
hired : datetime
%}
classdef Person < dj.Manual
end
