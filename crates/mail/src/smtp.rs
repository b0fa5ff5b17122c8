//! The SMTP conversation with the relay (RFC 5321): greeting, `EHLO` (or `HELO`), `MAIL FROM`,
//! `RCPT TO`, `DATA` with dot-stuffing, `QUIT`. Each step is bounded by the timeout.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::message::Message;

/// Where and how to reach the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The name this server gives in `EHLO`.
    pub helo_name: String,
    /// For connecting and for each reply.
    pub timeout: Duration,
}

/// Why a message was not handed over.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("không kết nối được máy chủ thư {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("máy chủ thư không trả lời trong {0} giây")]
    Timeout(u64),
    #[error("lỗi đọc/ghi với máy chủ thư: {0}")]
    Io(#[from] std::io::Error),
    /// The relay answered with an error code to `command`.
    #[error("máy chủ thư từ chối {command}: {code} {text}")]
    Rejected { command: &'static str, code: u16, text: String },
    #[error("máy chủ thư trả lời không đúng giao thức: {0}")]
    Protocol(String),
}

impl MailError {
    /// A refusal that sending again will not change (a 5xx reply: unknown recipient, refused
    /// sender). Connection trouble and 4xx replies are worth another try.
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::Rejected { code, .. } if (500..600).contains(code))
    }
}

/// One reply: its code and its text (the lines of a multi-line reply joined).
struct Reply {
    code: u16,
    text: String,
}

struct Session {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
    timeout: Duration,
}

impl Session {
    async fn reply(&mut self) -> Result<Reply, MailError> {
        let mut text = Vec::new();
        loop {
            let mut line = String::new();
            let n = timeout(self.timeout, self.reader.read_line(&mut line)).await.map_err(|_| self.timed_out())??;
            if n == 0 {
                return Err(MailError::Protocol("máy chủ đóng kết nối".into()));
            }
            let line = line.trim_end();
            let code = line.get(..3).and_then(|c| c.parse::<u16>().ok()).ok_or_else(|| MailError::Protocol(line.to_owned()))?;
            text.push(line.get(4..).unwrap_or_default().to_owned());
            // "250-…" continues; "250 …" (or a bare "250") ends the reply.
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(Reply { code, text: text.join(" ") });
            }
            if text.len() > 100 {
                return Err(MailError::Protocol("trả lời quá dài".into()));
            }
        }
    }

    fn timed_out(&self) -> MailError {
        MailError::Timeout(self.timeout.as_secs())
    }

    async fn write(&mut self, data: &str) -> Result<(), MailError> {
        timeout(self.timeout, self.writer.write_all(data.as_bytes())).await.map_err(|_| self.timed_out())??;
        Ok(())
    }

    /// Sends a command and expects a reply of the class `expect` (2 or 3).
    async fn command(&mut self, command: &'static str, line: &str, expect: u16) -> Result<Reply, MailError> {
        self.write(&format!("{line}\r\n")).await?;
        let reply = self.reply().await?;
        if reply.code / 100 != expect {
            return Err(MailError::Rejected { command, code: reply.code, text: reply.text });
        }
        Ok(reply)
    }
}

/// Hands `message` to the relay for delivery to `message.to`.
pub async fn send(config: &SmtpConfig, message: &Message) -> Result<(), MailError> {
    let address = format!("{}:{}", config.host, config.port);
    let stream = timeout(config.timeout, TcpStream::connect(&address))
        .await
        .map_err(|_| MailError::Timeout(config.timeout.as_secs()))?
        .map_err(|e| MailError::Connect(address.clone(), e))?;
    let (read, writer) = stream.into_split();
    let mut s = Session { reader: BufReader::new(read), writer, timeout: config.timeout };
    let greeting = s.reply().await?;
    if greeting.code != 220 {
        return Err(MailError::Rejected { command: "kết nối", code: greeting.code, text: greeting.text });
    }
    if s.command("EHLO", &format!("EHLO {}", config.helo_name), 2).await.is_err() {
        s.command("HELO", &format!("HELO {}", config.helo_name), 2).await?;
    }
    s.command("MAIL FROM", &format!("MAIL FROM:<{}>", message.from.address), 2).await?;
    s.command("RCPT TO", &format!("RCPT TO:<{}>", message.to), 2).await?;
    s.command("DATA", "DATA", 3).await?;
    s.write(&dot_stuffed(&message.to_wire())).await?;
    s.command("DATA", ".", 2).await?;
    // The message is accepted; a relay that hangs up without answering QUIT changes nothing.
    let _ = s.command("QUIT", "QUIT", 2).await;
    Ok(())
}

/// Lines starting with "." get another "." (RFC 5321 §4.5.2).
fn dot_stuffed(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len() + 16);
    for line in wire.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Mailbox;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    fn message() -> Message {
        Message {
            from: Mailbox { name: "Đảng vụ".into(), address: "dangvu@tinhuy.vn".into() },
            to: "bithu@xa.vn".into(),
            subject: "Thông báo".into(),
            body: "Dòng một\n.dòng bắt đầu bằng dấu chấm\n".into(),
            date: "2026-12-03T08:00:00Z".parse().unwrap(),
            message_id: "n1@dangvu".into(),
        }
    }

    /// A relay that answers with `script` in order (one reply per line the client sends after
    /// the greeting, the DATA body counting as one) and returns what it read.
    async fn relay(script: &'static [&'static str]) -> (u16, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            socket.write_all(b"220 relay ready\r\n").await.unwrap();
            let mut seen = String::new();
            let mut buf = vec![0u8; 4096];
            let mut replies = script.iter();
            let mut in_data = false;
            loop {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                let complete = if in_data { seen.ends_with("\r\n.\r\n") } else { seen.ends_with("\r\n") };
                if !complete {
                    continue;
                }
                in_data = false;
                let Some(reply) = replies.next() else { break };
                if reply.starts_with("354") {
                    in_data = true;
                }
                socket.write_all(format!("{reply}\r\n").as_bytes()).await.unwrap();
                if reply.starts_with("221") || reply.starts_with('5') && !reply.starts_with("502") {
                    break;
                }
            }
            seen
        });
        (port, handle)
    }

    fn config(port: u16) -> SmtpConfig {
        SmtpConfig { host: "127.0.0.1".into(), port, helo_name: "dangvu.local".into(), timeout: Duration::from_secs(5) }
    }

    #[tokio::test]
    async fn a_message_goes_through_the_whole_conversation_dot_stuffed() {
        let (port, seen) = relay(&["250-relay\r\n250 8BITMIME", "250 ok", "250 ok", "354 go on", "250 queued", "221 bye"]).await;
        send(&config(port), &message()).await.unwrap();
        let seen = seen.await.unwrap();
        assert!(seen.starts_with("EHLO dangvu.local\r\nMAIL FROM:<dangvu@tinhuy.vn>\r\nRCPT TO:<bithu@xa.vn>\r\nDATA\r\n"));
        assert!(seen.contains("\r\nSubject: =?UTF-8?B?"));
        assert!(seen.ends_with("\r\n.\r\nQUIT\r\n"));
        assert_eq!(dot_stuffed(".a\r\nb\r\n..c\r\n"), "..a\r\nb\r\n...c\r\n");
    }

    #[tokio::test]
    async fn a_relay_without_ehlo_is_greeted_with_helo() {
        let (port, seen) = relay(&["502 no", "250 hi", "250 ok", "250 ok", "354 go on", "250 queued", "221 bye"]).await;
        send(&config(port), &message()).await.unwrap();
        assert!(seen.await.unwrap().starts_with("EHLO dangvu.local\r\nHELO dangvu.local\r\n"));
    }

    #[tokio::test]
    async fn an_unknown_recipient_is_a_permanent_refusal_and_a_busy_relay_is_not() {
        let (port, _) = relay(&["250 hi", "250 ok", "550 no such user"]).await;
        let e = send(&config(port), &message()).await.unwrap_err();
        assert!(matches!(e, MailError::Rejected { command: "RCPT TO", code: 550, .. }), "{e}");
        assert!(e.is_permanent());
        let (port, _) = relay(&["250 hi", "451 try later"]).await;
        let e = send(&config(port), &message()).await.unwrap_err();
        assert!(!e.is_permanent(), "{e}");
    }

    #[tokio::test]
    async fn nobody_listening_is_worth_another_try() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let e = send(&config(port), &message()).await.unwrap_err();
        assert!(matches!(e, MailError::Connect(..)), "{e}");
        assert!(!e.is_permanent());
    }
}
