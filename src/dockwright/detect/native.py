"""Distributions that need Debian packages: to compile (builder stage) or at run time (final stage).

Only packages that really need them on a ``python:X.Y-slim`` image are listed: lxml, Pillow,
cryptography, gevent, numpy and psycopg2-binary ship manylinux wheels that bundle their libraries,
so they need nothing. Package names are valid on both bookworm and trixie (apt resolves the
``t64`` renames of trixie through the old names).
"""

from __future__ import annotations

from dataclasses import dataclass

from dockwright.detect.model import NativeNeed

BUILD_ESSENTIAL = "build-essential"


@dataclass(frozen=True)
class NativeRule:
    package: str  # normalised distribution name
    build: tuple[str, ...]
    runtime: tuple[str, ...]
    reason: str
    unless: tuple[str, ...] = ()  # nothing needed when one of these is installed too (binary variants)


NATIVE_RULES: tuple[NativeRule, ...] = (
    NativeRule(
        "psycopg2",
        (BUILD_ESSENTIAL, "libpq-dev"),
        ("libpq5",),
        "psycopg2 has no Linux wheels: it compiles against libpq (pg_config) and loads libpq at run time",
    ),
    NativeRule(
        "psycopg-c",
        (BUILD_ESSENTIAL, "libpq-dev"),
        ("libpq5",),
        "psycopg[c] compiles its C speedups against libpq and loads libpq at run time",
    ),
    NativeRule(
        "psycopg",
        (),
        ("libpq5",),
        "psycopg without the [binary] extra loads the system libpq at run time",
        unless=("psycopg-binary", "psycopg-c"),
    ),
    NativeRule(
        "mysqlclient",
        (BUILD_ESSENTIAL, "default-libmysqlclient-dev", "pkg-config"),
        ("libmariadb3",),
        "mysqlclient has no Linux wheels: it compiles against libmysqlclient, found via pkg-config",
    ),
    NativeRule(
        "mariadb",
        (BUILD_ESSENTIAL, "libmariadb-dev"),
        ("libmariadb3",),
        "the MariaDB connector compiles against MariaDB Connector/C (mariadb_config)",
    ),
    NativeRule(
        "python-ldap",
        (BUILD_ESSENTIAL, "libldap-dev", "libsasl2-dev"),
        ("ldap-utils",),
        "python-ldap has no wheels: it compiles against OpenLDAP; ldap-utils brings the matching libldap",
    ),
    NativeRule(
        "pycairo",
        (BUILD_ESSENTIAL, "pkg-config", "libcairo2-dev"),
        ("libcairo2",),
        "pycairo has no Linux wheels: it compiles against cairo",
    ),
    NativeRule("cairocffi", (), ("libcairo2",), "cairocffi loads libcairo at run time"),
    NativeRule(
        "pygraphviz",
        (BUILD_ESSENTIAL, "libgraphviz-dev"),
        ("libgvc6",),
        "pygraphviz has no wheels: it compiles against graphviz's libcgraph/libgvc",
    ),
    NativeRule(
        "pyodbc", (), ("libodbc2",), "pyodbc wheels link the system unixODBC driver manager (libodbc)"
    ),
    NativeRule("uwsgi", (BUILD_ESSENTIAL,), (), "uWSGI has no wheels: pip compiles it from source"),
    NativeRule(
        "pylibmc",
        (BUILD_ESSENTIAL, "libmemcached-dev", "zlib1g-dev"),
        ("libmemcached11",),
        "pylibmc compiles against libmemcached",
    ),
    NativeRule("python-magic", (), ("libmagic1",), "python-magic loads libmagic at run time"),
    NativeRule("pdf2image", (), ("poppler-utils",), "pdf2image runs poppler's pdftoppm at run time"),
    NativeRule("pydub", (), ("ffmpeg",), "pydub runs ffmpeg at run time"),
    NativeRule(
        "opencv-python",
        (),
        ("libgl1", "libglib2.0-0"),
        "opencv-python (non-headless) loads libGL and GLib at run time",
    ),
    NativeRule(
        "weasyprint",
        (),
        ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"),
        "WeasyPrint loads Pango and HarfBuzz at run time",
    ),
    NativeRule("pysaml2", (), ("xmlsec1",), "pysaml2 runs the xmlsec1 binary to sign and verify"),
)


def native_needs(installed: set[str]) -> tuple[NativeNeed, ...]:
    """The OS packages the installed distributions need, in table order."""
    needs = []
    for rule in NATIVE_RULES:
        if rule.package in installed and not any(other in installed for other in rule.unless):
            needs.append(NativeNeed(rule.package, rule.build, rule.runtime, rule.reason))
    return tuple(needs)
