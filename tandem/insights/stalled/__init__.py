"""Stalled pairs: what has waited too long in a program, and the program's kind nudge."""
