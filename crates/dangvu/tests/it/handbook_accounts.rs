//! Handbook accounts over HTTP: a chi bộ secretary creates the accounts of their chi bộ and
//! prints the slips (the codes shown once, never cached); another chi bộ, another commune and a
//! member find nothing there; a member activates their account with the slip's code and sets a
//! password, and lands on their own record; wrong codes are throttled and audited; the
//! secretary issues a new code to a member who forgot their password, which ends the old one.

use domain::access::{Grant, Role};
use domain::ids::MemberId;
use storage::AuditQuery;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; a_secretary_hands_out_codes_and_members_activate);

/// The (user name, code) pairs of a page of slips.
fn slips(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(r#"<dt>Tên đăng nhập</dt><dd class="code">"#) {
        rest = &rest[i + r#"<dt>Tên đăng nhập</dt><dd class="code">"#.len()..];
        let user = rest.split('<').next().unwrap_or_default().to_owned();
        let j = rest.find(r#"<dt>Mã kích hoạt</dt><dd class="code">"#).expect("a code on the slip");
        rest = &rest[j + r#"<dt>Mã kích hoạt</dt><dd class="code">"#.len()..];
        out.push((user, rest.split('<').next().unwrap_or_default().to_owned()));
    }
    out
}

async fn activate(app: &App, web: &reqwest::Client, username: &str, code: &str, password: &str) -> reqwest::Response {
    let page = web.get(app.url("/activate")).send().await.unwrap().text().await.unwrap();
    let csrf = support::csrf_of(&page);
    web.post(app.url("/activate"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", username),
            ("code", code),
            ("new_password", password),
            ("repeat_password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn a_secretary_hands_out_codes_and_members_activate(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let other = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let west = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let an = official_member(app, "Nguyễn Văn An", "001080000601", east).await;
    official_member(app, "Trần Thị Bình", "001080000602", east).await;
    let cuong = official_member(app, "Lê Văn Cường", "001080000603", west).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, east).await;
    let stranger = person(app, "y.tochuc", Role::OrgBoardStaff, other).await;
    let member_account =
        support::account(app.store.as_ref(), "cuong.dv", vec![Grant { role: Role::Member, unit: None }], Some(MemberId(cuong))).await;
    let member_web = support::browser();
    assert_eq!(support::login(&app.base, &member_web, "cuong.dv", PASSWORD).await.status().as_u16(), 303);
    let _ = member_account;

    // The chi bộ's page is offered on the unit page; another chi bộ, commune or a member: nothing.
    let unit_page = secretary.web.get(app.url(&format!("/units/{east}"))).send().await.unwrap().text().await.unwrap();
    assert!(unit_page.contains(&format!("/units/{east}/handbook-accounts")));
    let overview = secretary.web.get(app.url(&format!("/units/{east}/handbook-accounts"))).send().await.unwrap();
    assert_eq!(overview.status().as_u16(), 200);
    let overview = overview.text().await.unwrap();
    assert!(overview.contains("2 đảng viên chưa có tài khoản"), "{overview}");
    assert_eq!(secretary.web.get(app.url(&format!("/units/{west}/handbook-accounts"))).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(stranger.web.get(app.url(&format!("/units/{east}/handbook-accounts"))).send().await.unwrap().status().as_u16(), 404);
    // A member reads no unit: the page does not exist for them.
    assert_eq!(member_web.get(app.url(&format!("/units/{east}/handbook-accounts"))).send().await.unwrap().status().as_u16(), 404);
    // On their own record, the member is not offered a new code, and may not take one.
    let own = member_web.get(app.url(&format!("/members/{cuong}"))).send().await.unwrap().text().await.unwrap();
    assert!(!own.contains("handbook-account/reset"));
    let member_csrf = support::session_csrf(&app.base, &member_web).await;
    let self_reset = member_web
        .post(app.url(&format!("/members/{cuong}/handbook-account/reset")))
        .form(&[("_csrf", member_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(self_reset.status().as_u16(), 403);
    let stranger_post = stranger
        .web
        .post(app.url(&format!("/units/{east}/handbook-accounts")))
        .form(&[("_csrf", stranger.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger_post.status().as_u16(), 404);

    // Creating: the slips, once, not cached.
    let created = secretary
        .web
        .post(app.url(&format!("/units/{east}/handbook-accounts")))
        .form(&[("_csrf", secretary.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 200);
    assert_eq!(created.headers().get("cache-control").unwrap(), "no-store");
    let slips = slips(&created.text().await.unwrap());
    assert_eq!(slips.len(), 2);
    assert_eq!(slips[0].0, "001080000601");
    let overview = secretary.web.get(app.url(&format!("/units/{east}/handbook-accounts"))).send().await.unwrap().text().await.unwrap();
    assert!(overview.contains("Chờ kích hoạt"));
    assert!(!overview.contains(&slips[0].1), "a code is never shown again");

    // Wrong codes: the same answer each time, then the throttle, even for the right code.
    let web = support::browser();
    let wrong = activate(app, &web, &slips[0].0, "ZZZZ-ZZZZ-ZZZZ", "mat-khau-cua-an-2026").await;
    assert_eq!(wrong.status().as_u16(), 401);
    let bad_shape = activate(app, &web, &slips[0].0, "ABC", "mat-khau-cua-an-2026").await;
    assert_eq!(bad_shape.status().as_u16(), 422);
    assert!(bad_shape.text().await.unwrap().contains("Mã kích hoạt gồm 12 ký tự"));
    let short = activate(app, &web, &slips[0].0, &slips[0].1, "ngan").await;
    assert_eq!(short.status().as_u16(), 422, "a password the policy refuses");
    for _ in 0..4 {
        assert_eq!(activate(app, &web, &slips[0].0, "ZZZZ-ZZZZ-ZZZZ", "mat-khau-cua-an-2026").await.status().as_u16(), 401);
    }
    assert_eq!(activate(app, &web, &slips[0].0, &slips[0].1, "mat-khau-cua-an-2026").await.status().as_u16(), 429);

    // The second member activates: logged in, on their own record; the password then works.
    let binh = support::browser();
    let done = activate(app, &binh, &slips[1].0, &slips[1].1.to_lowercase(), "mat-khau-cua-binh-2026").await;
    assert_eq!(done.status().as_u16(), 303);
    let home = binh.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status().as_u16(), 303);
    assert_eq!(home.headers().get("location").unwrap(), "/handbook", "a member lands on the handbook");
    let again = support::browser();
    assert_eq!(support::login(&app.base, &again, &slips[1].0, "mat-khau-cua-binh-2026").await.status().as_u16(), 303);

    // A forgotten password: the secretary issues a new code from the record; the old password ends.
    let binh_id = app.store.account_for_login(&slips[1].0).await.unwrap().unwrap().0.member.unwrap();
    let record = secretary.web.get(app.url(&format!("/members/{binh_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(record.contains("Đã kích hoạt"));
    assert!(record.contains(&format!("/members/{binh_id}/handbook-account/reset")));
    let reset = secretary
        .web
        .post(app.url(&format!("/members/{binh_id}/handbook-account/reset")))
        .form(&[("_csrf", secretary.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 200);
    let new_slip = self::slips(&reset.text().await.unwrap());
    assert_eq!(new_slip.len(), 1);
    assert_eq!(support::login(&app.base, &support::browser(), &slips[1].0, "mat-khau-cua-binh-2026").await.status().as_u16(), 401);
    assert_eq!(binh.get(app.url("/account")).send().await.unwrap().status().as_u16(), 303, "the member's session ended");
    let fresh = support::browser();
    assert_eq!(activate(app, &fresh, &new_slip[0].0, &new_slip[0].1, "mat-khau-moi-cua-binh").await.status().as_u16(), 303);
    // Another commune's staff may not reset; a member of another chi bộ is not the secretary's.
    let foreign = stranger
        .web
        .post(app.url(&format!("/members/{an}/handbook-account/reset")))
        .form(&[("_csrf", stranger.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 404);
    let not_mine = secretary
        .web
        .post(app.url(&format!("/members/{cuong}/handbook-account/reset")))
        .form(&[("_csrf", secretary.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(not_mine.status().as_u16(), 404);

    // The trail: each attempt, the activations, the reset.
    let count = |action: &'static str| async move {
        app.store.audit_entries(&AuditQuery { action: Some(action.into()), limit: 100, ..Default::default() }).await.unwrap().len()
    };
    assert_eq!(count("activation.failure").await, 5);
    assert_eq!(count("activation.refused").await, 1);
    assert_eq!(count("account.activate").await, 2);
    assert_eq!(count("account.reset").await, 1);
    assert_eq!(count("account.create_members").await, 1);
}

conformance::on_both_engines!(the_command_creates_accounts_and_writes_the_codes_once);

// The command runs with the real clock, so the test compares with the store read on the same day
// (clippy.toml `disallowed-methods`).
#[allow(clippy::disallowed_methods)]
async fn the_command_creates_accounts_and_writes_the_codes_once(t: &conformance::TestStore) {
    use crate::cli::{dangvu, database, ok, text};
    let db = database(t);
    let today = storage::vietnam_today(chrono::Utc::now());
    ok(&db, &["generate", "--members", "300", "--seed", "5"], None);
    let root = t.store.children(None, today).await.expect("roots").remove(0).unit;
    let commune = t.store.children(Some(root.id), today).await.expect("communes").into_iter().max_by_key(|n| n.member_count).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("codes.csv");
    let out_arg = out.to_str().unwrap();
    let said = ok(&db, &["handbook-accounts", "create", "--unit", &commune.unit.code, "--out", out_arg], None);
    let roster = t.store.roster_accounts(commune.unit.id, chrono::Utc::now(), None).await.unwrap();
    let with_account: usize = roster.iter().map(|c| c.count(|s| !matches!(s, storage::AccountState::None))).sum();
    let csv = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "\u{feff}chi_bo,member_id,full_name,username,code,valid_until");
    // Every new account has its row, apart from the accounts the generated data already had.
    assert!(said.contains(&format!("đã tạo {} tài khoản", rows.len() - 1)), "{said}");
    assert!(rows.len() - 1 <= with_account && with_account - (rows.len() - 1) <= 3, "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600, "the codes are the owner's only");
    }
    // The file is never overwritten; nothing is created before that is checked.
    let o = dangvu(&db, &["handbook-accounts", "codes", "--unit", &commune.unit.code, "--out", out_arg], None);
    assert!(!o.status.success() && text(&o).contains("must not exist"), "{}", text(&o));
    let o = dangvu(&db, &["handbook-accounts", "create", "--unit", &commune.unit.code], None);
    assert!(!o.status.success() && text(&o).contains("--out"), "{}", text(&o));
    // New codes for everyone not activated: as many rows again, the earlier codes void.
    let again = dir.path().join("again.csv");
    ok(&db, &["handbook-accounts", "codes", "--unit", &commune.unit.code, "--out", again.to_str().unwrap()], None);
    let second = std::fs::read_to_string(&again).unwrap();
    assert_eq!(second.lines().count(), rows.len());
    let status = ok(&db, &["handbook-accounts", "status", "--unit", &commune.unit.code], None);
    assert!(status.contains("chờ kích hoạt"), "{status}");
}
