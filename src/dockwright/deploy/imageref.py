"""Image references a Deployment may run: pinned by digest or by a commit-SHA tag, nothing mutable.

A rollout must run exactly the image CI tested. ``latest``, an untagged name, a branch name or a
``-dirty`` tag can point at different bytes tomorrow, so they are refused with a message that says
what to pass instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockwright.errors import DockwrightError

# Grammar from the distribution reference spec, reduced to what users type.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_HOST = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_NAME = re.compile(rf"^(?:{_HOST}/)?{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_DIGEST = re.compile(r"^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$")
# Tags CI writes for a commit: the full or abbreviated hex SHA, optionally docker/metadata-action's
# "sha-" prefix.
_SHA_TAG = re.compile(r"^(?:sha-)?[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class ImageRef:
    name: str  # registry/repository path, e.g. "ghcr.io/acme/shop"
    tag: str | None
    digest: str | None  # "sha256:<hex>"

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    @property
    def short_id(self) -> str:
        """12 hex characters that identify this build (for per-release Job names)."""
        if self.digest:
            return self.digest.split(":", 1)[1][:12]
        assert self.tag is not None  # guaranteed by parse_pinned_image
        return self.tag.removeprefix("sha-")[:12]


def split_image_ref(ref: str) -> ImageRef:
    """Split ``name[:tag][@digest]`` without judging whether it is pinned."""
    text = ref.strip()
    if not text:
        raise DockwrightError("image reference is empty")
    name_tag, _, digest = text.partition("@")
    slash = name_tag.rfind("/")
    colon = name_tag.rfind(":")
    if colon > slash:
        name, tag = name_tag[:colon], name_tag[colon + 1 :]
    else:
        name, tag = name_tag, ""
    if not _NAME.match(name):
        raise DockwrightError(
            f"image {ref!r}: {name!r} is not a valid repository name "
            "(lowercase letters, digits, '.', '_', '-')"
        )
    if tag and not _TAG.match(tag):
        raise DockwrightError(f"image {ref!r}: {tag!r} is not a valid tag")
    if "@" in text and not _DIGEST.match(digest):
        raise DockwrightError(f"image {ref!r}: digest must be sha256:<64 hex> (got {digest!r})")
    return ImageRef(name=name, tag=tag or None, digest=digest or None)


def parse_pinned_image(ref: str) -> ImageRef:
    """Accept ``name@sha256:...``, ``name:tag@sha256:...`` or ``name:<commit sha>``; refuse the rest."""
    image = split_image_ref(ref)
    if image.digest:
        return image  # a digest pins the bytes whatever the tag says
    hint = (
        f"pin it by digest ({image.name}@sha256:...) or by the commit SHA tag CI pushes ({image.name}:<sha>)"
    )
    if image.tag is None:
        raise DockwrightError(
            f"image {ref!r} has no tag: it means ':latest', which changes under you; {hint}"
        )
    if image.tag == "latest":
        raise DockwrightError(f"image {ref!r} uses the mutable 'latest' tag; {hint}")
    if image.tag.endswith("-dirty"):
        raise DockwrightError(
            f"image {ref!r} was built from uncommitted changes and cannot be reproduced; commit, rebuild, "
            f"and {hint}"
        )
    if not _SHA_TAG.match(image.tag):
        raise DockwrightError(
            f"image {ref!r}: tag {image.tag!r} is not a commit SHA and can be moved; {hint}"
        )
    return image
