//! dangvu's e-mail: a notice as a plain-text message ([`Message`], RFC 5322 with UTF-8 headers
//! per RFC 2047 and a base64 body) and the SMTP conversation that hands it to a relay
//! ([`send`], RFC 5321).
//!
//! The relay is a mail server on the closed network (the committee's own, or a local Postfix
//! that forwards): dangvu speaks plain SMTP to it, without TLS or login, so the relay must accept
//! mail from the app servers' addresses. Nothing is fetched from outside the network.

mod message;
mod smtp;

pub use message::{Mailbox, Message};
pub use smtp::{MailError, SmtpConfig, send};
