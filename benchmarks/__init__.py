"""Benchmarks of the pipeline at corpus scale (issue 7); not part of the test suite. See README.md."""
