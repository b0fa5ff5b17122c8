//! How pages travel: compressed for clients that accept gzip (not the workbooks, which are zip
//! files already), with the anti-forgery token masked afresh in every page (so compression
//! reveals nothing about it) and still accepted; and long lists cut into pages.

use crate::http_on_both_engines;
use crate::support::{self, App};

http_on_both_engines!(800; pages_are_compressed_and_tokens_masked, the_worklist_is_paged);

async fn pages_are_compressed_and_tokens_masked(app: &App) {
    let gz = |path: &str| app.client.get(app.url(path)).header("accept-encoding", "gzip").send();
    let page = gz("/members").await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    let plain = app.client.get(app.url("/members")).send().await.unwrap();
    assert_eq!(plain.headers().get("content-encoding"), None, "no compression unless asked for");
    let xlsx = gz("/reports/counts?format=xlsx").await.unwrap();
    assert_eq!(xlsx.status().as_u16(), 200);
    assert_eq!(xlsx.headers().get("content-encoding"), None, "a workbook is a zip file already");

    // Two loads of a page carry different tokens; each works for a form, a forged one does not.
    let first = support::csrf_of(&app.text("/account").await.1);
    let second = support::csrf_of(&app.text("/account").await.1);
    assert_ne!(first, second);
    for token in [&first, &second] {
        // A password change with nothing typed: refused for what is missing, not as a forgery.
        let r = app.client.post(app.url("/account/password")).form(&[("_csrf", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422, "a masked token is the session's");
    }
    let mut forged = first.clone();
    forged.replace_range(0..2, if forged.starts_with("00") { "11" } else { "00" });
    let r = app.client.post(app.url("/logout")).form(&[("_csrf", forged.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "a changed token is refused");
    let r = app.client.post(app.url("/logout")).form(&[("_csrf", first.as_str())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "the session's token logs out");
}

async fn the_worklist_is_paged(app: &App) {
    let ctx = storage::WriteContext::new("test", support::now());
    let made = datagen::admission::generate_cases(app.store.as_ref(), 80, 7, support::today(), &ctx).await.unwrap();
    assert!(made > 50, "{made} cases");
    let (status, first) = app.text("/admission/worklist").await;
    assert_eq!(status, 200);
    let rows = |html: &str| html.matches("<tr class=").count();
    assert_eq!(rows(&first), 50, "a full first page");
    let label = first.split("<span>Trang 1/").nth(1).and_then(|r| r.split('<').next()).expect("a pager");
    let pages: usize = label.replace('.', "").parse().unwrap();
    assert!(pages >= 2, "{label}");
    let next = r#"href="/admission/worklist?page=2" rel="next""#;
    assert!(first.contains(next), "{first}");
    let (status, second) = app.text("/admission/worklist?page=2").await;
    assert_eq!(status, 200);
    assert!(rows(&second) >= 1 && second.contains(r#"rel="prev""#));
    assert_eq!(app.text("/admission/worklist?page=0").await.0, 400);
    assert_eq!(app.text(&format!("/admission/worklist?page={}", pages + 1)).await.0, 200, "past the end: an empty page");
}
