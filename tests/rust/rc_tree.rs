//! Exercises shared ownership: a tree of `Rc<RefCell<Node>>` with `Weak` parent links,
//! `Rc::strong_count`/`weak_count`, `Weak::upgrade` after the owner is gone, `Rc::try_unwrap`,
//! `Rc::make_mut` copy-on-write, `Cow<str>`, a persistent linked list sharing tails, a doubly
//! linked graph cycle broken with `Weak`, and a global drop counter proving every node is freed.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

thread_local! {
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

#[derive(Debug)]
struct Node {
    name: String,
    value: i64,
    parent: Weak<RefCell<Node>>,
    children: Vec<Rc<RefCell<Node>>>,
}

impl Node {
    fn new(name: &str, value: i64) -> Rc<RefCell<Node>> {
        LIVE.set(LIVE.get() + 1);
        Rc::new(RefCell::new(Node {
            name: name.to_string(),
            value,
            parent: Weak::new(),
            children: Vec::new(),
        }))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        LIVE.set(LIVE.get() - 1);
    }
}

fn add_child(parent: &Rc<RefCell<Node>>, child: Rc<RefCell<Node>>) {
    child.borrow_mut().parent = Rc::downgrade(parent);
    parent.borrow_mut().children.push(child);
}

fn subtree_sum(n: &Rc<RefCell<Node>>) -> i64 {
    let node = n.borrow();
    node.value + node.children.iter().map(subtree_sum).sum::<i64>()
}

fn path_to_root(n: &Rc<RefCell<Node>>) -> String {
    let mut names = vec![n.borrow().name.clone()];
    let mut cur = n.borrow().parent.upgrade();
    while let Some(p) = cur {
        names.push(p.borrow().name.clone());
        cur = p.borrow().parent.upgrade();
    }
    names.join(" <- ")
}

fn render(n: &Rc<RefCell<Node>>, depth: usize, out: &mut Vec<String>) {
    let node = n.borrow();
    out.push(format!(
        "{}{} ({}) strong={} weak={}",
        "  ".repeat(depth),
        node.name,
        node.value,
        Rc::strong_count(n),
        Rc::weak_count(n)
    ));
    for c in &node.children {
        render(c, depth + 1, out);
    }
}

fn double_all(n: &Rc<RefCell<Node>>) {
    n.borrow_mut().value *= 2;
    let kids = n.borrow().children.clone();
    for c in &kids {
        double_all(c);
    }
}

enum List {
    Cons(i32, Rc<List>),
    Nil,
}

fn list_to_vec(l: &Rc<List>) -> Vec<i32> {
    let mut v = Vec::new();
    let mut cur = Rc::clone(l);
    while let List::Cons(x, next) = &*cur {
        v.push(*x);
        let n = Rc::clone(next);
        cur = n;
    }
    v
}

fn normalize(s: &str) -> Cow<'_, str> {
    if s.contains(char::is_whitespace) {
        Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join("_"))
    } else {
        Cow::Borrowed(s)
    }
}

fn main() {
    let orphan;
    {
        let root = Node::new("root", 1);
        let a = Node::new("a", 10);
        let b = Node::new("b", 20);
        add_child(&root, Rc::clone(&a));
        add_child(&root, Rc::clone(&b));
        for (i, name) in ["a1", "a2", "a3"].iter().enumerate() {
            add_child(&a, Node::new(name, 100 + i as i64));
        }
        let b1 = Node::new("b1", 7);
        add_child(&b, Rc::clone(&b1));
        add_child(&b1, Node::new("b1x", -3));
        println!("live nodes: {}", LIVE.get());
        let mut lines = Vec::new();
        render(&root, 0, &mut lines);
        for l in &lines {
            println!("{l}");
        }
        println!(
            "sum {} / sum(a) {} / sum(b) {}",
            subtree_sum(&root),
            subtree_sum(&a),
            subtree_sum(&b)
        );
        let b1x = Rc::clone(&b1.borrow().children[0]);
        println!("path: {}", path_to_root(&b1x));
        double_all(&root);
        println!("after doubling: sum {}", subtree_sum(&root));
        // Detach b from root: its subtree survives while we hold `b`.
        root.borrow_mut().children.retain(|c| !Rc::ptr_eq(c, &b));
        b.borrow_mut().parent = Weak::new();
        println!(
            "detached b: root sum {}, b sum {}, path {}",
            subtree_sum(&root),
            subtree_sum(&b),
            path_to_root(&b1x)
        );
        orphan = Rc::downgrade(&a);
        println!("a strong {} weak {}", Rc::strong_count(&a), Rc::weak_count(&a));
        println!("live nodes before scope end: {}", LIVE.get());
    }
    println!(
        "live nodes after scope end: {}, weak a upgrades: {}",
        LIVE.get(),
        orphan.upgrade().is_some()
    );

    // try_unwrap and make_mut.
    let shared = Rc::new(vec![1, 2, 3]);
    let other = Rc::clone(&shared);
    let shared = Rc::try_unwrap(shared).unwrap_err();
    println!("try_unwrap with 2 owners fails; count {}", Rc::strong_count(&shared));
    drop(other);
    let owned = Rc::try_unwrap(shared).unwrap();
    println!("try_unwrap with 1 owner: {:?}", owned);
    let mut cow = Rc::new(String::from("base"));
    let snapshot = Rc::clone(&cow);
    Rc::make_mut(&mut cow).push_str("+edit");
    Rc::make_mut(&mut cow).push_str("+again");
    println!("make_mut: cow {cow:?} snapshot {snapshot:?} ptr_eq {}", Rc::ptr_eq(&cow, &snapshot));

    // Persistent lists sharing a tail.
    let tail = Rc::new(List::Cons(3, Rc::new(List::Cons(4, Rc::new(List::Nil)))));
    let l1 = Rc::new(List::Cons(1, Rc::clone(&tail)));
    let l2 = Rc::new(List::Cons(2, Rc::new(List::Cons(9, Rc::clone(&tail)))));
    println!(
        "l1 {:?} l2 {:?} tail shared by {}",
        list_to_vec(&l1),
        list_to_vec(&l2),
        Rc::strong_count(&tail)
    );
    drop(l1);
    println!("after dropping l1, tail count {}", Rc::strong_count(&tail));

    // A ring of nodes: forward links strong, backward links weak, so dropping frees all.
    {
        let ring: Vec<Rc<RefCell<Node>>> = (0..5).map(|i| Node::new(&format!("r{i}"), i)).collect();
        for i in 0..5 {
            let next = Rc::clone(&ring[(i + 1) % 5]);
            next.borrow_mut().parent = Rc::downgrade(&ring[i]);
            if i < 4 {
                ring[i].borrow_mut().children.push(next);
            }
        }
        let walk: Vec<String> = {
            let mut v = Vec::new();
            let mut cur = Rc::clone(&ring[0]);
            for _ in 0..5 {
                v.push(cur.borrow().name.clone());
                let nxt = cur.borrow().children.first().cloned();
                match nxt {
                    Some(n) => cur = n,
                    None => break,
                }
            }
            v
        };
        let back = ring[0].borrow().parent.upgrade().map(|p| p.borrow().name.clone());
        println!("ring walk {:?}, r0's back link {:?}, live {}", walk, back, LIVE.get());
    }
    println!("live after ring: {}", LIVE.get());

    for s in ["plain", "has some  spaces", "tab\tsep"] {
        let n = normalize(s);
        let kind = match &n {
            Cow::Borrowed(_) => "borrowed",
            Cow::Owned(_) => "owned",
        };
        println!("normalize {s:?} -> {n:?} ({kind})");
    }
}
