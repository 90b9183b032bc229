"""FL701 dev-server-public: app.run, gunicorn configs, Procfiles and scripts, never containers."""

from pathlib import Path

from flasklint.testing import lint

FIXTURES = Path(__file__).parent / "fixtures" / "FL701"


def test_look_alikes_are_silent():
    assert lint(FIXTURES / "run_look_alikes", select=["FL701"]).findings == []


def test_message_names_the_call_the_book_stack_and_containers():
    findings = lint(FIXTURES / "app_run_on_all_interfaces", select=["FL701"]).findings
    run = next(f for f in findings if f.path == "run.py")
    assert run.message == (
        "`app.run(host=\"0.0.0.0\")` exposes Flask's development server on every network interface; "
        "the book's stack runs gunicorn on 127.0.0.1 behind nginx with `ProxyFix`, and binding every "
        "interface inside a container is a different case that flasklint does not judge")
    assert (run.line, run.column) == (6, 5)


def test_script_finding_points_at_the_bind_option():
    findings = lint(FIXTURES / "procfile_and_scripts", select=["FL701"]).findings
    worker = next(f for f in findings if f.path == "Procfile")
    assert (worker.line, worker.column, worker.end_column) == (2, 18, 37)
    assert worker.message.startswith("`--bind=0.0.0.0:8001` makes gunicorn listen on every network interface")


def test_only_the_file_no_container_names_is_flagged_in_a_docker_project():
    findings = lint(FIXTURES / "container_contexts", select=["FL701"]).findings
    assert [f.path for f in findings] == ["deploy/gunicorn.conf.py"]
