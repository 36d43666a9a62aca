"""``make chaos``: clerk's own fault suite against a real Tryton.

Real `clerk worker` processes post N invoices while the harness SIGKILLs
workers in chosen phases (drafting, posting, acknowledging), hangs the ERP
(SIGSTOP) and kills it (SIGKILL, then restarts it), and, on PostgreSQL,
terminates the workers' database connections. Afterwards it counts what
exactly-once promises: nothing lost, no key twice in the ERP, no number on two
invoices, an intact audit chain. See ``__main__`` for the run and its figures.
"""
