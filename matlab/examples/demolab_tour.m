% Walk through the toolbox on the demolab package (run from matlab/examples).
% Connection settings come from DJ_HOST/DJ_USER/DJ_PASS/DJ_PORT.
addpath(fileparts(pwd));
insert(demolab.Animal, struct('animal_id', {1, 2}, 'species', {'mouse', 'rat'}, 'dob', {'2024-01-02', []}), 'IGNORE');
insert(demolab.Session, struct('animal_id', {1, 1, 2}, 'session', {1, 2, 1}, 'rig', {'A', 'B', 'A'}, ...
    'trace', {randn(1, 100), randn(1, 50), []}), 'IGNORE');
parpopulate(demolab.SessionStats);
disp(fetch(demolab.Animal * demolab.SessionStats & 'species="mouse"', 'n_samples', 'mean_value'))
disp(fetch(aggr(demolab.Animal, demolab.Session, 'count(session)->n'), 'n'))
