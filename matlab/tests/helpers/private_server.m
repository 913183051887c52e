function srv = private_server()
% PRIVATE_SERVER  Start a throw-away mariadbd with TLS on a free port, for tests that must change
% server configuration (certificates, auth plugins, max_allowed_packet) without touching the
% shared test server. Returns a struct: port, address, dir, ca (the server's self-signed
% CA, whose server certificate is valid for 127.0.0.1 and localhost), wrong_ca (an unrelated
% CA), stop (a function handle that stops the server and deletes its files) and cleanup (an
% onCleanup doing the same when the struct goes away).
  need = {'mariadbd', 'mariadb-install-db', 'openssl'};
  for k = 1:numel(need)
    [st, ~] = system(['command -v ' need{k} ' >/dev/null 2>&1 || test -x /usr/sbin/' need{k}]);
    assert(st == 0, 'test:setup', '%s is required for the TLS tests (Debian: mariadb-server, openssl)', need{k});
  end
  d = tempname();
  mkdir(d);
  srv.dir = d;
  srv.stop = @() stop(d);
  srv.cleanup = onCleanup(@() stop(d));
  % a self-signed CA, a server certificate it signed (valid for 127.0.0.1 and localhost), and
  % an unrelated self-signed CA for the negative verification test
  ext = fullfile(d, 'san.ext');
  fid = fopen(ext, 'w');
  fprintf(fid, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  fclose(fid);
  run_or_fail(sprintf(['openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=djtest-ca ' ...
      '-keyout %s/ca-key.pem -out %s/ca.pem'], d, d));
  run_or_fail(sprintf(['openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 ' ...
      '-keyout %s/key.pem -out %s/server.csr'], d, d));
  run_or_fail(sprintf(['openssl x509 -req -in %s/server.csr -CA %s/ca.pem -CAkey %s/ca-key.pem ' ...
      '-CAcreateserial -days 2 -extfile %s -out %s/cert.pem'], d, d, d, ext, d));
  run_or_fail(sprintf(['openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=djtest-other ' ...
      '-keyout %s/other-key.pem -out %s/other.pem'], d, d));
  [~, user] = system('id -un');
  user = strtrim(user);
  run_or_fail(sprintf(['PATH=$PATH:/usr/sbin mariadb-install-db --no-defaults --datadir=%s/data ' ...
      '--auth-root-authentication-method=normal --skip-test-db --user=%s'], d, user));
  srv.ca = fullfile(d, 'ca.pem');
  srv.wrong_ca = fullfile(d, 'other.pem');
  for attempt = 1:5
    port = 20000 + randi(30000);
    cmd = sprintf(['PATH=$PATH:/usr/sbin nohup mariadbd --no-defaults --datadir=%s/data ' ...
        '--socket=%s/sock --port=%d --bind-address=127.0.0.1 --pid-file=%s/pid --user=%s ' ...
        '--ssl-cert=%s/cert.pem --ssl-key=%s/key.pem --ssl-ca=%s/ca.pem ' ...
        '--max-allowed-packet=1M --innodb-buffer-pool-size=16M --skip-log-bin ' ...
        '--plugin-maturity=unknown > %s/server.log 2>&1 &'], d, d, port, d, user, d, d, d, d);
    system(cmd);
    srv.port = port;
    srv.address = sprintf('127.0.0.1:%d', port);
    if wait_ready(srv.address, d)
      return
    end
    stop(d);
  end
  log = fileread(fullfile(d, 'server.log'));
  error('test:setup', 'private mariadbd did not start; log:\n%s', log(max(1, end-2000):end));
end

function ok = wait_ready(address, d)
  ok = false;
  for k = 1:150
    try
      id = mym(-1, 'open', address, 'root', '', 'false');
      mym(id, 'close');
      ok = true;
      return
    catch
      if exist(fullfile(d, 'server.log'), 'file')
        log = fileread(fullfile(d, 'server.log'));
        if ~isempty(strfind(log, 'Do you already have another server running')) || ...
           ~isempty(strfind(log, 'Address already in use'))
          return
        end
      end
      pause(0.2);
    end
  end
end

function run_or_fail(cmd)
  [st, out] = system([cmd ' 2>&1']);
  if st ~= 0
    error('test:setup', 'command failed (%d): %s\n%s', st, cmd, out);
  end
end

function stop(d)
  pidfile = fullfile(d, 'pid');
  if exist(pidfile, 'file')
    pid = strtrim(fileread(pidfile));
    if ~isempty(pid) && all(isstrprop(pid, 'digit'))
      system(['kill ' pid ' 2>/dev/null']);
      for k = 1:100
        [st, ~] = system(['kill -0 ' pid ' 2>/dev/null']);
        if st ~= 0, break, end
        pause(0.1);
      end
    end
  end
  if exist(d, 'dir')
    confirm_recursive_rmdir(false);
    [~] = rmdir(d, 's');
  end
end
