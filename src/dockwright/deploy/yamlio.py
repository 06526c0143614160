"""Deterministic YAML output that every consumer reads the same way.

Kubernetes (sigs.k8s.io/yaml), GitHub and GitLab parse YAML 1.1, where ``on``, ``yes``, ``no``,
``0755`` or ``1:30`` are not strings; ruamel.yaml writes YAML 1.2 and leaves those unquoted. So
every string that a YAML 1.1 resolver would read as something else is quoted explicitly.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter

# Plain scalars a YAML 1.1 resolver turns into bool, null, int, float or sexagesimal numbers.
_YAML11_NON_STRING = re.compile(
    r"""^(?:
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      | ~|null|Null|NULL|
      | [-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)
      | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?
      | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
      | [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
      | <<|=
    )$""",
    re.VERBOSE,
)


class _Representer(RoundTripRepresenter):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # shared sub-dicts are written out in full: anchors confuse readers and tools


def _represent_str(representer: RoundTripRepresenter, value: str) -> Any:
    style = "'" if _YAML11_NON_STRING.match(value) else None
    if "\n" in value:
        style = "|"
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Representer.add_representer(str, _represent_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long commands or selectors across lines
    return yaml


def dump(data: dict[str, Any], *, header: Iterable[str] = ()) -> str:
    """One YAML document with ``header`` lines as leading ``#`` comments."""
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header)
    return comments + buffer.getvalue()


def load(text: str) -> Any:
    """Parse YAML (used by commands that read generated files back, and by tests)."""
    return YAML(typ="safe", pure=True).load(text)
