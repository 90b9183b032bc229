"""Project-level models, built once per run from the facts every file pass collected.

:mod:`.environment` answers, for every module and file, whether it belongs
to a Flask application and whether it runs in production, development,
tests or never. Models read :mod:`flasklint.facts`; rules read models and
facts; nothing here imports a rule.
"""
