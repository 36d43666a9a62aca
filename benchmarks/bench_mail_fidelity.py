"""Documents collected and refused by reason on the real-world mail corpus of
``tests/integration/intake/test_mail_fidelity.py`` (RFC 2231/2047 and raw 8-bit
names, base64 forwarded messages, digests, one-line CSV, office documents, a
ZIP named .pdf with an executable inside, mixed line endings...), collected
from a private Dovecot, and where its messages end up.

Run: ``.venv/bin/python benchmarks/bench_mail_fidelity.py``. Writes (merging)
``benchmarks/results/intake.json`` under the key ``fidelity``.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from clerk.models.document import Document, Quarantined  # noqa: E402
from clerk.sources.email import EmailSource, MailboxConfig  # noqa: E402
from clerk.sources.settings import CollectSettings  # noqa: E402
from clerk.testing.dovecot import start_dovecot  # noqa: E402
from tests.integration.intake.test_mail_fidelity import mail_cases  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "intake.json"


def measure() -> dict:
    messages, expected_documents, expected_refusals, _processed, _failed = mail_cases()
    server = start_dovecot()
    work = Path(tempfile.mkdtemp(prefix="clerk-bench-fidelity-"))
    try:
        mailbox = server.new_mailbox()
        mailbox.append(*messages)
        config = MailboxConfig(name="fidelity", host=mailbox.host, port=mailbox.port, tls="plain",
                               user=mailbox.user, password="env:BENCH",
                               allowed_types=CollectSettings().content_types())     # a bot's default
        source = EmailSource(config, work / "documents", lambda ref: mailbox.password)
        results = list(source.collect())
        source.acknowledge([r.key for r in results])
        documents = [r for r in results if isinstance(r, Document)]
        refused = Counter(r.reason for r in results if isinstance(r, Quarantined))
        return {"messages": len(messages), "documents_collected": len(documents),
                "documents_expected": len(expected_documents),
                "by_content_type": dict(Counter(d.content_type for d in documents)),
                "refused_by_reason": dict(sorted(refused.items())), "refusals_expected": len(expected_refusals),
                "messages_processed": mailbox.count("clerk-processed"),
                "messages_failed": mailbox.count("clerk-failed")}
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    figures = {**measure(), "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current["fidelity"] = figures       # the email and portal keys are bench_intake's and bench_portal's
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    path = RESULTS
    print(json.dumps(figures, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
