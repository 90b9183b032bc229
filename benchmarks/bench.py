"""Measure flasklint's speed and memory against LibCST's bare parse, bandit and ruff.

Everything is timed in one run on the same machine, as medians of several
repetitions, each in a fresh process (so imports and pool start-up count):

- LibCST ``parse_module`` only, 1 and 2 processes (the floor a LibCST linter
  stands on);
- flasklint cold (no cache) with ``--jobs 1`` and ``--jobs 2``, and warm
  (cache filled by a previous run, files unchanged);
- bandit and ruff, when installed.

Usage::

    python benchmarks/bench.py DIR [DIR ...]          # folders of real repositories
    python benchmarks/bench.py --pip-corpus           # Flask & friends from site-packages
    python benchmarks/bench.py --synthetic 1000 5000 10000   # generated monorepos
    python benchmarks/bench.py DIR ... --before OLD_CHECKOUT  # also time an earlier flasklint

``--before`` takes a checkout of an earlier flasklint (``git worktree add
/tmp/old <commit>``) and times it the same way in the same run, so a change
can be judged before and after on one machine under one load.

flasklint is byte-compiled before it is timed, as an installed package is.
Peak RSS is the largest resident set of the command and its children, from
``wait4``. Not a test: nothing here asserts; it prints a table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
PIP_PACKAGES = ("flask", "werkzeug", "jinja2", "click", "itsdangerous", "markupsafe", "flask_sqlalchemy",
                "flask_wtf", "wtforms", "flask_login", "flask_migrate", "alembic", "sqlalchemy",
                "flask_cors", "flask_bcrypt", "libcst")


def python_files(folders: list[Path]) -> list[Path]:
    """Return the .py files under ``folders``."""
    return [p for folder in folders for p in sorted(folder.rglob("*.py")) if p.is_file()]


def parse_only(folders: list[str], jobs: int) -> None:
    """Parse every file with LibCST and nothing else (run in a child process)."""
    import libcst
    from concurrent.futures import ProcessPoolExecutor

    files = [str(p) for p in python_files([Path(f) for f in folders])]
    if jobs == 1:
        for path in files:
            _parse(path)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_parse, files, chunksize=32))
    del libcst


def _parse(path: str) -> None:
    """Parse one file with LibCST, ignoring failures."""
    import libcst

    try:
        libcst.parse_module(Path(path).read_bytes())
    except Exception:
        pass


def measure(command: list[str], repeat: int, setup=None, env=None) -> tuple[float, int]:
    """Return the median wall time and the largest peak RSS (KiB) of ``command``."""
    times, peaks = [], []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, _, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss)
    return statistics.median(times), max(peaks)


def flasklint(folders: list[Path], *extra: str) -> list[str]:
    """Return the command that runs flasklint on ``folders``."""
    return [sys.executable, "-m", "flasklint", *map(str, folders), "--format", "json", *extra]


def byte_compile(checkout: Optional[Path]) -> None:
    """Byte-compile the flasklint of ``checkout`` (None: the one installed).

    An installed package is byte-compiled by pip, and Python writes the
    bytecode of an editable checkout on its first import; with
    ``PYTHONDONTWRITEBYTECODE`` set (as in some sandboxes) every timed run
    would compile flasklint's source again, which no user pays for.
    """
    package = checkout / "flasklint" if checkout else Path(importlib.util.find_spec("flasklint").origin).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, stdout=subprocess.DEVNULL)


def flasklint_rows(folders: list[Path], repeat: int, label: str, checkout: Optional[Path] = None) -> dict:
    """Time flasklint cold (--jobs 1 and 2) and warm; ``checkout`` selects another one than this."""
    byte_compile(checkout)
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve())) if checkout else None
    cache = Path(tempfile.mkdtemp(prefix="flasklint-bench-cache-"))
    rows = {f"{label} cold, --jobs 1": measure(flasklint(folders, "--jobs", "1", "--no-cache"), repeat, env=env),
            f"{label} cold, --jobs 2": measure(flasklint(folders, "--jobs", "2", "--no-cache"), repeat, env=env)}
    subprocess.run(flasklint(folders, "--jobs", "2", "--cache-dir", str(cache)), stdout=subprocess.DEVNULL, env=env)
    rows[f"{label} warm, --jobs 2"] = measure(flasklint(folders, "--jobs", "2", "--cache-dir", str(cache)), repeat,
                                              env=env)
    shutil.rmtree(cache, ignore_errors=True)
    return rows


def ratios(rows: dict, label: str) -> None:
    """Print the targets' ratios for one flasklint."""
    parse2 = rows["libcst parse, 2 processes"][0]
    cold1, cold2 = rows[f"{label} cold, --jobs 1"][0], rows[f"{label} cold, --jobs 2"][0]
    print(f"\n{label}: cold --jobs 2 / libcst parse 2 processes: {cold2 / parse2:.2f} (target <= 1.2)")
    print(f"{label}: speed-up --jobs 2 over --jobs 1: {cold1 / cold2:.2f} (target >= 1.7)")
    print(f"{label}: warm / cold (--jobs 2): {rows[f'{label} warm, --jobs 2'][0] / cold2:.1%} (target <= 10%)")
    if "bandit -r" in rows:
        print(f"{label}: cold --jobs 2 / bandit: {cold2 / rows['bandit -r'][0]:.2f} (target < 1)")


def table(folders: list[Path], repeat: int, before: Optional[Path] = None) -> None:
    """Time every tool on ``folders`` and print the table with ratios."""
    count = len(python_files(folders))
    rows = {}
    here = [sys.executable, str(Path(__file__).resolve())]
    rows["libcst parse, 1 process"] = measure(here + ["--parse-only", "1", *map(str, folders)], repeat)
    rows["libcst parse, 2 processes"] = measure(here + ["--parse-only", "2", *map(str, folders)], repeat)
    if before:
        rows.update(flasklint_rows(folders, repeat, "before", before))
    rows.update(flasklint_rows(folders, repeat, "flasklint"))
    if shutil.which("bandit") or importlib.util.find_spec("bandit"):
        rows["bandit -r"] = measure([sys.executable, "-m", "bandit", "-q", "-r", *map(str, folders)], repeat)
    if shutil.which("ruff"):
        rows["ruff --select S"] = measure(["ruff", "check", "--no-cache", "--select", "S", "--exit-zero",
                                           *map(str, folders)], repeat)
    print(f"\n{count} Python files in {len(folders)} folders; median of {repeat} runs\n")
    print(f"| {'what':<28} | {'wall s':>7} | {'files/s':>8} | {'peak RSS MB':>11} |")
    print(f"|{'-' * 30}|{'-' * 9}|{'-' * 10}|{'-' * 13}|")
    for name, (seconds, peak) in rows.items():
        print(f"| {name:<28} | {seconds:7.2f} | {count / seconds:8.0f} | {peak / 1024:11.0f} |")
    for label in (("before", "flasklint") if before else ("flasklint",)):
        ratios(rows, label)


def pip_corpus(target: Path) -> list[Path]:
    """Copy Flask and its ecosystem from site-packages into ``target``."""
    folders = []
    for name in PIP_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            source = Path(list(spec.submodule_search_locations)[0])
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
            folders.append(target / name)
    return folders


def synthetic(target: Path, modules: int) -> Path:
    """Write a Flask monorepo of ``modules`` Python modules into ``target``; return it."""
    package = target / "monorepo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\napp.config.from_object('monorepo.config')\n")
    (package / "config.py").write_text("import os\n\nSECRET_KEY = os.environ.get('SECRET_KEY')\nDEBUG = False\n")
    per_package = 50
    for index in range(modules - 2):
        sub = package / f"part{index // per_package}"
        if not sub.exists():
            sub.mkdir()
            (sub / "__init__.py").write_text("from flask import Blueprint\n\nbp = Blueprint(__name__, __name__)\n")
        (sub / f"views{index}.py").write_text(_VIEW.format(n=index))
    return target


_VIEW = '''"""Views {n}."""

from functools import wraps

from flask import abort, render_template, request

from . import bp


def needs_token(view):
    @wraps(view)
    def inner(*args, **kwargs):
        if not request.headers.get("X-Token"):
            abort(401)
        return view(*args, **kwargs)
    return inner


@bp.route("/item{n}/<int:item_id>")
@needs_token
def item{n}(item_id):
    return render_template("item.html", item=item_id)


@bp.route("/item{n}", methods=["POST"])
def create{n}():
    name = request.form.get("name", "")
    return {{"name": name.strip(), "n": {n}}}


def helper{n}(values):
    total = 0
    for value in values:
        if value % 2:
            total += value * {n}
        else:
            total -= value
    return total
'''


def main() -> None:
    """Parse arguments and run the requested measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pip-corpus", action="store_true", help="benchmark on packages from site-packages")
    parser.add_argument("--synthetic", type=int, nargs="+", metavar="N", help="generated monorepos of N modules")
    parser.add_argument("--before", type=Path, metavar="CHECKOUT",
                        help="also time the flasklint in this checkout of an earlier commit")
    parser.add_argument("--parse-only", type=int, metavar="JOBS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_only:
        parse_only([str(f) for f in args.folders], args.parse_only)
        return
    with tempfile.TemporaryDirectory(prefix="flasklint-bench-") as scratch:
        folders = list(args.folders)
        if args.pip_corpus:
            folders += pip_corpus(Path(scratch) / "pip")
        if folders:
            table(folders, args.repeat, args.before)
        if args.synthetic:
            byte_compile(None)
        for size in args.synthetic or ():
            root = synthetic(Path(scratch) / f"synthetic{size}", size)
            seconds, peak = measure(flasklint([root], "--jobs", "2", "--no-cache"), args.repeat)
            print(f"synthetic {size:>6} modules: {seconds:6.2f} s, {size / seconds:6.0f} files/s, "
                  f"peak RSS {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
