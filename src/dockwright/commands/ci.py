"""``dockwright ci``: a CI pipeline (GitHub Actions or GitLab CI) from the same plan."""

from __future__ import annotations

from pathlib import Path

import click

from dockwright.commands._planning import PlanOptions, plan_options


@click.command(name="ci")
@plan_options
@click.option(
    "--provider", type=click.Choice(["github", "gitlab"]), required=True, help="CI system to write for."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory the pipeline path is relative to (default: PATH).",
)
@click.option(
    "--registry-image",
    help="Repository to push to, without tag (default: ghcr.io/<owner>/<repo> or $CI_REGISTRY_IMAGE).",
)
@click.option(
    "--build-secret",
    "build_secrets",
    multiple=True,
    metavar="ID",
    help="BuildKit secret the Dockerfile mounts (RUN --mount=type=secret,id=ID); repeatable.",
)
@click.option("--force", is_flag=True, help="Replace a pipeline that differs (the diff is shown).")
@click.option("--dry-run", is_flag=True, help="Print the files, write nothing.")
def command(
    path: Path,
    provider: str,
    out_dir: Path | None,
    registry_image: str | None,
    build_secrets: tuple[str, ...],
    options: PlanOptions,
    force: bool,
    dry_run: bool,
) -> int:
    """Write a pipeline: BuildKit build, tests in the image, lint, verify, Trivy, push from main."""
    from dockwright.deploy.ci import ci_pipeline, find_test_setup, required_files
    from dockwright.deploy.output import write_files
    from dockwright.errors import DockwrightError

    _, plan = options.plan(path)
    missing = [name for name in required_files(plan) if not (path / name).is_file()]
    if missing:
        raise DockwrightError(
            f"the pipeline builds and verifies with {', '.join(missing)}, which {path} does not have; "
            "run `dockwright init` first",
            file=path / missing[0],
        )
    files = ci_pipeline(
        plan,
        "github" if provider == "github" else "gitlab",
        tests=find_test_setup(path),
        registry_image=registry_image,
        build_secrets=build_secrets,
    )
    result = write_files(
        files,
        out_dir if out_dir is not None else path,
        force=force,
        dry_run=dry_run,
        echo=click.echo,
        display_root=path,
    )
    return 1 if result.skipped else 0
