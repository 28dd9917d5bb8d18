//! The routes of `API.md`: who is asking (a token or a client certificate), whether their role
//! and rate allow it, and the store's answer as JSON. Every refusal is a JSON body
//! `{"error": …, "field": …}` with its status.

use crate::State;
use crate::access::{Access, AccessError, Role};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, Query, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_server::tls::TlsInfo;
use opm_market::aggregate::{Release, ShareError, is_bucket};
use opm_market::attest::Envelope;
use opm_market::ledger::{Checkpoint, LedgerError};
use opm_market::registry::{Kind, Query as Search, RegistryError};
use opm_market::store::StoreError;
use opm_market::{ConformanceReport, PassSpec};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

type Shared = Arc<State>;

/// A refusal or a failure, as the client sees it.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), field: None, retry_after: None }
    }

    fn field(status: StatusCode, message: impl Into<String>, field: &str) -> ApiError {
        ApiError { field: Some(field.to_string()), ..ApiError::new(status, message) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message });
        if let Some(f) = &self.field {
            body["field"] = serde_json::Value::String(f.clone());
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> ApiError {
        let message = e.to_string();
        registry_error(&e, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let status = match &e {
            StoreError::Registry(r) => return registry_error(r, e.to_string()),
            StoreError::Ledger(l) => return ledger_error(l, e.to_string()),
            StoreError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            StoreError::Rejected(_) | StoreError::BadPlan { .. } => {
                return ApiError::field(StatusCode::BAD_REQUEST, e.to_string(), "attestation");
            }
            StoreError::Untrusted { .. } => StatusCode::FORBIDDEN,
            StoreError::UnknownKey { .. } => StatusCode::NOT_FOUND,
        };
        ApiError::new(status, e.to_string())
    }
}

fn registry_error(e: &RegistryError, message: String) -> ApiError {
    use RegistryError as R;
    let status = match e {
        R::NotFound { .. } => StatusCode::NOT_FOUND,
        R::Empty { .. } | R::NoReason { .. } | R::BadPipeline { .. } | R::NotADigest { .. } => {
            StatusCode::BAD_REQUEST
        }
        R::Open { .. } | R::Io { .. } | R::Newer { .. } | R::NotARegistry { .. } => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        R::Sqlite(_) | R::Corrupt { .. } | R::Encode { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::CONFLICT,
    };
    ApiError::new(status, message)
}

fn ledger_error(e: &LedgerError, message: String) -> ApiError {
    let status = match e {
        LedgerError::NotFound(_) => StatusCode::NOT_FOUND,
        LedgerError::Malformed { .. } => StatusCode::BAD_REQUEST,
        LedgerError::Inconsistent { .. } | LedgerError::Fork { .. } => StatusCode::CONFLICT,
        LedgerError::BadCheckpoint { .. } | LedgerError::NotIncluded { .. } => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError::new(status, message)
}

/// Who is asking.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    name: String,
    role: Role,
}

impl Caller {
    /// Refuses when the caller's role is below `role`; `what` says what was asked.
    fn need(&self, role: Role, what: &str) -> Result<(), ApiError> {
        if self.role >= role {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("`{}` has the {} role; {what} needs the {role} role", self.name, self.role),
        ))
    }
}

pub(crate) fn router(state: Shared) -> Router {
    let v1 = Router::new()
        .route("/adapters", get(adapters).post(decide_adapter))
        .route("/adapters/{name}/revoke", post(revoke_adapter))
        .route("/list", get(list))
        .route("/search", get(search))
        .route("/show/{id}", get(show))
        .route("/documents/{kind}/{digest}", get(document))
        .route("/plans", post(publish))
        .route("/plans/{id}/revoke", post(revoke_plan))
        .route("/keys", post(add_key))
        .route("/keys/{key_id}/revoke", post(revoke_key))
        .route("/ledger/checkpoint", get(checkpoint))
        .route("/ledger/entries", get(entries))
        .route("/ledger/since", get(since))
        .route("/ledger/inclusion", get(inclusion))
        .route("/ledger/consistency", get(consistency))
        .route("/signals", post(share))
        .route("/signals/cells", get(cells))
        .route("/signals/budget", get(budget))
        .route("/signals/aggregate", get(aggregate))
        .route("/signals/suggestions", get(suggestions))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .route("/v1/health", get(health))
        .nest("/v1", v1)
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route (see API.md)") })
        .layer(middleware::from_fn(log))
        .with_state(state)
}

/// One line per request on standard error: never a header, so never a token.
async fn log(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let who = response.extensions().get::<Caller>().map_or("-".to_string(), |c| c.name.clone());
    eprintln!(
        "opm-registry: {method} {path} {} {who} {:.1} ms",
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1e3
    );
    response
}

/// Identifies the caller (token first, else client certificate), applies the rate limit, and
/// hands the caller to the route.
async fn authenticate(
    axum::extract::State(state): axum::extract::State<Shared>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = match identify(&state, request.headers(), request.extensions().get()).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Err(not_until) = state.limiter.check_key(&caller.name) {
        let wait = not_until
            .wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("`{}` is over its rate limit; retry in {} ms", caller.name, wait.as_millis()),
        );
        e.retry_after = Some(wait.as_secs().max(1));
        return e.into_response();
    }
    request.extensions_mut().insert(caller.clone());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(caller);
    response
}

async fn identify(
    state: &Shared,
    headers: &HeaderMap,
    tls: Option<&Arc<TlsInfo>>,
) -> Result<Caller, ApiError> {
    let unauthorized = |m: String| ApiError::new(StatusCode::UNAUTHORIZED, m);
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                unauthorized("the Authorization header must be `Bearer TOKEN`".to_string())
            })?
            .to_string();
        let path = state.access.clone();
        let checked = blocking(move || Access::open(&path).and_then(|a| a.check(&token))).await?;
        return match checked {
            Ok((name, role)) => Ok(Caller { name, role }),
            Err(AccessError::Unknown) => {
                Err(unauthorized("the token is not one this registry issued".into()))
            }
            Err(e @ AccessError::Revoked { .. }) => Err(unauthorized(e.to_string())),
            Err(e) => Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
        };
    }
    // rustls has verified the chain against the client CA before any request is read.
    if let Some(der) = tls.and_then(|t| t.peer_certificates.first()) {
        return from_certificate(der).ok_or_else(|| {
            unauthorized("the client certificate has no common name to identify it by".into())
        });
    }
    Err(unauthorized(
        "no credentials: send `Authorization: Bearer TOKEN` or a client certificate from the \
         registry's CA"
            .into(),
    ))
}

/// The common name and role (organizational unit; reader when it names none) of a client
/// certificate.
fn from_certificate(der: &[u8]) -> Option<Caller> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let subject = cert.subject();
    let name = subject.iter_common_name().next()?.as_str().ok()?.to_string();
    let role = subject
        .iter_organizational_unit()
        .filter_map(|ou| ou.as_str().ok().and_then(Role::from_name))
        .max()
        .unwrap_or(Role::Reader);
    Some(Caller { name: format!("cert:{name}"), role })
}

/// Runs store work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the request's work failed: {e}"))
    })
}

/// The body as `T`, within the size limit; a malformed body names the field.
async fn read_json<T: DeserializeOwned>(state: &State, body: Body) -> Result<T, ApiError> {
    let bytes: Bytes = axum::body::to_bytes(body, state.body_limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is over the limit of {} bytes", state.body_limit),
        )
    })?;
    decode(&bytes)
}

/// A request body as JSON of `T`: a malformed one names the field at fault.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // A missing field is reported at its parent: name it from the message.
        let missing = inner
            .to_string()
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(|name| if path == "." { name.to_string() } else { format!("{path}.{name}") });
        let field = missing.or(if path == "." { None } else { Some(path) });
        ApiError {
            field,
            ..ApiError::new(StatusCode::BAD_REQUEST, format!("malformed JSON body: {inner}"))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("malformed JSON body: {e}")))?;
    Ok(value)
}

fn json<T: serde::Serialize>(value: &T) -> Response {
    axum::Json(value).into_response()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A query parameter as an unsigned number; a malformed one names the parameter.
fn number(q: &HashMap<String, String>, name: &str) -> Result<Option<u64>, ApiError> {
    q.get(name)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                ApiError::field(
                    StatusCode::BAD_REQUEST,
                    format!("`{name}` must be a whole number, not `{v}`"),
                    name,
                )
            })
        })
        .transpose()
}

async fn health(axum::extract::State(state): axum::extract::State<Shared>) -> Response {
    let store = state.store.clone();
    let size = blocking(move || store.ledger().and_then(|l| Ok(l.size()?))).await;
    let size = match size {
        Ok(Ok(n)) => Some(n),
        _ => None,
    };
    json(
        &serde_json::json!({ "ok": size.is_some(), "version": env!("CARGO_PKG_VERSION"), "ledger_size": size }),
    )
}

type S = axum::extract::State<Shared>;

async fn adapters(axum::extract::State(state): S) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let list = blocking(move || store.registry().and_then(|r| Ok(r.adapters()?))).await??;
    Ok(json(&list))
}

async fn list(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let kind = match q.get("kind") {
        Some(k) => Some(Kind::from_name(k).ok_or_else(|| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                format!("unknown kind `{k}` (adapter, spec, plan or problem)"),
                "kind",
            )
        })?),
        None => None,
    };
    let store = state.store.clone();
    let list = blocking(move || store.registry().and_then(|r| Ok(r.list(kind)?))).await??;
    Ok(json(&list))
}

async fn search(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let level = match q.get("level") {
        Some(l) => Some(serde_json::from_value(serde_json::Value::String(l.clone())).map_err(
            |_| {
                ApiError::field(
                    StatusCode::BAD_REQUEST,
                    format!("`{l}` is not a level (module, cgscc, function, loop, loop-mssa, setting, flag)"),
                    "level",
                )
            },
        )?),
        None => None,
    };
    let all = match q.get("all").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                format!("`all` must be true or false, not `{other}`"),
                "all",
            ));
        }
    };
    let query = Search {
        text: q.get("text").cloned(),
        adapter: q.get("adapter").cloned(),
        level,
        improved: q.get("improved").cloned(),
        include_revoked: all,
    };
    let store = state.store.clone();
    let list = blocking(move || store.registry().and_then(|r| Ok(r.search(&query)?))).await??;
    Ok(json(&list))
}

async fn show(
    axum::extract::State(state): S,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let key = id.clone();
    let shown = blocking(move || store.registry().and_then(|r| Ok(r.show(&key)?))).await??;
    match shown {
        Some(s) => Ok(json(&s)),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, format!("nothing registered as `{id}`"))),
    }
}

async fn document(
    axum::extract::State(state): S,
    Path((kind, digest)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let (k, d) = (kind.clone(), digest.clone());
    match blocking(move || store.kept(&k, &d)).await?? {
        Some(text) => Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response()),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, format!("no {kind} document {digest}"))),
    }
}

/// The request bodies the routes read, decoded and checked as the routes do before anything
/// reaches the store: `publish` (an attestation and its signer's key, the signature
/// verified), `key`, `admit`, `share` and `why` (a revocation's reason). The registry's fuzz
/// target enters here; `Err` is the refusal's message, as the client would read it.
pub fn check_request_body(route: &str, bytes: &[u8]) -> Result<(), String> {
    let key = |text: &str| {
        opm_market::keys::read_public(text)
            .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, e.to_string(), "public_key"))
    };
    let checked = match route {
        "publish" => decode::<PublishBody>(bytes).and_then(|b| {
            let signer = key(&b.public_key)?;
            b.attestation
                .verify(&signer)
                .map(drop)
                .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))
        }),
        "key" => decode::<KeyBody>(bytes).and_then(|b| key(&b.public_key).map(drop)),
        "admit" => decode::<AdmitBody>(bytes).map(drop),
        "share" => decode::<ShareBody>(bytes).and_then(|b| check_bucket(&b.bucket, "bucket")),
        "why" => decode::<Why>(bytes).map(drop),
        other => return Err(format!("no route reads a `{other}` body")),
    };
    checked.map_err(|e| e.message)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishBody {
    attestation: Envelope,
    public_key: String,
}

async fn publish(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Publisher, "publishing a plan")?;
    let body: PublishBody = read_json(&state, body).await?;
    let signer = opm_market::keys::read_public(&body.public_key)
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, e.to_string(), "public_key"))?;
    let _writing = state.writes.lock().await;
    let shared = state.clone();
    let published =
        blocking(move || shared.store.publish(&body.attestation, &signer, &shared.key, now()))
            .await??;
    Ok(json(&serde_json::json!({
        "plan": published.plan,
        "attestation_sha256": published.attestation_sha256,
        "new": published.new,
        "checkpoint": published.checkpoint,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Why {
    why: String,
}

async fn revoke_plan(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Admin, "revoking a plan")?;
    let Why { why } = read_json(&state, body).await?;
    let _writing = state.writes.lock().await;
    let shared = state.clone();
    let cp = blocking(move || shared.store.revoke_plan(&id, &why, &shared.key, now())).await??;
    Ok(json(&serde_json::json!({ "checkpoint": cp })))
}

async fn revoke_adapter(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Admin, "revoking an adapter")?;
    let Why { why } = read_json(&state, body).await?;
    let _writing = state.writes.lock().await;
    let shared = state.clone();
    let cp =
        blocking(move || shared.store.revoke_adapter(&name, &why, &shared.key, now())).await??;
    Ok(json(&serde_json::json!({ "checkpoint": cp })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdmitBody {
    report: ConformanceReport,
    specs: Vec<PassSpec>,
}

async fn decide_adapter(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Admin, "admitting an adapter")?;
    let body: AdmitBody = read_json(&state, body).await?;
    let _writing = state.writes.lock().await;
    let shared = state.clone();
    let (decision, cp) = blocking(move || {
        shared.store.decide_adapter(&body.report, &body.specs, &shared.key, now())
    })
    .await??;
    Ok(json(&serde_json::json!({ "decision": decision, "checkpoint": cp })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyBody {
    public_key: String,
}

async fn add_key(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Admin, "adding a key")?;
    let KeyBody { public_key } = read_json(&state, body).await?;
    let public = opm_market::keys::read_public(&public_key)
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, e.to_string(), "public_key"))?;
    let _writing = state.writes.lock().await;
    let shared = state.clone();
    let cp = blocking(move || shared.store.add_key(&public, &shared.key, now())).await??;
    Ok(json(&serde_json::json!({ "checkpoint": cp })))
}

async fn revoke_key(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    Path(key_id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Admin, "revoking a key")?;
    let Why { why } = read_json(&state, body).await?;
    let _writing = state.writes.lock().await;
    let shared = state.clone();
    let cp = blocking(move || shared.store.revoke_key(&key_id, &why, &shared.key, now())).await??;
    Ok(json(&serde_json::json!({ "checkpoint": cp })))
}

async fn checkpoint(axum::extract::State(state): S) -> Result<Response, ApiError> {
    let store = state.store.clone();
    match blocking(move || store.ledger().and_then(|l| Ok(l.latest_checkpoint()?))).await?? {
        Some(cp) => Ok(json(&cp)),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "the ledger is empty: no checkpoint yet")),
    }
}

/// The most entries one request returns.
const ENTRIES_PER_REQUEST: u64 = 10_000;

async fn entries(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let from = number(&q, "from")?.unwrap_or(0);
    let to = number(&q, "to")?;
    let store = state.store.clone();
    let list = blocking(move || {
        let ledger = store.ledger()?;
        let size = ledger.size()?;
        let to = to.unwrap_or(size).min(size).min(from.saturating_add(ENTRIES_PER_REQUEST));
        Ok::<_, StoreError>(ledger.entries(from.min(to), to)?)
    })
    .await??;
    Ok(json(&list))
}

async fn since(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let size = number(&q, "size")?.unwrap_or(0);
    let theirs = match q.get("root") {
        Some(root) => Checkpoint { size, root: root.clone(), ..Checkpoint::empty() },
        None if size == 0 => Checkpoint::empty(),
        None => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "`root` is needed with a size above 0",
                "root",
            ));
        }
    };
    let store = state.store.clone();
    let bundle = blocking(move || store.ledger().and_then(|l| Ok(l.since(&theirs)?))).await??;
    Ok(json(&bundle))
}

/// The latest size when none is asked for, and the checkpoint of a size.
fn checkpoint_of(
    ledger: &opm_market::ledger::Ledger,
    size: Option<u64>,
) -> Result<(u64, Checkpoint), StoreError> {
    let checkpoints = ledger.checkpoints()?;
    let size = match size {
        Some(s) => s,
        None => checkpoints.last().map_or(0, |c| c.size),
    };
    let cp = checkpoints.into_iter().find(|c| c.size == size).ok_or_else(|| {
        StoreError::Ledger(LedgerError::NotFound(format!("no checkpoint of size {size}")))
    })?;
    Ok((size, cp))
}

async fn inclusion(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let index = number(&q, "index")?
        .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, "`index` is needed", "index"))?;
    let size = number(&q, "size")?;
    let store = state.store.clone();
    let doc = blocking(move || {
        let ledger = store.ledger()?;
        let (size, cp) = checkpoint_of(&ledger, size)?;
        let proof = ledger.prove_inclusion(index, size)?;
        Ok::<_, StoreError>(serde_json::json!({ "inclusion": proof, "checkpoint": cp }))
    })
    .await??;
    Ok(json(&doc))
}

async fn consistency(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let old = number(&q, "old")?
        .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, "`old` is needed", "old"))?;
    let size = number(&q, "size")?;
    let store = state.store.clone();
    let doc = blocking(move || {
        let ledger = store.ledger()?;
        let (size, new) = checkpoint_of(&ledger, size)?;
        let (_, old_cp) = checkpoint_of(&ledger, Some(old))?;
        let proof = ledger.prove_consistency(old, size)?;
        Ok::<_, StoreError>(serde_json::json!({ "consistency": proof, "old": old_cp, "new": new }))
    })
    .await??;
    Ok(json(&doc))
}

fn share_error(e: ShareError) -> ApiError {
    match e {
        // Says how much is left, never whose budget it is.
        ShareError::Exhausted { remaining, asked, .. } => ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "privacy budget exhausted: a contributor of this cell has ε {} left, and a \
                 release costs {asked}",
                (remaining * 1e6).round() / 1e6
            ),
        ),
        ShareError::BadValue { .. } => {
            ApiError::field(StatusCode::BAD_REQUEST, e.to_string(), "ratio")
        }
        ShareError::NoShares { .. } => ApiError::new(StatusCode::NOT_FOUND, e.to_string()),
        ShareError::Empty { .. } => ApiError::new(StatusCode::BAD_REQUEST, e.to_string()),
        other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}

fn locked<T>(m: &std::sync::Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, ApiError> {
    m.lock().map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "a lock was poisoned"))
}

fn bucket_param(q: &HashMap<String, String>) -> Result<String, ApiError> {
    let b = q
        .get("bucket")
        .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, "`bucket` is needed", "bucket"))?;
    check_bucket(b, "bucket")?;
    Ok(b.clone())
}

fn check_bucket(b: &str, field: &str) -> Result<(), ApiError> {
    if is_bucket(b) {
        return Ok(());
    }
    Err(ApiError::field(
        StatusCode::BAD_REQUEST,
        format!(
            "`{b}` is not a feature bucket (s{{size}}-l{{0|1}}-c{{0|1}}-m{{i|f|m}}, e.g. s8-l1-c0-mi)"
        ),
        field,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareBody {
    bucket: String,
    plan: String,
    ratio: f64,
}

/// A contributor's ratio for a published plan on a program of a bucket.
async fn share(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.need(Role::Publisher, "sharing a signal")?;
    let body: ShareBody = read_json(&state, body).await?;
    check_bucket(&body.bucket, "bucket")?;
    let shared = state.clone();
    blocking(move || {
        let plan = shared.store.registry()?.show(&body.plan)?;
        if !matches!(plan, Some(ref p) if p.kind == Kind::Plan && p.revoked.is_none()) {
            return Err(ApiError::field(
                StatusCode::NOT_FOUND,
                format!("no published plan `{}`", body.plan),
                "plan",
            ));
        }
        locked(&shared.pool)?
            .share(&caller.name, &body.bucket, &body.plan, body.ratio)
            .map_err(share_error)?;
        let mut cache = locked(&shared.releases)?;
        *cache.generation.entry((body.bucket, body.plan)).or_default() += 1;
        Ok(())
    })
    .await??;
    Ok(json(&serde_json::json!({ "shared": true })))
}

/// The cells (bucket, plan) that have shares: names only.
async fn cells(axum::extract::State(state): S) -> Result<Response, ApiError> {
    let shared = state.clone();
    let cells = blocking(move || locked(&shared.pool)?.cells().map_err(share_error)).await??;
    let list: Vec<_> =
        cells.into_iter().map(|(b, p)| serde_json::json!({ "bucket": b, "plan": p })).collect();
    Ok(json(&list))
}

/// The caller's own remaining budget as a contributor.
async fn budget(
    axum::extract::State(state): S,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    let shared = state.clone();
    let name = caller.name.clone();
    let remaining =
        blocking(move || locked(&shared.pool)?.remaining(&name).map_err(share_error)).await??;
    Ok(json(&serde_json::json!({ "contributor": caller.name, "remaining": remaining })))
}

/// A cell's release: the one made since its last share, else a new one (which spends).
fn release_of(state: &State, bucket: &str, plan: &str) -> Result<(Release, bool), ApiError> {
    let key = (bucket.to_string(), plan.to_string());
    let generation = {
        let cache = locked(&state.releases)?;
        let generation = cache.generation.get(&key).copied().unwrap_or(0);
        if let Some((made, release)) = cache.made.get(&key)
            && *made == generation
        {
            return Ok((release.clone(), false));
        }
        generation
    };
    let release =
        locked(&state.pool)?.release(bucket, plan, state.release_epsilon).map_err(share_error)?;
    locked(&state.releases)?.made.insert(key, (generation, release.clone()));
    Ok((release, true))
}

async fn aggregate(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let bucket = bucket_param(&q)?;
    let plan = q
        .get("plan")
        .cloned()
        .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, "`plan` is needed", "plan"))?;
    let shared = state.clone();
    let (release, new) = blocking(move || release_of(&shared, &bucket, &plan)).await??;
    Ok(json(&serde_json::json!({ "release": release, "new": new })))
}

/// The plans shared for a bucket, best first by their released mean ratio (lower is better),
/// with their pipelines; cells whose release is refused are counted, not shown.
async fn suggestions(
    axum::extract::State(state): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let bucket = bucket_param(&q)?;
    let limit = number(&q, "limit")?.unwrap_or(20).min(200) as usize;
    let shared = state.clone();
    let doc = blocking(move || {
        let cells = locked(&shared.pool)?.cells().map_err(share_error)?;
        let registry = shared.store.registry()?;
        let mut found = Vec::new();
        let mut withheld = 0usize;
        for (b, plan) in cells.into_iter().filter(|(b, _)| *b == bucket) {
            let Some(shown) = registry.show(&plan)? else { continue };
            if shown.revoked.is_some() {
                continue;
            }
            let opm_market::registry::Stored::Plan(p) = shown.contract else { continue };
            match release_of(&shared, &b, &plan) {
                Ok((release, _)) => found.push((p, release)),
                Err(_) => withheld += 1,
            }
        }
        found.sort_by(|a, b| {
            a.1.mean.total_cmp(&b.1.mean).then_with(|| a.1.high.total_cmp(&b.1.high))
        });
        found.truncate(limit);
        let plans: Vec<_> = found
            .into_iter()
            .map(|(p, r)| {
                serde_json::json!({
                    "plan": p.id, "backend": p.backend, "pipeline": p.pipeline, "release": r
                })
            })
            .collect();
        Ok::<_, ApiError>(
            serde_json::json!({ "bucket": bucket, "plans": plans, "withheld": withheld }),
        )
    })
    .await??;
    Ok(json(&doc))
}
