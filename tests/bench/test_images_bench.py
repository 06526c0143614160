"""The image benchmark's pure pieces: what it decides from a build log, and the edits it makes.

The benchmark itself runs for an hour on a Docker engine (bench/images_bench.py); these tests keep
its parsing and its edits honest without building anything, except the last one, which checks that
the edits still apply to what `dockwright init` writes today, or that the generator has adopted them
(a generator change must not silently turn a measured variant into a copy of the reference).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("images_bench", REPO / "bench" / "images_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["images_bench"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


bench = load_bench()

# Excerpt of a real `docker build --progress plain` log (Docker 20.10, BuildKit), trimmed.
PLAIN_LOG = """\
#7 [builder  2/10] RUN --mount=type=cache,target=/root/.cache/pip     python -m venv /opt/uv
#7 CACHED

#12 [builder  6/10] RUN --mount=type=cache,target=/root/.cache/uv     uv pip install -r pyproject.toml
#12 sha256:f2535d8026244c8b36000ce979661a70ab3809d070348f45f8e0691215b77409
#12 1.616 Resolved 8 packages in 892ms
#12 2.264 Installed 8 packages in 592ms
#12 6.342 Bytecode compiled 251 files in 4.06s
#12 DONE 6.5s

#14 [builder  8/10] COPY . .
#14 DONE 0.1s

#15 [builder  9/10] RUN --mount=type=cache,target=/root/.cache/uv     uv pip install --no-deps .
#15 1.2 Installed 1 package in 5ms
#15 DONE 2.7s

#16 [stage-1 3/4] RUN pip install -r requirements.txt
#16 3.1 Successfully installed flask-3.1.3 redis-8.1.0 gunicorn-27.0.1
#16 DONE 4.0s
"""


def test_plain_progress_steps_cache_state_and_durations() -> None:
    steps = {s.number: s for s in bench.parse_plain_progress(PLAIN_LOG)}
    assert steps[7].cached and steps[7].seconds == 0.0
    assert not steps[12].cached and steps[12].seconds == 6.5
    assert steps[14].name == "[builder  8/10] COPY . ."


def test_dependency_install_detection_ignores_cached_steps_and_project_only_installs() -> None:
    result = bench.BuildResult(seconds=10.0, steps=bench.parse_plain_progress(PLAIN_LOG), image_id="sha256:x")
    ran = [s.number for s in result.install_steps_run]
    assert ran == [12, 16]  # 7 is cached, 15 installs only the project (--no-deps)
    assert result.packages_installed == 8 + 3


def test_cold_builds_get_cache_mounts_of_their_own() -> None:
    dockerfile = (
        "RUN --mount=type=cache,target=/root/.cache/uv uv sync\n"
        "RUN --mount=type=cache,id=pip,target=/root/.cache/pip,sharing=locked pip install x\n"
        "RUN --mount=type=bind,source=a,target=b true\n"
    )
    out = bench.isolate_cache_mounts(dockerfile, "tok1")
    assert "--mount=type=cache,target=/root/.cache/uv,id=dwbench-tok1-root-.cache-uv uv sync" in out
    assert "id=dwbench-tok1-pip,target=/root/.cache/pip,sharing=locked" in out
    assert "--mount=type=bind,source=a,target=b" in out  # other mounts untouched
    assert bench.isolate_cache_mounts(dockerfile, "tok2") != out


def test_added_dependency_goes_to_the_manifest_the_dockerfile_installs(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "production.txt").write_text("-r base.txt\ngunicorn==27.0.1")
    (tmp_path / "Dockerfile").write_text("RUN uv pip install -r requirements/production.txt\n")
    bench.add_dependency(tmp_path, "humanize", "t1")
    lines = (tmp_path / "requirements" / "production.txt").read_text().splitlines()
    assert lines == ["-r base.txt", "gunicorn==27.0.1", "humanize  # dwbench t1"]


def test_added_dependency_in_pyproject_stays_valid_toml(tmp_path: Path) -> None:
    import tomllib

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = [\n  "flask==3.1.3",\n]\n'
    )
    (tmp_path / "Dockerfile").write_text(
        "RUN uv pip install --python /opt/venv/bin/python -r pyproject.toml\n"
    )
    bench.add_dependency(tmp_path, "humanize", "t2")
    deps = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["dependencies"]
    assert deps == ["humanize", "flask==3.1.3"]


def test_requirements_export_flattens_includes_and_skips_constraints(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_text("# base\nDjango==5.2.19\n-c constraints.txt\n")
    (tmp_path / "requirements" / "production.txt").write_text("-r base.txt\ngunicorn==27.0.1  # server\n")
    assert bench.manifest_export(tmp_path) == "Django==5.2.19\ngunicorn==27.0.1\n"


def test_benchmarks_section_replaced_without_touching_other_sections(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## lint\n\nlint numbers\n\n## images\n\nold\n\n## other\n\nkeep\n")
    bench.update_benchmarks("new table", path)
    text = path.read_text()
    assert "lint numbers" in text and "keep" in text and "new table" in text and "old" not in text


@pytest.mark.parametrize("app", ["flask-redis", "django-postgres-celery"])
def test_generator_change_variants_still_apply_to_what_init_writes(tmp_path: Path, app: str) -> None:
    exe = Path(sys.executable).parent / "dockwright"
    project = tmp_path / app
    shutil.copytree(REPO / "examples" / app, project, ignore=shutil.ignore_patterns("__pycache__"))
    for name in bench.GENERATED_FILES:
        (project / name).unlink(missing_ok=True)
    subprocess.run([str(exe), "init", str(project)], check=True, capture_output=True)
    dockerfile = (project / "Dockerfile").read_text()
    for name, transform in bench.TRANSFORMS.items():
        # Either the edit applies, or the generator already made that change (the variant is then moot).
        applies = transform(dockerfile) != dockerfile
        adopted = bench.ADOPTED[name].search(dockerfile) is not None
        assert applies != adopted, f"transform {name!r}: applies={applies}, adopted={adopted}"
