//! The governance ledger: every decision of a registry (an adapter admitted or refused with its
//! conformance report, a plan published or revoked, a key added or revoked) is an entry of an
//! append-only log, a Merkle tree in the style of Certificate Transparency (RFC 6962/9162).
//! Anyone holding a signed checkpoint (a size and a root) can check, with no database, that an
//! entry is in the log ([`verify_inclusion`]) and that a later checkpoint extends an earlier one
//! ([`verify_consistency`]); two copies of the log sync by sending only what the other lacks,
//! and a fork (one size, two roots) is reported as such with nothing appended.
//!
//! The tree's hashing, roots and proofs are ct-merkle's (RFC 6962 with SHA-256). An entry's
//! leaf is its JSON (`serde_json::to_vec(&entry)`), kept verbatim: what was hashed is what is
//! stored and sent, never a re-serialisation (a plan's `f64`s need not print back the same).
//! Entries hold digests of reports and attestations, never IR or source code.
//!
//! The database (SQLite, `PRAGMA user_version` = [`DATABASE_VERSION`]):
//! - `entries(idx INTEGER PRIMARY KEY, leaf BLOB, leaf_hash BLOB)`: the leaves from 0 on, each
//!   with its RFC 6962 leaf hash, which lets [`Ledger::verify`] name the first entry changed
//!   behind the ledger's back;
//! - `checkpoints(id, size, root, key_id, signature)`: every checkpoint signed here or received
//!   from another copy.
//!
//! Triggers refuse UPDATE and DELETE on both tables and an entry anywhere but at the end;
//! [`Ledger::open`] recreates any that are missing. Triggers stop mistakes, not an owner of the
//! file: what stops that is the signed checkpoints others hold.

use crate::attest::{self, SigningKey, VerifyingKey};
use crate::graph::{Adapter, Plan};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use ed25519_dalek::Signer;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, TransactionBehavior, params};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// The schema version of the ledger's database this build writes; it refuses newer ones.
pub const DATABASE_VERSION: i64 = 1;

/// The first line of the text a checkpoint's signature covers.
pub const CHECKPOINT_TAG: &str = "opm-ledger-checkpoint v1";

/// The largest size a proof or checkpoint may claim: ct-merkle's index arithmetic holds up to
/// 2^63 leaves, and no ledger comes near 2^62.
const MAX_SIZE: u64 = 1 << 62;

type Tree = MemoryBackedTree<Sha256, Vec<u8>>;
type Hash = ct_merkle::digest::Output<Sha256>;

/// What a registry decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Decision {
    /// An adapter passed conformance; its report by the SHA-256 of its file.
    AdapterAdmitted { adapter: Adapter, report_sha256: String },
    /// An adapter failed conformance: its report, and the checks it failed.
    AdapterRefused { adapter: Adapter, report_sha256: String, failed: Vec<String> },
    /// A plan was published, with the SHA-256 of its signed attestation.
    PlanPublished { plan: Plan, attestation_sha256: String },
    /// A published plan was withdrawn.
    PlanRevoked { plan_id: String, why: String },
    /// An admitted adapter was withdrawn (its specs and plans with it).
    AdapterRevoked { adapter: String, why: String },
    /// A key may sign from now on.
    KeyAdded {
        /// [`attest::key_id`] of the key.
        key_id: String,
        /// Its 32 bytes in hex.
        public_key: String,
    },
    /// A key may no longer sign.
    KeyRevoked { key_id: String, why: String },
}

impl Decision {
    /// Refuses a decision that contradicts itself: a key added under another key's id.
    fn check(&self) -> Result<(), LedgerError> {
        if let Decision::KeyAdded { key_id, public_key } = self {
            let malformed = |why: String| LedgerError::Malformed { what: "decision", why };
            let bytes: [u8; 32] =
                hex::decode(public_key).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
                    malformed(format!("public key `{public_key}` is not 32 bytes of hex"))
                })?;
            let key = VerifyingKey::from_bytes(&bytes)
                .map_err(|_| malformed(format!("`{public_key}` is not an Ed25519 public key")))?;
            if attest::key_id(&key) != *key_id {
                return Err(malformed(format!(
                    "key id {key_id} is not the id of public key {public_key} ({})",
                    attest::key_id(&key)
                )));
            }
        }
        Ok(())
    }
}

/// One entry of the log: its index, when it was appended (Unix seconds) and the decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    pub index: u64,
    pub time: u64,
    pub decision: Decision,
}

impl Entry {
    /// The entry's leaf: its JSON, the bytes the tree hashes.
    pub fn leaf(&self) -> Result<Vec<u8>, LedgerError> {
        serde_json::to_vec(self)
            .map_err(|e| LedgerError::Malformed { what: "entry", why: e.to_string() })
    }

    /// Reads a leaf back.
    pub fn from_leaf(leaf: &[u8]) -> Result<Entry, LedgerError> {
        serde_json::from_slice(leaf)
            .map_err(|e| LedgerError::Malformed { what: "entry", why: e.to_string() })
    }
}

/// The RFC 6962 leaf hash of `leaf`, SHA-256(0x00 ‖ leaf). It is the Merkle Tree Hash of the
/// one-leaf list, which is how it is asked of ct-merkle (whose leaf hash is not public).
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut one = MemoryBackedTree::<Sha256, &[u8]>::new();
    one.push(leaf);
    (*one.root().as_bytes()).into()
}

/// The root of the empty tree, SHA-256 of nothing, in hex.
pub fn empty_root() -> String {
    hex::encode(Tree::new().root().as_bytes())
}

/// A signed statement that the log held `size` entries whose tree has root `root`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Checkpoint {
    pub size: u64,
    /// The Merkle Tree Hash, 64 lowercase hex digits.
    pub root: String,
    /// [`attest::key_id`] of the key that signed.
    pub key_id: String,
    /// Base64 of the Ed25519 signature over [`Checkpoint::signed_text`].
    pub signature: String,
}

impl Checkpoint {
    /// What a checkpoint's signature covers: the tag, the size and the root, one a line.
    pub fn signed_text(size: u64, root: &str) -> String {
        format!("{CHECKPOINT_TAG}\n{size}\n{root}\n")
    }

    /// The checkpoint of `size` and `root` signed with `key`.
    pub fn sign(size: u64, root: &str, key: &SigningKey) -> Checkpoint {
        let signature = key.sign(Checkpoint::signed_text(size, root).as_bytes());
        Checkpoint {
            size,
            root: root.to_string(),
            key_id: attest::key_id(&key.verifying_key()),
            signature: BASE64.encode(signature.to_bytes()),
        }
    }

    /// The empty tree's checkpoint, unsigned: what a ledger with no checkpoint sends to be
    /// synced (every log extends the empty one, so there is nothing to sign).
    pub fn empty() -> Checkpoint {
        Checkpoint { size: 0, root: empty_root(), key_id: String::new(), signature: String::new() }
    }

    /// Checks that the root is well formed and that one of `keys` signed the checkpoint
    /// (strictly: no malleable signatures).
    pub fn verify(&self, keys: &[VerifyingKey]) -> Result<(), LedgerError> {
        self.root_hash()?;
        let key = keys.iter().find(|k| attest::key_id(k) == self.key_id).ok_or_else(|| {
            LedgerError::Untrusted { size: self.size, key_id: self.key_id.clone() }
        })?;
        let bad = |why: &str| LedgerError::BadCheckpoint { size: self.size, why: why.into() };
        let bytes: [u8; 64] = BASE64
            .decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("its signature is not 64 bytes of base64"))?;
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        key.verify_strict(Checkpoint::signed_text(self.size, &self.root).as_bytes(), &signature)
            .map_err(|_| {
                bad(&format!(
                    "its signature by key {} does not verify: it was changed or signed by \
                     another key",
                    self.key_id
                ))
            })
    }

    /// The root as a hash; only the canonical form (lowercase hex) is accepted, so that two
    /// checkpoints' roots compare as text.
    fn root_hash(&self) -> Result<Hash, LedgerError> {
        parse_hash(&self.root).ok_or_else(|| LedgerError::BadCheckpoint {
            size: self.size,
            why: format!("its root `{}` is not 64 lowercase hex digits", self.root),
        })
    }

    /// The checkpoint as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        to_json(self)
    }

    /// Reads a checkpoint from JSON text.
    pub fn from_json(text: &str) -> Result<Checkpoint, LedgerError> {
        from_json("checkpoint", text)
    }
}

/// A proof that one entry is in the tree of a size: RFC 6962's audit path. With the entry's
/// leaf and a checkpoint of that size it verifies offline ([`verify_inclusion`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InclusionProofDoc {
    pub index: u64,
    /// The size of the tree the path leads to the root of.
    pub size: u64,
    /// The entry's leaf as stored: its JSON text, byte for byte.
    pub entry: String,
    /// The leaf's RFC 6962 hash, in hex.
    pub leaf_hash: String,
    /// The audit path, leaf to root, each hash in hex.
    pub path: Vec<String>,
}

/// A proof that the tree of `new_size` entries extends the tree of `old_size`: RFC 6962's
/// consistency proof. With checkpoints of both sizes it verifies offline
/// ([`verify_consistency`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConsistencyProofDoc {
    pub old_size: u64,
    pub new_size: u64,
    /// The proof's hashes, in hex.
    pub path: Vec<String>,
}

/// What a ledger ahead sends to one behind: the entries the other lacks, a proof that its
/// tree extends the other's, and its checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SyncBundle {
    /// The size of the checkpoint the receiver sent.
    pub from_size: u64,
    /// That checkpoint's root, as the sender's own entries give it.
    pub from_root: String,
    /// The sender's leaves from `from_size` on, each its JSON text byte for byte.
    pub entries: Vec<String>,
    /// From `from_size` to the checkpoint's size.
    pub proof: ConsistencyProofDoc,
    /// The sender's latest checkpoint.
    pub checkpoint: Checkpoint,
}

/// What [`Ledger::verify`] checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VerifyReport {
    /// Entries whose leaf hash was recomputed.
    pub entries: u64,
    /// The root of the whole tree, in hex.
    pub root: String,
    /// Checkpoints whose signature and root were checked.
    pub checkpoints: u64,
    /// The checkpoint of the largest size.
    pub latest: Option<Checkpoint>,
}

macro_rules! json_doc {
    ($($t:ty => $what:literal),* $(,)?) => {
        $(impl $t {
            /// The document as pretty-printed JSON.
            pub fn to_json(&self) -> String {
                to_json(self)
            }

            /// Reads the document from JSON text.
            pub fn from_json(text: &str) -> Result<$t, LedgerError> {
                from_json($what, text)
            }
        })*
    };
}

json_doc! {
    InclusionProofDoc => "inclusion proof",
    ConsistencyProofDoc => "consistency proof",
    SyncBundle => "sync bundle",
    VerifyReport => "verify report",
}

impl InclusionProofDoc {
    /// The entry the proof is about.
    pub fn entry(&self) -> Result<Entry, LedgerError> {
        Entry::from_leaf(self.entry.as_bytes())
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // The ledger's documents hold strings and integers only: writing them cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, LedgerError> {
    serde_json::from_str(text).map_err(|e| LedgerError::Malformed { what, why: e.to_string() })
}

/// Why the ledger, a proof or a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("the ledger's database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the ledger's database has schema version {found}; this opm reads version \
         {DATABASE_VERSION} and older"
    )]
    NewerSchema { found: i64 },
    /// An entry is not what was appended: changed, missing or unreadable.
    #[error("entry {index} is not what was appended: {why}")]
    Tampered { index: u64, why: String },
    #[error("the checkpoint of size {size}: {why}")]
    BadCheckpoint { size: u64, why: String },
    #[error("the checkpoint of size {size} is signed by key {key_id}, which is not trusted")]
    Untrusted { size: u64, key_id: String },
    /// Two checkpoints of one size with different roots: the logs diverged.
    #[error("a fork at size {size}: this side's root is {ours}, the other's is {theirs}")]
    Fork { size: u64, ours: String, theirs: String },
    /// The later tree does not extend the earlier one (or the proof says nothing of them).
    #[error("the tree of size {new_size} does not extend the tree of size {old_size}: {why}")]
    Inconsistent { old_size: u64, new_size: u64, why: String },
    #[error("entry {index} is not in the tree of size {size}: {why}")]
    NotIncluded { index: u64, size: u64, why: String },
    #[error("{0}")]
    NotFound(String),
    #[error("not a valid {what}: {why}")]
    Malformed { what: &'static str, why: String },
}

/// A hash from 64 lowercase hex digits.
fn parse_hash(text: &str) -> Option<Hash> {
    let bytes = hex::decode(text).ok()?;
    if hex::encode(&bytes) != text {
        return None;
    }
    Hash::try_from(bytes.as_slice()).ok()
}

/// A proof's path as bytes: its hashes concatenated.
fn path_bytes(path: &[String]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(path.len() * 32);
    for h in path {
        out.extend_from_slice(&parse_hash(h)?);
    }
    Some(out)
}

fn path_hex(bytes: &[u8]) -> Vec<String> {
    bytes.chunks(32).map(hex::encode).collect()
}

fn root_hex(tree: &Tree) -> String {
    hex::encode(tree.root().as_bytes())
}

fn to_i64(v: u64) -> Result<i64, LedgerError> {
    i64::try_from(v).map_err(|_| LedgerError::NotFound(format!("{v} is beyond any ledger")))
}

fn to_usize(v: u64) -> Result<usize, LedgerError> {
    usize::try_from(v).map_err(|_| LedgerError::NotFound(format!("{v} is beyond any ledger")))
}

/// Checks that `path` proves the tree of `new_size` with root `new_root` extends the tree of
/// `old_size` with root `old_root`.
fn check_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    path: &[String],
) -> Result<(), LedgerError> {
    let inconsistent = |why: String| LedgerError::Inconsistent { old_size, new_size, why };
    if old_size > new_size {
        return Err(inconsistent(format!(
            "the later checkpoint has fewer entries ({new_size} < {old_size}): the log lost \
             its tail"
        )));
    }
    if new_size > MAX_SIZE {
        return Err(inconsistent(format!("{new_size} entries is beyond any ledger")));
    }
    if old_size == new_size {
        if old_root != new_root {
            return Err(LedgerError::Fork {
                size: old_size,
                ours: hex::encode(old_root),
                theirs: hex::encode(new_root),
            });
        }
        return match path.is_empty() {
            true => Ok(()),
            false => Err(inconsistent("a proof between equal sizes is empty".into())),
        };
    }
    if old_size == 0 {
        if hex::encode(old_root) != empty_root() {
            return Err(LedgerError::BadCheckpoint {
                size: 0,
                why: "its root is not the empty tree's".into(),
            });
        }
        return match path.is_empty() {
            true => Ok(()),
            false => Err(inconsistent("a proof from the empty tree is empty".into())),
        };
    }
    let bytes = path_bytes(path)
        .ok_or_else(|| inconsistent("the proof's hashes are not 64 lowercase hex digits".into()))?;
    let proof = ConsistencyProof::<Sha256>::try_from_bytes(bytes)
        .map_err(|e| inconsistent(format!("the proof: {e}")))?;
    RootHash::<Sha256>::new(*new_root, new_size)
        .verify_consistency(&RootHash::new(*old_root, old_size), &proof)
        .map_err(|e| inconsistent(format!("the consistency proof fails: {e}")))
}

/// Verifies, with no database, that `leaf` (an entry's stored bytes, such as
/// `proof.entry.as_bytes()`) is entry `proof.index` of the tree `checkpoint` signs. The
/// checkpoint's signature is the caller's to check ([`Checkpoint::verify`]).
pub fn verify_inclusion(
    leaf: &[u8],
    proof: &InclusionProofDoc,
    checkpoint: &Checkpoint,
) -> Result<(), LedgerError> {
    let (index, size) = (proof.index, proof.size);
    let fail = |why: String| LedgerError::NotIncluded { index, size, why };
    if checkpoint.size != size {
        return Err(fail(format!(
            "the proof is for a tree of size {size}, the checkpoint's is {}",
            checkpoint.size
        )));
    }
    if size > MAX_SIZE {
        return Err(fail(format!("{size} entries is beyond any ledger")));
    }
    let root = checkpoint.root_hash()?;
    let hash = hex::encode(leaf_hash(leaf));
    if proof.leaf_hash != hash {
        return Err(fail(format!(
            "the proof is for the leaf with hash {}, these bytes hash to {hash}",
            proof.leaf_hash
        )));
    }
    let bytes = path_bytes(&proof.path)
        .ok_or_else(|| fail("the path's hashes are not 64 lowercase hex digits".into()))?;
    let path = InclusionProof::<Sha256>::try_from_bytes(bytes)
        .map_err(|e| fail(format!("the path: {e}")))?;
    RootHash::<Sha256>::new(root, size)
        .verify_inclusion(&leaf, index, &path)
        .map_err(|e| fail(format!("the audit path does not lead to the checkpoint's root: {e}")))
}

/// Verifies, with no database, that the tree `new` signs extends the tree `old` signs. Equal
/// sizes with different roots are a [`LedgerError::Fork`]. The checkpoints' signatures are
/// the caller's to check ([`Checkpoint::verify`]).
pub fn verify_consistency(
    old: &Checkpoint,
    new: &Checkpoint,
    proof: &ConsistencyProofDoc,
) -> Result<(), LedgerError> {
    if (proof.old_size, proof.new_size) != (old.size, new.size) {
        return Err(LedgerError::Inconsistent {
            old_size: old.size,
            new_size: new.size,
            why: format!("the proof is from size {} to {}", proof.old_size, proof.new_size),
        });
    }
    check_consistency(old.size, &old.root_hash()?, new.size, &new.root_hash()?, &proof.path)
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (
    idx INTEGER PRIMARY KEY,
    leaf BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    root TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    UNIQUE (size, root, key_id)
);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: an entry cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: an entry cannot be removed'); END;
CREATE TRIGGER IF NOT EXISTS entries_at_end BEFORE INSERT ON entries
WHEN NEW.idx IS NOT (SELECT IFNULL(MAX(idx) + 1, 0) FROM entries)
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: an entry goes at the end'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a checkpoint cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a checkpoint cannot be removed'); END;
";

/// The number of entries: one past the last index (the triggers keep indices dense; a gap
/// shows when the entries are read).
fn size_of(conn: &Connection) -> Result<u64, LedgerError> {
    let last: Option<i64> = conn.query_row("SELECT MAX(idx) FROM entries", [], |r| r.get(0))?;
    match last {
        None => Ok(0),
        Some(last) => u64::try_from(last).map(|l| l + 1).map_err(|_| LedgerError::Tampered {
            index: 0,
            why: format!("an entry has the negative index {last}"),
        }),
    }
}

/// The bytes of a stored blob; anything else is a tampered entry.
fn blob<'a>(value: ValueRef<'a>, index: u64, column: &str) -> Result<&'a [u8], LedgerError> {
    match value {
        ValueRef::Blob(b) => Ok(b),
        other => Err(LedgerError::Tampered {
            index,
            why: format!("its {column} is stored as {}, not as bytes", other.data_type()),
        }),
    }
}

/// Reads entries `0..size` in order, calling `each` with the index and the row, and refusing a
/// gap.
fn each_entry(
    conn: &Connection,
    size: u64,
    columns: &str,
    mut each: impl FnMut(u64, &rusqlite::Row) -> Result<(), LedgerError>,
) -> Result<(), LedgerError> {
    let mut statement =
        conn.prepare(&format!("SELECT idx, {columns} FROM entries WHERE idx < ?1 ORDER BY idx"))?;
    let mut rows = statement.query(params![to_i64(size)?])?;
    let mut expected = 0u64;
    while let Some(row) = rows.next()? {
        let idx: i64 = row.get(0)?;
        if u64::try_from(idx).ok() != Some(expected) {
            return Err(LedgerError::Tampered {
                index: expected,
                why: format!("it is missing (the next stored entry is {idx})"),
            });
        }
        each(expected, row)?;
        expected += 1;
    }
    if expected < size {
        return Err(LedgerError::Tampered { index: expected, why: "it is missing".into() });
    }
    Ok(())
}

/// The tree of the first `size` stored leaves, with its root at each of `marks` (sizes up to
/// `size`, ascending), in hex.
fn build(conn: &Connection, size: u64, marks: &[u64]) -> Result<(Tree, Vec<String>), LedgerError> {
    let mut tree = Tree::new();
    let mut roots = Vec::with_capacity(marks.len());
    let mut next = 0;
    let mut record = |tree: &Tree, next: &mut usize| {
        while *next < marks.len() && marks[*next] == tree.len() {
            roots.push(root_hex(tree));
            *next += 1;
        }
    };
    record(&tree, &mut next);
    each_entry(conn, size, "leaf", |index, row| {
        tree.push(blob(row.get_ref(1)?, index, "leaf")?.to_vec());
        record(&tree, &mut next);
        Ok(())
    })?;
    if roots.len() != marks.len() {
        return Err(LedgerError::NotFound(format!("no tree of size {marks:?} below {size}")));
    }
    Ok((tree, roots))
}

fn read_checkpoint(row: &rusqlite::Row) -> Result<Checkpoint, LedgerError> {
    let size: i64 = row.get(0)?;
    let size = u64::try_from(size).map_err(|_| LedgerError::BadCheckpoint {
        size: 0,
        why: format!("its size is the negative {size}"),
    })?;
    let text = |i: usize, column: &str| -> Result<String, LedgerError> {
        match row.get_ref(i)? {
            ValueRef::Text(t) => String::from_utf8(t.to_vec()).map_err(|_| {
                LedgerError::BadCheckpoint { size, why: format!("its {column} is not UTF-8") }
            }),
            other => Err(LedgerError::BadCheckpoint {
                size,
                why: format!("its {column} is stored as {}, not as text", other.data_type()),
            }),
        }
    };
    Ok(Checkpoint {
        size,
        root: text(1, "root")?,
        key_id: text(2, "key id")?,
        signature: text(3, "signature")?,
    })
}

fn store_checkpoint(conn: &Connection, checkpoint: &Checkpoint) -> Result<(), LedgerError> {
    conn.execute(
        "INSERT OR IGNORE INTO checkpoints (size, root, key_id, signature) VALUES (?1, ?2, ?3, ?4)",
        params![to_i64(checkpoint.size)?, checkpoint.root, checkpoint.key_id, checkpoint.signature],
    )?;
    Ok(())
}

fn leaf_text(leaf: &[u8], index: u64) -> Result<String, LedgerError> {
    String::from_utf8(leaf.to_vec())
        .map_err(|_| LedgerError::Tampered { index, why: "its leaf is not UTF-8 text".into() })
}

/// A ledger in its SQLite database.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
}

impl Ledger {
    /// Opens the ledger at `path`, creating the file, its tables and its triggers as needed
    /// (a missing trigger is created again). Refuses a database of a newer schema.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let mut conn = Connection::open(path)
            .map_err(|source| LedgerError::Open { path: path.to_path_buf(), source })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > DATABASE_VERSION {
            return Err(LedgerError::NewerSchema { found });
        }
        // A ledger of this version with its tables and every trigger needs no write: opening
        // it takes no lock (a server opens it for every request).
        let present: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('entries', 'checkpoints',
                 'entries_no_update', 'entries_no_delete', 'entries_at_end',
                 'checkpoints_no_update', 'checkpoints_no_delete')",
            [],
            |r| r.get(0),
        )?;
        if found != DATABASE_VERSION || present != 7 {
            let tx = conn.transaction()?;
            tx.execute_batch(SCHEMA)?;
            if found != DATABASE_VERSION {
                tx.pragma_update(None, "user_version", DATABASE_VERSION)?;
            }
            tx.commit()?;
        }
        Ok(Ledger { conn })
    }

    /// Appends `decisions` in one transaction, stamped `now` (Unix seconds), and stores the
    /// new checkpoint signed with `key`, which it returns. With no decisions it signs the
    /// current size. Each call rebuilds the tree from the stored leaves (ct-merkle's tree is
    /// built from leaves, not from stored hashes; about 0.3 s at 100,000 entries in
    /// release), so many decisions go in one call.
    pub fn append(
        &mut self,
        decisions: &[Decision],
        key: &SigningKey,
        now: u64,
    ) -> Result<Checkpoint, LedgerError> {
        for d in decisions {
            d.check()?;
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let start = size_of(&tx)?;
        let (mut tree, _) = build(&tx, start, &[])?;
        {
            let mut insert =
                tx.prepare("INSERT INTO entries (idx, leaf, leaf_hash) VALUES (?1, ?2, ?3)")?;
            for (index, decision) in (start..).zip(decisions) {
                let entry = Entry { index, time: now, decision: decision.clone() };
                let leaf = entry.leaf()?;
                insert.execute(params![to_i64(index)?, leaf, &leaf_hash(&leaf)[..]])?;
                tree.push(leaf);
            }
        }
        let checkpoint = Checkpoint::sign(tree.len(), &root_hex(&tree), key);
        store_checkpoint(&tx, &checkpoint)?;
        tx.commit()?;
        Ok(checkpoint)
    }

    /// The number of entries.
    pub fn size(&self) -> Result<u64, LedgerError> {
        size_of(&self.conn)
    }

    /// Entries `from..to` (`to` past the end is cut to the ledger's size), read back from
    /// their leaves.
    pub fn entries(&self, from: u64, to: u64) -> Result<Vec<Entry>, LedgerError> {
        let to = to.min(self.size()?);
        let mut out = Vec::new();
        let mut statement = self
            .conn
            .prepare("SELECT idx, leaf FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")?;
        let mut rows = statement.query(params![to_i64(from)?, to_i64(to)?])?;
        let mut expected = from;
        while let Some(row) = rows.next()? {
            let idx: i64 = row.get(0)?;
            if u64::try_from(idx).ok() != Some(expected) {
                return Err(LedgerError::Tampered { index: expected, why: "it is missing".into() });
            }
            let leaf = blob(row.get_ref(1)?, expected, "leaf")?;
            let entry = Entry::from_leaf(leaf).map_err(|e| LedgerError::Tampered {
                index: expected,
                why: format!("its leaf is not an entry ({e})"),
            })?;
            out.push(entry);
            expected += 1;
        }
        if expected < to {
            return Err(LedgerError::Tampered { index: expected, why: "it is missing".into() });
        }
        Ok(out)
    }

    /// The checkpoint of the largest size (the latest stored of that size).
    pub fn latest_checkpoint(&self) -> Result<Option<Checkpoint>, LedgerError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT size, root, key_id, signature FROM checkpoints ORDER BY size DESC, id DESC
             LIMIT 1",
        )?;
        let mut rows = statement.query([])?;
        match rows.next()? {
            Some(row) => Ok(Some(read_checkpoint(row)?)),
            None => Ok(None),
        }
    }

    /// Every stored checkpoint, by size, then in the order they were stored.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>, LedgerError> {
        let mut statement = self
            .conn
            .prepare("SELECT size, root, key_id, signature FROM checkpoints ORDER BY size, id")?;
        let mut rows = statement.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read_checkpoint(row)?);
        }
        Ok(out)
    }

    /// Recomputes everything: each entry's leaf hash from its stored bytes (and that the bytes
    /// are the entry of that index), the tree, and each checkpoint's root and signature by one
    /// of `keys`. The error names the first bad entry, or the first bad checkpoint by size.
    pub fn verify(&self, keys: &[VerifyingKey]) -> Result<VerifyReport, LedgerError> {
        // One read transaction: the entries and the checkpoints are of one moment.
        let tx = self.conn.unchecked_transaction()?;
        let checkpoints = self.checkpoints()?;
        let size = size_of(&tx)?;
        let mut tree = Tree::new();
        let mut next = 0;
        // The size of the last checkpoint whose root matched: the entries up to it are good.
        let mut good = 0u64;
        let mut check = |tree: &Tree, next: &mut usize| -> Result<(), LedgerError> {
            while let Some(c) = checkpoints.get(*next).filter(|c| c.size == tree.len()) {
                c.verify(keys)?;
                let root = root_hex(tree);
                if c.root != root {
                    // The signature holds, so the entries changed, leaf hashes and all.
                    let why = format!(
                        "it was changed together with its stored leaf hash: the entries no \
                         longer give the root {} signed at size {}",
                        c.root, c.size
                    );
                    if c.size == good + 1 {
                        return Err(LedgerError::Tampered { index: good, why });
                    }
                    return Err(LedgerError::BadCheckpoint {
                        size: c.size,
                        why: format!(
                            "entries {good} to {} give the root {root}, not the signed one: one \
                             of them was changed together with its stored leaf hash",
                            c.size - 1
                        ),
                    });
                }
                good = c.size;
                *next += 1;
            }
            Ok(())
        };
        check(&tree, &mut next)?;
        each_entry(&tx, size, "leaf, leaf_hash", |index, row| {
            let leaf = blob(row.get_ref(1)?, index, "leaf")?;
            let stored = blob(row.get_ref(2)?, index, "leaf hash")?;
            if leaf_hash(leaf)[..] != *stored {
                return Err(LedgerError::Tampered {
                    index,
                    why: "its bytes no longer hash to its stored leaf hash".into(),
                });
            }
            let entry = Entry::from_leaf(leaf).map_err(|e| LedgerError::Tampered {
                index,
                why: format!("its leaf is not an entry ({e})"),
            })?;
            if entry.index != index {
                return Err(LedgerError::Tampered {
                    index,
                    why: format!("its leaf says it is entry {}", entry.index),
                });
            }
            tree.push(leaf.to_vec());
            check(&tree, &mut next)
        })?;
        if let Some(c) = checkpoints.get(next) {
            return Err(LedgerError::BadCheckpoint {
                size: c.size,
                why: format!(
                    "the ledger holds only {size} entries: the entries from {size} on are gone"
                ),
            });
        }
        Ok(VerifyReport {
            entries: tree.len(),
            root: root_hex(&tree),
            checkpoints: checkpoints.len() as u64,
            latest: checkpoints.last().cloned(),
        })
    }

    /// The audit path of entry `index` in the tree of the first `size` entries.
    pub fn prove_inclusion(&self, index: u64, size: u64) -> Result<InclusionProofDoc, LedgerError> {
        let held = self.size()?;
        if size > held {
            return Err(LedgerError::NotFound(format!(
                "the ledger holds {held} entries, not {size}"
            )));
        }
        if index >= size {
            return Err(LedgerError::NotFound(format!(
                "no entry {index} in the tree of size {size}"
            )));
        }
        let (tree, _) = build(&self.conn, size, &[])?;
        let i = to_usize(index)?;
        let leaf = tree.get(i).ok_or_else(|| LedgerError::NotFound(format!("no entry {index}")))?;
        Ok(InclusionProofDoc {
            index,
            size,
            entry: leaf_text(leaf, index)?,
            leaf_hash: hex::encode(leaf_hash(leaf)),
            path: path_hex(tree.prove_inclusion(i).as_bytes()),
        })
    }

    /// The proof that the tree of the first `new_size` entries extends that of the first
    /// `old_size`.
    pub fn prove_consistency(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProofDoc, LedgerError> {
        let held = self.size()?;
        if new_size > held {
            return Err(LedgerError::NotFound(format!(
                "the ledger holds {held} entries, not {new_size}"
            )));
        }
        if old_size > new_size {
            return Err(LedgerError::Inconsistent {
                old_size,
                new_size,
                why: "a tree extends only a smaller one".into(),
            });
        }
        let (tree, _) = build(&self.conn, new_size, &[])?;
        Ok(ConsistencyProofDoc { old_size, new_size, path: consistency_path(&tree, old_size)? })
    }

    /// Checks that `theirs` (another copy's checkpoint, whose signature is the caller's to
    /// check) agrees with this ledger: a [`LedgerError::Fork`] when this ledger's root at its
    /// size differs, [`LedgerError::Inconsistent`] when it is beyond this ledger's size.
    pub fn check_checkpoint(&self, theirs: &Checkpoint) -> Result<(), LedgerError> {
        theirs.root_hash()?;
        let held = self.size()?;
        if theirs.size > held {
            return Err(ahead(theirs.size, held));
        }
        let (_, roots) = build(&self.conn, theirs.size, &[theirs.size])?;
        fork_check(theirs, &roots[0])
    }

    /// What the copy whose latest checkpoint is `theirs` lacks: the entries after its size,
    /// the consistency proof from its size to this ledger's latest checkpoint, and that
    /// checkpoint. A fork is an error, and nothing is sent.
    pub fn since(&self, theirs: &Checkpoint) -> Result<SyncBundle, LedgerError> {
        theirs.root_hash()?;
        let tx = self.conn.unchecked_transaction()?;
        let ours = self.latest_checkpoint()?.ok_or_else(|| {
            LedgerError::NotFound("this ledger has no checkpoint yet: append to sign one".into())
        })?;
        let held = size_of(&tx)?;
        if ours.size > held {
            return Err(LedgerError::BadCheckpoint {
                size: ours.size,
                why: format!("the ledger holds only {held} entries: the rest are gone"),
            });
        }
        if theirs.size > ours.size {
            return Err(ahead(theirs.size, ours.size));
        }
        let marks =
            if theirs.size == ours.size { vec![ours.size] } else { vec![theirs.size, ours.size] };
        let (tree, roots) = build(&tx, ours.size, &marks)?;
        fork_check(theirs, &roots[0])?;
        if roots[roots.len() - 1] != ours.root {
            return Err(LedgerError::BadCheckpoint {
                size: ours.size,
                why: format!(
                    "this ledger's entries give the root {}, not the signed one: run verify",
                    roots[roots.len() - 1]
                ),
            });
        }
        let mut entries = Vec::new();
        for (index, leaf) in (theirs.size..).zip(&tree.items()[to_usize(theirs.size)?..]) {
            entries.push(leaf_text(leaf, index)?);
        }
        Ok(SyncBundle {
            from_size: theirs.size,
            from_root: theirs.root.clone(),
            entries,
            proof: ConsistencyProofDoc {
                old_size: theirs.size,
                new_size: ours.size,
                path: consistency_path(&tree, theirs.size)?,
            },
            checkpoint: ours,
        })
    }

    /// Takes what another copy sent ([`Ledger::since`]) and appends what this ledger lacks,
    /// once all holds: the checkpoint is signed by one of `trusted`, the consistency proof
    /// leads from this ledger's root at the bundle's starting size to the checkpoint, and
    /// this ledger's first entries followed by the bundle's give the checkpoint's root. A fork
    /// is an error and nothing is appended. Returns how many entries were appended.
    pub fn receive(
        &mut self,
        bundle: &SyncBundle,
        trusted: &[VerifyingKey],
    ) -> Result<u64, LedgerError> {
        let checkpoint = &bundle.checkpoint;
        checkpoint.verify(trusted)?;
        let (from, to) = (bundle.from_size, checkpoint.size);
        let malformed = |why: String| LedgerError::Malformed { what: "sync bundle", why };
        if from.checked_add(bundle.entries.len() as u64) != Some(to) {
            return Err(malformed(format!(
                "{} entries from size {from} do not reach its checkpoint's size {to}",
                bundle.entries.len()
            )));
        }
        if (bundle.proof.old_size, bundle.proof.new_size) != (from, to) {
            return Err(malformed(format!(
                "its proof is from size {} to {}, not from {from} to {to}",
                bundle.proof.old_size, bundle.proof.new_size
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held = size_of(&tx)?;
        if from > held {
            return Err(LedgerError::Inconsistent {
                old_size: held,
                new_size: from,
                why: format!(
                    "the bundle starts at entry {from} but this ledger holds {held}: ask with \
                     this ledger's latest checkpoint"
                ),
            });
        }
        // Where this ledger and the sender's log overlap beyond `from`, they must agree.
        let overlap = held.min(to);
        let mut marks = vec![from, overlap, held];
        marks.dedup();
        let (ours, roots) = build(&tx, held, &marks)?;
        let our_root = |size: u64| -> &str {
            marks.iter().position(|&m| m == size).map_or("", |i| roots[i].as_str())
        };
        if parse_hash(&bundle.from_root).is_none() {
            return Err(malformed(format!(
                "its starting root `{}` is not 64 lowercase hex digits",
                bundle.from_root
            )));
        }
        if bundle.from_root != our_root(from) {
            return Err(LedgerError::Fork {
                size: from,
                ours: our_root(from).to_string(),
                theirs: bundle.from_root.clone(),
            });
        }
        let from_hash = parse_hash(our_root(from)).ok_or_else(|| {
            LedgerError::NotFound(format!("no root of this ledger at size {from}"))
        })?;
        check_consistency(from, &from_hash, to, &checkpoint.root_hash()?, &bundle.proof.path)?;

        // The sender's tree: this ledger's first `from` leaves, then the bundle's.
        let mut theirs = if from == held {
            ours
        } else {
            let mut t = Tree::new();
            for leaf in &ours.items()[..to_usize(from)?] {
                t.push(leaf.clone());
            }
            t
        };
        let mut their_overlap_root = root_hex(&theirs);
        for leaf in &bundle.entries {
            theirs.push(leaf.as_bytes().to_vec());
            if theirs.len() == overlap {
                their_overlap_root = root_hex(&theirs);
            }
        }
        if root_hex(&theirs) != checkpoint.root {
            return Err(LedgerError::Inconsistent {
                old_size: from,
                new_size: to,
                why: format!(
                    "this ledger's first {from} entries followed by the bundle's {} do not give \
                     the signed root: the bundle was changed",
                    bundle.entries.len()
                ),
            });
        }
        if their_overlap_root != our_root(overlap) {
            return Err(LedgerError::Fork {
                size: overlap,
                ours: our_root(overlap).to_string(),
                theirs: their_overlap_root,
            });
        }
        if to <= held {
            return Ok(0);
        }
        {
            let mut insert =
                tx.prepare("INSERT INTO entries (idx, leaf, leaf_hash) VALUES (?1, ?2, ?3)")?;
            for (index, text) in (held..).zip(&bundle.entries[to_usize(held - from)?..]) {
                let leaf = text.as_bytes();
                match Entry::from_leaf(leaf) {
                    Ok(entry) if entry.index == index => {}
                    Ok(entry) => {
                        return Err(malformed(format!(
                            "its entry {index} says it is entry {}",
                            entry.index
                        )));
                    }
                    Err(e) => return Err(malformed(format!("its entry {index}: {e}"))),
                }
                insert.execute(params![to_i64(index)?, leaf, &leaf_hash(leaf)[..]])?;
            }
        }
        store_checkpoint(&tx, checkpoint)?;
        tx.commit()?;
        Ok(to - held)
    }
}

/// Their checkpoint is beyond what this side holds.
fn ahead(theirs: u64, ours: u64) -> LedgerError {
    LedgerError::Inconsistent {
        old_size: ours,
        new_size: theirs,
        why: format!(
            "the other checkpoint is of size {theirs}, beyond this ledger's {ours}: this ledger \
             lost its tail, or it is the one behind"
        ),
    }
}

fn fork_check(theirs: &Checkpoint, ours: &str) -> Result<(), LedgerError> {
    if theirs.root != ours {
        return Err(LedgerError::Fork {
            size: theirs.size,
            ours: ours.to_string(),
            theirs: theirs.root.clone(),
        });
    }
    Ok(())
}

/// The consistency proof from the tree's first `old_size` leaves to all of them (empty from
/// the empty tree and between equal sizes, which RFC 6962 leaves undefined).
fn consistency_path(tree: &Tree, old_size: u64) -> Result<Vec<String>, LedgerError> {
    if old_size == 0 || old_size >= tree.len() {
        return Ok(Vec::new());
    }
    Ok(path_hex(tree.prove_consistency(to_usize(tree.len() - old_size)?).as_bytes()))
}
