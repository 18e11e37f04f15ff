"""Precomputed insights: each program's fairness and mentor impact, refreshed nightly."""
