"""Paths as CI systems want them: relative to the repository, not the project root.

GitHub and GitLab resolve a reported path against the checkout, so when the
project root (the folder holding ``pyproject.toml``) is a subfolder of the git
work tree, its name is put in front of the root-relative path.
"""

from __future__ import annotations


def repo_path(result, path: str) -> str:
    """Return the root-relative ``path`` relative to the git work tree (else unchanged)."""
    if result.toplevel is None or path.startswith("/"):
        return path
    try:
        prefix = result.root.resolve().relative_to(result.toplevel.resolve()).as_posix()
    except ValueError:
        return path
    return path if prefix == "." else f"{prefix}/{path}"
