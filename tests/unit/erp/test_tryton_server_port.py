"""`TrytonServer.start()` never reports success for a port another process holds."""

from __future__ import annotations

import http.server
import threading

import pytest

from clerk.erp.tryton.server import TrytonServer
from clerk.errors import ErpUnavailable


def test_start_refuses_a_port_another_process_answers_on(tmp_path):
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        port = other.server_address[1]
        (tmp_path / "trytond.conf").write_text("[database]\n")
        server = TrytonServer(tmp_path / "trytond.conf", "clerk_demo", port)
        with pytest.raises(ErpUnavailable, match="another process holds that port"):
            server.start()
        assert not server.pid_file.exists()
    finally:
        other.shutdown()
        other.server_close()
