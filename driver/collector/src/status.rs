//! `opm-driver bench status`: the queue of a PostgreSQL lab database as text: each tag's
//! progress with a bar, the collectors with their last heartbeat and what each holds, and the
//! searches that failed.

use opm_lab::queue::{self, QueueStatus};
use opm_lab::store::{PgStore, StoreError};

/// A collector whose heartbeat is older than this is shown as silent.
const SILENT_S: f64 = 60.0;

/// The status text (`tag`: only that tag's searches).
pub fn status(store: &PgStore, tag: Option<&str>) -> Result<String, StoreError> {
    Ok(render(&queue::status(store, tag)?))
}

fn bar(done: i64, total: i64) -> String {
    const WIDTH: i64 = 30;
    let filled = if total > 0 { done * WIDTH / total } else { WIDTH };
    format!("[{}{}]", "#".repeat(filled as usize), "-".repeat((WIDTH - filled) as usize))
}

pub fn render(status: &QueueStatus) -> String {
    let QueueStatus { tags, collectors, failures } = status;
    let mut out = String::new();
    if tags.is_empty() {
        out.push_str("queue: empty (enqueue a lab with `opm-driver bench --tag T --enqueue`)\n");
    }
    for t in tags {
        let total = t.queued + t.running + t.done + t.failed;
        let ended = t.done + t.failed;
        out.push_str(&format!(
            "tag {}  {} {ended}/{total} ended ({:.0}%): {} queued, {} running, {} done, {} failed\n",
            t.tag,
            bar(ended, total),
            if total > 0 { 100.0 * ended as f64 / total as f64 } else { 100.0 },
            t.queued,
            t.running,
            t.done,
            t.failed
        ));
    }
    out.push_str(&format!("collectors: {}\n", collectors.len()));
    for c in collectors {
        let silent = if c.heartbeat_age_s > SILENT_S { " (silent)" } else { "" };
        let holds = match &c.holding {
            Some((search, tag, left)) if *left >= 0.0 => {
                format!("holding {search} (tag {tag}), lease {left:.0} s left")
            }
            Some((search, tag, left)) => {
                format!("holding {search} (tag {tag}), lease expired {:.0} s ago", -left)
            }
            None => "idle".to_string(),
        };
        let note = c.note.as_deref().map(|n| format!("; {n}")).unwrap_or_default();
        out.push_str(&format!(
            "  {}  class {}  {}  heartbeat {:.1} s ago{silent}  {holds}{note}\n",
            c.name, c.class, c.machine, c.heartbeat_age_s
        ));
    }
    if !failures.is_empty() {
        out.push_str(&format!("failed: {}\n", failures.len()));
        for f in failures {
            let detail = f.detail.lines().next().unwrap_or_default();
            out.push_str(&format!(
                "  {} (tag {}, {} attempts): {detail}\n",
                f.search, f.tag, f.attempts
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_lab::queue::{CollectorState, QueueFailure, TagProgress};

    #[test]
    fn the_status_shows_progress_collectors_and_failures() {
        let tags = vec![TagProgress { tag: "a".into(), queued: 3, running: 1, done: 5, failed: 1 }];
        let collectors = vec![
            CollectorState {
                name: "c1".into(),
                class: "default".into(),
                machine: "cpu, 2 CPUs".into(),
                heartbeat_age_s: 0.5,
                holding: Some(("sum · llvm · random".into(), "a".into(), 7.2)),
                note: None,
            },
            CollectorState {
                name: "c2".into(),
                class: "fast".into(),
                machine: "cpu, 2 CPUs".into(),
                heartbeat_age_s: 90.0,
                holding: None,
                note: Some("exited: nothing left to take".into()),
            },
        ];
        let failures = vec![QueueFailure {
            tag: "a".into(),
            search: "t · gcc · auto".into(),
            attempts: 3,
            detail: "no valid candidate\nmore".into(),
        }];
        let text = render(&QueueStatus { tags, collectors, failures });
        assert!(
            text.contains("tag a  [##################------------] 6/10 ended (60%)"),
            "{text}"
        );
        assert!(text.contains("3 queued, 1 running, 5 done, 1 failed"), "{text}");
        assert!(text.contains("c1  class default"), "{text}");
        assert!(text.contains("holding sum · llvm · random (tag a), lease 7 s left"), "{text}");
        assert!(text.contains("heartbeat 90.0 s ago (silent)  idle; exited"), "{text}");
        assert!(
            text.contains("t · gcc · auto (tag a, 3 attempts): no valid candidate\n"),
            "{text}"
        );
        assert!(render(&QueueStatus::default()).contains("queue: empty"));
    }
}
