import pytest

from clerk.errors import ConfigError
from clerk.webhooks.model import webhook_specs
from clerk.webhooks.signing import SignatureError, signed_headers, verify

BODY = b'{"id":"e-1","type":"item.posted"}'


def test_a_signed_request_verifies_and_names_its_event():
    headers = signed_headers("s3cret", "e-1", BODY, now=1_000_000)
    assert verify("s3cret", headers, BODY, now=1_000_010) == "e-1"


@pytest.mark.parametrize("change", ["body", "timestamp", "secret"])
def test_a_changed_request_is_rejected(change):
    headers = signed_headers("s3cret", "e-1", BODY, now=1_000_000)
    body, secret = BODY, "s3cret"
    if change == "body":
        body = BODY.replace(b"posted", b"needs_review")
    elif change == "timestamp":
        headers["Clerk-Webhook-Timestamp"] = "1000100"   # a fresher time needs a new signature
    else:
        secret = "other"
    with pytest.raises(SignatureError, match="does not match"):
        verify(secret, headers, body, now=1_000_100)


def test_a_replay_after_the_tolerance_is_rejected():
    headers = signed_headers("s3cret", "e-1", BODY, now=1_000_000)
    with pytest.raises(SignatureError, match="replay"):
        verify("s3cret", headers, BODY, now=1_000_000 + 301)
    with pytest.raises(SignatureError, match="missing"):
        verify("s3cret", {}, BODY)


def test_webhook_config_errors_name_the_key_and_backoff_doubles_to_its_cap():
    good = {"name": "erp", "url": "https://hooks.example.com/x", "events": ["run.failed"],
            "secret": "env:HOOK", "backoff_base": "5s", "backoff_max": "30s"}
    [spec] = webhook_specs([good])
    assert [spec.backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 30, 30]
    for bad, key in (({"secret": "whsec-inline"}, "webhooks.0.secret"),
                     ({"url": "http://hooks.example.com/x"}, "webhooks.0.url"),
                     ({"events": ["item.deleted"]}, "webhooks.0.events.0"),
                     ({"retries": 3}, "webhooks.0.retries")):
        with pytest.raises(ConfigError) as caught:
            webhook_specs([{**good, **bad}])
        assert caught.value.key == key
        assert "whsec-inline" not in str(caught.value)


def test_clerk_check_reports_a_bad_webhook(tmp_path):
    from clerk.check import check_project

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "clerk.toml").write_text(
        '[[webhooks]]\nname = "erp"\nurl = "https://hooks.example.com/x"\nevents = ["run.failed"]\n'
        'secret = "env:HOOK"\nretry = 3\n')
    keys = [p.key for p in check_project(tmp_path)]
    assert "webhooks.0.retry" in keys
