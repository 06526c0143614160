"""``dockwright lint``: Python-aware checks and fixes for Dockerfiles, .dockerignore and compose files.

Importing this package is cheap; parsers and rule families load when a lint actually runs.
"""
