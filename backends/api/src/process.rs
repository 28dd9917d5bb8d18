//! Child processes with a time limit: the one way opm runs gcc, the programs it builds and the
//! tools of its benchmarks and tests.
//!
//! The child runs in a process group of its own, and running out of time kills the whole group
//! (gcc's `cc1` and `as` with the `gcc` driver), so nothing it started outlives it. Waiting is
//! `wait-timeout`'s; reading the output happens on threads meanwhile, so that a child that
//! writes much never blocks on a full pipe.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// How a child process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It exited, or a signal ended it.
    Exited(ExitStatus),
    /// It was still running at the time limit; it was killed.
    TimedOut,
}

/// What a child process did.
#[derive(Clone, Debug)]
pub struct Ran {
    pub ending: Ending,
    /// From its start to its end (or to the time limit).
    pub elapsed: Duration,
    /// The CPU time it used, user and system, its own and that of the processes it started and
    /// waited for (the kernel's accounting, `wait4`): `None` when it timed out, or where the
    /// kernel has no pidfds (Linux before 5.3).
    pub cpu: Option<Duration>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// It wrote more than [`Limits::output_bytes`] on its standard output: what it wrote is
    /// kept up to the limit, and it was killed there (with every process it started).
    pub cut: bool,
}

/// What a child may use. Past `output_bytes` on its standard output it is killed (its
/// standard error is kept up to as much, the rest dropped); `memory_bytes` and `file_bytes` are
/// resource limits (`setrlimit`) it starts with: past `memory_bytes` of address space an
/// allocation fails, past `file_bytes` a write ends it (SIGXFSZ). With `processes`, it and what
/// it starts may have that many processes at once, where [`process_limit`] says how that is
/// held. A limited child leaves no core dump.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub output_bytes: Option<usize>,
    pub memory_bytes: Option<u64>,
    pub file_bytes: Option<u64>,
    pub processes: Option<u64>,
}

/// How a limit on processes ([`Limits::processes`]) is held on this machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessLimit {
    /// Each limited child gets a `pids` cgroup of its own: the limit counts it and what it
    /// starts, whoever runs opm, root included.
    PerRun,
    /// `RLIMIT_NPROC`: the limit is on top of the processes the user had when opm first
    /// counted them, and the kernel counts every process of the user.
    PerUser,
    /// Neither: no `pids` cgroup can be made here, and the kernel does not hold root to
    /// `RLIMIT_NPROC`.
    None,
}

/// How this machine holds a child to [`Limits::processes`] (found once).
pub fn process_limit() -> ProcessLimit {
    if crate::pids::available() {
        ProcessLimit::PerRun
    } else if user_processes().is_some() {
        ProcessLimit::PerUser
    } else {
        ProcessLimit::None
    }
}

/// How many processes this user has (counted once), for `RLIMIT_NPROC`; `None` for root, whom
/// the kernel does not hold to it.
fn user_processes() -> Option<u64> {
    static COUNT: OnceLock<Option<u64>> = OnceLock::new();
    *COUNT.get_or_init(|| {
        // SAFETY: plain system call.
        let uid = unsafe { libc::getuid() };
        if uid == 0 {
            return None;
        }
        let wanted = uid.to_string();
        let entries = std::fs::read_dir("/proc").ok()?;
        let mut n = 0u64;
        for e in entries.flatten() {
            let status = std::fs::read_to_string(e.path().join("status")).unwrap_or_default();
            let uid_line = status.lines().find_map(|l| l.strip_prefix("Uid:"));
            if uid_line.and_then(|l| l.split_whitespace().next()) == Some(wanted.as_str()) {
                n += 1;
            }
        }
        Some(n)
    })
}

impl Limits {
    /// The rlimits a child starts with; `nproc`: `RLIMIT_NPROC`, when the process limit is
    /// held that way.
    fn rlimits(&self, nproc: Option<u64>) -> Vec<(RlimitResource, u64)> {
        let mut out = Vec::new();
        let wanted = [
            (libc::RLIMIT_AS, self.memory_bytes),
            (libc::RLIMIT_FSIZE, self.file_bytes),
            (libc::RLIMIT_NPROC, nproc),
        ];
        for (resource, value) in wanted {
            if let Some(v) = value {
                out.push((resource, v));
            }
        }
        if !out.is_empty() || self.processes.is_some() {
            out.push((libc::RLIMIT_CORE, 0));
        }
        out
    }
}

#[cfg(target_env = "gnu")]
type RlimitResource = libc::__rlimit_resource_t;
#[cfg(not(target_env = "gnu"))]
type RlimitResource = libc::c_int;

impl Ran {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        matches!(self.ending, Ending::Exited(s) if s.success())
    }

    /// The status a shell would report: the exit code, or 128 + the signal's number when a
    /// signal ended it; `None` when it timed out.
    pub fn shell_code(&self) -> Option<i32> {
        match self.ending {
            Ending::Exited(status) => Some(shell_exit_code(status)),
            Ending::TimedOut => None,
        }
    }
}

/// The exit code a shell would report for `status`: the program's own code, or 128 + the
/// signal number when a signal ended it.
pub fn shell_exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(sig)) => 128 + sig,
        (None, None) => 1,
    }
}

/// Runs `cmd` with `stdin` as its standard input (`None`: an empty one), collecting its
/// standard output and error, and kills it (and every process it started) when it has not
/// ended after `limit`. Errors are those of starting or waiting for it.
pub fn run_with_timeout(
    cmd: &mut Command,
    stdin: Option<&[u8]>,
    limit: Duration,
) -> std::io::Result<Ran> {
    run_limited(cmd, stdin, limit, &Limits::default())
}

/// Starts `cmd`, again a few times (over about two seconds) while that fails for a passing
/// reason: its executable is busy (`ETXTBSY`: a program this process has just written can
/// still be open for writing in a child that another of its threads forked meanwhile, until
/// that child execs, about milliseconds), or the system is out of processes for a moment
/// (`EAGAIN` from `fork`: the user's process limit, reached until other programs end).
fn spawn_retrying(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    let mut wait = Duration::from_millis(2);
    for _ in 0..10 {
        match cmd.spawn() {
            Err(e) if matches!(e.raw_os_error(), Some(libc::ETXTBSY | libc::EAGAIN)) => {
                std::thread::sleep(wait);
                wait *= 2;
            }
            spawned => return spawned,
        }
    }
    cmd.spawn()
}

/// [`run_with_timeout`] within `limits`.
pub fn run_limited(
    cmd: &mut Command,
    stdin: Option<&[u8]>,
    limit: Duration,
    limits: &Limits,
) -> std::io::Result<Ran> {
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // Its own pids cgroup where one can be made (dropped, which kills what is left in it, when
    // this function returns), else RLIMIT_NPROC on top of the user's processes.
    let cgroup = limits.processes.and_then(crate::pids::Group::new);
    let nproc = match (&cgroup, limits.processes) {
        (None, Some(n)) => user_processes().map(|had| had + n),
        _ => None,
    };
    let rlimits = limits.rlimits(nproc);
    let procs = cgroup.as_ref().map(crate::pids::Group::procs);
    if !rlimits.is_empty() || procs.is_some() {
        // SAFETY: only `open`, `write`, `close` and `setrlimit` between fork and exec, on
        // values made before the fork.
        unsafe {
            cmd.pre_exec(move || {
                if let Some(procs) = &procs {
                    crate::pids::join(procs)?;
                }
                for &(resource, value) in &rlimits {
                    let l = libc::rlimit { rlim_cur: value as _, rlim_max: value as _ };
                    if libc::setrlimit(resource, &l) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
    }
    let start = Instant::now();
    let mut child = spawn_retrying(cmd)?;
    let group = child.id() as libc::pid_t;
    let input = child.stdin.take();
    let out = child.stdout.take();
    let err = child.stderr.take();
    let cap = limits.output_bytes;
    std::thread::scope(|s| {
        if let (Some(mut w), Some(bytes)) = (input, stdin) {
            // A child that stops reading early makes this fail: its status tells why.
            s.spawn(move || {
                let _ = w.write_all(bytes);
            });
        }
        let stdout = s.spawn(move || read_all(out, cap, Some(group)));
        // Standard error past the cap is read and dropped: it ends no run.
        let stderr = s.spawn(move || read_all(err, cap, None));
        let (ending, cpu) = match wait_limited(&mut child, limit) {
            Ok(Waited::Exited(status, cpu)) => (Ok(Ending::Exited(status)), cpu),
            Ok(Waited::Running) => (Ok(Ending::TimedOut), None),
            Err(e) => (Err(e), None),
        };
        let elapsed = start.elapsed();
        // Whatever the child left running in its group would hold the pipes open; a child out
        // of time goes with it.
        // SAFETY: signalling the process group this child leads (empty by now, if every process
        // of it ended, which is no error).
        unsafe { libc::kill(-group, libc::SIGKILL) };
        if !matches!(ending, Ok(Ending::Exited(_))) {
            let _ = child.kill();
            let _ = child.wait();
        }
        // And whatever left the group for a session of its own, in the child's cgroup.
        drop(cgroup);
        let (stdout, cut_out) = stdout.join().unwrap_or_default();
        let (stderr, cut_err) = stderr.join().unwrap_or_default();
        Ok(Ran { ending: ending?, elapsed, cpu, stdout, stderr, cut: cut_out || cut_err })
    })
}

/// How waiting for a child ended.
enum Waited {
    /// With its status, and its CPU time where the kernel told it.
    Exited(ExitStatus, Option<Duration>),
    /// It was still running at the limit.
    Running,
}

/// Waits up to `limit` for `child` to end, and reaps it with `wait4`, which tells its CPU time:
/// a pidfd says when it ended. Where the kernel has no pidfds, `wait-timeout`'s wait, without
/// the CPU time. A child reaped here must not be waited for or signalled through `child`
/// again (its pid may be another process's by then).
fn wait_limited(child: &mut std::process::Child, limit: Duration) -> std::io::Result<Waited> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    // SAFETY: a plain system call; the descriptor it returns is owned here.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Ok(match child.wait_timeout(limit)? {
            Some(status) => Waited::Exited(status, None),
            None => Waited::Running,
        });
    }
    // SAFETY: `fd` is a new descriptor of this process's, owned by nothing else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as libc::c_int) };
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Waited::Running);
        }
        let ms = left.as_micros().div_ceil(1000).min(i32::MAX as u128) as libc::c_int;
        let mut p = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one pollfd, on a descriptor this function owns.
        let ready = unsafe { libc::poll(&mut p, 1, ms) };
        if ready > 0 {
            break;
        }
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid one for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waiting for this process's own child, which has ended.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    let cpu = time(usage.ru_utime) + time(usage.ru_stime);
    Ok(Waited::Exited(ExitStatus::from_raw(status), Some(cpu)))
}

/// Everything a pipe gives until it closes (nothing for no pipe), kept up to `cap` bytes:
/// past them the process group `kill` is killed, and the second value says so (without
/// `kill`, the rest is read and dropped).
fn read_all(
    pipe: Option<impl Read>,
    cap: Option<usize>,
    kill: Option<libc::pid_t>,
) -> (Vec<u8>, bool) {
    let mut buf = Vec::new();
    let Some(mut p) = pipe else { return (buf, false) };
    let Some(cap) = cap else {
        let _ = p.read_to_end(&mut buf);
        return (buf, false);
    };
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match p.read(&mut chunk) {
            Ok(0) => return (buf, false),
            Ok(n) if buf.len() + n > cap => {
                buf.extend_from_slice(&chunk[..cap - buf.len()]);
                if let Some(group) = kill {
                    // SAFETY: signalling the process group the child leads.
                    unsafe { libc::kill(-group, libc::SIGKILL) };
                    return (buf, true);
                }
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return (buf, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    #[test]
    fn a_program_still_open_for_writing_a_moment_is_run_once_it_is_closed() {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("opm-busy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("true");
        let mut file = std::fs::File::create(&exe).unwrap();
        file.write_all(&std::fs::read("/bin/true").unwrap()).unwrap();
        file.set_permissions(std::fs::Permissions::from_mode(0o755)).unwrap();
        // Held open for writing as a child forked by another thread would hold it.
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(file);
        });
        let ran = run_with_timeout(&mut Command::new(&exe), None, Duration::from_secs(10));
        writer.join().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(ran.unwrap().success());
    }

    #[test]
    fn output_status_and_input_are_kept() {
        let ran = run_with_timeout(
            &mut sh("cat; echo err >&2; exit 3"),
            Some(b"in\n"),
            Duration::from_secs(30),
        )
        .unwrap();
        assert_eq!(ran.ending, Ending::Exited(ran_status(3)));
        assert_eq!(ran.shell_code(), Some(3));
        assert_eq!(ran.stdout, b"in\n");
        assert_eq!(ran.stderr, b"err\n");
        assert!(!ran.success());
    }

    fn ran_status(code: i32) -> ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        ExitStatus::from_raw(code << 8)
    }

    #[test]
    fn a_signal_is_128_plus_its_number() {
        let ran = run_with_timeout(&mut sh("kill -9 $$"), None, Duration::from_secs(30)).unwrap();
        assert_eq!(ran.shell_code(), Some(128 + 9));
    }

    #[test]
    fn a_child_out_of_time_is_killed_with_what_it_started() {
        // The shell starts a sleeper that holds the output pipe: both must go (else reading
        // the output would wait for the sleeper).
        let script = "sleep 600 & echo $!; sleep 600";
        let ran = run_with_timeout(&mut sh(script), None, Duration::from_millis(300)).unwrap();
        assert_eq!(ran.ending, Ending::TimedOut);
        assert_eq!(ran.shell_code(), None);
        let pid = String::from_utf8_lossy(&ran.stdout).trim().to_string();
        assert!(!pid.is_empty(), "the sleeper's pid");
        let gone = || match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat.split_whitespace().nth(2) == Some("Z"),
        };
        for _ in 0..200 {
            if gone() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the sleeper {pid} outlived its group");
    }

    #[test]
    fn cpu_time_counts_work_and_not_waiting() {
        // Work in a subshell (a process the child waits for) and a sleep: the CPU time has the
        // work, not the sleep, however busy the machine.
        let script = "(i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done); sleep 1";
        let ran = run_with_timeout(&mut sh(script), None, Duration::from_secs(600)).unwrap();
        let cpu = ran.cpu.expect("CPU time (this kernel has pidfds)");
        assert!(cpu >= Duration::from_millis(20), "{cpu:?} for 300,000 shell iterations");
        assert!(ran.elapsed >= cpu + Duration::from_millis(900), "{ran:?}");
        let idle = run_with_timeout(&mut sh("sleep 0.5"), None, Duration::from_secs(600)).unwrap();
        assert!(idle.cpu.expect("CPU time") < Duration::from_millis(200), "{idle:?}");
        assert_eq!(idle.shell_code(), Some(0));
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let e =
            run_with_timeout(&mut Command::new("/nonexistent/tool"), None, Duration::from_secs(1));
        assert!(e.is_err());
    }

    #[test]
    fn a_child_printing_past_its_cap_is_cut_there_and_killed() {
        let limits = Limits { output_bytes: Some(1000), ..Limits::default() };
        let ran = run_limited(&mut sh("yes"), None, Duration::from_secs(600), &limits).unwrap();
        assert!(ran.cut);
        assert_eq!(ran.stdout.len(), 1000);
        assert_ne!(ran.ending, Ending::TimedOut, "killed at the cap, not at the time limit");
    }

    #[test]
    fn a_limited_child_starts_with_its_rlimits() {
        let limits = Limits {
            memory_bytes: Some(512 << 20),
            file_bytes: Some(1 << 20),
            ..Limits::default()
        };
        let script = "ulimit -v; ulimit -f; ulimit -c";
        let ran = run_limited(&mut sh(script), None, Duration::from_secs(60), &limits).unwrap();
        // KiB, 512-byte blocks (POSIX sh), and no core dump.
        assert_eq!(String::from_utf8_lossy(&ran.stdout), "524288\n2048\n0\n");
        assert!(!ran.cut);
    }

    #[test]
    fn a_child_may_not_start_more_than_its_processes() {
        if process_limit() == ProcessLimit::None {
            println!("skipped: no pids cgroup can be made here, and RLIMIT_NPROC spares root");
            return;
        }
        // Per user, the limit is on top of what the user had: other processes of the user may
        // come and go meanwhile, so the count is only bounded there, exact per run.
        let limits = Limits { processes: Some(20), ..Limits::default() };
        // The shell counts the sleepers it started; it stops at the first that cannot fork.
        let script = "n=0; while [ $n -lt 200 ]; do sleep 600 & n=$((n+1)); echo $n; done";
        let ran = run_limited(&mut sh(script), None, Duration::from_secs(600), &limits).unwrap();
        let out = String::from_utf8_lossy(&ran.stdout);
        let started: u32 = out.lines().last().unwrap_or("0").parse().unwrap();
        assert!(started < 20, "{started} sleepers started under a limit of 20");
        if process_limit() == ProcessLimit::PerRun {
            assert_eq!(started, 19, "the shell and 19 sleepers");
        }
    }

    #[test]
    fn a_process_that_left_the_group_for_its_own_session_goes_with_the_run() {
        if process_limit() != ProcessLimit::PerRun {
            println!("skipped: no pids cgroup can be made here");
            return;
        }
        let limits = Limits { processes: Some(20), ..Limits::default() };
        let script = "setsid sleep 600 >/dev/null 2>&1 & echo $!";
        let ran = run_limited(&mut sh(script), None, Duration::from_secs(600), &limits).unwrap();
        let pid = String::from_utf8_lossy(&ran.stdout).trim().to_string();
        assert!(!pid.is_empty(), "the sleeper's pid");
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        assert!(
            stat.is_empty() || stat.split_whitespace().nth(2) == Some("Z"),
            "the sleeper {pid} outlived its run: {stat}"
        );
    }

    #[test]
    fn standard_error_past_the_cap_is_dropped_without_ending_the_run() {
        let limits = Limits { output_bytes: Some(1000), ..Limits::default() };
        let script = "head -c 100000 /dev/zero >&2; echo done";
        let ran = run_limited(&mut sh(script), None, Duration::from_secs(600), &limits).unwrap();
        assert!(!ran.cut);
        assert_eq!(ran.stderr.len(), 1000);
        assert_eq!(ran.stdout, b"done\n");
        assert_eq!(ran.shell_code(), Some(0));
    }
}
