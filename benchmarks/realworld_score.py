"""Score flasklint against hand-labelled locations in real-world Flask repos.

The labels file is a tab-separated table with the columns
``repo commit path line rule expected note``.  Each ``repo`` (``OWNER/NAME``)
is expected to be checked out at its labelled commit in
``<repos>/OWNER+NAME``.  flasklint is run once per repository folder with
``python -m flasklint <folder> --format json --select FL`` and its findings
are compared with the labels:

* a finding matches a label when the category of its code equals the label's
  ``rule``, the paths agree (equal, or one ends with ``/`` + the other) and the
  lines differ by at most ``LINE_TOLERANCE`` (label line 0 means anywhere in
  the file);
* a ``positive`` label that is matched is a true positive (TP), otherwise a
  false negative (FN);
* a ``negative`` label that is matched is a false positive (FP), otherwise a
  true negative (TN).

Findings at places no label covers are not scored; ``--verbose`` lists them
for manual reading.

Usage::

    python benchmarks/realworld_score.py \
        --labels ../shared/realworld/labels.tsv --repos /work/repos \
        [--category route-order ...] [--verbose]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
from collections import OrderedDict, defaultdict

LINE_TOLERANCE = 2
TIMEOUT_SECONDS = 900

# Label category -> flasklint codes reported for it.
CATEGORIES = OrderedDict([
    ("route-order", ("FL101",)),
    ("missing-wraps", ("FL102",)),
    ("debug-prod", ("FL201", "FL202")),
    ("hardcoded-secret", ("FL301", "FL302", "FL305")),
    ("vcs-hygiene", ("FL303", "FL304", "FL306")),
    ("circular-import", ("FL502",)),
    ("plaintext-password", ("FL401", "FL402", "FL403")),
    ("absolute-self-import", ("FL501",)),
    ("csrf-missing", ("FL601", "FL203")),
])
CODE_TO_CATEGORY = {code: category
                    for category, codes in CATEGORIES.items()
                    for code in codes}

# Project root (parent of benchmarks/), so that ``python -m flasklint`` finds
# the package from a source checkout even when it is not installed.
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv=None):
    """Parse the command line and return the argparse namespace."""
    parser = argparse.ArgumentParser(
        description="Score flasklint against real-world labels.")
    parser.add_argument("--labels", required=True,
                        help="path to labels.tsv")
    parser.add_argument("--repos", required=True,
                        help="folder holding OWNER+NAME checkouts")
    parser.add_argument("--category", action="extend", nargs="+",
                        default=[], choices=list(CATEGORIES),
                        metavar="CATEGORY",
                        help="only score these categories (repeatable); "
                             "choices: " + ", ".join(CATEGORIES))
    parser.add_argument("--verbose", action="store_true",
                        help="also list findings at unlabelled places")
    return parser.parse_args(argv)


def normalize_path(path):
    """Return *path* with '/' separators and no leading './'."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def paths_match(finding_path, label_path):
    """Return True if the two paths are equal or one ends with the other."""
    a, b = normalize_path(finding_path), normalize_path(label_path)
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def as_int(value):
    """Return *value* as an int, or 0 if it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def load_labels(labels_path):
    """Read labels.tsv and return a list of label dicts (line as int)."""
    labels = []
    with open(labels_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t",
                                quoting=csv.QUOTE_NONE)
        for row in reader:
            if not row.get("repo") or row["repo"].startswith("#"):
                continue
            labels.append({
                "repo": row["repo"].strip(),
                "commit": (row.get("commit") or "").strip(),
                "path": normalize_path((row.get("path") or "").strip()),
                "line": as_int(row.get("line")),
                "rule": (row.get("rule") or "").strip(),
                "expected": (row.get("expected") or "").strip().lower(),
                "note": (row.get("note") or "").strip(),
            })
    return labels


def run_flasklint(folder):
    """Run flasklint on *folder*; return its findings, or None on error."""
    env = dict(os.environ)
    extra = [PROJECT_ROOT, os.path.join(PROJECT_ROOT, "src")]
    if env.get("PYTHONPATH"):
        extra.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(extra)
    command = [sys.executable, "-m", "flasklint", folder,
               "--format", "json", "--select", "FL"]
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                env=env, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        print("  error: flasklint timed out after %ds" % TIMEOUT_SECONDS)
        return None
    if result.returncode not in (0, 1):
        print("  error: flasklint exited with %d" % result.returncode)
        print(indent(result.stderr.strip() or "(no stderr)"))
        return None
    try:
        report = json.loads(result.stdout)
    except ValueError as exc:
        print("  error: flasklint output is not JSON (%s)" % exc)
        print(indent(result.stderr.strip() or result.stdout[:500]))
        return None
    findings = report.get("findings", []) if isinstance(report, dict) else []
    return findings


def indent(text, prefix="    "):
    """Indent every line of *text* with *prefix*."""
    return "\n".join(prefix + line for line in text.splitlines())


def finding_matches(finding, label):
    """Return True if *finding* matches *label* (category, path, line)."""
    if CODE_TO_CATEGORY.get(finding.get("code")) != label["rule"]:
        return False
    if not paths_match(str(finding.get("path", "")), label["path"]):
        return False
    if label["line"] == 0:
        return True
    return abs(as_int(finding.get("line")) - label["line"]) <= LINE_TOLERANCE


def describe_finding(finding):
    """Return a one-line description of a finding."""
    return "%s:%s %s %s" % (finding.get("path"), finding.get("line"),
                            finding.get("code"), finding.get("message", ""))


def describe_label(label):
    """Return a one-line description of a label."""
    return "%s %s:%d  %s" % (label["repo"], label["path"], label["line"],
                             label["note"])


def ratio(numerator, denominator):
    """Return numerator/denominator formatted, or 'n/a' if undefined."""
    if denominator == 0:
        return "n/a"
    return "%.2f" % (numerator / denominator)


def score(labels, repos_dir, verbose=False, requested=()):
    """Run flasklint per labelled repo and print per-category scores."""
    by_repo = OrderedDict()
    for label in labels:
        by_repo.setdefault(label["repo"], []).append(label)

    # category -> list of (label, matching finding or None)
    results = defaultdict(list)
    # category -> list of (repo, finding) at unlabelled places
    unlabelled = defaultdict(list)
    categories_with_output = set()
    skipped = []

    print("Running flasklint")
    for repo, repo_labels in by_repo.items():
        folder = os.path.join(repos_dir, repo.replace("/", "+"))
        if not os.path.isdir(folder):
            print("  %-45s missing (%s)" % (repo, folder))
            skipped.append((repo, "missing"))
            continue
        print("  %-45s" % repo)
        findings = run_flasklint(folder)
        if findings is None:
            skipped.append((repo, "error"))
            continue
        for finding in findings:
            category = CODE_TO_CATEGORY.get(finding.get("code"))
            if category:
                categories_with_output.add(category)
        for label in repo_labels:
            match = next((f for f in findings if finding_matches(f, label)),
                         None)
            results[label["rule"]].append((label, match))
        for finding in findings:
            category = CODE_TO_CATEGORY.get(finding.get("code"))
            if category and not any(finding_matches(finding, label)
                                    for label in repo_labels):
                unlabelled[category].append((repo, finding))

    if requested:
        shown = [c for c in CATEGORIES if c in requested]
    else:
        shown = [c for c in CATEGORIES if c in categories_with_output]

    for category in shown:
        print_category(category, results[category], unlabelled[category],
                       verbose)

    silent = [c for c in CATEGORIES
              if c not in shown and c not in categories_with_output
              and any(label["expected"] == "positive"
                      for label, _ in results[c])]
    if silent and not requested:
        print("\nNo findings at all for labelled categories: %s "
              "(use --category to score them)" % ", ".join(silent))
    if skipped:
        print("\nSkipped repos: %s" % ", ".join(
            "%s (%s)" % item for item in skipped))


def print_category(category, pairs, unlabelled, verbose):
    """Print the counts and the mistakes for one category."""
    tp = [label for label, match in pairs
          if label["expected"] == "positive" and match]
    fn = [label for label, match in pairs
          if label["expected"] == "positive" and not match]
    fp = [(label, match) for label, match in pairs
          if label["expected"] == "negative" and match]
    tn = [label for label, match in pairs
          if label["expected"] == "negative" and not match]

    print("\n== %s (%s)" % (category, ", ".join(CATEGORIES[category])))
    print("  TP=%d FN=%d FP=%d TN=%d  precision=%s recall=%s" % (
        len(tp), len(fn), len(fp), len(tn),
        ratio(len(tp), len(tp) + len(fp)), ratio(len(tp), len(tp) + len(fn))))
    for label in fn:
        print("  missed positive: " + describe_label(label))
    for label, match in fp:
        print("  hit negative:    " + describe_label(label))
        print("                   by " + describe_finding(match))
    if verbose:
        for repo, finding in unlabelled:
            print("  unlabelled:      %s %s" % (repo,
                                                describe_finding(finding)))


def main(argv=None):
    """Entry point: parse arguments, load labels and print the scores."""
    args = parse_args(argv)
    try:
        labels = load_labels(args.labels)
    except OSError as exc:
        print("cannot read labels: %s" % exc, file=sys.stderr)
        return 2
    score(labels, args.repos, verbose=args.verbose,
          requested=set(args.category))
    return 0


if __name__ == "__main__":
    sys.exit(main())
