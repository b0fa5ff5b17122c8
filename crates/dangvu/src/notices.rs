//! `dangvu notices …`: the operators' side of notifications (docs/design/operations.md
//! "Notifications") — an announcement to every account or to some, the e-mail queue's state,
//! and a test e-mail through the relay of `[mail]` to check the set-up.

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use clap::Subcommand;
use storage::prelude::*;

use crate::config::Config;
use crate::users::{context, find_account};

#[derive(Debug, Subcommand)]
pub enum NoticesCommand {
    /// Puts an announcement in the inbox of every enabled account (or of those named), mailed
    /// too where mail is configured.
    Announce {
        /// One line.
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        body: String,
        /// A user name; repeat for several (default: everyone).
        #[arg(long = "to")]
        to: Vec<String>,
    },
    /// How many e-mails wait, were sent or were given up, and the last error.
    MailStatus,
    /// Sends one e-mail through the relay of `[mail]` now (not queued), to check the set-up.
    MailTest {
        #[arg(long)]
        to: String,
    },
}

pub async fn run(store: &dyn Store, file: &Config, command: NoticesCommand) -> Result<()> {
    match command {
        NoticesCommand::Announce { title, body, to } => {
            let mut accounts = Vec::new();
            for username in &to {
                accounts.push(find_account(store, username).await?.id);
            }
            let told = store.announce(&context(), &accounts, &title, &body).await.context("cannot announce")?;
            println!("Đã gửi thông báo tới {told} tài khoản.");
            Ok(())
        }
        NoticesCommand::MailStatus => {
            let s = store.mail_status().await?;
            let configured = if file.mail_config()?.is_some() { "có" } else { "không (chỉ thông báo trong ứng dụng)" };
            println!("Máy chủ thư được cấu hình: {configured}");
            println!("Chờ gửi: {}\nĐã gửi: {}\nKhông gửi được: {}", s.pending, s.sent, s.failed);
            if let Some(e) = s.last_error {
                println!("Lỗi gần nhất: {e}");
            }
            Ok(())
        }
        NoticesCommand::MailTest { to } => {
            let config = file.mail_config()?.ok_or_else(|| anyhow!("no [mail] section in the configuration file"))?;
            let to = domain::notifications::EmailAddress::parse(&to).map_err(|e| anyhow!("--to: {}", e.message))?;
            let item = storage::MailItem {
                id: 0,
                to: to.to_string(),
                subject: "Thư thử của Đảng vụ".into(),
                body: "Máy chủ Đảng vụ gửi được thư qua máy chủ thư đã cấu hình.".into(),
                link: "/inbox".into(),
                attempts: 1,
            };
            mail::send(&config.smtp, &web::mail::message(&config, &item, Utc::now()))
                .await
                .context("the relay did not take the test e-mail")?;
            println!("Đã gửi thư thử tới {to} qua {}:{}.", config.smtp.host, config.smtp.port);
            Ok(())
        }
    }
}
