"""Benchmarks: speed and quality against baselines measured in the same run."""
