function t = test_dj_identifiers()
% Identifiers and DDL string literals on the MATLAB side: quoteId refuses names
% MySQL cannot store and names that mym would read as a placeholder; quoteString
% literals survive the server byte for byte; the ~jobs table MATLAB declares
% carries the same comment as Python's.
  t.quote_id_refuses = @quote_id_refuses;
  t.quote_id_accepts = @quote_id_accepts;
  t.quote_string_round_trip = @quote_string_round_trip;
  t.jobs_comment_agrees = @jobs_comment_agrees;
  t.defaults_cannot_carry_sql = @defaults_cannot_carry_sql;
end

function defaults_cannot_carry_sql()
  resolver = @(ref) error('test:noParent', 'no parents here');
  ok = {'"it''s"', '''a"b''', '"x""y"', '''don''''t''', 'CURRENT_TIMESTAMP', 'current_timestamp(3)', 'plain', '5'};
  for i = 1:numel(ok)
    def = dj.internal.parseDefinition(sprintf('# t\na : int\n---\nb = %s : varchar(20)', ok{i}));
    sql = dj.internal.compileDefinition(def, 'db', 't', resolver);
    assert(~isempty(strfind(sql, 'NOT NULL DEFAULT ')), sql);
  end
  bad = {'"x", `evil` int', '''a'' , `c` int', '"a" "b"'};
  for i = 1:numel(bad)
    def = dj.internal.parseDefinition(sprintf('# t\na : int\n---\nb = %s : varchar(20)', bad{i}));
    err = assert_error(@() dj.internal.compileDefinition(def, 'db', 't', resolver), 'DataJoint:declare:syntax');
    assert(~isempty(strfind(err.message, 'one quoted string')), err.message);
  end
  % an unquoted default is one string literal, whatever it contains
  def = dj.internal.parseDefinition(sprintf('# t\na : int\n---\nb = CURRENT_TIMESTAMP, `evil` int : varchar(40)'));
  sql = dj.internal.compileDefinition(def, 'db', 't', resolver);
  assert(~isempty(strfind(sql, 'DEFAULT "CURRENT_TIMESTAMP, `evil` int"')), sql);
end

function quote_id_refuses()
  bad = {'', ['a' char(0) 'b'], repmat('x', 1, 65), 'trailing ', ['emoji' nonBmp()], ...
         'a`b', 'x{S}y', 'x{Si}', 'x{uM}', 'x{B}', 'x{F}', 'x{S2}', 5, {'a'}};
  for i = 1:numel(bad)
    err = assert_error(@() dj.internal.quoteId(bad{i}), 'DataJoint:sql:badIdentifier');
    assert(~isempty(strfind(err.message, 'Invalid SQL identifier')), err.message);
  end
  err = assert_error(@() dj.internal.quoteId('x{S}y'), 'DataJoint:sql:badIdentifier');
  assert(~isempty(strfind(err.message, 'mym placeholder')), err.message);
  err = assert_error(@() dj.internal.quoteId(repmat('x', 1, 65)), 'DataJoint:sql:badIdentifier');
  assert(~isempty(strfind(err.message, 'at most 64')), err.message);
end

function quote_id_accepts()
  ok = {'a%b', 'x"y', 'q''s', 'b\s', '{x}', 'a{S', repmat('x', 1, 64), ['caf' eAcute()], ...
        [repmat('x', 1, 63) eAcute()]};
  for i = 1:numel(ok)
    assert(strcmp(dj.internal.quoteId(ok{i}), ['`' ok{i} '`']), ok{i});
  end
end

function c = nonBmp()
% U+1F600 in this platform's char encoding (UTF-8 bytes in Octave, UTF-16 in MATLAB)
  if dj.internal.isOctave()
    c = char([240 159 152 128]);
  else
    c = char([55357 56832]);
  end
end

function c = eAcute()
% U+00E9 in this platform's char encoding
  if dj.internal.isOctave()
    c = char([195 169]);
  else
    c = char(233);
  end
end

function quote_string_round_trip()
  id = db_open();
  closer = onCleanup(@() mym(id, 'close'));
  texts = {'plain', 'q"uote', 'back\slash\', 'ends in \"', ['nul' char(0) 'in'], '100%', 'it''s'};
  for i = 1:numel(texts)
    r = mym(id, ['SELECT ' dj.internal.quoteString(texts{i}) ' AS v']);
    got = r.v;
    if iscell(got)
      got = got{1};
    end
    assert(isequal(double(got(:)'), double(texts{i})), 'literal %d changed on the server', i);
  end
  assert_error(@() dj.internal.quoteString(5), 'DataJoint:sql:badLiteral');
end

function jobs_comment_agrees()
  [work, db] = test_package('dji', 'ident');
  cleaner = onCleanup(@() drop_test_package(work, db));
  write_class(work, 'dji', 'Src', {'# sources "quoted" and \ back', 'sid : int'}, 'dj.Manual', '');
  write_class(work, 'dji', 'Out', {'# out', '-> dji.Src', '---', 'v : int'}, 'dj.Computed', ...
    sprintf(['    methods (Access = protected)\n        function makeTuples(self, key)\n' ...
    '            insert(self, setfield(key, ''v'', 1));\n        end\n    end\n']));
  rehash();
  insert(dji.Src, struct('sid', {1, 2}));
  parpopulate(dji.Out);
  assert(count(dji.Out) == 2);
  c = dj.conn();
  r = c.query(sprintf(['SELECT table_name AS t, table_comment AS c FROM information_schema.tables ' ...
      'WHERE table_schema=%s ORDER BY table_name'], dj.internal.placeholder('string')), db);
  comments = containers.Map(cellstr(r.t), cellstr(r.c));
  assert(strcmp(comments('~jobs'), ['job reservation table for `' db '`']), comments('~jobs'));
  assert(strcmp(comments('src'), 'sources "quoted" and \ back'), comments('src'));
end
