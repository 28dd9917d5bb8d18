//! A registry's own certificate authority, for a deployment without one: `opm-registry ca`
//! makes the CA, `opm-registry cert server|client` issues certificates from it (ECDSA P-256,
//! by rcgen). A client certificate names its holder (the common name) and its role (the
//! organizational unit), which the server reads when it runs with `--client-ca`.

use crate::access::Role;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CertError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: exists already; remove it first to make a new one", path.display())]
    Exists { path: PathBuf },
    #[error("certificate: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("`{0}` is neither a DNS name nor an IP address")]
    BadName(String),
}

/// A PEM certificate and its PEM private key.
pub struct Issued {
    pub cert: String,
    pub key: String,
}

/// A new self-signed CA named `name`, valid for ten years.
pub fn new_ca(name: &str) -> Result<Issued, CertError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = dn(name, None);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut params, 3650);
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok(Issued { cert: cert.pem(), key: key.serialize_pem() })
}

/// A server certificate for `names` (DNS names or IP addresses), valid for a year.
pub fn server_cert(ca: &Issued, names: &[String]) -> Result<Issued, CertError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    for n in names {
        let san = match n.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => {
                SanType::DnsName(n.clone().try_into().map_err(|_| CertError::BadName(n.clone()))?)
            }
        };
        params.subject_alt_names.push(san);
    }
    params.distinguished_name = dn(names.first().map_or("opm-registry", String::as_str), None);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    validity(&mut params, 365);
    issue(ca, &params)
}

/// A client certificate for `name` with `role`, valid for a year.
pub fn client_cert(ca: &Issued, name: &str, role: Role) -> Result<Issued, CertError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = dn(name, Some(role));
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    validity(&mut params, 365);
    issue(ca, &params)
}

fn issue(ca: &Issued, params: &CertificateParams) -> Result<Issued, CertError> {
    let ca_key = KeyPair::from_pem(&ca.key)?;
    let issuer = Issuer::from_ca_cert_pem(&ca.cert, ca_key)?;
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &issuer)?;
    Ok(Issued { cert: cert.pem(), key: key.serialize_pem() })
}

fn dn(common_name: &str, role: Option<Role>) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, "opm registry");
    if let Some(r) = role {
        dn.push(DnType::OrganizationalUnitName, r.name());
    }
    dn
}

fn validity(params: &mut CertificateParams, days: i64) {
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    params.not_before = now - std::time::Duration::from_secs(3600);
    params.not_after = now + std::time::Duration::from_secs(days as u64 * 86_400);
}

/// Reads a CA written by [`write`] from `dir` (`ca.pem`, `ca.key`).
pub fn read_ca(dir: &Path) -> Result<Issued, CertError> {
    let read = |p: PathBuf| {
        std::fs::read_to_string(&p).map_err(|source| CertError::Io { path: p, source })
    };
    Ok(Issued { cert: read(dir.join("ca.pem"))?, key: read(dir.join("ca.key"))? })
}

/// Writes `issued` as `stem.pem` and `stem.key` (the key readable by its owner only);
/// refuses to overwrite either.
pub fn write(issued: &Issued, dir: &Path, stem: &str) -> Result<(PathBuf, PathBuf), CertError> {
    std::fs::create_dir_all(dir)
        .map_err(|source| CertError::Io { path: dir.to_path_buf(), source })?;
    let cert = dir.join(format!("{stem}.pem"));
    let key = dir.join(format!("{stem}.key"));
    for p in [&cert, &key] {
        if p.exists() {
            return Err(CertError::Exists { path: p.clone() });
        }
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CertError::Io { path, source }
    };
    std::fs::write(&cert, &issued.cert).map_err(io(&cert))?;
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&key)
            .map_err(io(&key))?;
        f.write_all(issued.key.as_bytes()).map_err(io(&key))?;
    }
    Ok((cert, key))
}
