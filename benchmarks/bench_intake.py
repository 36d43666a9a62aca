"""Intake throughput from email: documents per second collected from a real
private Dovecot (1,000 messages with one PDF each), and peak memory.

Run: ``.venv/bin/python benchmarks/bench_intake.py [--messages N]``. Writes
(merging) ``benchmarks/results/intake.json`` under the key ``email``; the
portal part lives in ``bench_portal.py`` and writes its own key.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from clerk.models.document import Document
from clerk.sources.email import EmailSource, MailboxConfig
from clerk.testing.dovecot import start_dovecot
from tests.unit.sources import mail_corpus as corpus

RESULTS = ROOT / "benchmarks" / "results" / "intake.json"


def measure(messages: int, batch_size: int) -> dict:
    server = start_dovecot()
    work = Path(tempfile.mkdtemp(prefix="clerk-bench-intake-"))
    try:
        mailbox = server.new_mailbox()
        raw = [corpus.message(f"Invoice {n}", [corpus.attachment(f"invoice-{n}.pdf", "application/octet-stream",
                                                                  corpus.pdf_bytes(f"inv{n}") + os.urandom(20_000))],
                              message_id=f"<bench{n}@supplier.test>") for n in range(messages)]
        started = time.perf_counter()
        mailbox.append(*raw)
        append_seconds = time.perf_counter() - started

        config = MailboxConfig(name="bench", host=mailbox.host, port=mailbox.port, tls="plain",
                               user=mailbox.user, password="env:BENCH", batch_size=batch_size)
        source = EmailSource(config, work / "documents", lambda ref: mailbox.password)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        results = list(source.collect())
        collect_seconds = time.perf_counter() - started
        documents = sum(isinstance(r, Document) for r in results)
        started = time.perf_counter()
        source.acknowledge([r.key for r in results])
        ack_seconds = time.perf_counter() - started
        assert documents == messages, f"collected {documents} of {messages}"
        assert mailbox.count("clerk-processed") == messages
        return {
            "messages": messages, "batch_size": batch_size,
            "message_bytes": sum(map(len, raw)) // messages,
            "documents_per_second": round(documents / collect_seconds, 1),
            "collect_seconds": round(collect_seconds, 3),
            "acknowledge_seconds": round(ack_seconds, 3),
            "append_seconds": round(append_seconds, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_mb_before_collect": round(rss_before / 1024, 1),
            "dovecot": server.version, "python": platform.python_version(), "cpus": os.cpu_count(),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def merge(key: str, figures: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current[key] = figures
    temp = RESULTS.with_suffix(".json.tmp")
    temp.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    os.replace(temp, RESULTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    figures = measure(args.messages, args.batch_size)
    merge("email", figures)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
