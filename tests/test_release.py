"""The release: one version everywhere, the license, and a built wheel that installs and runs."""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from flasklint import __version__

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_readme_snippets_install_the_current_version():
    tags = re.findall(r"^\s*rev: (\S+)", README, re.MULTILINE)
    tags += re.findall(r"uses: flasklint/flasklint@(\S+)", README)
    assert len(tags) == 2 and set(tags) == {f"v{__version__}"}, tags
    assert re.findall(r'\{"version": "([^"]+)"', README) == [__version__]  # the JSON example


def test_changelog_has_an_unreleased_section_then_the_current_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## \[([^\]]+)\](.*)$", changelog, re.MULTILINE)
    assert sections[0] == ("Unreleased", "")
    version, date = sections[1]
    assert version == __version__ and re.fullmatch(r" - \d{4}-\d{2}-\d{2}", date)
    for name, _ in sections:
        assert re.search(rf"^\[{re.escape(name)}\]: https://", changelog, re.MULTILINE), name


def test_license_file_matches_the_metadata():
    metadata = pyproject()
    assert metadata["project"]["license"] == "MIT"
    assert metadata["project"]["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert "setuptools>=77" in metadata["build-system"]["requires"]  # the SPDX string form
    assert not [c for c in metadata["project"]["classifiers"] if c.startswith("License ::")]


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="the fresh environment's layout is POSIX's")
def test_built_wheel_installs_and_runs_in_a_fresh_venv(tmp_path, example_app):
    source = tmp_path / "source"  # pip builds in the tree it is given: not this checkout
    shutil.copytree(REPO / "flasklint", source / "flasklint", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("flasklint-*.whl")
    assert wheel.name == f"flasklint-{__version__}-py3-none-any.whl"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    # The dependencies come from this test run's environment, after the venv's own packages.
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(target) / "test-dependencies.pth").write_text("\n".join(paths) + "\n")

    where = subprocess.run([str(python), "-c", "import flasklint; print(flasklint.__file__)"],
                           cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(venv)
    assert list(Path(target).glob("flasklint-*.dist-info/licenses/LICENSE"))
    assert (Path(target) / "flasklint" / "config.schema.json").is_file()
    (entry_points,) = Path(target).glob("flasklint-*.dist-info/entry_points.txt")
    assert "[validate_pyproject.tool_schema]\nflasklint = flasklint.settings_schema:tool_schema" \
        in entry_points.read_text()
    done = subprocess.run([str(venv / "bin" / "flasklint"), str(example_app), "--format", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["version"] == __version__
    assert [(f["code"], f["path"], f["line"]) for f in report["findings"]] == [("FL101", "yourapp/views.py", 12)]
