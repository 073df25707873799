//! Prometheus metrics at `GET /metrics` (text format 0.0.4), kept by hand in
//! atomics: a client library would cost more to compile than these few series.
//!
//! Label values are bounded: `route` is the router's pattern
//! (`/api/v1/work-items/{id}`), never the raw path, which holds ids;
//! `method` is one of the standard methods or `other`; `status` is a code the
//! host itself chose.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Upper bounds (seconds) of the request duration histogram's buckets.
pub const DURATION_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The route label of requests no route matched (one series, whatever the path).
pub const UNMATCHED: &str = "unmatched";

/// `Content-Type` of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The counters behind `/metrics`, shared by every request.
#[derive(Default)]
pub struct Metrics {
    /// Per route pattern; a route's entry is made once, then only read.
    routes: RwLock<HashMap<String, Arc<RouteStats>>>,
    in_flight: AtomicI64,
    interviews_sent: AtomicU64,
    submissions: AtomicU64,
    auth_failures: AtomicU64,
    /// Per [`SignInMethod`], in the order of [`SignInMethod::ALL`].
    lockouts: [AtomicU64; 2],
}

/// How a client proves who they are; labels the lockouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// The passphrase staff chose.
    Passphrase,
    /// The mobile number's last digits, then a code sent by SMS.
    Sms,
}

impl SignInMethod {
    /// Every method, in the order the metrics list them.
    pub const ALL: [SignInMethod; 2] = [SignInMethod::Passphrase, SignInMethod::Sms];

    /// The `kind` label value.
    pub fn label(self) -> &'static str {
        match self {
            SignInMethod::Passphrase => "passphrase",
            SignInMethod::Sms => "sms",
        }
    }
}

/// One route's answers by method and status, and its duration histogram.
struct RouteStats {
    /// (method, status, count): a handful per route, so a scan beats a map.
    responses: RwLock<Vec<(&'static str, u16, AtomicU64)>>,
    /// Per bucket, not cumulative (cumulated when rendered); the last is `+Inf`.
    buckets: [AtomicU64; DURATION_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Default for RouteStats {
    fn default() -> Self {
        RouteStats {
            responses: RwLock::new(Vec::new()),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_micros: AtomicU64::new(0),
        }
    }
}

/// Counts a request as in flight until dropped, so a request whose client
/// went away (its future dropped) still leaves the gauge.
pub struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The method label: unknown methods share one value so callers cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route label of a request: its matched pattern, with a nested
/// service's private catch-all parameter (noise in a label) as `{*path}`.
/// axum reports no pattern for paths inside a nested service, so the
/// bundles' prefixes stand for all of them; anything else is [`UNMATCHED`].
pub fn route_label(matched: Option<&str>, path: &str) -> String {
    if let Some(matched) = matched {
        return match matched.find("{*__private__") {
            Some(at) => format!("{}{{*path}}", &matched[..at]),
            None => matched.to_owned(),
        };
    }
    for bundle in [crate::bundle::PREFIX, crate::bundle::DASHBOARD_PREFIX] {
        if path == bundle || path.strip_prefix(bundle).is_some_and(|rest| rest.starts_with('/')) {
            return format!("{bundle}/{{*path}}");
        }
    }
    UNMATCHED.to_owned()
}

impl Metrics {
    /// A fresh set of counters, all zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks a request as started; it ends when the guard is dropped.
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// Counts an answered request and its duration; derives the domain
    /// counters that route and status alone tell exactly.
    pub fn record(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        let stats = self.route(route);
        stats.count(method, status);
        let seconds = elapsed.as_secs_f64();
        let bucket = DURATION_BUCKETS.iter().position(|&le| seconds <= le).unwrap_or(DURATION_BUCKETS.len());
        if let Some(b) = stats.buckets.get(bucket) {
            b.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        stats.sum_micros.fetch_add(micros, Ordering::Relaxed);

        match (method, route, status) {
            ("POST", "/api/v1/work-items/{id}/interviews", 201) => {
                self.interviews_sent.fetch_add(1, Ordering::Relaxed);
            }
            (
                "POST",
                "/api/v1/client/auth/passphrase"
                | "/api/v1/client/auth/sms/start"
                | "/api/v1/client/auth/sms/verify"
                | "/api/v1/staff/session",
                401,
            ) => {
                self.auth_failures.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }

    /// Counts an accepted submission (call once per new submission, not for a replayed one).
    pub fn submission(&self) {
        self.submissions.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a link locked after too many failed attempts (not an IP rate limit).
    /// The attempt that locked it failed too, but its answer is a 429, which
    /// [`Metrics::record`] does not count as a failed sign-in, so it is counted here.
    pub fn lockout(&self, method: SignInMethod) {
        if let Some(counter) = self.lockouts.get(method as usize) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a lockout when `error` is the answer to the client sign-in attempt that caused it.
    pub fn sign_in_refused(&self, method: SignInMethod, error: &crate::error::Error) {
        if matches!(error, crate::error::Error::Locked { just_now: true, .. }) {
            self.lockout(method);
        }
    }

    /// The stats of a route, made on its first request.
    fn route(&self, route: &str) -> Arc<RouteStats> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still whole.
        if let Some(stats) = self.routes.read().unwrap_or_else(|e| e.into_inner()).get(route) {
            return stats.clone();
        }
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        routes.entry(route.to_owned()).or_default().clone()
    }

    /// All series in the Prometheus text format 0.0.4.
    pub fn render(&self) -> String {
        let mut routes: Vec<(String, Arc<RouteStats>)> = self
            .routes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        routes.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::new();

        header_lines(&mut out, "interview_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status.");
        for (route, stats) in &routes {
            let mut rows: Vec<(&'static str, u16, u64)> = stats
                .responses
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|(m, s, n)| (*m, *s, n.load(Ordering::Relaxed)))
                .collect();
            rows.sort_unstable();
            for (method, status, n) in rows {
                let _ = writeln!(
                    out,
                    "interview_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }

        let name = "interview_http_request_duration_seconds";
        header_lines(&mut out, name, "histogram", "Time from receiving a request to its answer's head, by route pattern.");
        for (route, stats) in &routes {
            let route = escape(route);
            let mut cumulative = 0u64;
            for (i, bucket) in stats.buckets.iter().enumerate() {
                cumulative += bucket.load(Ordering::Relaxed);
                let le = DURATION_BUCKETS.get(i).map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}");
            }
            let sum = stats.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {sum}");
            let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {cumulative}");
        }

        header_lines(&mut out, "interview_http_in_flight_requests", "gauge", "Requests being served now.");
        let _ = writeln!(out, "interview_http_in_flight_requests {}", self.in_flight.load(Ordering::Relaxed));

        for (name, help, counter) in [
            ("interview_interviews_sent_total", "Interviews sent to clients.", &self.interviews_sent),
            ("interview_submissions_total", "Interviews submitted by clients.", &self.submissions),
            ("interview_auth_failures_total", "Failed sign-ins: wrong passphrase, digits, code or staff password.", &self.auth_failures),
        ] {
            header_lines(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
        }
        let name = "interview_lockouts_total";
        header_lines(&mut out, name, "counter", "Links locked after too many failed sign-in attempts, by sign-in method.");
        for (method, counter) in SignInMethod::ALL.iter().zip(&self.lockouts) {
            let _ = writeln!(out, "{name}{{kind=\"{}\"}} {}", method.label(), counter.load(Ordering::Relaxed));
        }
        out
    }
}

impl RouteStats {
    fn count(&self, method: &'static str, status: u16) {
        let find = |rows: &[(&'static str, u16, AtomicU64)]| {
            rows.iter().find(|(m, s, _)| *m == method && *s == status).map(|(_, _, n)| {
                n.fetch_add(1, Ordering::Relaxed);
            })
        };
        if find(&self.responses.read().unwrap_or_else(|e| e.into_inner())).is_some() {
            return;
        }
        let mut rows = self.responses.write().unwrap_or_else(|e| e.into_inner());
        // Another request may have added the row between the two locks.
        if find(&rows).is_none() {
            rows.push((method, status, AtomicU64::new(1)));
        }
    }
}

fn header_lines(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Escapes a label value as the text format requires.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// `GET /metrics`.
pub async fn serve(State(state): State<AppState>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_route_and_fills_cumulative_buckets() {
        let m = Metrics::new();
        m.record(&Method::GET, "/api/v1/work-items/{id}", 401, Duration::from_millis(3));
        m.record(&Method::GET, "/api/v1/work-items/{id}", 401, Duration::from_millis(30));
        m.record(&Method::from_bytes(b"BREW").expect("method"), UNMATCHED, 404, Duration::from_secs(20));
        let text = m.render();
        assert!(text.contains("interview_http_requests_total{method=\"GET\",route=\"/api/v1/work-items/{id}\",status=\"401\"} 2"), "{text}");
        assert!(text.contains("interview_http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 1"), "{text}");
        let b = "interview_http_request_duration_seconds_bucket{route=\"/api/v1/work-items/{id}\"";
        assert!(text.contains(&format!("{b},le=\"0.005\"}} 1")), "{text}");
        assert!(text.contains(&format!("{b},le=\"0.025\"}} 1")), "{text}");
        assert!(text.contains(&format!("{b},le=\"0.05\"}} 2")), "{text}");
        assert!(text.contains(&format!("{b},le=\"+Inf\"}} 2")), "{text}");
        assert!(text.contains("interview_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"10\"} 0"), "{text}");
        assert!(text.contains("interview_http_request_duration_seconds_count{route=\"unmatched\"} 1"), "{text}");
    }

    #[test]
    fn domain_counters_follow_route_and_status() {
        let m = Metrics::new();
        m.record(&Method::POST, "/api/v1/work-items/{id}/interviews", 201, Duration::ZERO);
        m.record(&Method::POST, "/api/v1/work-items/{id}/interviews", 409, Duration::ZERO);
        m.record(&Method::POST, "/api/v1/client/auth/passphrase", 401, Duration::ZERO);
        m.record(&Method::POST, "/api/v1/client/auth/passphrase", 200, Duration::ZERO);
        m.submission();
        m.sign_in_refused(SignInMethod::Sms, &crate::error::Error::locked_now(900));
        // Refusals while already locked, and other refusals, are no new lockout.
        m.sign_in_refused(SignInMethod::Sms, &crate::error::Error::locked(800));
        m.sign_in_refused(SignInMethod::Passphrase, &crate::error::Error::Expired);
        let text = m.render();
        for line in [
            "interview_interviews_sent_total 1",
            "interview_auth_failures_total 2",
            "interview_submissions_total 1",
            "interview_lockouts_total{kind=\"passphrase\"} 0",
            "interview_lockouts_total{kind=\"sms\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in {text}");
        }
    }

    #[test]
    fn in_flight_follows_the_guard() {
        let m = Metrics::new();
        let guard = m.in_flight();
        assert!(m.render().contains("interview_http_in_flight_requests 1"));
        drop(guard);
        assert!(m.render().contains("interview_http_in_flight_requests 0"));
    }

    #[test]
    fn labels_are_patterns_never_raw_paths() {
        assert_eq!(route_label(Some("/i/{*__private__axum_nest_tail_param}"), "/i/"), "/i/{*path}");
        assert_eq!(route_label(None, "/i/app-0123456789abcdef.js"), "/i/{*path}");
        assert_eq!(route_label(None, "/i"), "/i/{*path}");
        assert_eq!(route_label(None, "/ix/secret"), UNMATCHED);
        assert_eq!(route_label(Some("/api/v1/clients/{id}"), "/api/v1/clients/c_1"), "/api/v1/clients/{id}");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
