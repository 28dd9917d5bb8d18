//! [`ClientConfig`]: where the registry server is and how to reach it, checked before any
//! connection: the URL (https, or http to this machine only), the CA to trust, the client
//! certificate, the token.

use crate::ClientError;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

/// How long one request may take, connection and answer included, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The registry server to talk to, and how.
#[derive(Clone)]
pub struct ClientConfig {
    /// `https://HOST:PORT` (a path prefix is kept; a trailing `/v1` is the API's own and is
    /// dropped). `http://` is accepted only for a loopback host (`127.0.0.1`, `::1`,
    /// `localhost`): the server's `--insecure-loopback` mode.
    pub url: String,
    /// A PEM file of the CA certificates to trust instead of the system's roots.
    pub ca: Option<PathBuf>,
    /// The bearer token (`Authorization: Bearer …`); never printed nor logged.
    pub token: Option<String>,
    /// A client certificate (PEM, with its chain) and its private key (PEM), presented when
    /// the server asks for one.
    pub identity: Option<(PathBuf, PathBuf)>,
    /// How long one request may take, from connecting to the last byte of the answer.
    pub timeout: Duration,
}

impl ClientConfig {
    /// The server at `url`, trusted through the system's roots, no credentials, the default
    /// timeout.
    pub fn new(url: impl Into<String>) -> ClientConfig {
        ClientConfig {
            url: url.into(),
            ca: None,
            token: None,
            identity: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// The token is a secret: it is never printed, not even by `{:?}`.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("url", &self.url)
            .field("ca", &self.ca)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("identity", &self.identity)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A server's URL as checked: the base the routes go under, and whether it is this
/// machine's plain-HTTP loopback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `scheme://authority[/prefix]`, no trailing slash.
    pub base: String,
    /// `http://` to a loopback host.
    pub insecure_loopback: bool,
    /// The host is a loopback one (no proxy is ever used for it).
    pub loopback: bool,
}

/// Checks `url` ([`ClientConfig::url`]).
pub(crate) fn endpoint(url: &str) -> Result<Endpoint, ClientError> {
    let bad = |why: &str| ClientError::Config(format!("the registry URL `{url}`: {why}"));
    let trimmed = url.trim();
    let uri: ureq::http::Uri =
        trimmed.parse().map_err(|e: ureq::http::uri::InvalidUri| bad(&e.to_string()))?;
    let scheme = uri.scheme_str().ok_or_else(|| bad("give it as https://HOST:PORT"))?;
    let authority = uri.authority().ok_or_else(|| bad("give it as https://HOST:PORT"))?;
    if authority.as_str().contains('@') {
        return Err(bad("credentials do not go in the URL; give a token or a client certificate"));
    }
    if uri.query().is_some() {
        return Err(bad("it must not have a query"));
    }
    let host = authority.host().trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let insecure_loopback = match scheme {
        "https" => false,
        "http" if loopback => true,
        "http" => {
            return Err(bad(
                "plain http is accepted only for this machine (127.0.0.1, ::1, localhost); \
                 use https",
            ));
        }
        other => return Err(bad(&format!("the scheme must be https, not {other}"))),
    };
    let mut path = uri.path().trim_end_matches('/');
    if let Some(prefix) = path.strip_suffix("/v1") {
        path = prefix;
    }
    Ok(Endpoint {
        base: format!("{scheme}://{}{path}", authority.as_str()),
        insecure_loopback,
        loopback,
    })
}

/// The TLS settings of `config`: its CA alone, or the platform's verifier; its client
/// certificate, if any.
pub(crate) fn tls(config: &ClientConfig, endpoint: &Endpoint) -> Result<TlsConfig, ClientError> {
    if endpoint.insecure_loopback && (config.ca.is_some() || config.identity.is_some()) {
        return Err(ClientError::Config(format!(
            "{} is plain http: a CA or a client certificate means nothing there; give the \
             server's https:// URL",
            endpoint.base
        )));
    }
    let roots = match &config.ca {
        Some(path) => {
            let certs = certificates(path, "CA certificate")?;
            RootCerts::Specific(Arc::new(certs))
        }
        None => RootCerts::PlatformVerifier,
    };
    let client_cert = match &config.identity {
        Some((cert, key)) => {
            let chain = certificates(cert, "client certificate")?;
            Some(ClientCert::new_with_certs(&chain, private_key(key)?))
        }
        None => None,
    };
    Ok(TlsConfig::builder().root_certs(roots).client_cert(client_cert).build())
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, ClientError> {
    std::fs::read(path)
        .map_err(|e| ClientError::Config(format!("the {what} file {}: {e}", path.display())))
}

/// Every certificate of the PEM file at `path`; at least one.
fn certificates(path: &Path, what: &str) -> Result<Vec<Certificate<'static>>, ClientError> {
    let pem = read(path, what)?;
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => out.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(ClientError::Config(format!(
                    "the {what} file {}: not PEM: {e}",
                    path.display()
                )));
            }
        }
    }
    if out.is_empty() {
        return Err(ClientError::Config(format!(
            "the {what} file {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(out)
}

/// The first private key of the PEM file at `path`.
fn private_key(path: &Path) -> Result<PrivateKey<'static>, ClientError> {
    let what = "client key";
    let pem = read(path, what)?;
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::PrivateKey(k)) => return Ok(k),
            Ok(_) => {}
            Err(e) => {
                return Err(ClientError::Config(format!(
                    "the {what} file {}: not PEM: {e}",
                    path.display()
                )));
            }
        }
    }
    Err(ClientError::Config(format!(
        "the {what} file {}: no PEM private key in it (PKCS#8, PKCS#1 or SEC1)",
        path.display()
    )))
}

/// Checks that `token` can be sent as a header value, without saying what it is.
pub(crate) fn check_token(token: &str) -> Result<(), ClientError> {
    if token.is_empty() {
        return Err(ClientError::Config("the registry token is empty".into()));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ClientError::Config(
            "the registry token must be printable ASCII without spaces (it is not shown here)"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        let e = endpoint("https://registry.example:8443").unwrap();
        assert_eq!(e.base, "https://registry.example:8443");
        assert!(!e.insecure_loopback && !e.loopback);
        for url in ["http://127.0.0.1:7000", "http://localhost:7000/", "http://[::1]:7000"] {
            let e = endpoint(url).unwrap();
            assert!(e.insecure_loopback && e.loopback, "{url}");
        }
        for url in ["http://registry.example:8000", "http://10.0.0.1", "http://0.0.0.0:80"] {
            let e = endpoint(url).unwrap_err().to_string();
            assert!(e.contains("plain http is accepted only for this machine"), "{url}: {e}");
        }
    }

    #[test]
    fn the_url_keeps_a_prefix_and_drops_the_apis_own_v1() {
        assert_eq!(endpoint("https://h:1/v1/").unwrap().base, "https://h:1");
        assert_eq!(endpoint("https://h:1/market/").unwrap().base, "https://h:1/market");
        assert_eq!(endpoint(" https://h ").unwrap().base, "https://h");
    }

    #[test]
    fn malformed_urls_are_refused() {
        for (url, why) in [
            ("registry.example:8443", "https://HOST:PORT"),
            ("ftp://h", "the scheme must be https"),
            ("https://user:pw@h", "credentials do not go in the URL"),
            ("https://h/?a=b", "must not have a query"),
            ("", "the registry URL"),
        ] {
            let e = endpoint(url).unwrap_err().to_string();
            assert!(e.contains(why), "{url}: {e}");
        }
    }

    #[test]
    fn missing_and_empty_pem_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-ca.pem");
        let mut config = ClientConfig::new("https://h:1");
        config.ca = Some(missing.clone());
        let e = endpoint(&config.url).and_then(|e| tls(&config, &e)).unwrap_err().to_string();
        assert!(e.contains("the CA certificate file") && e.contains("no-such-ca.pem"), "{e}");

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        config.ca = Some(empty);
        let e = endpoint(&config.url).and_then(|e| tls(&config, &e)).unwrap_err().to_string();
        assert!(e.contains("empty.pem: no PEM certificate"), "{e}");

        config.ca = None;
        config.identity = Some((dir.path().join("me.pem"), dir.path().join("me.key")));
        let e = endpoint(&config.url).and_then(|e| tls(&config, &e)).unwrap_err().to_string();
        assert!(e.contains("the client certificate file") && e.contains("me.pem"), "{e}");
    }

    #[test]
    fn tls_settings_on_plain_http_are_refused() {
        let mut config = ClientConfig::new("http://127.0.0.1:9");
        config.ca = Some("ca.pem".into());
        let e = endpoint(&config.url).and_then(|e| tls(&config, &e)).unwrap_err().to_string();
        assert!(e.contains("plain http"), "{e}");
    }

    #[test]
    fn the_token_is_checked_and_never_shown() {
        assert!(check_token("abc.DEF-123_~").is_ok());
        let e = check_token("sec ret").unwrap_err().to_string();
        assert!(!e.contains("sec ret"), "{e}");
        assert!(check_token("").is_err());
        let mut config = ClientConfig::new("https://h");
        config.token = Some("s3cr3t-token".into());
        assert!(!format!("{config:?}").contains("s3cr3t"));
    }
}
