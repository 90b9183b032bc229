"""A stand-in for Flask-SQLAlchemy, used only where it is not installed."""


class SQLAlchemy:
    """Stand-in for ``flask_sqlalchemy.SQLAlchemy``."""

    def init_app(self, app):
        pass
