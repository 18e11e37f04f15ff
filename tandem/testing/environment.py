"""Run the tests as on a development machine unless told otherwise.

pyproject.toml loads this module as a pytest plugin (`-p`), before pytest-django imports
the settings: DEBUG defaults to off there, which would ask for a SECRET_KEY, HTTPS and
collected static files.
"""

import os

os.environ.setdefault("DEBUG", "true")
