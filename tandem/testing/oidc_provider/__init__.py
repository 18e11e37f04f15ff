"""A real OpenID Connect provider for the single sign-on tests, run in its own process.

django-oauth-toolkit serves discovery, the authorization and token endpoints, JWKS and
userinfo. `serve.py` migrates its own SQLite file, registers the clients and people listed
in a JSON file, and answers on a localhost port until it is stopped.
"""
