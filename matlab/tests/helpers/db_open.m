function id = db_open()
% DB_OPEN  Open a new mym connection (free slot) to the test server; caller closes it.
  s = db_settings();
  id = mym(-1, 'open', s.address, s.user, s.pass);
end
