//! The binary as a service on both engines: `dangvu --log-format json serve` answers `/healthz`
//! and `/readyz`, logs one JSON line per request (route as declared, status, latency, the
//! account; never the query, the token or a password), and on SIGTERM stops taking requests,
//! finishes those running and exits cleanly — every write it answered is in the database.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use conformance::{TestStore, on_both_engines};
use serde_json::{Value, json};
use storage::prelude::*;

use crate::cli::{database, ok};

on_both_engines!(a_service_logs_each_request_and_stops_cleanly);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn a_service_logs_each_request_and_stops_cleanly(t: &TestStore) {
    let db = database(t);
    ok(
        &db,
        &["user", "add", "--username", "van.hanh", "--name", "Vận hành", "--admin", "--password-stdin"],
        Some("mat-khau-van-hanh-2026\n"),
    );
    let out = ok(&db, &["token", "create", "--username", "van.hanh", "--name", "kiểm tra"], None);
    let token = out.split_whitespace().find(|w| w.starts_with("dv_")).expect("a token printed").to_owned();
    let (port, metrics_port) = (free_port(), free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_dangvu"))
        .args([
            "--log-format",
            "json",
            "serve",
            "--database",
            &db,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--metrics-listen",
            &format!("127.0.0.1:{metrics_port}"),
        ])
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env_remove("DANGVU_CONFIG")
        .env_remove("DANGVU_DATABASE")
        .env("RUST_LOG", "info,sqlx=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dangvu serve");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server became ready");
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    let r = client.get(format!("{base}/api/v1/members?q=Nguyen+Bi+Mat")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);

    // Metrics on their own address only, with the request just made.
    assert_eq!(client.get(format!("{base}/metrics")).send().await.unwrap().status(), 404, "not beside the pages");
    let text = client.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.unwrap().text().await.unwrap();
    for series in [
        "dangvu_http_requests_total{route=\"/api/v1/members\",method=\"GET\",status=\"200\"} 1",
        "dangvu_http_request_duration_seconds_bucket{route=\"/api/v1/members\",le=\"+Inf\"} 1",
        "dangvu_http_request_duration_seconds_count{route=\"/readyz\"}",
        "dangvu_register_members 0",
        "dangvu_uptime_seconds ",
    ] {
        assert!(text.contains(series), "{series} in\n{text}");
    }
    assert!(!text.contains("Nguyen"), "the query is not a label");

    // Logins: five wrong passwords lock the account (the fifth starts the lock), the next attempt
    // is refused without a check; an unknown name fails as such. Each is audited (group commits).
    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for _ in 0..5 {
        assert_eq!(crate::support::login(&base, &browser, "van.hanh", "sai-mat-khau").await.status(), 401);
    }
    assert_eq!(crate::support::login(&base, &browser, "van.hanh", "mat-khau-van-hanh-2026").await.status(), 429);
    assert_eq!(crate::support::login(&base, &browser, "khong.co.ai", "sai-mat-khau").await.status(), 401);
    // Another process writes to the register: this server's index is behind until a read
    // refreshes it (a scrape reads the lag first).
    ok(&db, &["generate", "--members", "30", "--seed", "7"], None);
    let text = client.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.unwrap().text().await.unwrap();
    let value = |text: &str, series: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
            .unwrap_or_else(|| panic!("{series} in\n{text}"));
        line[series.len()..].trim().parse().unwrap()
    };
    assert_eq!(value(&text, "dangvu_login_failures_total{reason=\"password\"}"), 5.0);
    assert_eq!(value(&text, "dangvu_login_failures_total{reason=\"unknown_user\"}"), 1.0);
    assert_eq!(value(&text, "dangvu_login_lockouts_total{of=\"account\"}"), 1.0);
    assert_eq!(value(&text, "dangvu_login_lockouts_total{of=\"client\"}"), 0.0);
    assert_eq!(value(&text, "dangvu_login_refusals_total{reason=\"account_locked\"}"), 1.0);
    assert_eq!(value(&text, "dangvu_login_successes_total"), 0.0);
    assert!(value(&text, "dangvu_audit_group_entries_total") >= 7.0, "the logins' audit entries");
    assert!(value(&text, "dangvu_audit_group_commits_total{outcome=\"committed\"}") >= 1.0);
    assert_eq!(value(&text, "dangvu_audit_group_commits_total{outcome=\"failed\"}"), 0.0);
    assert!(value(&text, "dangvu_audit_entries_total") >= 7.0);
    assert!(value(&text, "dangvu_index_changes_behind") >= 1.0, "the other process's writes not yet applied");
    assert_eq!(value(&text, "dangvu_register_members"), 0.0);
    let pools: &[&str] = match t.engine {
        conformance::Engine::Sqlite => &["readers", "writer"],
        conformance::Engine::Postgres => &["shared"],
    };
    for pool in pools {
        assert!(value(&text, &format!("dangvu_db_connections_max{{pool=\"{pool}\"}}")) >= 1.0);
        assert!(value(&text, &format!("dangvu_db_acquires_total{{pool=\"{pool}\"}}")) >= 1.0);
        value(&text, &format!("dangvu_db_connections{{pool=\"{pool}\",state=\"busy\"}}"));
        value(&text, &format!("dangvu_db_acquire_wait_seconds_total{{pool=\"{pool}\"}}"));
    }
    for series in [
        "dangvu_imports_running{stage=\"check\"}",
        "dangvu_import_rows{phase=\"writing\"}",
        "dangvu_imports_finished_total{stage=\"apply\",outcome=\"ok\"}",
    ] {
        assert_eq!(value(&text, series), 0.0, "{series}");
    }
    // The scrape's readiness check refreshed the index: the next one finds it caught up.
    let text = client.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.unwrap().text().await.unwrap();
    assert_eq!(value(&text, "dangvu_index_changes_behind"), 0.0);
    let records = {
        let db = t.database().await;
        let mut conn = db.reader().await.unwrap();
        conn.query(&"SELECT COUNT(*) AS n FROM members".into(), vec![]).await.unwrap()[0].i64("n").unwrap()
    };
    assert!(records >= 30);
    assert_eq!(value(&text, "dangvu_register_members"), records as f64, "every record generated");
    assert!(value(&text, "dangvu_index_refreshes_total{kind=\"rebuild\"}") >= 2.0, "the first load and the generated register");
    assert!(value(&text, "dangvu_index_units") >= 1.0);
    assert!(value(&text, "dangvu_index_refresh_seconds_total") > 0.0);
    assert!(!text.contains("van.hanh") && !text.contains("khong.co.ai"), "no user name is a label");

    // Writes in flight when SIGTERM arrives: each one answered is in the database.
    let mut writes = Vec::new();
    for i in 0..16 {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        writes.push(tokio::spawn(async move {
            let body = json!({"kind": "tinh-uy", "code": format!("S{i}"), "name": format!("Tỉnh ủy thử {i}"), "parent_id": null,
                "effective_date": "01/01/2020", "decision_number": "1-QĐ/TW", "decision_date": "01/01/2020", "issuer": "Bộ Chính trị"});
            let r = client.post(format!("{base}/api/v1/units")).bearer_auth(&token).json(&body).send().await.ok()?;
            let status = r.status().as_u16();
            let v: Value = r.json().await.ok()?;
            Some((status, v["id"].as_i64()))
        }));
    }
    tokio::time::sleep(Duration::from_millis(30)).await;
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let mut answered = Vec::new();
    for w in writes {
        if let Some((status, id)) = w.await.unwrap() {
            assert_eq!(status, 201, "a request taken before the stop finishes");
            answered.push(id.expect("the new unit's id"));
        }
    }
    let mut exited = None;
    for _ in 0..200 {
        if let Some(s) = child.try_wait().unwrap() {
            exited = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = exited.expect("the server stopped within 20 s");
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(status.success(), "a clean exit: {status:?}\n{log}");
    let store = t.reopen().await;
    for id in &answered {
        assert!(
            store.unit(domain::ids::UnitId(*id), storage::vietnam_today(conformance_now())).await.is_ok(),
            "unit {id} answered and kept"
        );
    }

    // One JSON line per request; nothing of the query, the token or the password.
    let lines: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let access: Vec<&Value> = lines.iter().filter(|l| l["target"] == "dangvu::access").collect();
    let members = access.iter().find(|l| l["route"] == "/api/v1/members").expect("the members request logged");
    assert_eq!(members["status"], 200);
    assert!(members["actor"].as_i64().is_some() && members["latency_ms"].as_f64().is_some() && members["request_id"].as_str().is_some());
    assert_eq!(access.iter().filter(|l| l["route"] == "/api/v1/units").count(), answered.len(), "each answered write logged once");
    assert!(lines.iter().any(|l| l["message"] == "shutting down") && lines.iter().any(|l| l["message"] == "stopped"));
    for secret in ["Nguyen", "Bi+Mat", token.as_str(), "mat-khau-van-hanh-2026"] {
        assert!(!log.contains(secret), "{secret} is not in the log");
    }
}

/// The day the server's own clock reads (the binary runs with the real clock).
#[allow(clippy::disallowed_methods)]
fn conformance_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
