//! opm-client: the registry server's client. One blocking method per route of the server's
//! REST API (`driver/server/API.md`), answering with opm-market's own types; HTTPS through
//! ureq and rustls (ring), trusting the system's roots or only the CA given, presenting a
//! client certificate when given one, sending a bearer token that is never printed.
//!
//! Every request is bounded: it must be answered within [`ClientConfig::timeout`], and no
//! answer is read beyond [`MAX_BODY`] bytes. Redirects are never followed (a token goes to
//! the server it was given for and nowhere else).

mod config;

pub use config::{ClientConfig, DEFAULT_TIMEOUT};

use config::Endpoint;
use opm_market::attest::{Envelope, VerifyingKey};
use opm_market::ledger::{
    Checkpoint, ConsistencyProofDoc, Decision, Entry, InclusionProofDoc, SyncBundle,
};
use opm_market::registry::{AdapterRecord, Kind, Listing, Query, Shown};
use opm_market::{ConformanceReport, PassSpec, Plan};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use ureq::http::{HeaderValue, StatusCode};

/// The largest answer read from the server, in bytes.
pub const MAX_BODY: u64 = 64 << 20;

/// The largest error answer read, in bytes.
const MAX_ERROR_BODY: u64 = 64 << 10;

/// The most entries the server sends per `ledger/entries` request.
pub const ENTRIES_PER_REQUEST: u64 = 10_000;

/// What `GET /v1/signals/suggestions` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    pub bucket: String,
    pub plans: Vec<SuggestedPlan>,
    /// Plans of the bucket whose aggregate was not released (a contributor's budget spent).
    pub withheld: u64,
}

/// One plan of [`Suggestions`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestedPlan {
    pub plan: String,
    pub backend: opm_backend::BackendKind,
    pub pipeline: String,
    pub release: opm_market::aggregate::Release,
}

/// Why a request to the registry server failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer: the connection, TLS (rustls's reason kept: `invalid peer certificate:
    /// UnknownIssuer`…), a timeout, or the connection lost while reading.
    #[error("cannot reach the registry at {url}: {why}")]
    Connect { url: String, why: String },
    /// The server answered with an error status and its `{"error", "field"}` body.
    #[error(
        "the registry {} ({status}): {message}{}",
        if *status >= 500 { "failed" } else { "refused" },
        field.as_ref().map(|f| format!(" (at `{f}`)")).unwrap_or_default()
    )]
    Status { status: u16, message: String, field: Option<String> },
    /// The server answered, but not with what the route returns.
    #[error("the registry's answer to {what} is not what the API says: {why}")]
    Decode { what: String, why: String },
    /// The configuration cannot be used: the URL, or a CA, certificate or key file.
    #[error("{0}")]
    Config(String),
}

impl ClientError {
    /// The server's status, for an error answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `GET /v1/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub ok: bool,
    /// The server's version.
    pub version: String,
    /// How many entries its ledger holds.
    pub ledger_size: u64,
}

/// What publishing a plan did (`POST /v1/plans`): as `opm_market::store::Published`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub plan: Plan,
    /// The SHA-256 of the attestation as the registry keeps it.
    pub attestation_sha256: String,
    /// False when the same attestation had been published before: nothing was appended.
    pub new: bool,
    /// The ledger's checkpoint after the publication.
    pub checkpoint: Checkpoint,
}

impl From<Published> for opm_market::store::Published {
    fn from(p: Published) -> opm_market::store::Published {
        opm_market::store::Published {
            plan: p.plan,
            attestation_sha256: p.attestation_sha256,
            new: p.new,
            checkpoint: p.checkpoint,
        }
    }
}

/// `GET /v1/ledger/inclusion`: the proof and the checkpoint it leads to; serialized, the
/// document `opm-driver ledger prove --index` writes and `ledger check` reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inclusion {
    pub inclusion: InclusionProofDoc,
    pub checkpoint: Checkpoint,
}

/// `GET /v1/ledger/consistency`: the proof and both checkpoints; serialized, the document
/// `opm-driver ledger prove --old-size` writes and `ledger check` reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consistency {
    pub consistency: ConsistencyProofDoc,
    pub old: Checkpoint,
    pub new: Checkpoint,
}

/// The answers that are a checkpoint alone.
#[derive(Deserialize)]
struct CheckpointOnly {
    checkpoint: Checkpoint,
}

#[derive(Deserialize)]
struct Decided {
    decision: Decision,
    checkpoint: Checkpoint,
}

/// The error body every route answers with.
#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    #[serde(default)]
    field: Option<String>,
}

/// A connection to a registry server (the connections themselves are made per request and
/// kept alive between them).
pub struct Client {
    agent: ureq::Agent,
    endpoint: Endpoint,
    /// `Bearer TOKEN`, marked sensitive.
    authorization: Option<HeaderValue>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.endpoint.base)
            .field("token", &self.authorization.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A request's method and body.
enum Method<'a> {
    Get,
    Post(&'a serde_json::Value),
}

impl Client {
    /// A client for the server `config` names. Nothing is sent yet: the URL, the token and
    /// the CA, certificate and key files are checked here; the server is first reached by
    /// the first request.
    pub fn connect(config: &ClientConfig) -> Result<Client, ClientError> {
        let endpoint = config::endpoint(&config.url)?;
        if config.timeout.is_zero() {
            return Err(ClientError::Config("the registry timeout must be more than zero".into()));
        }
        let authorization = match &config.token {
            Some(token) => {
                config::check_token(token)?;
                let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                    ClientError::Config("the registry token cannot be sent as a header".into())
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let tls = config::tls(config, &endpoint)?;
        // A proxy from the environment is used for remote servers only, never for this
        // machine's loopback.
        let proxy = if endpoint.loopback { None } else { ureq::Proxy::try_from_env() };
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(config.timeout))
            .user_agent(concat!("opm-client/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .https_only(!endpoint.insecure_loopback)
            .proxy(proxy)
            .tls_config(tls)
            .build();
        Ok(Client { agent: agent_config.new_agent(), endpoint, authorization })
    }

    /// The server's base URL, as checked (`https://HOST:PORT`).
    pub fn url(&self) -> &str {
        &self.endpoint.base
    }

    /// `GET /v1/health` (no credentials needed).
    pub fn health(&self) -> Result<Health, ClientError> {
        self.get("health", "/v1/health", &[])
    }

    /// `GET /v1/adapters`: every admitted adapter, with what it offers.
    pub fn adapters(&self) -> Result<Vec<AdapterRecord>, ClientError> {
        self.get("adapters", "/v1/adapters", &[])
    }

    /// `GET /v1/list`: what the registry holds, or only one kind of it.
    pub fn list(&self, kind: Option<Kind>) -> Result<Vec<Listing>, ClientError> {
        let query: Vec<(&str, String)> =
            kind.map(|k| vec![("kind", k.name().to_string())]).unwrap_or_default();
        self.get("list", "/v1/list", &query)
    }

    /// `GET /v1/search`: the query's fields as parameters (`all=true` for revoked ones too).
    pub fn search(&self, query: &Query) -> Result<Vec<Listing>, ClientError> {
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(text) = &query.text {
            params.push(("text", text.clone()));
        }
        if let Some(adapter) = &query.adapter {
            params.push(("adapter", adapter.clone()));
        }
        if let Some(level) = &query.level {
            // As `Nest` serializes: `function`, `loop-mssa`…
            let name = serde_json::to_value(level)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .ok_or_else(|| ClientError::Config(format!("the level {level:?} has no name")))?;
            params.push(("level", name));
        }
        if let Some(improved) = &query.improved {
            params.push(("improved", improved.clone()));
        }
        if query.include_revoked {
            params.push(("all", "true".into()));
        }
        self.get("search", "/v1/search", &params)
    }

    /// `GET /v1/show/{id}`: one adapter, spec (`llvm/gvn`), plan or problem with its edges;
    /// `None` when the registry has nothing of that id.
    pub fn show(&self, id: &str) -> Result<Option<Shown>, ClientError> {
        self.get_found("show", &format!("/v1/show/{}", segment(id)), &[])
    }

    /// `GET /v1/documents/{kind}/{sha256}`: a conformance report (`reports`) or an
    /// attestation (`attestations`) as the registry keeps it, byte for byte; `None` when it
    /// keeps none of that digest.
    pub fn document(&self, kind: &str, sha256: &str) -> Result<Option<String>, ClientError> {
        if !opm_market::store::DOCUMENTS.contains(&kind) {
            return Err(ClientError::Config(format!(
                "no document kind `{kind}`: {}",
                opm_market::store::DOCUMENTS.join(" or ")
            )));
        }
        let path = format!("/v1/documents/{kind}/{}", segment(sha256));
        let answer = self.call("document", &path, &[], Method::Get)?;
        match answer.status {
            200 => Ok(Some(answer.text)),
            404 => Ok(None),
            _ => Err(answer.refusal()),
        }
    }

    /// `POST /v1/plans`: publishes the plan of a signed attestation, signed by `signer`.
    pub fn publish(
        &self,
        attestation: &Envelope,
        signer: &VerifyingKey,
    ) -> Result<Published, ClientError> {
        let body = serde_json::json!({
            "attestation": attestation,
            "public_key": opm_market::keys::public_hex(signer),
        });
        self.post("publish", "/v1/plans", &body)
    }

    /// `POST /v1/signals`: shares, as this client, how plan `plan` did on a program of the
    /// kind `bucket` (its metric over its baseline's). Only the bucket, the plan's id and the
    /// ratio leave the machine.
    pub fn share(&self, bucket: &str, plan: &str, ratio: f64) -> Result<(), ClientError> {
        let body = serde_json::json!({ "bucket": bucket, "plan": plan, "ratio": ratio });
        let _: serde_json::Value = self.post("share a signal", "/v1/signals", &body)?;
        Ok(())
    }

    /// `GET /v1/signals/suggestions`: the plans that did best on programs of the kind
    /// `bucket`, best (lowest noisy mean ratio) first, at most `limit`.
    pub fn suggestions(&self, bucket: &str, limit: usize) -> Result<Suggestions, ClientError> {
        let params = [("bucket", bucket.to_string()), ("limit", limit.to_string())];
        self.get("suggestions", "/v1/signals/suggestions", &params)
    }

    /// `POST /v1/plans/{id}/revoke`: withdraws a published plan, saying why.
    pub fn revoke_plan(&self, id: &str, why: &str) -> Result<Checkpoint, ClientError> {
        let path = format!("/v1/plans/{}/revoke", segment(id));
        let done: CheckpointOnly =
            self.post("revoke plan", &path, &serde_json::json!({ "why": why }))?;
        Ok(done.checkpoint)
    }

    /// `POST /v1/adapters`: a conformance report and the specs its adapter lists; the
    /// registry admits a conformant adapter, refuses another, and records either.
    pub fn decide_adapter(
        &self,
        report: &ConformanceReport,
        specs: &[PassSpec],
    ) -> Result<(Decision, Checkpoint), ClientError> {
        let body = serde_json::json!({ "report": report, "specs": specs });
        let done: Decided = self.post("admit adapter", "/v1/adapters", &body)?;
        Ok((done.decision, done.checkpoint))
    }

    /// `POST /v1/adapters/{name}/revoke`: withdraws an admitted adapter, saying why.
    pub fn revoke_adapter(&self, name: &str, why: &str) -> Result<Checkpoint, ClientError> {
        let path = format!("/v1/adapters/{}/revoke", segment(name));
        let done: CheckpointOnly =
            self.post("revoke adapter", &path, &serde_json::json!({ "why": why }))?;
        Ok(done.checkpoint)
    }

    /// `POST /v1/keys`: lets `public` sign plans from now on.
    pub fn add_key(&self, public: &VerifyingKey) -> Result<Checkpoint, ClientError> {
        let body = serde_json::json!({ "public_key": opm_market::keys::public_hex(public) });
        let done: CheckpointOnly = self.post("add key", "/v1/keys", &body)?;
        Ok(done.checkpoint)
    }

    /// `POST /v1/keys/{key_id}/revoke`: stops a key from signing plans, saying why.
    pub fn revoke_key(&self, key_id: &str, why: &str) -> Result<Checkpoint, ClientError> {
        let path = format!("/v1/keys/{}/revoke", segment(key_id));
        let done: CheckpointOnly =
            self.post("revoke key", &path, &serde_json::json!({ "why": why }))?;
        Ok(done.checkpoint)
    }

    /// `GET /v1/ledger/checkpoint`: the latest checkpoint; `None` while the ledger is empty.
    /// Its signature is the caller's to check ([`Checkpoint::verify`]).
    pub fn checkpoint(&self) -> Result<Option<Checkpoint>, ClientError> {
        self.get_found("checkpoint", "/v1/ledger/checkpoint", &[])
    }

    /// `GET /v1/ledger/entries`: the entries from index `from` up to `to` (excluded), asked
    /// [`ENTRIES_PER_REQUEST`] at a time; fewer when the ledger ends before `to`.
    pub fn entries(&self, from: u64, to: u64) -> Result<Vec<Entry>, ClientError> {
        let mut out: Vec<Entry> = Vec::new();
        let mut next = from;
        while next < to {
            let end = to.min(next.saturating_add(ENTRIES_PER_REQUEST));
            let page: Vec<Entry> = self.get(
                "entries",
                "/v1/ledger/entries",
                &[("from", next.to_string()), ("to", end.to_string())],
            )?;
            let got = page.len() as u64;
            if got > end - next {
                return Err(ClientError::Decode {
                    what: "entries".into(),
                    why: format!("{got} entries for {} asked", end - next),
                });
            }
            out.extend(page);
            if got < end - next {
                break;
            }
            next = end;
        }
        Ok(out)
    }

    /// `GET /v1/ledger/since`: what a ledger whose latest checkpoint is `ours` lacks — the
    /// entries after it, a consistency proof and the server's checkpoint — for
    /// `Ledger::receive`, which verifies them all. `Checkpoint::empty()` asks for everything.
    pub fn since(&self, ours: &Checkpoint) -> Result<SyncBundle, ClientError> {
        self.get(
            "since",
            "/v1/ledger/since",
            &[("size", ours.size.to_string()), ("root", ours.root.clone())],
        )
    }

    /// `GET /v1/ledger/inclusion`: a proof that entry `index` is in the tree of `size`
    /// entries (the latest checkpoint's when `None`).
    pub fn inclusion(&self, index: u64, size: Option<u64>) -> Result<Inclusion, ClientError> {
        let mut params = vec![("index", index.to_string())];
        if let Some(size) = size {
            params.push(("size", size.to_string()));
        }
        self.get("inclusion", "/v1/ledger/inclusion", &params)
    }

    /// `GET /v1/ledger/consistency`: a proof that the tree of `size` entries (the latest
    /// checkpoint's when `None`) extends the tree of `old`.
    pub fn consistency(&self, old: u64, size: Option<u64>) -> Result<Consistency, ClientError> {
        let mut params = vec![("old", old.to_string())];
        if let Some(size) = size {
            params.push(("size", size.to_string()));
        }
        self.get("consistency", "/v1/ledger/consistency", &params)
    }

    fn get<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let answer = self.call(what, path, query, Method::Get)?;
        match answer.status {
            200 => decode(what, &answer.text),
            _ => Err(answer.refusal()),
        }
    }

    /// A GET whose 404 means "there is none".
    fn get_found<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<T>, ClientError> {
        let answer = self.call(what, path, query, Method::Get)?;
        match answer.status {
            200 => decode(what, &answer.text).map(Some),
            404 => Ok(None),
            _ => Err(answer.refusal()),
        }
    }

    fn post<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ClientError> {
        let answer = self.call(what, path, &[], Method::Post(body))?;
        match answer.status {
            200 | 201 => decode(what, &answer.text),
            _ => Err(answer.refusal()),
        }
    }

    /// One request: its status and its body (read up to [`MAX_BODY`] bytes, or
    /// `MAX_ERROR_BODY` for an error). A 429's `Retry-After` is added to the body's message.
    fn call(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
        method: Method<'_>,
    ) -> Result<Answer, ClientError> {
        let url = format!("{}{path}", self.endpoint.base);
        let connect = |e: ureq::Error| ClientError::Connect {
            url: self.endpoint.base.clone(),
            why: describe(&e),
        };
        let sent = match method {
            Method::Get => {
                let mut request = self.agent.get(&url);
                for (k, v) in query {
                    request = request.query(k, v);
                }
                if let Some(auth) = &self.authorization {
                    request = request.header("authorization", auth.clone());
                }
                request.call()
            }
            Method::Post(body) => {
                let mut request = self.agent.post(&url);
                for (k, v) in query {
                    request = request.query(k, v);
                }
                if let Some(auth) = &self.authorization {
                    request = request.header("authorization", auth.clone());
                }
                let text = serde_json::to_string(body).map_err(|e| ClientError::Decode {
                    what: what.to_string(),
                    why: format!("the request cannot be written as JSON: {e}"),
                })?;
                request.header("content-type", "application/json").send(text)
            }
        };
        let mut response = sent.map_err(connect)?;
        let status = response.status().as_u16();
        let retry_after = (status == 429)
            .then(|| response.headers().get("retry-after"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string());
        let ok = (200..300).contains(&status);
        let limit = if ok { MAX_BODY } else { MAX_ERROR_BODY };
        let text = match response.body_mut().with_config().limit(limit).read_to_string() {
            Ok(text) => text,
            Err(ureq::Error::BodyExceedsLimit(_)) if !ok => String::new(),
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                return Err(ClientError::Decode {
                    what: what.to_string(),
                    why: format!("the answer is larger than {} MiB", MAX_BODY >> 20),
                });
            }
            Err(e) => return Err(connect(e)),
        };
        Ok(Answer { status, text, retry_after })
    }
}

/// A server's answer: its status and body, and a 429's `Retry-After`.
struct Answer {
    status: u16,
    text: String,
    retry_after: Option<String>,
}

impl Answer {
    /// The error an answer of an unexpected status is.
    fn refusal(&self) -> ClientError {
        let mut e = status_error(self.status, &self.text);
        if let (ClientError::Status { message, .. }, Some(after)) = (&mut e, &self.retry_after) {
            message.push_str(&format!(" (retry after {after} s)"));
        }
        e
    }
}

/// A path segment, percent-encoded: ids such as `llvm/gvn` or `gcc/--param=…` stay one
/// segment.
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, ClientError> {
    serde_json::from_str(text)
        .map_err(|e| ClientError::Decode { what: what.to_string(), why: e.to_string() })
}

/// The `{"error", "field"}` of an error answer; another body (a proxy's page) is quoted,
/// shortened, and an empty one is the status's reason.
fn error_message(status: u16, text: &str) -> ErrorBody {
    if let Ok(body) = serde_json::from_str::<ErrorBody>(text) {
        return body;
    }
    let plain: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let error = if plain.is_empty() {
        StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("no reason given")
            .to_string()
    } else if plain.chars().count() > 300 {
        format!("{}…", plain.chars().take(300).collect::<String>())
    } else {
        plain
    };
    ErrorBody { error, field: None }
}

fn status_error(status: u16, text: &str) -> ClientError {
    let body = error_message(status, text);
    ClientError::Status { status, message: body.error, field: body.field }
}

/// Why a request got no answer, in words that keep rustls's reason.
fn describe(e: &ureq::Error) -> String {
    match e {
        // An I/O error carries rustls's own (`invalid peer certificate: UnknownIssuer`,
        // `received fatal alert: …`) or the system's (`Connection refused`).
        ureq::Error::Io(io) => io.to_string(),
        ureq::Error::Rustls(tls) => tls.to_string(),
        ureq::Error::Timeout(which) => format!("no answer in time ({which})"),
        ureq::Error::HostNotFound => "the host's name is not found".into(),
        ureq::Error::RequireHttpsOnly(_) => "only https is allowed to this server".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_one_path_segment() {
        assert_eq!(segment("llvm/gvn"), "llvm%2Fgvn");
        assert_eq!(segment("gcc/--param=max-unroll-times"), "gcc%2F--param%3Dmax-unroll-times");
        assert_eq!(segment("0123abcd"), "0123abcd");
        assert_eq!(segment("a b?#"), "a%20b%3F%23");
    }

    #[test]
    fn error_bodies_become_refusals() {
        let e = status_error(403, r#"{"error":"the role publisher is too low","field":null}"#);
        assert_eq!(e.to_string(), "the registry refused (403): the role publisher is too low");
        assert_eq!(e.status(), Some(403));
        let e = status_error(400, r#"{"error":"not a plan","field":"attestation.payload"}"#);
        assert_eq!(
            e.to_string(),
            "the registry refused (400): not a plan (at `attestation.payload`)"
        );
        let e = status_error(502, "<html>\n <body>Bad   gateway</body></html>");
        assert_eq!(
            e.to_string(),
            "the registry failed (502): <html> <body>Bad gateway</body></html>"
        );
        let e = status_error(401, "");
        assert_eq!(e.to_string(), "the registry refused (401): Unauthorized");
    }

    #[test]
    fn a_client_refuses_a_bad_configuration_before_any_request() {
        let e = Client::connect(&ClientConfig::new("http://registry.example:80")).unwrap_err();
        assert!(matches!(e, ClientError::Config(_)), "{e}");
        let mut config = ClientConfig::new("https://registry.example");
        config.ca = Some("/nonexistent/opm-ca.pem".into());
        let e = Client::connect(&config).unwrap_err().to_string();
        assert!(e.contains("/nonexistent/opm-ca.pem"), "{e}");
        let mut config = ClientConfig::new("http://127.0.0.1:9");
        config.timeout = std::time::Duration::ZERO;
        assert!(Client::connect(&config).is_err());
    }

    #[test]
    fn a_closed_port_is_a_connection_error_naming_the_server() {
        // A port just freed: nothing listens there.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let mut config = ClientConfig::new(format!("http://127.0.0.1:{port}"));
        config.token = Some("s3cr3t".into());
        let client = Client::connect(&config).unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"));
        let e = client.health().unwrap_err();
        assert!(matches!(e, ClientError::Connect { .. }), "{e}");
        let text = e.to_string();
        assert!(text.contains(&format!("127.0.0.1:{port}")) && !text.contains("s3cr3t"), "{text}");
    }
}
