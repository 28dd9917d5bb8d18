//! Signing keys on disk: an Ed25519 secret key in a file only its owner may read (mode 0600),
//! its public key beside it (`KEY.pub`). Both are one line of text: a tag and the key's 32
//! bytes in hex.

use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

const SECRET_TAG: &str = "opm-ed25519-secret-key";
const PUBLIC_TAG: &str = "opm-ed25519-public-key";

/// Why a key cannot be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0} exists already; remove it first to make a new key")]
    Exists(PathBuf),
    #[error(
        "{path} is readable by others (mode {mode:04o}): a secret key must be its owner's \
         alone; chmod 600 {path}"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error("{path}: not an opm {what} key file")]
    Malformed { path: PathBuf, what: &'static str },
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io { path: path.to_path_buf(), source }
}

/// Where a secret key's public key is written: beside it, with `.pub` added.
pub fn public_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Makes a new key pair: the secret key at `path` (created with mode 0600, never over an
/// existing file) and its public key at [`public_path`].
pub fn generate(path: &Path) -> Result<SigningKey, KeyError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&secret);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(
            |e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => KeyError::Exists(path.to_path_buf()),
                _ => KeyError::Io { path: path.to_path_buf(), source: e },
            },
        )?;
    writeln!(file, "{SECRET_TAG} {}", hex::encode(secret)).map_err(io(path))?;
    let public = public_path(path);
    std::fs::write(&public, public_text(&key.verifying_key())).map_err(io(&public))?;
    Ok(key)
}

/// The public key as its file holds it.
pub fn public_text(key: &VerifyingKey) -> String {
    format!("{PUBLIC_TAG} {}\n", public_hex(key))
}

/// The public key's 32 bytes in hex (what `read_public` takes in place of a file).
pub fn public_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

/// Reads the secret key at `path`, refusing one that others may read.
pub fn read_secret(path: &Path) -> Result<SigningKey, KeyError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Exposed { path: path.to_path_buf(), mode });
    }
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let bytes = tagged_bytes(&text, SECRET_TAG)
        .ok_or(KeyError::Malformed { path: path.to_path_buf(), what: "secret" })?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// Reads a public key: a file written by [`generate`], or the key's hex given as the
/// argument itself.
pub fn read_public(given: &str) -> Result<VerifyingKey, KeyError> {
    let path = Path::new(given);
    let malformed = || KeyError::Malformed { path: path.to_path_buf(), what: "public" };
    let bytes = match hex_bytes(given.trim()) {
        Some(b) => b,
        None => {
            let text = std::fs::read_to_string(path).map_err(io(path))?;
            tagged_bytes(&text, PUBLIC_TAG).ok_or_else(malformed)?
        }
    };
    VerifyingKey::from_bytes(&bytes).map_err(|_| malformed())
}

fn tagged_bytes(text: &str, tag: &str) -> Option<[u8; 32]> {
    hex_bytes(text.trim().strip_prefix(tag)?.trim())
}

fn hex_bytes(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}
