"""How the secrets rules name a secret and say what git does with its file. It holds no rule."""

from __future__ import annotations

from ..model.project_facts import ProjectFacts
from ..model.secrets import APP, ENV_READ, SecretValue

#: How messages name what sets a secret, where the name alone does not do.
OWNERS = {APP: "the Flask app `{name}`", ENV_READ: "an environment read"}


def tracked_phrase(project: ProjectFacts, rel: str) -> str:
    """Return ``which git tracks`` / ``which git does not ignore`` / ``which no .gitignore covers`` for ``rel``.

    Without git, a file that an ignore rule re-includes on purpose
    (``!config.example.py``) is said to be so, not left uncovered.
    """
    tracked = project.project.tracked
    if rel in project.project.ignored_instance:
        return "which `.gitignore` covers" if tracked is None else "which git ignores"
    if tracked is None:
        pattern = project.project.reincluded([rel]).get(rel)
        return f"which `.gitignore` re-includes (`{pattern}`)" if pattern else "which no `.gitignore` covers"
    return "which git tracks" if rel in tracked else "which git does not ignore"


def described(project: ProjectFacts, secret: SecretValue) -> str:
    """Return ``the literal `ab…(20 chars)` ... in config class `Config` in `config.py`, which git tracks``."""
    fallback = f" (the fallback when `{secret.env}` is unset)" if secret.env else ""
    owner = OWNERS.get(secret.owner, f"{secret.owner} `{{name}}`").format(name=secret.owner_name)
    where = "" if f"`{secret.path}`" in owner else f" in `{secret.path}`"
    tracked = tracked_phrase(project, secret.path)
    return f"the literal `{secret.literal.shown}`{fallback} in {owner}{where}, {tracked}"
