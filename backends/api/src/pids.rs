//! A process-number limit that holds for every user, root included: a `pids` cgroup of its own
//! for each limited child, which the child joins between fork and exec (so that everything it
//! starts is in it from the first instruction). On a v1 hierarchy the child moves its one
//! thread (it has no other between fork and exec) through the group's `tasks`, not the whole
//! process through `cgroup.procs`: the kernel moves a process under a lock over every
//! process of the system, whose taking waits for an RCU grace period (5–25 ms a run, measured
//! while runs start a few per second), and moves the calling thread alone without it (under
//! 0.5 ms). A v2 group that is not threaded has no such file: the child writes `cgroup.procs`.
//!
//! Where no such cgroup can be made (no `pids` controller where this process's cgroup is, or
//! no right to make one under it), callers fall back on `RLIMIT_NPROC`, which counts the
//! user's processes and does not bind root.
//!
//! Groups are directories `opm-<pid>-<nonce>-<n>` under this process's own cgroup (the nonce
//! keeps drivers of other PID namespaces that share the hierarchy apart); a group is emptied
//! (every process in it killed) and removed when it is dropped. Empty groups left behind by a
//! driver that was killed are removed when a driver next starts making groups; what they
//! still hold is left alone, since the driver that made them may be alive in another PID
//! namespace.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A `pids` cgroup holding one limited child and what it starts.
pub(crate) struct Group {
    dir: PathBuf,
    /// The file of the group the child writes itself to (`tasks` or `cgroup.procs`, see the
    /// module's doc), made before the fork.
    procs: CString,
}

impl Group {
    /// A new group allowing `max` processes (threads count) at once, or `None` where no
    /// `pids` cgroup can be made.
    pub(crate) fn new(max: u64) -> Option<Group> {
        let base = base()?;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.dir.join(format!("opm-{}-{}-{n}", std::process::id(), nonce()));
        let procs = CString::new(dir.join(base.join).as_os_str().as_bytes()).ok()?;
        std::fs::create_dir(&dir).ok()?;
        let group = Group { dir, procs };
        // On failure, dropping the group removes the directory.
        std::fs::write(group.dir.join("pids.max"), max.to_string()).ok()?;
        Some(group)
    }

    /// The path the child writes itself to, for [`join`].
    pub(crate) fn procs(&self) -> CString {
        self.procs.clone()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if kill_members(&self.dir, Duration::from_secs(5)) {
            remove(&self.dir);
        }
    }
}

/// Between fork and exec, in the child: moves the calling process (its one thread) into the
/// group through `procs` ([`Group::procs`]). Only `open`, `write` and `close`, which are safe
/// after a fork.
pub(crate) fn join(procs: &CString) -> std::io::Result<()> {
    // SAFETY: async-signal-safe calls on a C string made before the fork.
    unsafe {
        let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let written = libc::write(fd, b"0".as_ptr().cast(), 1);
        let err = std::io::Error::last_os_error();
        libc::close(fd);
        if written != 1 {
            return Err(err);
        }
    }
    Ok(())
}

/// Kills the processes listed in `dir`'s `cgroup.procs` until it lists none (a process forking
/// meanwhile is killed in a later round); whether it got there within `within`.
fn kill_members(dir: &Path, within: Duration) -> bool {
    let start = Instant::now();
    loop {
        let Ok(listed) = std::fs::read_to_string(dir.join("cgroup.procs")) else {
            return false;
        };
        let pids: Vec<libc::pid_t> = listed.lines().filter_map(|l| l.trim().parse().ok()).collect();
        if pids.is_empty() {
            return true;
        }
        for pid in pids {
            // SAFETY: signalling a process of the group (gone already, if it ended: no error).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        if start.elapsed() > within {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Removes an emptied group; a process that has just been killed may keep it busy a moment.
fn remove(dir: &Path) {
    for _ in 0..200 {
        match std::fs::remove_dir(dir) {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Where the groups go: this process's own `pids` cgroup, and the file of a group a child
/// writes itself to there.
#[derive(Debug, PartialEq)]
struct Base {
    dir: PathBuf,
    /// `tasks` on a v1 hierarchy, `cgroup.procs` on v2 (see the module's doc).
    join: &'static str,
}

/// This process's own `pids` cgroup ([`Base`]), if a group can be made under it. Found once;
/// groups left there by drivers no longer running are removed then.
fn base() -> Option<&'static Base> {
    static BASE: OnceLock<Option<Base>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
        let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let base = locate(&mountinfo, &cgroups)?;
        // A probe: whether this user may make a group there, and set its limit.
        let probe = base.dir.join(format!("opm-{}-{}-probe", std::process::id(), nonce()));
        std::fs::create_dir(&probe).ok()?;
        let ok =
            std::fs::write(probe.join("pids.max"), "max").is_ok() && probe.join(base.join).exists();
        remove(&probe);
        if !ok {
            return None;
        }
        sweep(&base.dir);
        Some(base)
    })
    .as_ref()
}

/// This process's `pids` cgroup, from `/proc/self/mountinfo` and `/proc/self/cgroup`: a
/// cgroup v1 hierarchy with the `pids` controller, or the v2 one when `pids` is enabled for
/// the children of this process's cgroup there.
fn locate(mountinfo: &str, cgroups: &str) -> Option<Base> {
    let mut v2 = None;
    for line in mountinfo.lines() {
        // "<id> <parent> <dev> <root> <mount point> <options> [optional…] - <fs> <source> <super>"
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let mut fields = left.split_whitespace();
        let (Some(root), Some(point)) = (fields.nth(3), fields.next()) else { continue };
        let mut right = right.split_whitespace();
        let (Some(fs), _, Some(options)) = (right.next(), right.next(), right.next()) else {
            continue;
        };
        let point = unescape(point);
        if fs == "cgroup" && options.split(',').any(|o| o == "pids") {
            let own = cgroups.lines().find_map(|l| {
                let mut parts = l.splitn(3, ':');
                let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
                controllers.split(',').any(|c| c == "pids").then_some(path)
            })?;
            return Some(Base { dir: join_mounted(&point, root, own), join: "tasks" });
        }
        if fs == "cgroup2" && v2.is_none() {
            let own = cgroups.lines().find_map(|l| l.strip_prefix("0::"));
            if let Some(own) = own {
                let dir = join_mounted(&point, root, own);
                let enabled = std::fs::read_to_string(dir.join("cgroup.subtree_control"))
                    .map(|c| c.split_whitespace().any(|c| c == "pids"))
                    .unwrap_or(false);
                if enabled {
                    v2 = Some(Base { dir, join: "cgroup.procs" });
                }
            }
        }
    }
    v2
}

/// The directory of cgroup `own` in a hierarchy whose `root` is mounted at `point`.
fn join_mounted(point: &str, root: &str, own: &str) -> PathBuf {
    let own = if root == "/" { own } else { own.strip_prefix(root).unwrap_or(own) };
    Path::new(point).join(own.trim_start_matches('/'))
}

/// A mount point as mountinfo writes it: space, tab, newline and backslash as octal escapes.
fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Removes the empty groups of drivers no longer running here (killed before they could):
/// those a minute old or more, so that a group another PID namespace's driver has just made
/// (and not yet entered) stays. A group that is not empty is not removed (`rmdir` refuses).
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("opm-")) else { continue };
        let Some(pid) = rest.split('-').next() else { continue };
        if pid.parse::<u32>().is_err() || Path::new("/proc").join(pid).exists() {
            continue;
        }
        let age = e.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| t.elapsed().ok());
        if age.is_some_and(|a| a >= Duration::from_secs(60)) {
            let _ = std::fs::remove_dir(e.path());
        }
    }
}

/// A number drawn once per process (std's per-process random hash keys).
fn nonce() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    static NONCE: OnceLock<u32> = OnceLock::new();
    *NONCE.get_or_init(|| {
        std::collections::hash_map::RandomState::new().build_hasher().finish() as u32
    })
}

/// Whether limited children get a group of their own here.
pub(crate) fn available() -> bool {
    base().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_pids_hierarchy_is_found_where_this_process_is() {
        let mountinfo = "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n\
                         39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n";
        let cgroups = "9:name=systemd:/\n8:pids:/jobs/a\n0::/\n";
        let found = locate(mountinfo, cgroups);
        let dir = PathBuf::from("/sys/fs/cgroup/pids/jobs/a");
        assert_eq!(found, Some(Base { dir, join: "tasks" }));
    }

    #[test]
    fn a_mount_of_a_subtree_and_escaped_spaces_are_followed() {
        let mountinfo =
            "39 31 0:36 /jobs /mnt/my\\040cg rw,relatime shared:5 - cgroup cgroup rw,pids,cpu\n";
        let cgroups = "8:cpu,pids:/jobs/a\n";
        assert_eq!(locate(mountinfo, cgroups).map(|b| b.dir), Some(PathBuf::from("/mnt/my cg/a")));
    }

    #[test]
    fn no_pids_controller_is_none() {
        let mountinfo = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        assert_eq!(locate(mountinfo, "4:memory:/\n"), None);
    }
}
