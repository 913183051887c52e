function [name, cleanup] = temp_db(id, tag)
% TEMP_DB  Create a uniquely named database djtest_oct_<random>_<tag> on connection id; it is
% dropped when `cleanup` goes out of scope (also when the test fails).
  name = sprintf('djtest_oct_%s_%s', dec2hex(randi(2^31), 8), tag);
  mym(id, ['CREATE DATABASE `' name '`']);
  cleanup = onCleanup(@() drop_db(id, name));
end

function drop_db(id, name)
  try
    if mym(id, 'status') ~= 0
      s = db_settings();
      id = mym(-1, 'open', s.address, s.user, s.pass);
    end
    mym(id, ['DROP DATABASE IF EXISTS `' name '`']);
  catch err
    fprintf(2, 'warning: could not drop %s: %s\n', name, err.message);
  end
end
