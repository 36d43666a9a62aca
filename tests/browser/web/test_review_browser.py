"""Real people's journeys in headless Chromium against a running ``clerk serve``."""

from decimal import Decimal

import httpx
import pytest

from clerk.queue import ItemState
from clerk.testing import demo_invoice, plain_pdf
from tests.browser.web.conftest import shot

pytestmark = pytest.mark.browser

TOTAL_MISMATCH = [{"code": "total_mismatch", "severity": "error", "field": "totals.gross",
                   "message": "gross is not net + tax", "expected": "49.98", "actual": "59.98"}]


def _wrong_total(number: str):  # noqa: ANN202
    right = demo_invoice("ACME", number, [("PAPER-A4", "10", "4.20")])
    wrong = right.model_copy(update={"totals": right.totals.model_copy(update={"gross": Decimal("59.98")})})
    return right, wrong


def test_reviewer_corrects_a_wrong_total(served_erp, erp_page_for):  # noqa: ANN001
    right, wrong = _wrong_total("B-100")
    payload = served_erp.document("B-100.pdf", plain_pdf(wrong, "acme"), "application/pdf")
    item_id = served_erp.item("b100", payload, {"record_type": "invoice", **wrong.model_dump(mode="json")},
                          ItemState.NEEDS_REVIEW, TOTAL_MISMATCH, "total_mismatch")
    page = erp_page_for("rita")
    page.goto(f"{served_erp.url}/inbox")
    shot(page, "inbox")
    page.click(f"text=#{item_id}")
    page.wait_for_selector("img.page")
    assert page.locator("img.page").first.evaluate("img => img.naturalWidth") > 100
    shot(page, "item-wrong-total")
    page.fill("input[name='f:totals.gross']", "4998")          # a slip: still wrong
    page.fill("input[name='f:issue_date']", "not a date")
    page.click("#correct button[type=submit]")
    assert page.locator(".field-error").count() >= 1
    shot(page, "item-field-errors")
    page.fill("input[name='f:totals.gross']", "49.98")
    page.fill("input[name='f:issue_date']", right.issue_date.isoformat())
    page.fill("#correct input[name=reason]", "gross misread from the PDF")
    page.click("#correct button[type=submit]")
    # Re-validated at once: clean, and an amount changed, so a second person confirms.
    assert page.locator("#state").inner_text() == "awaiting_approval"
    assert page.locator(".findings").inner_text() == "No findings."
    row = served_erp.project.queue.get(item_id)
    assert row["record"]["totals"]["gross"] == "49.98" and row["record"]["record_type"] == "invoice"
    shot(page, "item-corrected")


def test_reviewer_accepts_unknown_supplier_with_justification(served_erp, erp_page_for):  # noqa: ANN001
    ghost = demo_invoice("GHOST", "G-1", [("PAPER-A4", "3", "4.20")])
    payload = served_erp.document("G-1.pdf", plain_pdf(ghost, "acme"), "application/pdf")
    finding = [{"code": "unknown_supplier", "severity": "error", "field": "seller.tax_id",
                "message": "the ERP has no supplier GB980780684"}]
    item_id = served_erp.item("g1", payload, ghost.model_dump(mode="json"), ItemState.NEEDS_REVIEW,
                          finding, "unknown_supplier")
    page = erp_page_for("rob")
    page.goto(f"{served_erp.url}/items/{item_id}")
    page.fill("#accept textarea", "new supplier; contract 2026-17 signed by purchasing")
    page.click("#accept button[type=submit]")
    # An override waits for someone else's approval.
    assert page.locator("#state").inner_text() == "awaiting_approval"
    shot(page, "item-accepted")


def test_reviewer_rejects(served, page_for):  # noqa: ANN001
    _, wrong = _wrong_total("B-200")
    item_id = served.item("b200", {"kind": "folder", "filename": "x.pdf"}, wrong.model_dump(mode="json"),
                          ItemState.NEEDS_REVIEW, TOTAL_MISMATCH, "total_mismatch")
    page = page_for("rob")
    page.goto(f"{served.url}/items/{item_id}")
    page.fill("#reject textarea", "duplicate of B-100")
    page.click("#reject button[type=submit]")
    assert page.locator("#state").inner_text() == "rejected"
    assert served.project.queue.get(item_id)["last_error"] == "duplicate of B-100"


def test_approver_approves_and_auditor_sees_lineage(served_erp, erp_page_for):  # noqa: ANN001
    big = demo_invoice("ACME", "A-9", [("PAPER-A4", "2000", "4.20")])
    payload = served_erp.document("A-9.pdf", plain_pdf(big, "acme"), "application/pdf")
    payload["origin"] = {"message-id": "<a9@acme.example>", "subject": "Invoice A-9"}
    item_id = served_erp.item("a9", payload, big.model_dump(mode="json"), ItemState.NEEDS_REVIEW,
                          [{"code": "price_mismatch", "severity": "error", "message": "price"}], "price_mismatch")
    reviewer = erp_page_for("rob")
    reviewer.goto(f"{served_erp.url}/items/{item_id}")
    reviewer.fill("#accept textarea", "price agreed by phone")
    reviewer.click("#accept button[type=submit]")
    assert reviewer.locator("#state").inner_text() == "awaiting_approval"
    dana = erp_page_for("dana")
    dana.goto(f"{served_erp.url}/approvals")
    shot(dana, "approvals-inbox")
    dana.click(f"text=#{item_id}")
    dana.click("#approve button[type=submit]")
    assert dana.locator("#state").inner_text() == "approved"
    auditor = erp_page_for("audrey")
    auditor.goto(f"{served_erp.url}/audit/lineage?ref={item_id}")
    assert auditor.locator(".message-id").inner_text() == "<a9@acme.example>"
    assert payload["sha256"] in auditor.locator(".sha").inner_text()
    decisions = auditor.locator("#decisions").inner_text()
    assert "accepted_despite_findings" in decisions and "approval_given" in decisions
    shot(auditor, "lineage")
    auditor.goto(f"{served_erp.url}/audit")
    shot(auditor, "audit-trail")


def test_operator_requests_a_run_and_sees_health(served, page_for):  # noqa: ANN001
    page = page_for("ops")
    page.goto(f"{served.url}/ops/bots")
    shot(page, "ops-bots")
    page.click("#bot-invoices form[action$='/run'] button")
    assert "run requested" in page.locator(".flash").inner_text()
    from clerk.runner.requests import list_requests
    assert [r["bot"] for r in list_requests(served.project.store)] == ["invoices"]
    page.goto(f"{served.url}/ops/health")
    assert page.locator("svg.chart").count() == 2
    shot(page, "ops-health")


def test_every_page_has_the_csp_header(served):  # noqa: ANN001
    for path in ("/login", "/inbox", "/static/clerk.css"):
        response = httpx.get(f"{served.url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]


XSS = ['<script>alert("s")</script>', '"><img src=x onerror=alert("i")>', "<svg onload=alert('v')>",
       "javascript:alert('j')", "<iframe src=javascript:alert('f')>"]


def test_script_payloads_are_shown_as_text(served, page_for):  # noqa: ANN001
    page = page_for("rita")
    for n, payload in enumerate(XSS):
        record = demo_invoice("ACME", f"X-{n}", [("PAPER-A4", "1", "4.20")])
        record = record.model_copy(update={"seller": record.seller.model_copy(update={"name": payload})})
        xml = f"<Invoice><Note>{payload}</Note></Invoice>".encode()
        doc = served.document(payload + ".xml", xml, "application/xml")
        doc["origin"] = {"subject": payload, "message-id": payload}
        item_id = served.item(f"x{n}", doc, record.model_dump(mode="json"), ItemState.NEEDS_REVIEW,
                              [{"code": "x", "severity": "error", "message": payload}], payload[:60])
        for path in (f"/items/{item_id}", f"/audit/lineage?ref={item_id}", "/inbox"):
            response = page.goto(f"{served.url}{path}")
            assert "script-src 'self'" in response.headers["content-security-policy"]
            assert page.locator("img[src=x], iframe").count() == 0
        page.goto(f"{served.url}/items/{item_id}")
        assert payload in page.locator("pre.doctext").inner_text()
        assert payload in page.locator(".subject").inner_text()
    shot(page, "xss-item")
    assert page_for.dialogs == []
