function tests = test_dj_password()
% The password hash dj.setPassword sends instead of the password (values from
% the server's own PASSWORD(); dj.setPassword itself is tested against a real
% server by tests/test_octave_password.py).
tests.hash_equals_server = @() t_hash();
tests.refusals = @() t_refusals();
end


function t_hash()
assert(strcmp(dj.internal.nativePasswordHash('secret'), '*14E65567ABDB5135D0CFD9A70B3032C179A49EE7'));
assert(strcmp(dj.internal.nativePasswordHash(' ~!@#$%^&*()'), '*723D4EB857F5A31765717258E9E0DDFA9004CADE'));
assert(strcmp(dj.internal.nativePasswordHash('its'), '*F25C61023CFB815A26E1DC2C3F9B011FB1A962A3'));
end


function t_refusals()
assert_error(@() dj.internal.nativePasswordHash(''), 'DataJoint:password');
assert_error(@() dj.internal.nativePasswordHash(42), 'DataJoint:password');
assert_error(@() dj.internal.nativePasswordHash(['tab' char(9)]), 'DataJoint:password');
assert_error(@() dj.internal.nativePasswordHash(['caf' char(233)]), 'DataJoint:password');
assert_error(@() dj.setPassword(), 'DataJoint:password');
end
