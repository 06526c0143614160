"""A code-only change rebuilds without reinstalling dependencies: the install layer is a cache hit.

The generated Dockerfile copies the dependency manifests and installs them before it copies the
code, so editing a module must leave the install step ``CACHED`` in BuildKit's log, while the
step that copies the code runs again (proof that the change was seen at all).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from e2e_support import DOCKER, ExampleImages, build_image, buildkit_steps, remove_image, run, unique_name

from dockwright.plan import plan_project

pytestmark = pytest.mark.engine

# One application module per example, edited the way a developer would.
CODE_FILE = {
    "fastapi-postgres-redis": "app/main.py",
    "django-postgres-celery": "guestbook/views.py",
    "flask-redis": "src/visits/views.py",
}


def _normalise(command: str) -> str:
    return re.sub(r"\s+", " ", command.replace("\\\n", " ")).strip()


def dependency_install_commands(project: Path) -> list[str]:
    """The builder's dependency install commands, from the same plan ``init`` rendered."""
    _info, plan = plan_project(project)
    return [_normalise(command) for command in plan.builder.install_commands]


@pytest.mark.parametrize("name", list(CODE_FILE))
def test_code_only_change_keeps_the_dependency_install_cached(
    name: str, example_images: ExampleImages, tmp_path: Path
) -> None:
    built = example_images.get(name)  # the unchanged project is in the build cache from here on
    project = tmp_path / name
    shutil.copytree(built.project, project)
    module = project / CODE_FILE[name]
    module.write_text(module.read_text(encoding="utf-8") + f"\n# code-only change {unique_name('e2e')}\n")

    tag = f"dwe2e-{unique_name(name)}:rebuild"
    try:
        log = build_image(project, tag)
        steps = buildkit_steps(log)
        assert steps, f"no BuildKit step lines in the build output:\n{log[-3000:]}"
        installs = dependency_install_commands(project)
        assert installs, "the plan has no dependency install command"
        install_steps = [s for s in steps if any(cmd in _normalise(s.instruction) for cmd in installs)]
        assert install_steps, f"no step runs {installs!r}:\n" + "\n".join(s.instruction for s in steps)
        reran = [s.instruction for s in install_steps if not s.cached]
        assert not reran, f"a code-only change re-ran the dependency install: {reran}"
        assert any(not s.cached and s.instruction.startswith("COPY") for s in steps), (
            "no COPY step ran again: the code change never reached the image"
        )
        # Only what needs the code runs again: the final stage's COPY of the code, plus the builder
        # steps that read it (collectstatic, a project install) when the plan has any.
        _info, plan = plan_project(project)
        builder_reads_code = bool(plan.builder.project_install_commands or plan.runtime.collectstatic)
        reran_steps = [  # FROM lines only resolve the base image: BuildKit never prints them CACHED
            (s.stage, s.instruction)
            for s in steps
            if not s.cached and s.stage != "internal" and not s.instruction.startswith("FROM ")
        ]
        expected_runtime = ("runtime", "COPY --chmod=755 . /app")
        assert expected_runtime in reran_steps
        if not builder_reads_code:
            assert reran_steps == [expected_runtime], f"a code-only change re-ran more: {reran_steps}"
        else:  # ... and the final stage's copies of the builder's code-derived output
            derived = {f"COPY --from=builder {d} {d}" for d in (plan.runtime.static_dir, "/opt/project") if d}
            allowed = {expected_runtime[1], *derived}
            assert all(stage == "builder" or step in allowed for stage, step in reran_steps), reran_steps
        new_id = run([DOCKER, "image", "inspect", "--format", "{{.Id}}", tag]).stdout.strip()
        assert new_id != built.image_id
    finally:
        remove_image(tag)
