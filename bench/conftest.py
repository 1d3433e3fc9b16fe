"""pytest in bench/ (`pytest bench -p no:django`): the doctest collection imports every module,
and importing locust monkey-patches the standard library with gevent; locustfile.py is only
ever run by locust itself (bench/voting.py), its pure parts are in voting_figures.py."""

collect_ignore = ["locustfile.py"]
