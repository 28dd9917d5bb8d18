//! Exercises `std::sync::mpsc`: a three-stage pipeline (producer -> transform -> filter ->
//! collector) over unbounded channels, several producers sharing a cloned `Sender`, a bounded
//! `sync_channel` with back-pressure, an enum message protocol with a reply channel
//! (request/response to a server thread), `try_recv` on an empty/disconnected channel, and
//! iteration ending when all senders are dropped. Results are sorted before printing.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread;

enum Request {
    Put(String, i64),
    Get(String, Sender<Option<i64>>),
    Add(String, i64, Sender<Result<i64, String>>),
    Dump(Sender<Vec<(String, i64)>>),
    Shutdown,
}

fn server(rx: Receiver<Request>) -> usize {
    let mut store: BTreeMap<String, i64> = BTreeMap::new();
    let mut handled = 0;
    for req in rx {
        handled += 1;
        match req {
            Request::Put(k, v) => {
                store.insert(k, v);
            }
            Request::Get(k, reply) => {
                reply.send(store.get(&k).copied()).unwrap();
            }
            Request::Add(k, d, reply) => {
                let r = match store.get_mut(&k) {
                    Some(v) => match v.checked_add(d) {
                        Some(n) => {
                            *v = n;
                            Ok(n)
                        }
                        None => Err(format!("overflow adding {d} to {k}")),
                    },
                    None => Err(format!("no key {k}")),
                };
                reply.send(r).unwrap();
            }
            Request::Dump(reply) => {
                reply.send(store.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap();
            }
            Request::Shutdown => break,
        }
    }
    handled
}

fn is_prime(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

fn main() {
    // 1. Pipeline.
    let (tx_nums, rx_nums) = mpsc::channel::<u64>();
    let (tx_sq, rx_sq) = mpsc::channel::<(u64, u64)>();
    let (tx_out, rx_out) = mpsc::channel::<(u64, u64)>();
    let producer = thread::spawn(move || {
        for n in 1..=300u64 {
            tx_nums.send(n).unwrap();
        }
    });
    let squarer = thread::spawn(move || {
        let mut count = 0;
        for n in rx_nums {
            tx_sq.send((n, n * n + 1)).unwrap();
            count += 1;
        }
        count
    });
    let filter = thread::spawn(move || {
        let mut kept = 0;
        for (n, v) in rx_sq {
            if is_prime(v) {
                tx_out.send((n, v)).unwrap();
                kept += 1;
            }
        }
        kept
    });
    let collected: Vec<(u64, u64)> = rx_out.iter().collect();
    producer.join().unwrap();
    let squared = squarer.join().unwrap();
    let kept = filter.join().unwrap();
    println!("pipeline: {squared} squared, {kept} kept (n^2+1 prime)");
    let first: Vec<u64> = collected.iter().take(15).map(|p| p.0).collect();
    println!("  first n: {:?}", first);
    println!(
        "  last: {:?}, ordered: {}",
        collected.last(),
        collected.windows(2).all(|w| w[0].0 < w[1].0)
    );

    // 2. Many producers, one consumer; arrival order varies, so sort.
    let (tx, rx) = mpsc::channel::<(usize, u32, String)>();
    let mut hs = Vec::new();
    for p in 0..4usize {
        let tx = tx.clone();
        hs.push(thread::spawn(move || {
            for i in 0..25u32 {
                let word = format!("p{p}-{}", (i * 7 + p as u32) % 10);
                tx.send((p, i, word)).unwrap();
            }
        }));
    }
    drop(tx);
    let mut msgs: Vec<(usize, u32, String)> = rx.into_iter().collect();
    for h in hs {
        h.join().unwrap();
    }
    msgs.sort();
    let mut per_producer: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for (p, i, _) in &msgs {
        let e = per_producer.entry(*p).or_insert((0, 0));
        e.0 += 1;
        e.1 += i;
    }
    println!("fan-in: {} messages, per producer (count, sum idx): {:?}", msgs.len(), per_producer);
    let mut words: Vec<&str> = msgs.iter().map(|m| m.2.as_str()).collect();
    words.sort_unstable();
    words.dedup();
    println!("  distinct words {}: {} .. {}", words.len(), words[0], words[words.len() - 1]);

    // 3. Bounded channel with back-pressure: the producer can only get 2 ahead.
    let (stx, srx) = mpsc::sync_channel::<Vec<u8>>(2);
    let sender = thread::spawn(move || {
        let mut sent = 0usize;
        for k in 0..20u8 {
            let block: Vec<u8> = (0..=k).map(|b| b.wrapping_mul(37).wrapping_add(k)).collect();
            sent += block.len();
            stx.send(block).unwrap();
        }
        sent
    });
    let mut crc = 0xffff_ffffu32;
    let mut received = 0;
    for block in srx.iter() {
        for b in &block {
            crc ^= *b as u32;
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        received += block.len();
    }
    println!(
        "sync_channel: sent {} bytes, received {received}, crc32 {:#010x}",
        sender.join().unwrap(),
        !crc
    );

    // 4. Zero-capacity rendezvous channel.
    let (rtx, rrx) = mpsc::sync_channel::<u32>(0);
    let rz = thread::spawn(move || (1..=10).map(|i| rtx.send(i * i).is_ok() as u32).sum::<u32>());
    let got: Vec<u32> = rrx.iter().collect();
    println!("rendezvous: {} sends ok, got {:?}", rz.join().unwrap(), got);

    // 5. Request/response server.
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    let srv = thread::spawn(move || server(req_rx));
    for (k, v) in [("alpha", 1i64), ("beta", 20), ("gamma", 300), ("max", i64::MAX - 1)] {
        req_tx.send(Request::Put(k.to_string(), v)).unwrap();
    }
    let (rtx, rrx) = mpsc::channel();
    for k in ["beta", "delta"] {
        req_tx.send(Request::Get(k.to_string(), rtx.clone())).unwrap();
        println!("get {k} -> {:?}", rrx.recv().unwrap());
    }
    let (atx, arx) = mpsc::channel();
    for (k, d) in [("alpha", 41i64), ("gamma", -1000), ("nope", 1), ("max", 1), ("max", 1)] {
        req_tx.send(Request::Add(k.to_string(), d, atx.clone())).unwrap();
        match arx.recv().unwrap() {
            Ok(v) => println!("add {k} {d:+} -> {v}"),
            Err(e) => println!("add {k} {d:+} -> error: {e}"),
        }
    }
    let (dtx, drx) = mpsc::channel();
    req_tx.send(Request::Dump(dtx)).unwrap();
    println!("dump: {:?}", drx.recv().unwrap());
    req_tx.send(Request::Shutdown).unwrap();
    println!("server handled {} requests", srv.join().unwrap());
    // The server dropped its receiver: sends now fail.
    println!("send after shutdown fails: {}", req_tx.send(Request::Shutdown).is_err());

    // 6. try_recv states.
    let (ttx, trx) = mpsc::channel::<i32>();
    let empty = matches!(trx.try_recv(), Err(TryRecvError::Empty));
    ttx.send(5).unwrap();
    let five = trx.try_recv();
    drop(ttx);
    let disconnected = matches!(trx.try_recv(), Err(TryRecvError::Disconnected));
    println!("try_recv: empty {empty}, value {:?}, disconnected {disconnected}", five);
}
