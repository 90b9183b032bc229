"""Project-level models, built once per run from the facts every file pass collected.

:mod:`.environment` answers, for every module and file, whether it belongs
to a Flask application and whether it runs in production, development,
tests or never; the other models ask it. Models read :mod:`flasklint.facts`;
rules read models and facts; nothing here imports a rule or writes a finding.

- :mod:`.project_facts`: ``ProjectFacts``, everything project rules may read;
- :mod:`.symbols`: ``SymbolIndex``, qualified names resolved across modules;
- :mod:`.config`: config units and which run in production (FL2xx);
- :mod:`.secrets`: secret values, what git keeps, instance folders (FL3xx);
- :mod:`.envfiles`: the one parser of ``.env`` files;
- :mod:`.decorators`: what a decorator does to a view's ``__name__``;
- :mod:`.orm`: whether a database model stores a password as given;
- :mod:`.routes`: the routes on proven Flask apps and blueprints;
- :mod:`.import_order`: the replay of module execution order (FL502, FL503).
"""
