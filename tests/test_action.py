"""The composite GitHub Action (action.yml) and the pre-commit hook definitions."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash scripts")
def test_lint_step_keeps_going_on_findings_and_writes_sarif(example_app, tmp_path):
    output = tmp_path / "github_output"
    sarif = tmp_path / "flasklint.sarif"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "FLASKLINT_PYTHON": sys.executable,
           "PYTHONPATH": str(REPO), "FLASKLINT_PATHS": str(example_app), "FLASKLINT_ARGS": "--select FL1",
           "SARIF_FILE": str(sarif)}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step("lint")["run"]],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert output.read_text() == "exit-code=1\n"
    (run,) = json.loads(sarif.read_text())["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["FL101"]
    env["FLASKLINT_ARGS"] = "--select FL999"
    bad = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step("lint")["run"]],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown rule code 'FL999'" in bad.stderr


def test_pre_commit_hooks():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"flasklint", "flasklint-fix"}
    assert hooks["flasklint"]["entry"] == "flasklint"
    assert hooks["flasklint-fix"]["entry"] == "flasklint --fix"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["require_serial"] is True
        assert hook["types"] == ["text"]  # templates, .env and config files carry findings too
