"""Flask extensions, created unbound and initialised in create_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from tracker.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()


def db_session() -> Session:
    """Return the session of the current unit of work (what views, commands and jobs pass on)."""
    session: Session = db.session()
    return session
