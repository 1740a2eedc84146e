"""`make bench`: performance figures written to bench/results.json (see bench/run.py)."""
