"""FL304 secret-file-committed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from ..facts.config import KEY as CONFIG
from ..facts.credentials import KEY as CREDENTIALS
from ..facts.secrets import Literal
from ..findings import Finding, Severity
from ..flask_context import split_path
from ..model.config import config_model
from ..model.project_facts import ProjectFacts
from ..model.secrets import NEEDS as SECRET_NEEDS
from ..model.secrets import (
    env_secrets,
    is_committed,
    is_env_file,
    is_secret_key,
    templates,
)
from ..rule import ProjectRule
from .secret_phrases import tracked_phrase

#: Instance files read for assignments (not databases, uploads or logs).
TEXT_SUFFIXES = ("", ".py", ".cfg", ".conf", ".ini", ".env", ".toml", ".txt", ".sh")
#: What to do about a template that holds a real-looking secret.
TEMPLATE_HELP = (
    "Put a placeholder in the template (`SECRET_KEY=`, `change-me`) and change the secret: git history keeps it."
)


class SecretFileCommitted(ProjectRule):
    """A file made to hold secrets is committed to git.

    ## What it does
    Flags a file that git tracks (`git ls-files`) and that holds secret-looking
    assignments: a config file under an `instance/` folder, a `.env` file
    (`.env`, `.env.production`, `prod.env`), `.flaskenv`, `.envrc`, or a
    `start.sh`-style shell script that exports variables. An assignment is
    secret-looking when its key names a secret (`SECRET_KEY`, `*_PASSWORD`,
    `*_TOKEN`, `*_API_KEY`, ...) and its value is not empty, a placeholder or a
    `$VARIABLE`, or when its value is a URI with a password or has the format
    of a key a service issues (`AKIA...`, `ghp_...`). One finding per file, on
    its first secret, with every value redacted.

    Templates are committed on purpose: a file whose name says so (a word such
    as `example`, `sample`, `template`, `tmpl`, `dist` or `defaults` in it:
    `.env.example`, `sample.env`, `docker/sample.web.env`, `env.template`), or
    one the ignore rules re-include (`.env*` then `!.env.staging`). Their
    placeholders are not secrets; a template is flagged only for a value that
    looks real: a known key format (AWS `AKIA...`, GitHub `ghp_...`, Slack
    `xox...`, Stripe `sk_live_...`, a private key block, a JSON Web Token), or
    a random-looking value (20 characters or more, a Shannon entropy of 3 bits
    per character or more, letters and digits mixed throughout). Documented
    stand-ins (`AKIAIOSFODNN7EXAMPLE`, `sk_live_xxxx...`) never count.

    Without git, tracked-ness is inferred: files no `.gitignore` covers count
    as committed, and the summary says so. Files under `tests/` are skipped
    unless `--include-tests`; development files and folders (`local-dev/`,
    `.env.development`) are skipped too, since they hold local defaults.

    ## Why is this bad?
    These files exist to keep secrets out of the code; committed, they publish
    them to every clone, and git history keeps them after the file is deleted.
    *Explore Flask* 2.5.2: the instance folder "contains a configuration file
    specifically for this instance of the application. We don't want to commit it
    into version control"; 2.5.3: `start.sh` "is unique to each environment, so it
    should be left out of version control".

    ## Example
    ```python
    # file: .env
    FLASK_APP=yourapp
    SECRET_KEY=3f9a1c77d2be4e0b9f6a52c1e8d4a7b0  # [FL304]
    MAIL_PASSWORD=n0t-in-git-pl3ase
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Use instead
    ```python
    # file: .gitignore
    .env
    # file: .env.example
    FLASK_APP=yourapp
    SECRET_KEY=
    MAIL_PASSWORD=change-me
    # file: yourapp/__init__.py
    from flask import Flask

    app = Flask(__name__)
    ```

    A template that holds a real-looking secret is reported as "committed
    template `.env.example` holds what looks like a real secret"; the fix is a
    placeholder there, and a new secret.

    ## References
    - *Explore Flask* 2.5.2, ["Instance folder"](https://exploreflask.com/en/latest/configuration.html), and 2.5.3,
      ["Configuring based on environment variables"](https://exploreflask.com/en/latest/configuration.html)
    - git documentation, [`git rm --cached`](https://git-scm.com/docs/git-rm)
    """

    code = "FL304"
    needs = SECRET_NEEDS
    name = "secret-file-committed"
    severity = Severity.ERROR
    help = (
        "Stop tracking the file (`git rm --cached FILE`), ignore it, commit a template with empty values "
        "instead, and change the secrets: git history keeps them."
    )
    tags = ("security",)
    uses_git = True

    def check(self, project: ProjectFacts) -> Iterable[Finding]:
        """Yield one finding per committed file that holds secrets (real-looking ones in a template)."""
        if not config_model(project).uses_flask:
            return
        model = config_model(project)
        modules = {m.path: m for m in project.modules}
        candidates = []
        for rel in project.project.all_files:
            folders, name, stem = split_path(rel)
            in_instance = "instance" in folders and name[len(stem) :] in TEXT_SUFFIXES
            if (
                (in_instance or is_env_file(rel))
                and is_committed(project, rel)
                and model.env.counts_secrets(rel, project.config.include_tests)
            ):
                candidates.append(rel)
        template = templates(project, candidates)
        for rel in candidates:
            secrets = [
                (key, literal)
                for key, literal in self.secrets(project, rel, modules.get(rel))
                if rel not in template or literal.looks_real
            ]
            if not secrets:
                continue
            key, first = secrets[0]
            more = [k for k, _ in secrets[1:]]
            rest = (
                f" and {len(more)} more (`{'`, `'.join(more[:3])}`{', ...' if len(more) > 3 else ''})" if more else ""
            )
            start, end = (first.line, first.column), (first.end_line, first.end_column)
            if rel not in template:
                yield self.finding(
                    rel,
                    start,
                    end,
                    f"`{rel}`, {tracked_phrase(project, rel)}, sets `{key}` to `{first.shown}`{rest}",
                    sensitive=True,
                )
                continue
            why = f" (the ignore rules re-include it: `{template[rel]}`)" if template[rel] else ""
            finding = self.finding(
                rel,
                start,
                end,
                f"committed template `{rel}`{why} holds what looks like a real "
                f"secret: `{key}` is `{first.shown}`{rest}",
                sensitive=True,
            )
            yield dataclasses.replace(finding, help=TEMPLATE_HELP)

    @staticmethod
    def secrets(project: ProjectFacts, rel: str, module) -> Iterator[tuple[str, Literal]]:
        """Yield ``(key, literal)`` for each secret a file sets, in line order."""
        if module is None:
            yield from env_secrets(project.read_text(rel))
            return
        settings = config.module_settings if (config := module.get(CONFIG)) is not None else []
        found = [
            (s.key, s.literal)
            for s in settings
            if s.literal is not None and is_secret_key(s.key) and not s.literal.placeholder
        ]
        for literal in module.get(CREDENTIALS) or ():
            owner = next((s.key for s in settings if s.line <= literal.line <= s.end_line), "a URI")
            found.append((owner, literal))
        yield from sorted(found, key=lambda item: (item[1].line, item[1].column))
