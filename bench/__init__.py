"""Benchmarks of Shebao (`make bench` → `bench/run.py`). Figures and findings: `docs/benchmarks.md`."""
