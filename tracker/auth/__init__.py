"""Identity and policy, the foundation under every capability: accounts and their roles, login
sessions, passwords, API tokens, and who may do what (policy). It imports no feature capability;
the account pages and the users CLI are tracker.accounts."""
