"""``dockwright k8s``: Kubernetes manifests from the same plan as the Dockerfile."""

from __future__ import annotations

from pathlib import Path

import click

from dockwright.commands._planning import PlanOptions, plan_options
from dockwright.errors import DockwrightError


@click.command(name="k8s")
@plan_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write (default: PATH/k8s).",
)
@click.option(
    "--image",
    "image",
    help="Image to deploy, pinned: NAME@sha256:... or NAME:<commit sha> (default: <name>:<git HEAD sha>).",
)
@click.option(
    "--repository",
    help="Registry repository of the default image, e.g. ghcr.io/acme/shop (default: the project name).",
)
@click.option(
    "--replicas",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Minimum web replicas (HPA floor).",
)
@click.option(
    "--max-replicas", type=click.IntRange(min=1), help="HPA ceiling (default: 3 x --replicas, at least 3)."
)
@click.option(
    "--prestop",
    type=click.Choice(["sleep", "exec"]),
    default="sleep",
    show_default=True,
    help="Pre-stop pause: the kubelet's sleep action (Kubernetes >= 1.30) or python's time.sleep (older).",
)
@click.option("--namespace", help="Namespace set on every object (default: none, kubectl's current one).")
@click.option(
    "--image-pull-secret",
    metavar="NAME",
    help="Secret with the registry credentials (docker-registry type) for private images.",
)
@click.option("--force", is_flag=True, help="Replace files that differ (the diff is shown).")
@click.option("--dry-run", is_flag=True, help="Print the files, write nothing.")
def command(
    path: Path,
    out_dir: Path | None,
    image: str | None,
    repository: str | None,
    replicas: int,
    max_replicas: int | None,
    prestop: str,
    namespace: str | None,
    image_pull_secret: str | None,
    options: PlanOptions,
    force: bool,
    dry_run: bool,
) -> int:
    """Write Kubernetes manifests (Deployment, Service, HPA, PDB, migration Job, Celery workers)."""
    from dockwright.deploy.k8s import k8s_manifests
    from dockwright.deploy.output import write_files
    from dockwright.deploy.project import git_head

    if image is not None and repository is not None:
        raise DockwrightError(
            "--image and --repository exclude each other: --image already names the repository"
        )
    _, plan = options.plan(path)
    if image is None:
        head = git_head(path)
        if head is None:
            raise DockwrightError(
                f"{path}: not a git checkout, so there is no commit SHA to tag by; pass --image REF"
            )
        sha, dirty = head
        image = f"{repository or plan.name}:{sha}"  # the full-SHA tag `dockwright ci` pushes
        if dirty:
            click.echo(
                f"dockwright: warning: uncommitted changes; the manifests name {image}, the image of HEAD",
                err=True,
            )
    files = k8s_manifests(
        plan,
        image=image,
        replicas=replicas,
        max_replicas=max_replicas,
        prestop="exec" if prestop == "exec" else "sleep",
        namespace=namespace,
        image_pull_secret=image_pull_secret,
    )
    result = write_files(
        files,
        out_dir if out_dir is not None else path / "k8s",
        force=force,
        dry_run=dry_run,
        echo=click.echo,
        display_root=path,
    )
    return 1 if result.skipped else 0
