"""The sign-in throttle per account: failures for one name from many addresses hold it back.

On SQLite and PostgreSQL. The throttle per (name, address) is tested through the web app
(tests/web/test_auth.py); forwarded addresses in tests/web/test_proxy.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update
from sqlalchemy.orm import Session

from minutes.accounts import security, users
from minutes.accounts.signin import LoginPolicy, authenticate
from minutes.db.accounts import LoginAttempt
from minutes.db.tables import utcnow
from minutes.errors import LoginFailed, LoginThrottled

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(session: Session) -> Iterator[Session]:
    """mona and sam, with cheap password hashing (the same code paths, much faster)."""
    security.set_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for name in ("mona", "sam"):
        users.create_user(session, username=name, password=PASSWORD)
    yield session
    security.set_hasher(PasswordHasher())


def _fail(session: Session, ip: str, policy: LoginPolicy | None = None) -> None:
    with pytest.raises(LoginFailed):
        authenticate(session, username="mona", password="wrong password!", ip=ip, policy=policy)


def _a_minute_later(session: Session) -> None:
    session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(seconds=61)))


def test_failures_from_many_addresses_hold_the_name_back_for_a_minute(accounts: Session) -> None:
    for i in range(20):  # each address stays under its own limit of 5
        _fail(accounts, f"203.0.113.{i}")

    with pytest.raises(LoginThrottled) as held:
        authenticate(accounts, username="mona", password=PASSWORD, ip="198.51.100.1")
    assert 0 < held.value.retry_after <= 61
    # Another name is not held back by mona's failures.
    assert authenticate(accounts, username="sam", password=PASSWORD, ip="198.51.100.1").username == "sam"

    _a_minute_later(accounts)
    assert authenticate(accounts, username="mona", password=PASSWORD, ip="198.51.100.1").username == "mona"


def test_after_the_back_off_one_try_gets_through_and_a_wrong_one_holds_it_back_again(
    accounts: Session,
) -> None:
    policy = LoginPolicy(account_max_failures=3)
    for ip in ("a", "b", "c"):
        _fail(accounts, ip, policy)
    _a_minute_later(accounts)

    _fail(accounts, "d", policy)  # one try got through the back-off, and it was wrong
    with pytest.raises(LoginThrottled):
        authenticate(accounts, username="mona", password=PASSWORD, ip="e", policy=policy)
    with pytest.raises(LoginThrottled):  # refused tries are not counted, so they cannot prolong it
        authenticate(accounts, username="mona", password="wrong password!", ip="e", policy=policy)
    _a_minute_later(accounts)
    assert (
        authenticate(accounts, username="mona", password=PASSWORD, ip="e", policy=policy).username == "mona"
    )


def test_unknown_names_are_held_back_alike(accounts: Session) -> None:
    """So the throttle does not tell which names exist."""
    policy = LoginPolicy(account_max_failures=2)
    for ip in ("a", "b"):
        with pytest.raises(LoginFailed):
            authenticate(accounts, username="nobody", password="x" * 12, ip=ip, policy=policy)
    with pytest.raises(LoginThrottled):
        authenticate(accounts, username="nobody", password="x" * 12, ip="c", policy=policy)
