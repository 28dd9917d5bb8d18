//! A PostgreSQL cluster of a test's own: a temporary data directory, a free port on
//! 127.0.0.1 and a socket in the same directory, started with the distribution's server
//! (`/usr/lib/postgresql/N/bin`, or `initdb` on `PATH`) and stopped (`-m immediate`) and
//! removed when dropped. As root, the server runs as the `postgres` user the package creates
//! (PostgreSQL refuses to run as root).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    /// The directory holding the data directory, the socket and the log.
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// `Some("postgres")` when the tests run as root.
    user: Option<String>,
}

/// The directory of the newest installed server's programs.
fn server_bin() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "no PostgreSQL server found: install it with `scripts/deps --tests` \
             (apt-get install postgresql)"
        )
    })
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().expect("its address").port()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

impl Cluster {
    /// Creates and starts a cluster whose superuser is `opm` (trusted on 127.0.0.1 and the
    /// socket), with a database `opm`.
    pub fn start() -> Cluster {
        let bin = server_bin();
        let dir =
            tempfile::Builder::new().prefix("opm-pg-").tempdir().expect("a temporary directory");
        let user = is_root().then(|| "postgres".to_string());
        if let Some(user) = &user {
            let status = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown {user} {}", dir.path().display());
        }
        let mut cluster = Cluster { dir, bin, port: 0, user };
        let data = cluster.data();
        let init = cluster
            .command("initdb")
            .args(["-D", data.to_str().unwrap(), "-U", "opm", "--auth=trust", "-E", "UTF8"])
            .args(["--no-sync", "--locale=C"])
            .output()
            .expect("initdb");
        assert!(init.status.success(), "initdb: {}", String::from_utf8_lossy(&init.stderr));
        // A port that was free a moment ago may be taken by then: try a few.
        let mut last = String::new();
        for _ in 0..5 {
            cluster.port = free_port();
            match cluster.try_start() {
                Ok(()) => {
                    cluster.createdb("opm");
                    return cluster;
                }
                Err(e) => last = e,
            }
        }
        panic!("PostgreSQL did not start: {last}");
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command of the server's, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        match &self.user {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(exe);
                cmd
            }
            None => Command::new(exe),
        }
    }

    fn try_start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let out = self
            .command("pg_ctl")
            .args(["-D", self.data().to_str().unwrap(), "-l", log.to_str().unwrap()])
            .args(["-o", &options, "-w", "-t", "60", "start"])
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            Err(format!("{}\n{log}", String::from_utf8_lossy(&out.stderr)))
        }
    }

    /// Starts the cluster again after [`Cluster::stop`], on the same port.
    pub fn restart(&self) {
        if let Err(e) = self.try_start() {
            panic!("PostgreSQL did not start again: {e}");
        }
    }

    /// Stops the server at once (`-m immediate`: as if its machine went away).
    pub fn stop(&self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", self.data().to_str().unwrap(), "-m", "immediate", "-w", "stop"])
            .output();
    }

    fn createdb(&self, name: &str) {
        let out = self
            .command("createdb")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "opm", name])
            .output()
            .expect("createdb");
        assert!(out.status.success(), "createdb: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A new database of the cluster, by its URL.
    pub fn database(&self, name: &str) -> String {
        self.createdb(name);
        self.url(name)
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://opm@127.0.0.1:{}/{db}", self.port)
    }

    #[allow(dead_code)]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}
