//! Who may do what: bearer tokens with roles, kept in the store's `access.sqlite`. A token is
//! shown once, when it is made; the database keeps only its SHA-256, so neither the file nor
//! a log holds a usable token.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What a client may do; each role may do what the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Discovery and the ledger.
    Reader,
    /// Also publish attestations.
    Publisher,
    /// Also admit and revoke adapters, revoke plans, add and revoke keys.
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Publisher => "publisher",
            Role::Admin => "admin",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        match name {
            "reader" => Some(Role::Reader),
            "publisher" => Some(Role::Publisher),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A token's record (never the token).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub name: String,
    pub role: Role,
    /// Unix seconds.
    pub created: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
}

/// Why a token does not let its holder in.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("cannot open the access database `{}`: {source}", path.display())]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("access database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a token named `{0}` exists already")]
    Exists(String),
    #[error("no token named `{0}`")]
    NoSuchToken(String),
    #[error("token `{name}` was revoked: {why}")]
    Revoked { name: String, why: String },
    #[error("the token is not one this registry issued")]
    Unknown,
    #[error("a token's name must be 1 to 64 letters, digits, `-`, `_` or `.`")]
    BadName,
    #[error("cannot draw a random token: {0}")]
    Random(String),
    #[error("the stored role `{0}` is not reader, publisher or admin")]
    Corrupt(String),
}

/// The tokens of one registry.
pub struct Access {
    conn: Connection,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    revoked TEXT
)";

impl Access {
    pub fn open(path: &Path) -> Result<Access, AccessError> {
        let opening = |source| AccessError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(opening)?;
        conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(opening)?;
        conn.execute_batch(SCHEMA).map_err(opening)?;
        Ok(Access { conn })
    }

    /// Makes a token for `name` with `role`; returns the token, which is not kept.
    pub fn add(&self, name: &str, role: Role, now: u64) -> Result<String, AccessError> {
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !name_ok {
            return Err(AccessError::BadName);
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| AccessError::Random(e.to_string()))?;
        let token = format!("opm_{}", hex::encode(secret));
        let inserted = self.conn.execute(
            "INSERT OR IGNORE INTO tokens (name, role, sha256, created) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.name(), digest(&token), now as i64],
        )?;
        if inserted == 0 {
            return Err(AccessError::Exists(name.to_string()));
        }
        Ok(token)
    }

    /// Revokes `name`'s token: it stops working at the next request.
    pub fn revoke(&self, name: &str, why: &str) -> Result<(), AccessError> {
        let changed = self.conn.execute(
            "UPDATE tokens SET revoked = ?2 WHERE name = ?1 AND revoked IS NULL",
            params![name, why],
        )?;
        if changed == 0 {
            return Err(AccessError::NoSuchToken(name.to_string()));
        }
        Ok(())
    }

    pub fn list(&self) -> Result<Vec<TokenRecord>, AccessError> {
        let mut stmt =
            self.conn.prepare("SELECT name, role, created, revoked FROM tokens ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, created, revoked) = row?;
            let role = Role::from_name(&role).ok_or(AccessError::Corrupt(role))?;
            out.push(TokenRecord { name, role, created: created.max(0) as u64, revoked });
        }
        Ok(out)
    }

    /// Who holds `token`, and with which role.
    pub fn check(&self, token: &str) -> Result<(String, Role), AccessError> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT name, role, revoked FROM tokens WHERE sha256 = ?1",
                [digest(token)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            None => Err(AccessError::Unknown),
            Some((name, _, Some(why))) => Err(AccessError::Revoked { name, why }),
            Some((name, role, None)) => {
                Ok((name, Role::from_name(&role).ok_or(AccessError::Corrupt(role))?))
            }
        }
    }
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
