//! The staff lists at 100 and at 100,000 work items: the first page of
//! `GET /api/v1/work-items` (the expiry sweep, then the page of rows), a page
//! deep in the list, filtered pages (by status and by client, indexes; by
//! text, a scan),
//! and one work item's `GET` view, each through the domain calls the handlers
//! make. Paging by key should make the two sizes cost about the same.
//!
//! A small harness of its own (`harness = false`): each measurement is the
//! median of repeated calls on a database filled in one write transaction.
//! Run with `cargo bench -p interview-host --bench lists` (or `cargo xtask bench`).

use std::time::{Duration, Instant};

use interview_host::clock::Timestamp;
use interview_host::domain::{paging, sending, work_items};
use interview_host::storage::records::*;
use interview_host::storage::{RowKey, Storage};
use serde_json::json;

const START: i64 = 1_790_000_000_000;
const LIMIT: usize = 50;

/// Fills a fresh database with `n` work items (a quarter waiting for a client
/// with a live interview, the rest drafts or submitted), one client and one
/// audit event each, in one write transaction.
fn fill(dir: &std::path::Path, n: usize) -> Storage {
    let storage = Storage::open(dir).expect("open");
    storage
        .write(|tx| {
            tx.put_template(&TemplateRecord {
                id: "tpl_bench".into(),
                name: "Intake".into(),
                live_version: 1,
                versions: Vec::new(),
                created_at: Timestamp(START),
            })?;
            for g in 0..4 {
                tx.put_work_group(&WorkGroup {
                    id: format!("wg_{g}"),
                    name: format!("Group {g}"),
                    description: None,
                    created_at: Timestamp(START),
                    archived: false,
                })?;
            }
            for i in 0..n {
                let at = Timestamp(START + i as i64 * 1000);
                let client = Client {
                    id: format!("cli_{i:08}"),
                    title: "Ms".into(),
                    first_name: format!("Ann{i}"),
                    last_name: "Lee".into(),
                    email: format!("ann{i}@example.com"),
                    mobile: None,
                    region: None,
                    created_at: at,
                    updated_at: at,
                };
                tx.put_client(&client)?;
                let id = format!("wi_{i:08}");
                let waiting = i % 4 == 0;
                let mut interviews = Vec::new();
                if waiting {
                    let mut token = [0u8; 32];
                    token[..8].copy_from_slice(&(i as u64).to_le_bytes());
                    let interview = Interview {
                        id: format!("iv_{i:08}"),
                        work_item_id: id.clone(),
                        client_id: client.id.clone(),
                        sections: vec![Section { id: "s1".into(), template_id: "tpl_bench".into(), version: None }],
                        token_hash: token,
                        auth: ClientAuth::None,
                        state: InterviewState::Sent,
                        created_at: at,
                        // Far in the future: nothing expires while the benchmark runs.
                        link_expires_at: Timestamp(START * 2),
                        access_window_secs: 96 * 3600,
                        first_opened_at: None,
                        last_access_at: None,
                        attempts: Attempts::default(),
                        sms: None,
                        progress: None,
                        submission: None,
                        created_by: "usr_bench".into(),
                        locale: Default::default(),
                    };
                    tx.put_interview(&interview)?;
                    interviews.push(interview.id);
                }
                let item = WorkItem {
                    id: id.clone(),
                    // One in ten is urgent: what the text filter looks for.
                    name: if i % 10 == 3 { format!("Urgent matter {i}") } else { format!("Matter {i}") },
                    template_id: "tpl_bench".into(),
                    work_group_id: Some(format!("wg_{}", i % 4)),
                    status: if waiting {
                        WorkItemStatus::WaitingForClient
                    } else if i % 4 == 1 {
                        WorkItemStatus::Submitted
                    } else {
                        WorkItemStatus::Draft
                    },
                    client_id: waiting.then(|| client.id.clone()),
                    answers: Answers::new(),
                    history: Vec::new(),
                    interviews,
                    documents: Vec::new(),
                    created_at: at,
                    updated_at: at,
                };
                tx.put_work_item(&item)?;
                tx.append_audit(&AuditEvent {
                    work_item_id: id,
                    at,
                    actor: "usr_bench".into(),
                    event: "work_item_created".into(),
                    detail: json!({"template": "tpl_bench"}),
                    ip: None,
                })?;
            }
            Ok(())
        })
        .expect("fill");
    storage
}

/// The median time of `f`, called until about a second has passed (at least 15 times).
fn median(mut f: impl FnMut()) -> Duration {
    for _ in 0..3 {
        f();
    }
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 15 || (started.elapsed() < Duration::from_secs(1) && times.len() < 2000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// What `GET /api/v1/work-items?…` does: the sweep, then one page of rows.
fn list_page(storage: &Storage, now: Timestamp, filter: work_items::Filter<'_>, after: Option<RowKey>) -> usize {
    sending::sweep_expired(storage, now).expect("sweep");
    let page = storage.read(|tx| work_items::list(tx, now, filter, after.clone(), LIMIT)).expect("page");
    assert!(page.items.len() == LIMIT || page.next.is_none());
    page.items.len()
}

/// What `GET /api/v1/work-items/{id}` reads: its own expiry, the item, its client, group and interviews.
fn view(storage: &Storage, now: Timestamp, id: &str) -> usize {
    sending::expire_work_item(storage, now, id).expect("expiry");
    storage
        .read(|tx| {
            let item = tx.work_item(id)?.expect("item");
            let _client = match &item.client_id {
                Some(c) => tx.client(c)?,
                None => None,
            };
            let _group = match &item.work_group_id {
                Some(g) => tx.work_group(g)?,
                None => None,
            };
            let mut n = 0;
            for iv in &item.interviews {
                n += usize::from(tx.interview(iv)?.is_some());
            }
            Ok(n)
        })
        .expect("view")
}

fn main() {
    // `cargo bench` passes `--bench`; a name given after `--` picks sizes ("100", "100000").
    let wanted: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if wanted.is_empty() { vec![100, 100_000] } else { wanted };
    for n in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let filled = Instant::now();
        let storage = fill(dir.path(), n);
        eprintln!("filled {n} work items in {:.1?}", filled.elapsed());
        let report = storage.check().expect("check");
        assert!(report.is_ok(), "{report:#?}");
        let now = Timestamp(START + n as i64 * 1000 + 1);
        let deep = n * 9 / 10;
        let deep_key = RowKey { created_at: Timestamp(START + deep as i64 * 1000), id: format!("wi_{deep:08}") };
        let all = work_items::Filter::default();
        let waiting = work_items::Filter { status: Some(WorkItemStatus::WaitingForClient), ..all };
        let urgent = work_items::Filter { q: Some("urgent"), ..all };
        // The client of the oldest work item: a scan would read the whole list to find it.
        let oldest_client = work_items::Filter { client_id: Some("cli_00000000"), ..all };
        let one = format!("wi_{:08}", n / 2 / 4 * 4);
        let rows = [
            ("first page (50 rows)", median(|| { std::hint::black_box(list_page(&storage, now, all, None)); })),
            ("page at 90% of the list", median(|| { std::hint::black_box(list_page(&storage, now, all, Some(deep_key.clone()))); })),
            ("first page, status=waiting_for_client (index)", median(|| { std::hint::black_box(list_page(&storage, now, waiting, None)); })),
            ("first page, q=urgent (1 in 10 match; scan)", median(|| { std::hint::black_box(list_page(&storage, now, urgent, None)); })),
            ("first page, client_id of the oldest item (index)", median(|| { std::hint::black_box(list_page(&storage, now, oldest_client, None)); })),
            ("one work item's GET view", median(|| { std::hint::black_box(view(&storage, now, &one)); })),
        ];
        let cursor = paging::row_cursor(&deep_key);
        assert!(paging::read_row_cursor(&cursor).is_ok());
        for (name, time) in rows {
            println!("{n:>7} work items  {name:<48} {:>9.1} µs", time.as_secs_f64() * 1e6);
        }
    }
}
