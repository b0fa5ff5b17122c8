//! E-mail copies of notices (docs/design/operations.md "Notifications"): the delivery loop that
//! every app server runs when a mail relay is configured. Each pass claims the e-mails due
//! (`NotificationStore::claim_mail`: a row is held by one server at a time), hands each to the
//! relay and records the outcome: sent; refused for good (a 5xx reply) — given up at once; any
//! other failure — tried again after 1, 2, 4 … minutes, given up after [`MAX_ATTEMPTS`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use storage::{MailItem, Store};

use crate::Clock;

/// How many times an e-mail is tried before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// E-mails claimed per pass.
const BATCH: usize = 50;

/// The relay, the sender's name and address, and the site's address for the links in e-mails.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp: mail::SmtpConfig,
    pub from: mail::Mailbox,
    /// The address people open the site at (`https://dangvu.tinhuy.vn`), without a trailing slash.
    pub site_url: String,
    /// Between passes of the delivery loop.
    pub poll: Duration,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    /// To be tried again.
    pub deferred: usize,
    pub given_up: usize,
}

/// The message of a notice's e-mail: its title as the subject, its text and the page's address.
pub fn message(config: &MailConfig, item: &MailItem, now: DateTime<Utc>) -> mail::Message {
    let host = config.from.address.rsplit_once('@').map_or("dangvu", |(_, d)| d);
    mail::Message {
        from: config.from.clone(),
        to: item.to.clone(),
        subject: item.subject.clone(),
        body: format!(
            "{}\n\nXem trên Đảng vụ: {}{}\n\n--\nThư gửi tự động từ Đảng vụ; xin đừng trả lời thư này. \
             Bỏ địa chỉ thư điện tử ở trang Tài khoản của bạn để không nhận thư nữa.\n",
            item.body, config.site_url, item.link
        ),
        date: now,
        message_id: format!("notice-{}-{}@{host}", item.id, item.attempts),
    }
}

/// When to try again after the `attempts`-th failure (none: give up).
pub fn retry_at(attempts: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (attempts < MAX_ATTEMPTS).then(|| now + chrono::Duration::minutes(1 << (attempts - 1).clamp(0, 10)))
}

/// One pass: every e-mail due at `now`, sent or rescheduled.
pub async fn deliver_due(store: &dyn Store, config: &MailConfig, now: DateTime<Utc>) -> storage::Result<Pass> {
    let mut pass = Pass::default();
    // A claim outlives every attempt it covers (connect and each reply are bounded by the timeout).
    let lease = chrono::Duration::from_std(config.smtp.timeout * 8).unwrap_or(chrono::Duration::minutes(5));
    for item in store.claim_mail(now, lease, BATCH).await? {
        match mail::send(&config.smtp, &message(config, &item, now)).await {
            Ok(()) => {
                store.mail_sent(item.id, now).await?;
                pass.sent += 1;
            }
            Err(e) => {
                let retry = if e.is_permanent() { None } else { retry_at(item.attempts, now) };
                tracing::warn!(notice = item.id, attempts = item.attempts, error = %e, "e-mail not sent");
                store.mail_failed(item.id, &e.to_string(), retry).await?;
                if retry.is_some() {
                    pass.deferred += 1;
                } else {
                    pass.given_up += 1;
                }
            }
        }
    }
    Ok(pass)
}

/// Runs [`deliver_due`] every `config.poll` for the life of the server.
pub fn spawn_delivery(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: MailConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(config.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(store.as_ref(), &config, clock.now()).await {
                tracing::warn!(error = %e, "e-mail delivery pass failed");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_and_stop() {
        let now: DateTime<Utc> = "2026-12-03T08:00:00Z".parse().unwrap();
        assert_eq!(retry_at(1, now), Some(now + chrono::Duration::minutes(1)));
        assert_eq!(retry_at(2, now), Some(now + chrono::Duration::minutes(2)));
        assert_eq!(retry_at(7, now), Some(now + chrono::Duration::minutes(64)));
        assert_eq!(retry_at(MAX_ATTEMPTS, now), None);
    }

    #[test]
    fn the_message_links_to_the_page_on_the_site() {
        let config = MailConfig {
            smtp: mail::SmtpConfig { host: "127.0.0.1".into(), port: 25, helo_name: "dangvu".into(), timeout: Duration::from_secs(5) },
            from: mail::Mailbox { name: "Đảng vụ".into(), address: "dangvu@tinhuy.vn".into() },
            site_url: "https://dangvu.tinhuy.vn".into(),
            poll: Duration::from_secs(10),
        };
        let item = MailItem {
            id: 12,
            to: "bithu@xa.vn".into(),
            subject: "Tiêu đề".into(),
            body: "Nội dung".into(),
            link: "/meetings/3".into(),
            attempts: 1,
        };
        let m = message(&config, &item, "2026-12-03T08:00:00Z".parse().unwrap());
        assert!(m.body.starts_with("Nội dung\n\nXem trên Đảng vụ: https://dangvu.tinhuy.vn/meetings/3\n"));
        assert_eq!(m.message_id, "notice-12-1@tinhuy.vn");
        assert_eq!(m.to, "bithu@xa.vn");
    }
}
