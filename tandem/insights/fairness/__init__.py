"""Fairness over time: who gets matched, how fast and to whom, with no small group exposed."""
