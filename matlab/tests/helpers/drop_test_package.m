function drop_test_package(work, db)
% DROP_TEST_PACKAGE  Undo test_package: drop the database (a failure is reported, not hidden),
% take the folder off the path and delete it.
  c = dj.conn;
  c.query(['DROP DATABASE IF EXISTS `' db '`']);
  rmpath(work);
  remove_tree(work);
end
