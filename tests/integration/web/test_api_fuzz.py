"""schemathesis against the live API (``clerk serve`` of the shipped project,
real uvicorn on a free port): schema-valid and schema-invalid requests for
every operation of the published OpenAPI document, as an administrator and
as an operator. None may answer 5xx, and every answer must match the
document (status code, content type, body schema, headers).

schemathesis's ``negative_data_rejection`` is left out: it flags requests
whose invalid parts serialise to nothing in a query string (an object as
``item_id``), which the server rightly reads as absent. That invalid
numbers are refused is tests/unit/web/test_out_of_range.py's business."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration
EXAMPLES = 12          # per operation, mode and user: ~330 requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def _fuzz(operation, mode: GenerationMode, headers: dict, seen: list, failures: list) -> None:  # noqa: ANN001
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:  # noqa: ANN001
        try:
            response = case.call(headers=headers, timeout=10)
        except requests.RequestException as exc:
            seen.append(599)
            failures.append(f"{mode.value} {operation.label}: no answer ({type(exc).__name__}) "
                            f"to {case.path_parameters} {case.query}")
            return
        seen.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except BaseExceptionGroup as group:   # schemathesis's FailureGroup: collected, all reported
            for failure in group.exceptions:
                failures.append(f"{mode.value} {operation.label} -> {response.status_code}: "
                                f"{type(failure).__name__}: {str(failure).splitlines()[0][:200]} "
                                f"(path {case.path_parameters}, query {case.query}, "
                                f"body {str(case.body)[:200]})")

    try:
        run()
    except Unsatisfiable:
        # Nothing to make invalid (an operation without parameters or body).
        assert mode == GenerationMode.NEGATIVE, operation.label


def test_the_api_answers_every_generated_request_as_its_document_says(live_api):  # noqa: ANN001
    root = {"authorization": f"Bearer {live_api.tokens['root']}"}
    schema = schemathesis.openapi.from_url(f"{live_api.url}/api/v1/openapi.json", headers=root)
    schema.config.update(base_url=live_api.url)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7          # the fuzz must not pass by finding nothing
    seen: list[int] = []
    failures: list[str] = []
    for user in ("root", "ops"):
        headers = {"authorization": f"Bearer {live_api.tokens[user]}"}
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(operation, mode, headers, seen, failures)
    print(f"\nfuzzed {len(seen)} requests over {len(operations)} operations; "
          f"{sum(s >= 500 for s in seen)} server errors; {len(failures)} failures")
    assert not failures, "\n".join(sorted(set(failures)))
    assert any(s < 300 for s in seen) and any(400 <= s < 500 for s in seen)
