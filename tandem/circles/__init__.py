"""Circles: mastermind groups with a rotating hot seat."""
