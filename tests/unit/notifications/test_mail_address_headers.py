"""Every recipient's name reaches the mail's To and Cc headers as typed, and adds no recipient.

Python's own folding of an address header drops the quotes around a display name longer than
the line, so a comma or ``<...>`` inside the name became more recipients; the mails are built
with ``MailPolicy``, which writes each address quoted on a line of its own.
"""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default

import pytest

from tracker.notifications.delivery.claims import Outgoing
from tracker.notifications.delivery.smtp import build_message

NAMES = {
    "comma-and-address": "Kepala Inspektorat Daerah Kabupaten Sumbawa Barat, "
    "penyusup@jahat.invalid, Inspektur",
    "angle-brackets": "Inspektur Daerah Kabupaten Sumbawa Barat (Inspektur) "
    "<penyusup@jahat.invalid>",
    "markup": "<script>window.__xss=1</script> ~contact2.name (<script>window.__xss=1</script>)",
    "quotes-backslash": 'Drs. H. "Ahmad" Fauzi\\, M.Si., Sekretaris Daerah Kabupaten Paser; '
    "Kalimantan Timur",
    "group-syntax": "Bupati: Sekretaris Daerah; Inspektur; Kepala Bagian Organisasi Setda "
    "Kabupaten",
    "not-ascii": "Dr. Ñoman Süryadi, M.Si. — Inspektur Daerah, «Kabupaten» Barito Selatan 汉字",
    "rtl-override": "Inspektur \u202efdp.exe, Kabupaten Bangka Barat, Kepulauan Bangka Belitung",
    "short": "Budi",
}


def _mail(recipients: list[dict[str, str]]) -> EmailMessage:
    item = Outgoing(
        id=1, kind="escalation-2", regency_id=1, pact_id=1, message_id="<1@pantau-pakta.invalid>",
        subject="Eskalasi tingkat 2", body_text="Teks.", body_html="<p>Teks.</p>",
        attachment=None, attachment_name=None, unsubscribe_url=None, recipients=recipients,
        attempts=0, failures=0, mail_pending=True, webhook_pending=False, webhook_attempts=0,
        webhook_url=None, webhook_secret=None, payload={},
    )  # fmt: skip
    built = build_message(
        item, sender="Pantau Pakta <pantau-pakta@localhost>", now=datetime(2019, 3, 25, tzinfo=UTC),
        recipients=recipients,
    )  # fmt: skip
    raw = built.as_bytes(policy=built.policy.clone(linesep="\r\n"))
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    parsed = email.message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _squash(text: str) -> str:
    # RFC 2047 words may move the spaces of a name outside ASCII at their boundaries.
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_a_recipients_name_arrives_as_typed_and_adds_no_recipient(name: str) -> None:
    recipients = [
        {"email": "inspektur@uji.go.id", "name": name, "role": "to"},
        {"email": "sekda@uji.go.id", "name": name + " (Sekda)", "role": "to"},
        {"email": "kepala@dinas.uji.go.id", "name": name, "role": "cc"},
    ]

    mail = _mail(recipients)

    to = [(_squash(a.display_name), a.addr_spec) for a in mail["To"].addresses]
    cc = [(_squash(a.display_name), a.addr_spec) for a in mail["Cc"].addresses]
    assert to == [
        (_squash(name), "inspektur@uji.go.id"),
        (_squash(name + "(Sekda)"), "sekda@uji.go.id"),
    ]
    assert cc == [(_squash(name), "kepala@dinas.uji.go.id")]
    if name.isascii():
        assert mail["To"].addresses[0].display_name == name


def test_ten_long_names_fold_between_addresses() -> None:
    recipients = [
        {"email": f"orang{i}@uji.go.id", "name": NAMES["quotes-backslash"], "role": "to"}
        for i in range(10)
    ]

    mail = _mail(recipients)

    assert [a.addr_spec for a in mail["To"].addresses] == [f"orang{i}@uji.go.id" for i in range(10)]
    assert {a.display_name for a in mail["To"].addresses} == {NAMES["quotes-backslash"]}
