function s = db_settings()
% DB_SETTINGS  Test server from env DJ_HOST / DJ_USER / DJ_PASS / DJ_PORT
% (defaults 127.0.0.1 / root / '' / 3306), the same variables the Python suite reads.
  s.host = env_or('DJ_HOST', '127.0.0.1');
  s.user = env_or('DJ_USER', 'root');
  s.pass = env_or('DJ_PASS', '');
  s.port = str2double(env_or('DJ_PORT', '3306'));
  s.address = sprintf('%s:%d', s.host, s.port);
end

function v = env_or(name, default)
  v = getenv(name);
  if isempty(v)
    v = default;
  end
end
