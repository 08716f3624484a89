"""The TOTP secrets' seal: opens with the key that made it, for the account it was made for."""

from __future__ import annotations

import pytest

from tracker.auth.sealing import Sealer, Unsealable

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OLD = {"SECRET_KEY": "the install's first secret key"}


def test_a_secret_opens_with_its_key_and_account_and_never_reads_the_same_twice() -> None:
    sealer = Sealer.from_config(OLD)
    first, second = sealer.seal(SECRET, user_id=7), sealer.seal(SECRET, user_id=7)
    assert first != second  # a fresh nonce each time
    assert sealer.open(first, user_id=7) == sealer.open(second, user_id=7) == SECRET


@pytest.mark.parametrize(
    ("config", "user_id", "alter"),
    [
        ({"SECRET_KEY": "a rotated secret key"}, 7, False),
        ({**OLD, "TOTP_KEY": "a separate totp key"}, 7, False),
        (OLD, 8, False),
        (OLD, 7, True),
    ],
    ids=["secret-key-rotated", "totp-key-set-later", "copied-to-another-account", "altered"],
)
def test_a_seal_does_not_open(config: dict[str, str], user_id: int, alter: bool) -> None:
    sealed = Sealer.from_config(OLD).seal(SECRET, user_id=7)
    if alter:
        sealed = sealed[:-2] + ("AA" if not sealed.endswith("AA") else "BB")
    with pytest.raises(Unsealable):
        Sealer.from_config(config).open(sealed, user_id=user_id)


def test_the_old_secret_key_as_totp_key_keeps_the_seals_open_after_a_rotation() -> None:
    sealed = Sealer.from_config(OLD).seal(SECRET, user_id=7)
    rotated = {"SECRET_KEY": "the new secret key", "TOTP_KEY": OLD["SECRET_KEY"]}
    assert Sealer.from_config(rotated).open(sealed, user_id=7) == SECRET


@pytest.mark.parametrize("value", ["", SECRET, "v2$abc", "v1$", "v1$!!!not-base64!!!"])
def test_what_is_not_a_seal_is_refused(value: str) -> None:
    with pytest.raises(Unsealable):
        Sealer.from_config(OLD).open(value, user_id=7)
