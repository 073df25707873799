//! Signed webhooks: what partners receive when something happens (a submit).
//!
//! Each delivery is a JSON POST with the header
//! `X-Interview-Signature: t=<unix secs>,v1=<hex>`, where `v1` is the
//! HMAC-SHA256, under the webhook's secret, of `"<t>.<body>"`. Signing the
//! time with the body lets a receiver refuse old requests replayed at it;
//! [`verify`] is the receiver's side, for partners' docs and our tests.
//! Failed deliveries are retried on [`next_attempt_delay_secs`]'s schedule.

use std::time::Duration;

use super::{WebhookError, SEND_TIMEOUT};

/// The header carrying `t=<unix secs>,v1=<hex signature>`.
pub const SIGNATURE_HEADER: &str = "X-Interview-Signature";

/// How many deliveries are attempted in all before a webhook is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// Seconds to wait after the n-th failed attempt (index n-1): quick retries
/// for a blip, then longer ones so a receiver down for maintenance still gets
/// the event, about 15 hours after the first attempt in all.
const RETRY_DELAYS_SECS: [u64; MAX_ATTEMPTS as usize - 1] =
    [10, 60, 300, 1_800, 7_200, 21_600, 21_600];

/// The `X-Interview-Signature` value for `body` sent at `timestamp_secs`.
pub fn sign(secret: &[u8], timestamp_secs: i64, body: &[u8]) -> String {
    let timestamp = timestamp_secs.to_string();
    match super::hmac_sha256(secret, &[timestamp.as_bytes(), b".", body]) {
        Some(mac) => format!(
            "t={timestamp},v1={}",
            super::to_hex(&hmac::Mac::finalize(mac).into_bytes())
        ),
        // Unreachable (HMAC takes any key); a header without v1 never verifies.
        None => format!("t={timestamp}"),
    }
}

/// Whether `header` is a valid signature of `body` under `secret`, made within
/// `tolerance_secs` of `now_secs` (either side, for clock skew).
///
/// Several `v1=` entries are accepted, any one matching, so a sender can sign
/// with an old and a new secret while a partner rotates keys.
pub fn verify(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now_secs: i64,
    tolerance_secs: i64,
) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) if timestamp.is_none() => timestamp = Some(value),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return false;
    };
    // Parsed back and compared as text, so "t=+5" or "t=05" cannot pass as 5
    // with a signature made over different bytes.
    let Ok(ts) = timestamp.parse::<i64>() else {
        return false;
    };
    if ts.to_string() != timestamp || now_secs.abs_diff(ts) > tolerance_secs.max(0).unsigned_abs() {
        return false;
    }
    signatures
        .into_iter()
        .filter_map(super::from_hex)
        .any(|candidate| {
            super::hmac_sha256(secret, &[timestamp.as_bytes(), b".", body])
                // Constant-time comparison (hmac uses `subtle`): timing reveals
                // nothing about how much of a forged signature was right.
                .is_some_and(|mac| hmac::Mac::verify_slice(mac, &candidate).is_ok())
        })
}

/// POSTs `body` (JSON) to `url`, signed for `now_secs`; `Ok(status)` on a 2xx answer.
///
/// The request times out after [`SEND_TIMEOUT`]. Build `client` with
/// [`super::http_client`], which refuses redirects: a 3xx is a failure.
pub async fn deliver(
    client: &reqwest::Client,
    url: &str,
    secret: &[u8],
    body: &str,
    now_secs: i64,
) -> Result<u16, WebhookError> {
    deliver_within(client, url, secret, body, now_secs, SEND_TIMEOUT).await
}

/// [`deliver`] with another timeout.
pub async fn deliver_within(
    client: &reqwest::Client,
    url: &str,
    secret: &[u8],
    body: &str,
    now_secs: i64,
    timeout: Duration,
) -> Result<u16, WebhookError> {
    let (url, origin) = super::parse_http_url(url).map_err(WebhookError::InvalidUrl)?;
    let response = client
        .post(url)
        .timeout(timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, sign(secret, now_secs, body.as_bytes()))
        .body(body.to_owned())
        .send()
        .await
        .map_err(|error| {
            if error.is_timeout() {
                WebhookError::Timeout {
                    origin: origin.clone(),
                    secs: timeout.as_secs().max(1),
                }
            } else {
                WebhookError::Unreachable {
                    origin: origin.clone(),
                    reason: super::root_cause(&error),
                }
            }
        })?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        Ok(status)
    } else {
        Err(WebhookError::Status { origin, status })
    }
}

/// Seconds to wait before the next delivery after `attempts` failed ones
/// (`Some(0)` before the first); `None` once [`MAX_ATTEMPTS`] have failed and
/// the webhook is given up.
pub fn next_attempt_delay_secs(attempts: u32) -> Option<u64> {
    match attempts {
        0 => Some(0),
        n => RETRY_DELAYS_SECS.get(usize::try_from(n - 1).ok()?).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{closed_port_url, FakeHttpServer, Reply};
    use super::*;

    const SECRET: &[u8] = b"whsec_partner_key";
    const BODY: &str = r#"{"event":"interview.submitted","work_item":"wi_1"}"#;

    fn client() -> reqwest::Client {
        super::super::http_client(SEND_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn sign_has_the_documented_form_and_a_known_value() {
        let header = sign(b"key", 1_700_000_000, b"{}");
        let hex = header.strip_prefix("t=1700000000,v1=").unwrap_or_default();
        assert_eq!(hex.len(), 64, "{header}");
        assert!(hex
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        // Reference value from `printf 1700000000.{} | openssl dgst -sha256 -hmac key`.
        assert_eq!(
            hex,
            "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
    }

    #[test]
    fn verify_accepts_only_the_right_secret_body_and_time() {
        let now = 1_700_000_000;
        let header = sign(SECRET, now, BODY.as_bytes());
        assert!(verify(SECRET, &header, BODY.as_bytes(), now, 300));
        assert!(verify(SECRET, &header, BODY.as_bytes(), now + 300, 300));
        assert!(
            verify(SECRET, &header, BODY.as_bytes(), now - 300, 300),
            "clock skew either way"
        );
        assert!(
            !verify(SECRET, &header, BODY.as_bytes(), now + 301, 300),
            "too old: a replay"
        );
        assert!(!verify(b"other", &header, BODY.as_bytes(), now, 300));
        assert!(!verify(
            SECRET,
            &header,
            br#"{"event":"interview.submitted","work_item":"wi_2"}"#,
            now,
            300
        ));
        // A different timestamp with the same v1: the time is part of what is signed.
        let moved = header.replacen("t=1700000000", "t=1700000100", 1);
        assert!(!verify(SECRET, &moved, BODY.as_bytes(), now + 100, 300));
        let padded = header.replacen("t=1700000000", "t=01700000000", 1);
        assert!(!verify(SECRET, &padded, BODY.as_bytes(), now, 300));
    }

    #[test]
    fn verify_rejects_malformed_headers_and_accepts_rotation() {
        let now = 1_700_000_000;
        let good = sign(SECRET, now, BODY.as_bytes());
        let v1 = good.split_once(",v1=").map(|(_, v)| v).unwrap_or_default();
        for header in [
            "",
            "t=1700000000",
            &format!("v1={v1}"),
            "t=abc,v1=00",
            &format!("t=1700000000,v1={v1}zz"),
        ] {
            assert!(
                !verify(SECRET, header, BODY.as_bytes(), now, 300),
                "{header}"
            );
        }
        let rotating = format!("t={now},v1={},v1={v1}", "ab".repeat(32));
        assert!(verify(SECRET, &rotating, BODY.as_bytes(), now, 300));
        assert!(verify(
            SECRET,
            &format!("t={now}, v1={}", v1.to_uppercase()),
            BODY.as_bytes(),
            now,
            300
        ));
    }

    #[tokio::test]
    async fn delivered_body_and_signature_verify_at_the_receiver() {
        let server = FakeHttpServer::webhook_receiver()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let now = super::super::unix_now_secs();
        let status = deliver(
            &client(),
            &format!("{}/partner/hook", server.url()),
            SECRET,
            BODY,
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status, 200);

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/partner/hook")
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.body, BODY.as_bytes());
        let header = request.header(SIGNATURE_HEADER).unwrap_or_default();
        assert!(
            verify(SECRET, header, &request.body, now + 5, 300),
            "{header}"
        );
        assert!(!verify(b"wrong", header, &request.body, now, 300));
    }

    #[tokio::test]
    async fn any_2xx_is_success_and_its_status_is_returned() {
        let server = FakeHttpServer::start(Reply::text(204, ""))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            deliver(&client(), &server.url(), SECRET, BODY, 0)
                .await
                .ok(),
            Some(204)
        );
    }

    #[tokio::test]
    async fn a_500_or_a_redirect_is_an_error() {
        let server = FakeHttpServer::start(Reply::text(500, "oops"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let err = deliver(&client(), &server.url(), SECRET, BODY, 0)
            .await
            .err();
        assert!(
            matches!(err, Some(WebhookError::Status { status: 500, .. })),
            "{err:?}"
        );
        assert!(err
            .map(|e| e.to_string())
            .unwrap_or_default()
            .ends_with("answered HTTP 500"));

        server.set_reply(
            Reply::text(302, "").with_header("location", "http://127.0.0.1:1/elsewhere"),
        );
        let err = deliver(&client(), &server.url(), SECRET, BODY, 0)
            .await
            .err();
        assert!(
            matches!(err, Some(WebhookError::Status { status: 302, .. })),
            "{err:?}"
        );
        assert_eq!(server.requests().len(), 2, "the redirect was not followed");
    }

    #[tokio::test]
    async fn unreachable_slow_and_invalid_receivers_are_errors() {
        let url = closed_port_url().await.unwrap_or_else(|e| panic!("{e}"));
        let err = deliver(&client(), &url, SECRET, BODY, 0).await.err();
        assert!(
            matches!(err, Some(WebhookError::Unreachable { .. })),
            "{err:?}"
        );

        let slow = FakeHttpServer::start(Reply::text(200, "").delayed(Duration::from_secs(30)))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let err = deliver_within(
            &client(),
            &slow.url(),
            SECRET,
            BODY,
            0,
            Duration::from_millis(300),
        )
        .await
        .err();
        assert!(matches!(err, Some(WebhookError::Timeout { .. })), "{err:?}");

        let err = deliver(&client(), "not a url", SECRET, BODY, 0).await.err();
        assert!(matches!(err, Some(WebhookError::InvalidUrl(_))), "{err:?}");
    }

    #[test]
    fn retry_schedule_grows_is_capped_and_ends() {
        assert_eq!(
            next_attempt_delay_secs(0),
            Some(0),
            "the first attempt goes out at once"
        );
        assert_eq!(next_attempt_delay_secs(1), Some(10));
        let delays: Vec<u64> = (1..MAX_ATTEMPTS)
            .map_while(next_attempt_delay_secs)
            .collect();
        assert_eq!(delays.len(), MAX_ATTEMPTS as usize - 1);
        assert!(delays.windows(2).all(|w| w[0] <= w[1]), "{delays:?}");
        assert_eq!(delays.iter().max(), Some(&21_600), "capped at 6 hours");
        assert_eq!(
            next_attempt_delay_secs(MAX_ATTEMPTS),
            None,
            "given up after {MAX_ATTEMPTS} attempts"
        );
        assert_eq!(next_attempt_delay_secs(u32::MAX), None);
        let total: u64 = delays.iter().sum();
        assert!(
            (12 * 3600..24 * 3600).contains(&total),
            "retries span about half a day: {total}"
        );
    }
}
