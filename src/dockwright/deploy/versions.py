"""Versions the generated pipelines pin, in one table (update here, regenerate, done).

GitHub Actions are pinned by major tag, the floor; a tag can be moved by whoever controls the
action, so teams with a supply-chain policy should pin the full commit SHA (Dependabot and Renovate
keep SHA pins up to date). Images are pinned by version tag; add a digest the same way.
Checked against public usage in November 2026.
"""

from __future__ import annotations

GITHUB_ACTIONS: dict[str, str] = {
    "checkout": "actions/checkout@v6",
    "setup-buildx": "docker/setup-buildx-action@v4",
    "login": "docker/login-action@v4",
    "metadata": "docker/metadata-action@v6",
    "build-push": "docker/build-push-action@v7",
}

# Run as a container (not a marketplace action): one pinned artefact, same on GitHub and GitLab.
# March 2026 showed why (CVE-2026-33634): moved action tags and malicious 0.69.4-0.69.6 images
# stole CI secrets; pin this by digest too once you have checked it.
TRIVY_IMAGE = "aquasec/trivy:0.72.0"

# GitLab: the docker CLI (with buildx) and a matching Docker-in-Docker service.
DOCKER_CLI_IMAGE = "docker:29"
DOCKER_DIND_IMAGE = "docker:29-dind"

GITHUB_RUNNER = "ubuntu-24.04"
