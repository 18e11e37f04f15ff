"""Matching: the pure-Python engine (``engine``) and, around it, the matching rounds."""
