function reload()
% dj.reload: forget what the toolbox cached about tables (headings, existence) and
% reload every schema bound to the connection, as after tables were declared,
% altered or dropped from another session or from Python (DataJoint for MATLAB 3.x).
reload(dj.conn());
end
