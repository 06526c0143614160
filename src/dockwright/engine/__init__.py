"""The only package that runs ``docker``: client probing, builds, containers, images, compose."""

from dockwright.engine.client import BuildResult, Docker, get_docker

__all__ = ["BuildResult", "Docker", "get_docker"]
