//! The client against a stand-in server on 127.0.0.1 that answers each connection once,
//! as told, and hands back the requests it got: TLS with a CA made here (trusted, unknown,
//! a certificate for another name, a client certificate required), the routes' paths,
//! queries and bodies, and the errors' bodies. The registry server's own tests are end to
//! end, against the real server.

use opm_client::{Client, ClientConfig, ClientError};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A CA: its certificate's PEM and DER, and what signs with it.
struct Ca {
    pem: String,
    der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca { pem: cert.pem(), der: cert.der().clone(), issuer: Issuer::new(params, key) }
}

/// A leaf certificate for `names`, issued by `ca`: its PEM, DER and key.
struct Leaf {
    pem: String,
    der: CertificateDer<'static>,
    key: KeyPair,
}

fn leaf(ca: &Ca, names: &[&str], usage: ExtendedKeyUsagePurpose) -> Leaf {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("client"));
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    Leaf { pem: cert.pem(), der: cert.der().clone(), key }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server's TLS: `server`'s certificate; with `clients`, a client certificate issued by
/// that CA is required.
fn server_tls(server: &Leaf, clients: Option<&Ca>) -> Arc<rustls::ServerConfig> {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match clients {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.der.clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                roots.into(),
                provider(),
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server.key.serialize_der()));
    Arc::new(builder.with_single_cert(vec![server.der.clone()], key).unwrap())
}

/// One request as the server read it: the request line, the headers (names lowercased),
/// the body.
#[derive(Debug)]
struct Request {
    line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 answering one connection per answer, in order; the thread returns
/// what it read from each (an error for a connection that broke, such as a refused
/// handshake).
fn serve(
    tls: Option<Arc<rustls::ServerConfig>>,
    answers: Vec<(u16, String)>,
) -> (u16, JoinHandle<Vec<Result<Request, String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut got = Vec::new();
        for (status, body) in answers {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let result = match &tls {
                Some(config) => {
                    let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                    answer(rustls::StreamOwned::new(conn, tcp), status, &body)
                }
                None => answer(tcp, status, &body),
            };
            got.push(result);
        }
        got
    });
    (port, handle)
}

fn answer(stream: impl Read + Write, status: u16, body: &str) -> Result<Request, String> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).map_err(|e| e.to_string())?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').ok_or_else(|| format!("bad header {h}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut bytes = vec![0; length];
    reader.read_exact(&mut bytes).map_err(|e| e.to_string())?;
    let mut stream = reader.into_inner();
    // A rate limit says when to come back, as the registry server's does.
    let retry = if status == 429 { "retry-after: 7\r\n" } else { "" };
    let reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         {retry}connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(reply.as_bytes()).map_err(|e| e.to_string())?;
    stream.flush().map_err(|e| e.to_string())?;
    Ok(Request {
        line: line.trim_end().to_string(),
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const HEALTH: &str = r#"{"ok":true,"version":"0.1.0","ledger_size":3}"#;

fn config(url: String) -> ClientConfig {
    let mut c = ClientConfig::new(url);
    c.timeout = Duration::from_secs(20);
    c
}

#[test]
fn the_ca_given_is_trusted_and_the_token_sent() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca("opm test CA");
    let server = leaf(&ca, &["127.0.0.1", "localhost"], ExtendedKeyUsagePurpose::ServerAuth);
    let (port, handle) = serve(Some(server_tls(&server, None)), vec![(200, HEALTH.into())]);
    let mut c = config(format!("https://127.0.0.1:{port}"));
    c.ca = Some(write(dir.path(), "ca.pem", &ca.pem));
    c.token = Some("tok-123".into());
    let health = Client::connect(&c).unwrap().health().unwrap();
    assert!(health.ok);
    assert_eq!(health.ledger_size, 3);
    let got = handle.join().unwrap().pop().unwrap().unwrap();
    assert_eq!(got.line, "GET /v1/health HTTP/1.1");
    assert_eq!(got.header("authorization"), Some("Bearer tok-123"));
}

#[test]
fn a_server_of_another_ca_is_refused_with_rustls_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (ca("ours"), ca("theirs"));
    let server = leaf(&theirs, &["127.0.0.1"], ExtendedKeyUsagePurpose::ServerAuth);
    let (port, handle) = serve(Some(server_tls(&server, None)), vec![(200, HEALTH.into())]);
    let mut c = config(format!("https://127.0.0.1:{port}"));
    c.ca = Some(write(dir.path(), "ca.pem", &ours.pem));
    c.token = Some("never-sent".into());
    let e = Client::connect(&c).unwrap().health().unwrap_err();
    assert!(matches!(e, ClientError::Connect { .. }), "{e}");
    let text = e.to_string();
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(!text.contains("never-sent"), "{text}");
    assert!(handle.join().unwrap()[0].is_err());
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca("opm test CA");
    let server = leaf(&ca, &["registry.example"], ExtendedKeyUsagePurpose::ServerAuth);
    let (port, handle) = serve(Some(server_tls(&server, None)), vec![(200, HEALTH.into())]);
    let mut c = config(format!("https://127.0.0.1:{port}"));
    c.ca = Some(write(dir.path(), "ca.pem", &ca.pem));
    let e = Client::connect(&c).unwrap().health().unwrap_err().to_string();
    assert!(e.contains("not valid for name") || e.contains("NotValidForName"), "{e}");
    assert!(handle.join().unwrap()[0].is_err());
}

#[test]
fn a_client_certificate_is_presented_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca("opm test CA");
    let server = leaf(&ca, &["localhost"], ExtendedKeyUsagePurpose::ServerAuth);
    let me = leaf(&ca, &["publisher"], ExtendedKeyUsagePurpose::ClientAuth);
    let tls = server_tls(&server, Some(&ca));
    let (port, handle) = serve(Some(tls.clone()), vec![(200, HEALTH.into())]);
    let mut c = config(format!("https://localhost:{port}"));
    c.ca = Some(write(dir.path(), "ca.pem", &ca.pem));
    c.identity = Some((
        write(dir.path(), "me.pem", &me.pem),
        write(dir.path(), "me.key", &me.key.serialize_pem()),
    ));
    assert!(Client::connect(&c).unwrap().health().unwrap().ok);
    assert!(handle.join().unwrap()[0].is_ok());

    // Without one, the server ends the handshake.
    let (port, handle) = serve(Some(tls), vec![(200, HEALTH.into())]);
    c.url = format!("https://localhost:{port}");
    c.identity = None;
    let e = Client::connect(&c).unwrap().health().unwrap_err();
    assert!(matches!(e, ClientError::Connect { .. }), "{e}");
    assert!(handle.join().unwrap()[0].is_err());
}

#[test]
fn a_key_file_without_a_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca("opm test CA");
    let me = leaf(&ca, &["publisher"], ExtendedKeyUsagePurpose::ClientAuth);
    let mut c = config("https://localhost:1".into());
    c.identity = Some((write(dir.path(), "me.pem", &me.pem), write(dir.path(), "me.key", &me.pem)));
    let e = Client::connect(&c).unwrap_err().to_string();
    assert!(e.contains("me.key: no PEM private key"), "{e}");
}

#[test]
fn routes_paths_queries_and_bodies() {
    let listing = r#"[{"kind":"spec","id":"llvm/gvn","summary":"GVN"}]"#;
    let cp = r#"{"size":4,"root":"00","key_id":"k","signature":"s"}"#;
    let (port, handle) = serve(
        None,
        vec![
            (200, listing.into()),
            (200, listing.into()),
            (404, r#"{"error":"nothing registered as `llvm/none`"}"#.into()),
            (200, format!(r#"{{"checkpoint":{cp}}}"#)),
            (403, r#"{"error":"the role reader is too low for this","field":null}"#.into()),
            (404, r#"{"error":"the ledger is empty"}"#.into()),
            (400, r#"{"error":"not a number","field":"size"}"#.into()),
            (200, "[]".into()),
        ],
    );
    let client = Client::connect(&config(format!("http://127.0.0.1:{port}/"))).unwrap();
    assert_eq!(client.url(), format!("http://127.0.0.1:{port}"));

    let list = client.list(Some(opm_market::registry::Kind::Spec)).unwrap();
    assert_eq!(list[0].id, "llvm/gvn");
    let query = opm_market::registry::Query {
        text: Some("loop unroll".into()),
        level: Some(serde_json::from_value(serde_json::json!("loop-mssa")).unwrap()),
        include_revoked: true,
        ..Default::default()
    };
    assert_eq!(client.search(&query).unwrap().len(), 1);
    assert!(client.show("llvm/none").unwrap().is_none());
    assert_eq!(client.revoke_plan("0123abcd", "it miscompiles").unwrap().size, 4);
    let e = client.revoke_key("kid", "lost").unwrap_err();
    assert_eq!(e.to_string(), "the registry refused (403): the role reader is too low for this");
    assert!(client.checkpoint().unwrap().is_none());
    let e = client.inclusion(1, Some(2)).unwrap_err();
    assert_eq!(e.to_string(), "the registry refused (400): not a number (at `size`)");
    assert!(client.entries(5, 7).unwrap().is_empty());

    let got: Vec<Request> = handle.join().unwrap().into_iter().map(Result::unwrap).collect();
    let lines: Vec<&str> = got.iter().map(|r| r.line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "GET /v1/list?kind=spec HTTP/1.1",
            "GET /v1/search?text=loop%20unroll&level=loop-mssa&all=true HTTP/1.1",
            "GET /v1/show/llvm%2Fnone HTTP/1.1",
            "POST /v1/plans/0123abcd/revoke HTTP/1.1",
            "POST /v1/keys/kid/revoke HTTP/1.1",
            "GET /v1/ledger/checkpoint HTTP/1.1",
            "GET /v1/ledger/inclusion?index=1&size=2 HTTP/1.1",
            "GET /v1/ledger/entries?from=5&to=7 HTTP/1.1",
        ]
    );
    assert!(got.iter().all(|r| r.header("authorization").is_none()));
    let body: serde_json::Value = serde_json::from_str(&got[3].body).unwrap();
    assert_eq!(body, serde_json::json!({ "why": "it miscompiles" }));
    assert_eq!(got[3].header("content-type"), Some("application/json"));
}

#[test]
fn a_rate_limit_says_when_to_retry_and_a_malformed_answer_is_a_decode_error() {
    let (port, handle) = serve(None, vec![(429, r#"{"error":"too many requests"}"#.into())]);
    let client = Client::connect(&config(format!("http://localhost:{port}"))).unwrap();
    let e = client.adapters().unwrap_err();
    assert_eq!(e.to_string(), "the registry refused (429): too many requests (retry after 7 s)");
    handle.join().unwrap();

    let (port, handle) = serve(None, vec![(200, "{\"ok\": tru".into())]);
    let client = Client::connect(&config(format!("http://localhost:{port}"))).unwrap();
    let e = client.health().unwrap_err();
    assert!(matches!(e, ClientError::Decode { .. }), "{e}");
    handle.join().unwrap();
}
