"""Following a pact by email: the public's double opt-in, status mails, one-click unsubscribe."""
