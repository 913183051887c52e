function [work, db] = test_package(pkg, tag)
% TEST_PACKAGE  Declare package +<pkg> in a fresh temporary folder (put on the path) bound to a
% new uniquely named database djtest_oct_<random>_<tag>. Undo with drop_test_package(work, db).
  work = tempname();
  mkdir(fullfile(work, ['+' pkg]));
  db = sprintf('djtest_oct_%s_%s', dec2hex(randi(2^31), 8), tag);
  addpath(work);
  dj.createSchema(pkg, work, db);
end
