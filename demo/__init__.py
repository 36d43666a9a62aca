"""The demo world: a supplier portal, a mailbox's worth of supplier emails, and
what clerk should do with each document (see ``demo.documents``)."""
