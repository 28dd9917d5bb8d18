//! The registry server for real: `opm-registry serve` on 127.0.0.1 (a port the system picks),
//! TLS by rustls with certificates from a CA made here, spoken to by opm-client. Each test
//! starts and stops its own servers, in temporary directories, within bounded time.

use opm_client::{Client, ClientConfig, ClientError};
use opm_market::attest::{Envelope, PlanPredicate, SigningKey, Statement};
use opm_market::ledger::{Checkpoint, Decision, Ledger, verify_inclusion};
use opm_server::access::Role;
use opm_server::certs::{self, Issued};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_opm-registry");

/// A running server, killed when dropped.
struct Server {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(store: &Path, args: &[&str]) -> Server {
        let log = store.with_extension(format!("log{}", rand_suffix()));
        let err = std::fs::File::create(&log).expect("log file");
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg("--store")
            .arg(store)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .expect("start opm-registry");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the server did not start: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        let url = line.strip_prefix("listening on ").expect("a listening line").to_string();
        Server { child, url, log }
    }

    fn client(
        &self,
        ca: Option<&Path>,
        token: Option<&str>,
        identity: Option<(&Path, &Path)>,
    ) -> Client {
        self.try_client(ca, token, identity).expect("a client config")
    }

    fn try_client(
        &self,
        ca: Option<&Path>,
        token: Option<&str>,
        identity: Option<(&Path, &Path)>,
    ) -> Result<Client, ClientError> {
        let mut config = ClientConfig::new(self.url.clone());
        config.ca = ca.map(Path::to_path_buf);
        config.token = token.map(str::to_string);
        config.identity = identity.map(|(c, k)| (c.to_path_buf(), k.to_path_buf()));
        config.timeout = Duration::from_secs(20);
        Client::connect(&config)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn rand_suffix() -> String {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).expect("random");
    hex::encode(b)
}

/// A CA in `dir/NAME/` and files issued from it.
struct Pki {
    dir: PathBuf,
    ca: Issued,
}

impl Pki {
    fn new(dir: &Path, name: &str) -> Pki {
        let dir = dir.join(name);
        let ca = certs::new_ca(name).expect("a CA");
        certs::write(&ca, &dir, "ca").expect("CA files");
        Pki { dir, ca }
    }

    fn ca_pem(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    fn server(&self, stem: &str, names: &[&str]) -> (PathBuf, PathBuf) {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let issued = certs::server_cert(&self.ca, &names).expect("server cert");
        certs::write(&issued, &self.dir, stem).expect("server files")
    }

    fn client(&self, stem: &str, name: &str, role: Role) -> (PathBuf, PathBuf) {
        let issued = certs::client_cert(&self.ca, name, role).expect("client cert");
        certs::write(&issued, &self.dir, stem).expect("client files")
    }
}

fn token(store: &Path, name: &str, role: &str) -> String {
    let out = Command::new(BIN)
        .args(["token", "add", name, "--role", role, "--store"])
        .arg(store)
        .output()
        .expect("token add");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn tls_args(cert: &Path, key: &Path) -> Vec<String> {
    vec!["--cert".into(), cert.display().to_string(), "--key".into(), key.display().to_string()]
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn connect_error(r: Result<impl std::fmt::Debug, ClientError>) -> String {
    match r {
        Err(e @ ClientError::Connect { .. }) => e.to_string(),
        other => panic!("expected a connection refused by TLS, got {other:?}"),
    }
}

fn status(r: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match r {
        Err(ClientError::Status { status, message, .. }) => (status, message),
        other => panic!("expected an error status, got {other:?}"),
    }
}

fn new_key() -> SigningKey {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("random");
    SigningKey::from_bytes(&secret)
}

#[test]
fn tls_refuses_unknown_issuers_other_names_and_clients_without_a_certificate() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ours = Pki::new(tmp.path(), "ours");
    let theirs = Pki::new(tmp.path(), "theirs");
    let (cert, key) = ours.server("srv", &["127.0.0.1", "localhost"]);
    let store = tmp.path().join("store");
    let reader = token(&store, "reader", "reader");
    let server = Server::start(&store, &args(&tls_args(&cert, &key)));

    // The right CA: in.
    let good = server.client(Some(&ours.ca_pem()), Some(&reader), None);
    assert!(good.health().expect("health").ok);
    assert_eq!(good.list(None).expect("list"), vec![]);
    // Another CA: the server's certificate is refused.
    let e = connect_error(server.client(Some(&theirs.ca_pem()), Some(&reader), None).health());
    assert!(e.contains("UnknownIssuer"), "{e}");
    // The system's roots do not know our CA either.
    let e = connect_error(server.client(None, Some(&reader), None).health());
    assert!(e.contains("certificate") || e.contains("Unknown"), "{e}");
    drop(server);

    // A certificate for another name.
    let (other_cert, other_key) = ours.server("other", &["registry.example"]);
    let server = Server::start(&store, &args(&tls_args(&other_cert, &other_key)));
    let e = connect_error(server.client(Some(&ours.ca_pem()), Some(&reader), None).health());
    assert!(e.contains("not valid for name"), "{e}");
    drop(server);

    // With --client-ca: a client certificate from our CA is needed.
    let mut with_ca = tls_args(&cert, &key);
    with_ca.extend(["--client-ca".to_string(), ours.ca_pem().display().to_string()]);
    let server = Server::start(&store, &args(&with_ca));
    let e = connect_error(server.client(Some(&ours.ca_pem()), Some(&reader), None).list(None));
    assert!(!e.is_empty());
    let (alien_cert, alien_key) = theirs.client("mallory", "mallory", Role::Admin);
    let e = connect_error(
        server.client(Some(&ours.ca_pem()), None, Some((&alien_cert, &alien_key))).list(None),
    );
    assert!(!e.is_empty());
    let (alice_cert, alice_key) = ours.client("alice", "alice", Role::Reader);
    let alice = server.client(Some(&ours.ca_pem()), None, Some((&alice_cert, &alice_key)));
    assert_eq!(alice.list(None).expect("alice lists"), vec![]);
    // Her certificate says reader: she may not add a key.
    let (code, message) = status(alice.add_key(&new_key().verifying_key()));
    assert_eq!(code, 403, "{message}");
    assert!(message.contains("cert:alice") && message.contains("admin"), "{message}");
    let (admin_cert, admin_key) = ours.client("root", "root", Role::Admin);
    let root = server.client(Some(&ours.ca_pem()), None, Some((&admin_cert, &admin_key)));
    assert_eq!(root.add_key(&new_key().verifying_key()).expect("admin adds a key").size, 1);
}

#[test]
fn roles_tokens_and_refusals_are_clear_and_tokens_stay_out_of_the_log() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pki = Pki::new(tmp.path(), "ca");
    let (cert, key) = pki.server("srv", &["127.0.0.1"]);
    let store = tmp.path().join("store");
    let reader = token(&store, "ann", "reader");
    let publisher = token(&store, "pat", "publisher");
    let admin = token(&store, "adm", "admin");
    let mut a = tls_args(&cert, &key);
    a.extend(["--body-limit".into(), "20000".into()]);
    let server = Server::start(&store, &args(&a));
    let ca = pki.ca_pem();
    let anon = server.client(Some(&ca), None, None);
    let (code, message) = status(anon.list(None));
    assert_eq!(code, 401);
    assert!(message.contains("no credentials"), "{message}");
    let (code, _) = status(server.client(Some(&ca), Some("opm_not-a-token"), None).list(None));
    assert_eq!(code, 401);

    let r = server.client(Some(&ca), Some(&reader), None);
    let p = server.client(Some(&ca), Some(&publisher), None);
    let adm = server.client(Some(&ca), Some(&admin), None);
    // A reader cannot publish; a publisher cannot add keys; an admin can.
    let signer = new_key();
    let envelope = attestation(&signer, "function(instcombine)");
    let (code, message) = status(r.publish(&envelope, &signer.verifying_key()));
    assert_eq!(code, 403, "{message}");
    assert!(message.contains("`ann` has the reader role"), "{message}");
    let (code, message) = status(p.add_key(&signer.verifying_key()));
    assert_eq!(code, 403, "{message}");
    // A tampered attestation is refused before anything is stored.
    let mut tampered = envelope.clone();
    tampered.payload = tampered.payload.replace('A', "B");
    let (code, message) = status(p.publish(&tampered, &signer.verifying_key()));
    assert_eq!(code, 400, "{message}");
    assert!(message.contains("rejected"), "{message}");
    // A sound attestation by a key the registry does not trust: refused, saying so.
    let (code, message) = status(p.publish(&envelope, &signer.verifying_key()));
    assert_eq!(code, 403, "{message}");
    assert!(message.contains("does not trust"), "{message}");
    // Trusted now, but no adapter admitted for its backend: a conflict that names it.
    adm.add_key(&signer.verifying_key()).expect("admin adds the key");
    let (code, message) = status(p.publish(&envelope, &signer.verifying_key()));
    assert_eq!(code, 409, "{message}");
    assert!(message.contains("no admitted adapter"), "{message}");
    assert_eq!(adm.checkpoint().expect("checkpoint").expect("one").size, 1);

    // Malformed JSON names the field; a body over the limit is refused as such.
    let raw = ureq_agent(&ca);
    let url = format!("{}/v1/plans", server.url);
    let (code, body) =
        send(&raw, &url, &publisher, r#"{"attestation":{"payloadType":3},"public_key":"00"}"#);
    assert_eq!(code, 400);
    assert_eq!(body["field"], "attestation.payloadType", "{body}");
    let (code, body) = send(&raw, &url, &publisher, r#"{"public_key":"00"}"#);
    assert_eq!((code, body["field"].as_str()), (400, Some("attestation")), "{body}");
    let big = format!(r#"{{"public_key":"{}"}}"#, "0".repeat(30_000));
    let (code, body) = send(&raw, &url, &publisher, &big);
    assert_eq!(code, 413, "{body}");
    let (code, body) = get(&raw, &format!("{}/v1/ledger/inclusion?index=x", server.url), &reader);
    assert_eq!((code, body["field"].as_str()), (400, Some("index")), "{body}");

    // A revoked token stops working at its next request.
    let out = Command::new(BIN)
        .args(["token", "revoke", "ann", "--why", "left the team", "--store"])
        .arg(&store)
        .output()
        .expect("token revoke");
    assert!(out.status.success());
    let (code, message) = status(r.list(None));
    assert_eq!(code, 401);
    assert!(message.contains("revoked: left the team"), "{message}");

    let log = server.log();
    assert!(log.contains("POST /v1/plans 403 ann"), "{log}");
    for secret in [&reader, &publisher, &admin] {
        assert!(!log.contains(secret.as_str()), "a token is in the log");
    }
}

#[test]
fn rate_limits_answer_429_with_when_to_retry() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pki = Pki::new(tmp.path(), "ca");
    let (cert, key) = pki.server("srv", &["127.0.0.1"]);
    let store = tmp.path().join("store");
    let reader = token(&store, "ann", "reader");
    let mut a = tls_args(&cert, &key);
    a.extend(["--rate", "1", "--burst", "3"].map(String::from));
    let server = Server::start(&store, &args(&a));
    let r = server.client(Some(&pki.ca_pem()), Some(&reader), None);
    let mut refused = None;
    for _ in 0..10 {
        if let Err(e) = r.list(None) {
            refused = Some(e);
            break;
        }
    }
    let (code, message) = status(Err::<(), _>(refused.expect("a refusal within 10 requests")));
    assert_eq!(code, 429);
    assert!(message.contains("rate limit"), "{message}");
}

#[test]
fn the_ledger_syncs_over_the_network_with_proofs_and_a_fork_is_caught() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pki = Pki::new(tmp.path(), "ca");
    let (cert, key) = pki.server("srv", &["127.0.0.1"]);
    let signing = tmp.path().join("registry.key");
    let server_key = opm_market::keys::generate(&signing).expect("key");
    let trusted = [server_key.verifying_key()];
    let store = tmp.path().join("store");
    let admin = token(&store, "adm", "admin");
    let mut a = tls_args(&cert, &key);
    a.extend(["--signing-key".into(), signing.display().to_string()]);
    let server = Server::start(&store, &args(&a));
    let adm = server.client(Some(&pki.ca_pem()), Some(&admin), None);
    for _ in 0..5 {
        adm.add_key(&new_key().verifying_key()).expect("add");
    }
    let mut mine = Ledger::open(&tmp.path().join("mine.sqlite")).expect("my ledger");
    let bundle = adm.since(&Checkpoint::empty()).expect("since empty");
    assert_eq!(mine.receive(&bundle, &trusted).expect("receive"), 5);
    for _ in 0..3 {
        adm.add_key(&new_key().verifying_key()).expect("add");
    }
    let ours = mine.latest_checkpoint().expect("cp").expect("some");
    let bundle = adm.since(&ours).expect("since 5");
    assert_eq!((bundle.entries.len(), bundle.proof.old_size, bundle.proof.new_size), (3, 5, 8));
    assert_eq!(mine.receive(&bundle, &trusted).expect("delta"), 3);
    // An inclusion proof checks offline against the signed checkpoint.
    let inc = adm.inclusion(6, None).expect("inclusion");
    inc.checkpoint.verify(&trusted).expect("signed");
    verify_inclusion(inc.inclusion.entry.as_bytes(), &inc.inclusion, &inc.checkpoint)
        .expect("included");
    let con = adm.consistency(5, Some(8)).expect("consistency");
    opm_market::ledger::verify_consistency(&con.old, &con.new, &con.consistency)
        .expect("consistent");
    drop(server);

    // Another server signing with the same key, whose history differs: a fork.
    let forked = tmp.path().join("forked");
    let forked_admin = token(&forked, "adm", "admin");
    let server = Server::start(&forked, &args(&a));
    let other = server.client(Some(&pki.ca_pem()), Some(&forked_admin), None);
    for _ in 0..9 {
        other.add_key(&new_key().verifying_key()).expect("add");
    }
    let ours = mine.latest_checkpoint().expect("cp").expect("some");
    let caught = match other.since(&ours) {
        Err(e) => e.to_string(),
        Ok(bundle) => mine.receive(&bundle, &trusted).expect_err("a fork").to_string(),
    };
    assert!(caught.to_lowercase().contains("fork"), "{caught}");
    assert_eq!(mine.size().expect("size"), 8, "nothing appended from a fork");
}

/// A store under `dir` for a server that signs its checkpoints (no rate limit to speak of),
/// with the LLVM adapter admitted and an admin's token.
struct Signed {
    pki: Pki,
    /// The server's arguments: TLS and its signing key.
    a: Vec<String>,
    server_key: SigningKey,
    store: PathBuf,
    admin: String,
}

fn signed_store(dir: &Path) -> Signed {
    let pki = Pki::new(dir, "ca");
    let (cert, key) = pki.server("srv", &["127.0.0.1"]);
    let signing = dir.join("registry.key");
    let server_key = opm_market::keys::generate(&signing).expect("key");
    let store = dir.join("store");
    let admin = token(&store, "adm", "admin");
    let mut a = tls_args(&cert, &key);
    a.extend(["--signing-key".into(), signing.display().to_string()]);
    a.extend(["--rate", "100000", "--burst", "100000"].map(String::from));
    admit_llvm(&store);
    Signed { pki, a, server_key, store, admin }
}

#[test]
fn concurrent_clients_lose_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let Signed { pki, a, server_key, store, admin } = signed_store(tmp.path());
    let reader = token(&store, "ann", "reader");
    let publisher = token(&store, "pat", "publisher");
    let server = Server::start(&store, &args(&a));
    let ca = pki.ca_pem();
    let signer = new_key();
    server.client(Some(&ca), Some(&admin), None).add_key(&signer.verifying_key()).expect("key");

    // 32 clients for a bounded time: 8 publish plans, 8 add keys, 16 read.
    let stop_at = std::time::Instant::now() + Duration::from_secs(4);
    let (tx, rx) = mpsc::channel::<String>();
    let (ptx, prx) = mpsc::channel::<String>();
    let mut threads = Vec::new();
    for i in 0..32 {
        let token = match i % 4 {
            0 => &publisher,
            2 => &admin,
            _ => &reader,
        };
        let client = server.client(Some(&ca), Some(token), None);
        let (tx, ptx, signer) = (tx.clone(), ptx.clone(), signer.clone());
        threads.push(std::thread::spawn(move || {
            let mut n = 0;
            while std::time::Instant::now() < stop_at {
                match i % 4 {
                    0 => {
                        // A plan of its own: another module's digest.
                        n += 1;
                        let module = format!("; module {i}.{n}\n");
                        let envelope = attestation_of(
                            &signer,
                            "function(instcombine,simplifycfg)",
                            module.as_bytes(),
                        );
                        let done =
                            client.publish(&envelope, &signer.verifying_key()).expect("publish");
                        assert!(done.new, "a new attestation published as old");
                        ptx.send(done.plan.id).expect("send");
                    }
                    2 => {
                        let k = new_key().verifying_key();
                        client.add_key(&k).expect("add key");
                        tx.send(opm_market::attest::key_id(&k)).expect("send");
                    }
                    _ => {
                        client.checkpoint().expect("checkpoint");
                        client.list(None).expect("list");
                    }
                }
            }
        }));
    }
    drop((tx, ptx));
    for t in threads {
        t.join().expect("a client thread");
    }
    let acknowledged: Vec<String> = rx.iter().collect();
    let published: Vec<String> = prx.iter().collect();
    assert!(acknowledged.len() >= 8, "only {} keys added", acknowledged.len());
    assert!(published.len() >= 8, "only {} plans published", published.len());
    let ledger = Ledger::open(&store.join("ledger.sqlite")).expect("ledger");
    let report = ledger.verify(&[server_key.verifying_key()]).expect("verifies");
    // The signer's key, then every acknowledged write once.
    assert_eq!(
        report.entries as usize,
        1 + acknowledged.len() + published.len(),
        "lost or duplicated entries"
    );
    let mut in_ledger = published_plans(&ledger);
    let mut sent = published.clone();
    in_ledger.sort();
    sent.sort();
    assert_eq!(in_ledger, sent, "the ledger's plans are not the acknowledged ones");
    let added = added_keys(&ledger);
    let mut sorted = added.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), added.len(), "a duplicated entry");
}

/// The server killed with SIGKILL at moments spread over its work, while 8 clients add keys
/// and publish plans, then started again on the same store, `OPM_RELIABILITY_KILLS` times
/// (default 3; the seed is printed, `OPM_RELIABILITY_SEED` replays it): after every restart
/// the ledger verifies, every write acknowledged before any kill is in it, once, and the
/// server goes on appending. A larger campaign: `OPM_RELIABILITY_KILLS=50 cargo test -p
/// opm-server --test server a_server_killed -- --nocapture`.
#[test]
fn a_server_killed_at_any_moment_keeps_every_acknowledged_write() {
    let seed = seed_from_env("OPM_RELIABILITY_SEED");
    let kills: u64 =
        std::env::var("OPM_RELIABILITY_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    println!("server kills: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let tmp = tempfile::tempdir().expect("tmp");
    let Signed { pki, a, server_key, store, admin } = signed_store(tmp.path());
    let publisher = token(&store, "pat", "publisher");
    let ca = pki.ca_pem();
    let signer = new_key();
    let mut server = Server::start(&store, &args(&a));
    server.client(Some(&ca), Some(&admin), None).add_key(&signer.verifying_key()).expect("key");
    let (mut keys, mut plans) = (Vec::new(), Vec::new());
    let mut rng = opm_search::rng::Rng::new(seed);
    // The kills spread over the first 1.5 s of the writes, from their very first request on.
    let window = Duration::from_millis(1500);
    for round in 0..kills {
        let at = window.mul_f64((round as f64 + rng.unit()) / kills as f64);
        let (tx, rx) = mpsc::channel::<(bool, String)>();
        let mut writers = Vec::new();
        for w in 0..8 {
            let token = if w % 2 == 0 { &admin } else { &publisher };
            let client = server.client(Some(&ca), Some(token), None);
            let (tx, signer) = (tx.clone(), signer.clone());
            writers.push(std::thread::spawn(move || {
                for n in 0.. {
                    let done = if w % 2 == 0 {
                        let k = new_key().verifying_key();
                        client.add_key(&k).map(|_| (true, opm_market::attest::key_id(&k)))
                    } else {
                        let module = format!("; module {round}.{w}.{n}\n");
                        let plan = "function(instcombine,simplifycfg)";
                        let envelope = attestation_of(&signer, plan, module.as_bytes());
                        client
                            .publish(&envelope, &signer.verifying_key())
                            .map(|p| (false, p.plan.id))
                    };
                    match done {
                        Ok(d) => tx.send(d).expect("send"),
                        Err(_) => break,
                    }
                }
            }));
        }
        drop(tx);
        std::thread::sleep(at);
        let pid = server.child.id();
        let killed = Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill");
        assert!(killed.success());
        for w in writers {
            w.join().expect("writer");
        }
        let acknowledged: Vec<(bool, String)> = rx.iter().collect();
        let before = keys.len() + plans.len();
        for (is_key, id) in acknowledged {
            if is_key { keys.push(id) } else { plans.push(id) }
        }
        drop(server);
        server = Server::start(&store, &args(&a));
        let ledger = Ledger::open(&store.join("ledger.sqlite")).expect("ledger");
        let report = ledger.verify(&[server_key.verifying_key()]).unwrap_or_else(|e| {
            panic!("round {round}, killed at {at:?}: the ledger does not verify: {e}")
        });
        let (added, published) = (added_keys(&ledger), published_plans(&ledger));
        println!(
            "round {round}: killed at {:.3} s, {} writes acknowledged, {} entries",
            at.as_secs_f64(),
            keys.len() + plans.len() - before,
            report.entries
        );
        for k in &keys {
            assert!(added.contains(k), "round {round}, killed at {at:?}: key {k} lost");
        }
        for p in &plans {
            assert!(published.contains(p), "round {round}, killed at {at:?}: plan {p} lost");
        }
        for (what, mut ids) in [("key", added), ("plan", published)] {
            ids.sort();
            let n = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n, "round {round}: a {what} is in the ledger twice");
        }
    }
    assert!(!keys.is_empty() && !plans.is_empty(), "no write was acknowledged before a kill");
    // And the restarted server goes on appending.
    let ledger = Ledger::open(&store.join("ledger.sqlite")).expect("ledger");
    let adm = server.client(Some(&ca), Some(&admin), None);
    let before = ledger.size().expect("size");
    let cp = adm.add_key(&new_key().verifying_key()).expect("after restart");
    assert_eq!(cp.size, before + 1);
}

/// A seed from `var`, or a fresh one.
fn seed_from_env(var: &str) -> u64 {
    match std::env::var(var) {
        Ok(s) => s.parse().unwrap_or_else(|_| panic!("{var}={s} is not a number")),
        Err(_) => {
            let mut b = [0u8; 4];
            getrandom::fill(&mut b).expect("random");
            u64::from(u32::from_le_bytes(b)) % 1_000_000_000
        }
    }
}

#[test]
fn certificates_are_loaded_again_without_a_restart() {
    let tmp = tempfile::tempdir().expect("tmp");
    let first = Pki::new(tmp.path(), "first");
    let second = Pki::new(tmp.path(), "second");
    let (cert, key) = first.server("srv", &["127.0.0.1"]);
    let store = tmp.path().join("store");
    let reader = token(&store, "ann", "reader");
    let server = Server::start(&store, &args(&tls_args(&cert, &key)));
    assert!(server.client(Some(&first.ca_pem()), Some(&reader), None).health().expect("h").ok);
    // New files from the second CA, in place; SIGHUP.
    let (c2, k2) = second.server("srv2", &["127.0.0.1"]);
    std::fs::copy(&c2, &cert).expect("cert");
    std::fs::copy(&k2, &key).expect("key");
    let pid = server.child.id();
    assert!(Command::new("kill").args(["-HUP", &pid.to_string()]).status().expect("hup").success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let now = server.client(Some(&second.ca_pem()), Some(&reader), None).health();
        if now.is_ok() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not reloaded: {now:?}\n{}", server.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    let e = connect_error(server.client(Some(&first.ca_pem()), Some(&reader), None).health());
    assert!(e.contains("UnknownIssuer"), "{e}");
}

fn published_plans(ledger: &Ledger) -> Vec<String> {
    decisions(ledger, |d| match d {
        Decision::PlanPublished { plan, .. } => Some(plan.id),
        _ => None,
    })
}

fn added_keys(ledger: &Ledger) -> Vec<String> {
    decisions(ledger, |d| match d {
        Decision::KeyAdded { key_id, .. } => Some(key_id),
        _ => None,
    })
}

/// What `pick` takes from each of the ledger's decisions, in order.
fn decisions(ledger: &Ledger, pick: impl Fn(Decision) -> Option<String>) -> Vec<String> {
    let size = ledger.size().expect("size");
    ledger.entries(0, size).expect("entries").into_iter().filter_map(|e| pick(e.decision)).collect()
}

/// A signed attestation of an LLVM plan (what `optimize --attest` writes; here for the
/// registry's checks only, which never run it).
fn attestation(key: &SigningKey, plan: &str) -> Envelope {
    attestation_of(key, plan, b"; a module\n")
}

/// The same, for the module `module`.
fn attestation_of(key: &SigningKey, plan: &str, module: &[u8]) -> Envelope {
    let predicate: PlanPredicate = serde_json::from_value(serde_json::json!({
        "backend": "llvm",
        "plan": plan,
        "objective": "instcount",
        "metrics": { "instcount": 90, "text_bytes": 400 },
        "tools": { "llvm": "22.1.8", "opm": "0.1.0" },
        "target": "x86_64-pc-linux-gnu",
        "host_cpu": "x86-64",
        "module_hash": "00"
    }))
    .expect("a predicate");
    Envelope::sign(&Statement::new("prog.ll", module, predicate), key)
}

fn ureq_agent(ca: &Path) -> ureq::Agent {
    let pem = std::fs::read(ca).expect("ca");
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|i| match i {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs)))
        .build();
    ureq::Agent::config_builder().tls_config(tls).http_status_as_error(false).build().new_agent()
}

fn send(agent: &ureq::Agent, url: &str, token: &str, body: &str) -> (u16, serde_json::Value) {
    let mut r = agent
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body)
        .expect("a response");
    let code = r.status().as_u16();
    (code, r.body_mut().read_json().unwrap_or_default())
}

fn get(agent: &ureq::Agent, url: &str, token: &str) -> (u16, serde_json::Value) {
    let mut r = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .expect("a response");
    let code = r.status().as_u16();
    (code, r.body_mut().read_json().unwrap_or_default())
}

/// The LLVM adapter admitted (offering two passes), with the registry's own API, before a
/// server starts.
fn admit_llvm(store: &Path) {
    let mut registry =
        opm_market::registry::Registry::open(&store.join("registry.sqlite")).expect("registry");
    let adapter: opm_market::Adapter = serde_json::from_value(serde_json::json!({
        "name": "llvm", "backend": "llvm", "version": "0.1.0",
        "tools": { "llvm": "22.1.8" }, "target": "x86_64-pc-linux-gnu"
    }))
    .expect("adapter");
    let specs: Vec<opm_market::PassSpec> = ["instcombine", "simplifycfg"]
        .iter()
        .map(|n| {
            serde_json::from_value(serde_json::json!({
                "adapter": "llvm", "name": n, "nest": "function", "may_change": []
            }))
            .expect("spec")
        })
        .collect();
    registry.admit_adapter(&adapter, &specs).expect("admit");
}

/// A registry with the LLVM adapter admitted (offering two passes), set up with the
/// registry's own API before the server starts, and a plan published through the server.
fn registry_with_a_plan(store: &Path, a: &[String], pki: &Pki) -> (Server, String, String) {
    admit_llvm(store);
    let admin = token(store, "adm", "admin");
    let publisher = token(store, "pub", "publisher");
    let server = Server::start(store, &args(a));
    let ca = pki.ca_pem();
    let signer = new_key();
    server.client(Some(&ca), Some(&admin), None).add_key(&signer.verifying_key()).expect("key");
    let p = server.client(Some(&ca), Some(&publisher), None);
    let published = p
        .publish(
            &attestation(&signer, "function(instcombine,simplifycfg)"),
            &signer.verifying_key(),
        )
        .expect("publish");
    assert!(published.new);
    (server, published.plan.id, admin)
}

#[test]
fn shared_signals_are_released_only_as_noisy_aggregates_within_each_contributors_budget() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pki = Pki::new(tmp.path(), "ca");
    let (cert, key) = pki.server("srv", &["127.0.0.1"]);
    let store = tmp.path().join("store");
    let mut a = tls_args(&cert, &key);
    a.extend(["--epsilon", "1.0", "--release-epsilon", "0.4"].map(String::from));
    let (server, plan, admin) = registry_with_a_plan(&store, &a, &pki);
    let contributors: Vec<(String, String)> = (0..6)
        .map(|i| {
            let name = format!("contributor-{i}");
            let t = token(&store, &name, "publisher");
            (name, t)
        })
        .collect();
    let agent = ureq_agent(&pki.ca_pem());
    let url = |route: &str| format!("{}/v1/{route}", server.url);
    let bucket = "s8-l1-c0-mi";
    let share = |t: &str, ratio: f64| {
        let body = serde_json::json!({ "bucket": bucket, "plan": plan, "ratio": ratio });
        send(&agent, &url("signals"), t, &body.to_string())
    };
    for (i, (_, t)) in contributors.iter().enumerate() {
        assert_eq!(share(t, 0.9 + 0.01 * i as f64).0, 200);
    }
    // Only a bucket may be shared: no names, no free text.
    let body = serde_json::json!({ "bucket": "main", "plan": plan, "ratio": 0.9 });
    let (code, err) = send(&agent, &url("signals"), &contributors[0].1, &body.to_string());
    assert_eq!((code, err["field"].as_str()), (400, Some("bucket")), "{err}");
    let aggregate = format!("signals/aggregate?bucket={bucket}&plan={plan}");
    let (code, first) = get(&agent, &url(&aggregate), &admin);
    assert_eq!(code, 200, "{first}");
    assert_eq!(first["new"], true);
    let mean = first["release"]["mean"].as_f64().expect("mean");
    let (low, high) = (
        first["release"]["low"].as_f64().expect("low"),
        first["release"]["high"].as_f64().expect("high"),
    );
    assert!(low <= mean && mean <= high && (0.25..=4.0).contains(&low) && high <= 4.0, "{first}");
    // Asking again costs nothing: the same release.
    let (_, again) = get(&agent, &url(&aggregate), &admin);
    assert_eq!((again["new"].as_bool(), &again["release"]), (Some(false), &first["release"]));
    let remaining = |t: &str| {
        get(&agent, &url("signals/budget"), t).1["remaining"].as_f64().expect("remaining")
    };
    assert!((remaining(&contributors[0].1) - 0.6).abs() < 1e-9);
    // A new share makes a new release, which spends again.
    assert_eq!(share(&contributors[0].1, 0.95).0, 200);
    let (code, second) = get(&agent, &url(&aggregate), &admin);
    assert_eq!((code, second["new"].as_bool()), (200, Some(true)), "{second}");
    assert!((remaining(&contributors[3].1) - 0.2).abs() < 1e-9);
    // The third is refused, with what is left.
    assert_eq!(share(&contributors[0].1, 0.97).0, 200);
    let (code, refused) = get(&agent, &url(&aggregate), &admin);
    assert_eq!(code, 403, "{refused}");
    let message = refused["error"].as_str().expect("error").to_string();
    assert!(message.contains("ε 0.2 left"), "{message}");
    // Suggestions rank the plans of a bucket by their releases; the refused cell is withheld.
    let (code, suggestions) =
        get(&agent, &url(&format!("signals/suggestions?bucket={bucket}")), &admin);
    assert_eq!((code, suggestions["withheld"].as_u64()), (200, Some(1)), "{suggestions}");
    for body in [&first, &second, &refused, &suggestions] {
        let text = body.to_string();
        assert!(!text.contains("contributor-"), "a contributor is named: {text}");
        assert!(!text.contains("prog.ll") && !text.contains("; a module"), "{text}");
    }
    // After a restart: still refused, still 0.2 left.
    drop(server);
    let server = Server::start(&store, &args(&a));
    let url = |route: &str| format!("{}/v1/{route}", server.url);
    let (code, refused) = get(&agent, &url(&aggregate), &admin);
    assert_eq!(code, 403, "{refused}");
    assert!(refused["error"].as_str().unwrap_or_default().contains("ε 0.2 left"), "{refused}");
    let (_, b) = get(&agent, &url("signals/budget"), &contributors[5].1);
    assert!((b["remaining"].as_f64().expect("remaining") - 0.2).abs() < 1e-9, "{b}");
}
