"""Send the outbox: claim due rows, mail them over one SMTP connection per batch, record.

A delivery pass (:func:`deliver_pending`, in ``worker``) is a unit of work of its own (it
commits): rows are claimed in a short transaction (``claims``), the claim is committed, the mail
and the webhook copy are sent outside any transaction (``smtp``), and the outcome is written in
a second short transaction (``claims``). Two workers at once never send the same row, and a
worker that dies leaves claims that lapse after ``DELIVERY_CLAIM_SECONDS``.

Retries: a row that could not be sent gets ``attempts + 1`` and its next attempt after a
doubling delay (``DELIVERY_BACKOFF_SECONDS``, capped at ``DELIVERY_BACKOFF_MAX_SECONDS``; see
``rules.backoff``). When the message itself failed (the server refused it or a recipient, or the
row could not be built), ``DELIVERY_MAX_ATTEMPTS`` is the budget: the attempt that reaches it
marks the row failed (an admin can put it back with ``services.retry_notice``).
A recipient the server asked to try later (a 4xx answer, e.g. greylisting) stays pending even
when others accepted the mail: the row is retried for the recipients still pending only, and
is sent once none is left.
When the SMTP server itself was unreachable or dropped the connection, the attempt is
recorded the same way (``attempts``, backoff, ``last_error`` starting with
:data:`OUTAGE_PREFIX`) but never fails the row, however long the outage lasts: the server was
at fault, not the row. The first pass that reaches the server again sends it at once, whatever
its backoff said. ``attempts`` counts both kinds; the budget is read from ``failures``, which
counts only the attempts the message itself failed.

Delivery is exactly-once as long as outcomes can be recorded. If the database goes away
between sending and recording, the claims lapse and those rows are sent again: at least once,
with the same Message-ID, so that a receiver can recognise the repeat.
"""

from tracker.notifications.delivery.claims import OUTAGE_PREFIX, DeliveryReport
from tracker.notifications.delivery.settings import DeliverySettings
from tracker.notifications.delivery.worker import deliver_pending

__all__ = [
    "OUTAGE_PREFIX",
    "DeliveryReport",
    "DeliverySettings",
    "deliver_pending",
]
