//! What the market's SQLite databases share: a schema brought up to date in the caller's
//! transaction, told apart by `PRAGMA application_id`, versioned by `PRAGMA user_version`.

use rusqlite::Transaction;

/// Why a database cannot be brought up to date.
pub(crate) enum Refusal {
    /// Written by a newer opm: its version.
    Newer(i64),
    /// A SQLite database of something else.
    Foreign,
}

/// Runs the `migrations` not yet applied (the version is how many are), or refuses a database
/// that is another application's or of a newer version. A database with no tables and no
/// application id is new.
/// Whether the database is the application's at version `known`: nothing to migrate, and no
/// write lock to take.
pub(crate) fn current(conn: &rusqlite::Connection, application_id: i64, known: usize) -> bool {
    let version = |name: &str| conn.pragma_query_value(None, name, |r| r.get::<_, i64>(0)).ok();
    version("application_id") == Some(application_id)
        && version("user_version") == Some(known as i64)
}

pub(crate) fn migrate(
    tx: &Transaction,
    application_id: i64,
    migrations: &[&str],
) -> rusqlite::Result<Result<(), Refusal>> {
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let app: i64 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let known = migrations.len() as i64;
    if found > known && (app == application_id || app == 0) {
        return Ok(Err(Refusal::Newer(found)));
    }
    let tables: i64 = tx.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0))?;
    let fresh = app == 0 && found == 0 && tables == 0;
    let Some(done) = usize::try_from(found).ok().filter(|_| app == application_id || fresh) else {
        return Ok(Err(Refusal::Foreign));
    };
    if done < migrations.len() {
        for sql in &migrations[done..] {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", known)?;
        tx.pragma_update(None, "application_id", application_id)?;
    }
    Ok(Ok(()))
}
