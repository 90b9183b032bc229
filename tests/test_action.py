"""The composite GitHub Action (action.yml) and the pre-commit hook definitions."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def step(step_id: str) -> dict:
    return next(s for s in STEPS if s.get("id") == step_id)


def expressions(value) -> list[str]:
    """Return every ``${{ ... }}`` expression inside a YAML value, stripped."""
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return [m.strip() for m in EXPRESSION.findall(str(value))] if isinstance(value, str) else []


def test_action_is_a_composite_that_lints_then_uploads_sarif():
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    lint = step("lint")
    assert "-m flasklint" in lint["run"] and "--format sarif" in lint["run"] and '-o "$SARIF_FILE"' in lint["run"]
    assert lint["env"]["SARIF_FILE"] == "${{ inputs.sarif-file }}"
    upload = next(s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert STEPS.index(upload) > STEPS.index(lint)
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert upload["with"]["category"] == "flasklint"
    assert "pip install" in step("install")["run"] and "$ACTION_PATH" in step("install")["run"]


def test_every_run_step_has_a_shell_and_reads_inputs_only_from_env():
    for item in STEPS:
        assert ("run" in item) != ("uses" in item), item
        if "run" in item:
            assert item["shell"] == "bash"
            # expressions inside a script are pasted into it unquoted: script injection
            assert not expressions(item["run"]), item["run"]


def test_expressions_name_declared_inputs_and_earlier_steps():
    seen = set()
    for item in STEPS:
        for expression in expressions({k: v for k, v in item.items() if k != "id"}):
            for name in re.findall(r"inputs\.([\w-]+)", expression):
                assert name in ACTION["inputs"], expression
            for name in re.findall(r"steps\.([\w-]+)", expression):
                assert name in seen, expression
        seen.add(item.get("id"))
    for output in ACTION["outputs"].values():
        for name in re.findall(r"steps\.([\w-]+)", output["value"]):
            assert name in seen
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name


needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash scripts")


def run_step(step_id: str, tmp_path: Path, cwd: Optional[Path] = None, **env: str) -> tuple:
    """Run one step's script as the runner does; return (process, its GITHUB_OUTPUT lines)."""
    output = tmp_path / "github_output"
    output.write_text("")
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path), **env}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step(step_id)["run"]],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    return done, output.read_text().splitlines()


def lint_env(tmp_path: Path, paths: str, args: str = "", annotate: str = "false") -> dict:
    """Return the lint step's environment, running this checkout's flasklint."""
    return {"FLASKLINT_PYTHON": sys.executable, "PYTHONPATH": str(REPO), "FLASKLINT_PATHS": paths,
            "FLASKLINT_ARGS": args, "SARIF_FILE": str(tmp_path / "flasklint.sarif"), "ANNOTATE": annotate}


def sarif_rules(tmp_path: Path) -> list:
    (run,) = json.loads((tmp_path / "flasklint.sarif").read_text())["runs"]
    return [r["ruleId"] for r in run["results"]]


@needs_bash
def test_lint_step_keeps_going_on_findings_and_writes_sarif(example_app, tmp_path):
    done, output = run_step("lint", tmp_path, **lint_env(tmp_path, str(example_app), "--select FL1"))
    assert done.returncode == 0, done.stderr
    assert output == ["exit-code=1"]
    assert sarif_rules(tmp_path) == ["FL101"]
    assert "::error" not in done.stdout  # annotations only for forks
    bad, output = run_step("lint", tmp_path, **lint_env(tmp_path, str(example_app), "--select FL999"))
    assert bad.returncode == 2 and "unknown rule code 'FL999'" in bad.stderr
    assert output == ["exit-code=2"]


@needs_bash
def test_lint_step_quotes_inputs_and_never_expands_them(example_app, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(example_app, work / "my app")
    (work / "my app" / "lint settings.toml").write_text('select = ["FL1"]\n')
    quoted = lint_env(tmp_path, '"my app"', "--config 'my app/lint settings.toml'")
    done, output = run_step("lint", tmp_path, work, **quoted)
    assert (done.returncode, output) == (0, ["exit-code=1"]), done.stderr
    assert sarif_rules(tmp_path) == ["FL101"]
    # a glob, a variable and a command substitution reach flasklint as written
    for paths in ("my*", "$HOME", "$(touch pwned)"):
        done, output = run_step("lint", tmp_path, work, **lint_env(tmp_path, paths))
        assert (done.returncode, output) == (2, ["exit-code=2"]), paths
        assert f"{paths.split()[0]} does not exist" in done.stderr
    assert not (work / "pwned").exists()
    # a path that looks like an option is still a path
    done, _ = run_step("lint", tmp_path, work, **lint_env(tmp_path, "--version"))
    assert done.returncode == 2 and "--version does not exist" in done.stderr
    unclosed, output = run_step("lint", tmp_path, work, **lint_env(tmp_path, '"my app'))
    assert unclosed.returncode == 2 and output == []
    assert "::error title=flasklint::cannot split the path input" in unclosed.stdout


@needs_bash
def test_lint_step_annotates_when_asked(example_app, tmp_path):
    done, output = run_step("lint", tmp_path, **lint_env(tmp_path, str(example_app), annotate="true"))
    assert done.returncode == 0 and output == ["exit-code=1"], done.stderr
    annotation, summary = done.stdout.splitlines()
    assert annotation.startswith("::error file=yourapp/views.py,line=12,")
    assert summary.startswith("flasklint: 1 finding (1 error,")
    assert sarif_rules(tmp_path) == ["FL101"]


CONTEXTS = {
    "push": {"EVENT_NAME": "push", "HEAD_REPOSITORY": "", "REPOSITORY": "acme/site"},
    "pull request": {"EVENT_NAME": "pull_request", "HEAD_REPOSITORY": "acme/site", "REPOSITORY": "acme/site"},
    "fork": {"EVENT_NAME": "pull_request", "HEAD_REPOSITORY": "someone/site", "REPOSITORY": "acme/site"},
    "fork, target": {"EVENT_NAME": "pull_request_target", "HEAD_REPOSITORY": "someone/site",
                     "REPOSITORY": "acme/site"},
}


@needs_bash
@pytest.mark.parametrize("context, upload, expected", [
    ("push", "true", ["upload=true", "annotate=false"]),
    ("pull request", "true", ["upload=true", "annotate=false"]),
    ("fork", "true", ["upload=false", "annotate=true"]),
    ("fork, target", "true", ["upload=true", "annotate=false"]),
    ("push", "false", ["upload=false", "annotate=false"]),
    ("fork", "false", ["upload=false", "annotate=false"]),
])
def test_upload_is_skipped_with_a_notice_for_pull_requests_from_forks(tmp_path, context, upload, expected):
    done, output = run_step("upload", tmp_path, UPLOAD=upload, **CONTEXTS[context])
    assert done.returncode == 0, done.stderr
    assert output == expected
    assert ("::notice title=flasklint::This pull request comes from the fork someone/site" in done.stdout) \
        == (expected[1] == "annotate=true")


def test_upload_step_follows_the_decision():
    decide = step("upload")
    assert decide["env"]["HEAD_REPOSITORY"] == "${{ github.event.pull_request.head.repo.full_name }}"
    assert decide["env"]["REPOSITORY"] == "${{ github.repository }}"
    upload = next(s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "${{ steps.upload.outputs.upload == 'true' }}"
    assert step("lint")["env"]["ANNOTATE"] == "${{ steps.upload.outputs.annotate }}"


def test_pre_commit_hooks():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"flasklint", "flasklint-fix"}
    assert hooks["flasklint"]["entry"] == "flasklint"
    assert hooks["flasklint-fix"]["entry"] == "flasklint --fix"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["require_serial"] is True
        assert hook["types"] == ["text"]  # templates, .env and config files carry findings too
