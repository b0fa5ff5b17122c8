//! The member's handbook in the browser, on a phone: the member opens their account with the
//! code of their slip and sets a password, lands on the handbook, answers the invitation to the
//! next meeting, saves a document for reading offline, and — the network cut — still reads it
//! and the handbook home, marked as a kept copy; back online, proposes a correction of their
//! record. Every handbook page passes axe-core.
//!
//! The browser reaches the server through a loopback relay (`Relay`) that the test cuts: the
//! page, its service worker and everything else then meet a refused connection, as with no
//! network at all.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingInput, MeetingKind};
use storage::WriteContext;
use storage::prelude::*;
use tokio::sync::Notify;

use super::phone::axe;
use super::{Browser, click, text, type_into, wait_path};
use crate::support::{self, create_unit, official_member};

/// A TCP relay from a loopback port to the app: the browser's whole network, cut on demand.
struct Relay {
    base: String,
    cut: Arc<Notify>,
}

impl Relay {
    async fn start(to: &str) -> Relay {
        let target = to.trim_start_matches("http://").to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let cut = Arc::new(Notify::new());
        let stop = cut.clone();
        tokio::spawn(async move {
            let mut open = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    _ = stop.notified() => break,
                    accepted = listener.accept() => {
                        let Ok((mut inbound, _)) = accepted else { break };
                        let target = target.clone();
                        open.spawn(async move {
                            if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            }
                        });
                    }
                }
            }
            // The listener closes (new connections are refused) and the open ones end.
            drop(listener);
            open.abort_all();
        });
        Relay { base, cut }
    }

    fn cut(&self) {
        self.cut.notify_one();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_activates_answers_reads_offline_and_proposes_a_correction() {
    if !super::wanted("a_member_activates_answers_reads_offline_and_proposes_a_correction") {
        return;
    }
    let mut app = support::spawn(conformance::Engine::Sqlite, 0).await.expect("app");
    let province = create_unit(&app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(&app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let east = create_unit(&app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let me = official_member(&app, "Nguyễn Văn An", "001080000801", east).await;
    official_member(&app, "Trần Thị Bình", "001080000802", east).await;
    let ctx = WriteContext::new("test", support::now());
    let created = app.store.create_member_accounts(&ctx, UnitId(east), false, None).await.unwrap();
    let slip = created.issued.iter().find(|i| i.member == MemberId(me)).unwrap().clone();
    let input = MeetingInput {
        kind: MeetingKind::Regular,
        held_on: support::today() + chrono::Duration::days(7),
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: None,
        place: "Nhà văn hóa thôn Đông".into(),
        agenda: "Nhiệm vụ tháng 12".into(),
    };
    let meeting = app.store.create_meeting(&ctx, UnitId(east), input).await.unwrap();
    let fields = domain::documents::DocumentFields {
        kind: "huong-dan",
        issued_on: "01/11/2026",
        issuer: "Đảng ủy xã An Phú",
        title: "Hướng dẫn học tập nghị quyết",
        ..Default::default()
    };
    let document =
        app.store.create_document(&ctx, UnitId(commune), domain::documents::DocumentInput::parse(&fields).unwrap()).await.unwrap();
    let relay = Relay::start(&app.base).await;
    // The browser knows the server only through the relay.
    let direct = std::mem::replace(&mut app.base, relay.base.clone());

    let browser = Browser::start(360, 800).await;
    let c = &browser.client;
    let mut failures = Vec::new();

    // Activation: the slip's user name and code, a password of one's own.
    browser.open(&app, "/activate").await;
    failures.extend(axe(&browser).await.into_iter().map(|v| format!("/activate: {v}")));
    type_into(c, "#username", &slip.username).await;
    type_into(c, "#code", &slip.code.grouped().to_lowercase()).await;
    type_into(c, "#new_password", "mat-khau-cua-toi-2026").await;
    type_into(c, "#repeat_password", "mat-khau-cua-toi-2026").await;
    click(c, "main form button").await;
    wait_path(c, "/handbook").await;
    assert!(text(c, "main").await.contains("Nguyễn Văn An"));

    // The next meeting: "I will attend".
    click(c, &format!("#a-{meeting}")).await;
    click(c, ".reply button").await;
    wait_path(c, &format!("/handbook/meetings/{meeting}")).await;
    assert!(text(c, "main").await.contains("Bạn đã báo sẽ dự họp."));
    for path in [
        "/handbook".to_owned(),
        "/handbook/meetings".to_owned(),
        format!("/handbook/meetings/{meeting}"),
        "/handbook/documents".to_owned(),
        "/offline".to_owned(),
    ] {
        browser.open(&app, &path).await;
        failures.extend(axe(&browser).await.into_iter().map(|v| format!("{path}: {v}")));
    }
    assert!(failures.is_empty(), "axe-core:\n{}", failures.join("\n"));

    // The service worker controls the pages once installed; the document is saved for offline.
    let controlled = "return !!(navigator.serviceWorker && navigator.serviceWorker.controller)";
    for _ in 0..100 {
        if c.execute(controlled, vec![]).await.unwrap() == serde_json::Value::Bool(true) {
            break;
        }
        browser.open(&app, "/handbook/documents").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(c.execute(controlled, vec![]).await.unwrap(), serde_json::Value::Bool(true), "a service worker controls the handbook");
    browser.open(&app, "/handbook").await;
    browser.open(&app, "/handbook/documents").await;
    let save = format!("button[data-offline-save^='/documents/{document}']");
    click(c, &save).await;
    for _ in 0..100 {
        if text(c, &save).await.contains("Đã lưu") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text(c, &save).await.contains("Đã lưu để đọc ngoại tuyến"));

    // The network cut: the saved document and the handbook home still open, marked as kept copies.
    relay.cut();
    tokio::time::sleep(Duration::from_millis(300)).await;
    browser.open(&app, &format!("/documents/{document}")).await;
    let page = text(c, "main").await;
    assert!(page.contains("Hướng dẫn học tập nghị quyết"), "{page}");
    assert!(page.contains("Đang xem bản đã lưu (ngoại tuyến)"), "{page}");
    browser.open(&app, "/handbook").await;
    let page = text(c, "main").await;
    assert!(page.contains("Nguyễn Văn An") && page.contains("Đang xem bản đã lưu"), "{page}");
    // A page never opened: the offline page.
    browser.open(&app, "/handbook/meetings?never=1").await;
    assert!(text(c, "main").await.contains("Không có kết nối mạng"));

    // Back online (straight to the server, the session cookie is the host's): a correction
    // proposed from the record.
    app.base = direct;
    browser.open(&app, &format!("/members/{me}")).await;
    click(c, &format!("a[href='/members/{me}/requests/new']")).await;
    wait_path(c, &format!("/members/{me}/requests/new")).await;
    c.execute("document.querySelector('#f-field').value = 'phone';", vec![]).await.unwrap();
    type_into(c, "#f-value", "0912345678").await;
    type_into(c, "#f-note", "Số điện thoại mới").await;
    click(c, "main form button[type=submit]").await;
    wait_path(c, &format!("/members/{me}")).await;
    assert!(text(c, "main").await.contains("0912345678"), "the request shows on the record");
    let sent = app.store.member_change_requests(MemberId(me)).await.unwrap();
    assert_eq!(sent.len(), 1);
    browser.close().await;
}
