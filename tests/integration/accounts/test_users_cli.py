"""``flask --app tracker users ...``: accounts and API tokens from the operator's command line."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.builders import make_agency, make_regency
from tests.integration.auth_helpers import make_user
from tests.integration.office import Office
from tests.integration.pages import rows_unchanged
from tracker.auth.models import ApiToken, User, UserRole
from tracker.auth.services import authenticate, user_for_token
from tracker.auth.settings import LoginSettings
from tracker.clock import FixedClock

PASSWORD = "kata-sandi-operator-1"


def _users(runner: FlaskCliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(args=["users", *args], input=input)


def _columns(line: str) -> list[str]:
    """Split a line of a CLI table into its cells (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


def _issue(runner: FlaskCliRunner, email: str, *extra: str) -> str:
    result = _users(runner, "token", email, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


# --- users create ----------------------------------------------------------------------------


def test_create_reads_the_password_from_stdin_and_prints_the_id_and_role(
    runner: FlaskCliRunner, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now)
    result = _users(
        runner,
        "create",
        "Budi.Admin@Uji.go.id",
        "--role",
        "admin",
        "--regency",
        regency.slug,
        "--name",
        "Budi Santoso",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = session.execute(select(User).where(User.email == "budi.admin@uji.go.id")).scalar_one()
    assert str(user.id) in result.stdout
    assert "admin" in result.stdout
    assert (user.role, user.regency_id, user.name) == (UserRole.ADMIN, regency.id, "Budi Santoso")
    # The password never appears in the output, and it is the one that logs in.
    assert PASSWORD not in result.output
    logged_in = authenticate(
        session, email="budi.admin@uji.go.id", password=PASSWORD, now=now, settings=LoginSettings()
    )
    assert logged_in == user


def test_create_an_opd_account_for_an_agency_of_the_regency(
    runner: FlaskCliRunner, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now)
    agency = make_agency(session, regency=regency, now=now)
    result = _users(
        runner,
        "create",
        "staf@dinas.go.id",
        "--role",
        "opd",
        "--regency",
        regency.slug,
        "--agency",
        agency.slug,
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = session.execute(select(User).where(User.email == "staf@dinas.go.id")).scalar_one()
    assert (user.role, user.regency_id, user.agency_id) == (UserRole.OPD, regency.id, agency.id)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        pytest.param(
            ["--role", "boss", "--regency", "{regency}"],
            PASSWORD + "\n",
            "role: one of superadmin, admin, observer, opd",
            id="bad-role",
        ),
        pytest.param(
            ["--role", "admin", "--regency", "atlantis"],
            PASSWORD + "\n",
            "regency: unknown regency slug",
            id="unknown-regency",
        ),
        pytest.param(
            ["--role", "opd", "--regency", "{regency}", "--agency", "dinas-hantu"],
            PASSWORD + "\n",
            "agency: unknown agency of this regency",
            id="unknown-agency",
        ),
        pytest.param(
            ["--role", "observer"],
            PASSWORD + "\n",
            "regency: this role needs a regency",
            id="observer-without-regency",
        ),
        pytest.param(
            ["--role", "admin", "--regency", "{regency}"],
            "pendek\n",
            "password: at least 10 characters",
            id="short-password",
        ),
        pytest.param(
            ["--role", "admin", "--regency", "{regency}"],
            "",
            "Expected the password on the first line of standard input.",
            id="no-password-on-stdin",
        ),
    ],
)
def test_create_refuses_bad_input_with_a_clear_message_and_creates_nothing(
    runner: FlaskCliRunner,
    session: Session,
    now: datetime,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    regency = make_regency(session, now=now)
    session.commit()
    args = [a.replace("{regency}", regency.slug) for a in args]
    with rows_unchanged(session, User):
        result = _users(runner, "create", "baru@uji.go.id", *args, input=stdin)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_create_refuses_an_email_that_already_has_an_account(
    runner: FlaskCliRunner, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now)
    existing = make_user(session, role="admin", regency=regency, now=now)
    args = ["--role", "observer", "--regency", regency.slug]
    with rows_unchanged(session, User):
        result = _users(runner, "create", existing.email.upper(), *args, input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "email: already has an account" in result.stderr


# --- users token / tokens / revoke ---------------------------------------------------------


def test_token_prints_a_bearer_token_that_authenticates_its_owner(
    runner: FlaskCliRunner, session: Session, now: datetime, office: Office
) -> None:
    owner = office.observer_x
    plaintext = _issue(runner, owner.email, "--label", "laporan mingguan")
    assert len(plaintext.split()) == 1
    assert user_for_token(session, plaintext=plaintext, now=now) == owner


def test_only_the_sha256_of_a_token_is_stored(
    runner: FlaskCliRunner, session: Session, office: Office
) -> None:
    plaintext = _issue(runner, office.admin_x.email)
    rows = session.execute(select(ApiToken.__table__)).all()
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    for value in rows[0]:
        assert plaintext not in str(value)


def test_tokens_lists_id_prefix_label_and_when_it_was_created_and_last_used(
    runner: FlaskCliRunner, session: Session, clock: FixedClock, office: Office
) -> None:
    owner = office.admin_x
    plaintext = _issue(runner, owner.email, "--label", "dasbor Inspektorat")
    clock.advance(timedelta(hours=2))
    assert user_for_token(session, plaintext=plaintext, now=clock.now()) == owner
    session.commit()
    result = _users(runner, "tokens", owner.email)
    assert result.exit_code == 0, result.output
    header, line = (_columns(text) for text in result.stdout.strip().splitlines())
    assert header == ["id", "prefix", "label", "created", "last used", "revoked"]
    token = session.execute(select(ApiToken)).scalar_one()
    # 25 March 2019, 09:00 WITA is 01:00 UTC; the token was used two hours later.
    assert line == [
        str(token.id),
        plaintext[:10],
        "dasbor Inspektorat",
        "2019-03-25 01:00 UTC",
        "2019-03-25 03:00 UTC",
        "-",
    ]


def test_tokens_says_so_when_an_account_has_none(runner: FlaskCliRunner, office: Office) -> None:
    result = _users(runner, "tokens", office.admin_x.email)
    assert result.exit_code == 0
    assert "has no API tokens" in result.stdout


def test_revoke_makes_the_token_fail_at_once(
    runner: FlaskCliRunner, session: Session, now: datetime, office: Office
) -> None:
    plaintext = _issue(runner, office.admin_x.email)
    token_id = session.execute(select(ApiToken.id)).scalar_one()
    result = _users(runner, "revoke", str(token_id))
    assert result.exit_code == 0, result.output
    assert f"Token {token_id} revoked" in result.stdout
    assert user_for_token(session, plaintext=plaintext, now=now) is None
    listing = _users(runner, "tokens", office.admin_x.email).stdout
    assert _columns(listing.strip().splitlines()[1])[-1] == "2019-03-25 01:00 UTC"


def test_revoking_twice_or_an_unknown_token_is_refused(
    runner: FlaskCliRunner, session: Session, office: Office
) -> None:
    _issue(runner, office.admin_x.email)
    token_id = session.execute(select(ApiToken.id)).scalar_one()
    assert _users(runner, "revoke", str(token_id)).exit_code == 0
    again = _users(runner, "revoke", str(token_id))
    assert again.exit_code == 1
    assert "already revoked" in again.stderr
    unknown = _users(runner, "revoke", str(token_id + 1000))
    assert unknown.exit_code == 1
    assert f"There is no token with id {token_id + 1000}" in unknown.stderr


def test_token_for_an_unknown_account_is_refused(runner: FlaskCliRunner, session: Session) -> None:
    result = _users(runner, "token", "siapa@uji.go.id")
    assert result.exit_code == 1
    assert "There is no account siapa@uji.go.id" in result.stderr
    assert result.stdout == ""
    assert session.execute(select(func.count()).select_from(ApiToken)).scalar_one() == 0


# --- users list ------------------------------------------------------------------------------


def test_list_shows_accounts_of_one_regency_with_role_agency_and_whether_active(
    runner: FlaskCliRunner, session: Session, now: datetime
) -> None:
    regency = make_regency(session, now=now)
    other = make_regency(session, now=now)
    agency = make_agency(session, regency=regency, now=now)
    admin = make_user(session, role="admin", regency=regency, now=now)
    staff = make_user(session, role="opd", agency=agency, now=now)
    outsider = make_user(session, role="admin", regency=other, now=now)
    staff.is_active = False
    session.commit()
    result = _users(runner, "list", "--regency", regency.slug)
    assert result.exit_code == 0, result.output
    lines = [_columns(line) for line in result.stdout.strip().splitlines()]
    assert lines == [
        ["id", "email", "role", "regency", "agency", "active"],
        [str(admin.id), admin.email, "admin", regency.slug, "-", "yes"],
        [str(staff.id), staff.email, "opd", regency.slug, agency.slug, "no"],
    ]
    everyone = _users(runner, "list").stdout
    assert outsider.email in everyone and admin.email in everyone


def test_list_refuses_an_unknown_regency(runner: FlaskCliRunner) -> None:
    result = _users(runner, "list", "--regency", "atlantis")
    assert result.exit_code == 1
    assert "There is no regency 'atlantis'" in result.stderr
