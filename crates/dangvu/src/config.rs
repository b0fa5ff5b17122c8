//! Settings: flags and `DANGVU_*` variables (clap) override the TOML file, which overrides the
//! defaults.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// The TOML config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database: Option<String>,
    pub listen: Option<SocketAddr>,
    /// Send the session cookie with `Secure` (only over HTTPS). Default true.
    pub cookie_secure: Option<bool>,
    /// Staff roles must use a second factor (TOTP). Default false.
    pub require_totp_for_staff: Option<bool>,
    /// A session ends after this many minutes without a request. Default 30.
    pub session_idle_minutes: Option<u32>,
    /// A session ends this many hours after login, however active. Default 12.
    pub session_absolute_hours: Option<u32>,
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`. Default false.
    pub trust_forwarded_for: Option<bool>,
    /// With `trust_forwarded_for`: how many reverse proxies append to `X-Forwarded-For` (the
    /// client address is the entry that many from the right). Default 1.
    pub trusted_proxy_hops: Option<u32>,
    /// Numbers of the admission rules that the sources leave unconfirmed (`[admission]`).
    pub admission: Option<AdmissionSettings>,
    /// Thresholds of the weak-organization indicators (`[weak]`).
    pub weak: Option<WeakThresholds>,
    /// Party dues: the first month of 01-QĐ/TW, the rates our sources leave open, each level's
    /// retained share (`[dues]`).
    pub dues: Option<DuesConfig>,
    /// Working members' ties to their residence: months between two contacts (`[residence]`).
    pub residence: Option<ResidenceConfig>,
    /// The receiving side's time in transfers of party activity (`[transfers]`).
    pub transfers: Option<TransferTimes>,
    /// Handbook accounts: how long an activation code lasts (`[handbook]`).
    pub handbook: Option<HandbookSettings>,
    /// Party badges: which source's wait after a discipline applies (`[badges]`).
    pub badges: Option<BadgeSettings>,
    /// Party cards: the number format of the 2025 series (`[cards]`).
    pub cards: Option<CardConfig>,
    /// A virus scanner run on every uploaded attachment: the program and its arguments, the
    /// file's path appended (`"clamdscan --no-summary"`); exit 0 clean, 1 infected. Default none.
    pub attachment_scan_command: Option<String>,
    /// The mail relay notices are also sent through (`[mail]`). Default none: the inbox only.
    pub mail: Option<MailSettings>,
}

/// `[badges]` in the configuration file (docs/design/badges.md).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadgeSettings {
    /// `24-qd-tw-2021` (default: 6, 9, 12 months after a reprimand, warning, removal from post),
    /// `29-qd-tw-2016` (warning 6, removal 12), `huong-dan-2007` (3, 6, 12).
    pub wait_rule: Option<String>,
}

/// `[cards]` in the configuration file (rules.md §7: the 2025 card's number format is
/// unconfirmed).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardConfig {
    /// Digits of a 2025-series number: `"12"` or `"8-12"` (default `"8-12"`).
    pub number_2025: Option<String>,
}

/// `[mail]` in the configuration file: a relay on the closed network that accepts mail from this
/// server without login (docs/design/operations.md "Notifications").
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The relay's host name or address.
    pub smtp_host: String,
    /// Default 25.
    pub smtp_port: Option<u16>,
    /// The sender's address (`dangvu@tinhuy.vn`).
    pub from_address: String,
    /// The sender's name. Default "Đảng vụ".
    pub from_name: Option<String>,
    /// The address people open the site at, for the links in e-mails (`https://dangvu.tinhuy.vn`).
    pub site_url: String,
    /// The name given in `EHLO`. Default: the site's host name.
    pub helo_name: Option<String>,
    /// Seconds to wait for the relay at each step. Default 20.
    pub timeout_seconds: Option<u64>,
    /// Seconds between two passes of the delivery loop. Default 10.
    pub poll_seconds: Option<u64>,
}

/// `[weak]` in the configuration file; each threshold defaults to `WeakSettings::default()`
/// (docs/design/operations.md "Weak organizations": our sources fix none).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeakThresholds {
    /// Months of a year without a regular meeting (default 3).
    pub months_without_regular: Option<u32>,
    /// Quarters of a year without a thematic meeting (default 2).
    pub quarters_without_thematic: Option<u32>,
    /// Attendance below this percentage (default 80).
    pub attendance_below_percent: Option<u32>,
    /// Years without an admission (default 3).
    pub years_without_admission: Option<u32>,
    /// Tasks from above left past their deadline (default 3).
    pub late_tasks: Option<u32>,
}

/// `[dues]` in the configuration file; each value defaults to `DuesSettings::default()`
/// (docs/design/dues.md: our sources give 01-QĐ/TW's signing date only, no rate for other
/// members outside social insurance or abroad, no retained shares).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuesConfig {
    /// The first month under Quy định 01-QĐ/TW, `YYYY-MM` (default `2026-03`).
    pub rule_01_from: Option<String>,
    /// Under 01-QĐ/TW, other members in the country outside compulsory social insurance, đồng a
    /// month (default 10000).
    pub other_01: Option<u64>,
    /// Under 01-QĐ/TW, members abroad, thousandths of their declared income (default 10 = 1 %).
    pub abroad_per_mille_01: Option<u64>,
    /// Under 342-QĐ/TW, other members in the country, đồng a month within 2000–30000
    /// (default 10000; beyond working age half).
    pub other_342: Option<u64>,
    /// Under 342-QĐ/TW, members abroad, thousandths of their declared income (default 10).
    pub abroad_per_mille_342: Option<u64>,
    /// The share each level keeps of what it collects and receives, in percent (default 0:
    /// everything goes up).
    pub retained_cell: Option<u32>,
    pub retained_grassroots: Option<u32>,
    pub retained_sub_committee: Option<u32>,
    pub retained_upper: Option<u32>,
    pub retained_province: Option<u32>,
}

/// `[residence]` in the configuration file (docs/design/residence.md).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidenceConfig {
    /// Months after the last contact with the residence before a contact is overdue (default 6,
    /// 1–24).
    pub contact_interval_months: Option<u32>,
}

/// `[transfers]` in the configuration file (docs/design/transfers.md "Deadlines": our sources
/// do not fix the receiving side's time).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferTimes {
    /// Working days the receiving side has to accept or refuse once the letter is presented,
    /// and an organization outside the register to send its return slip (default 30).
    pub receiver_working_days: Option<u32>,
}

/// `[handbook]` in the configuration file (docs/design/handbook.md).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandbookSettings {
    /// Days an activation code may be used after it is issued (default 30, 1–365).
    pub code_valid_days: Option<u32>,
}

/// `[admission]` in the configuration file; each number defaults to `AdmissionConfig::default()`
/// (docs/design/admission.md, rules.md §2.2–2.3 and "Open questions" 9, 14).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionSettings {
    /// Months the party-awareness class certificate stays valid (default 60).
    pub certificate_validity_months: Option<u32>,
    /// Months after which a file the chi bộ has not considered must be renewed (default 12).
    pub file_stale_after_months: Option<u32>,
    /// Whether the trade-union executive may introduce an applicant with one official member (default true).
    pub trade_union_introduction: Option<bool>,
}

impl Config {
    /// The admission rules' numbers: the file's, or the defaults.
    pub fn admission_config(&self) -> domain::admission::AdmissionConfig {
        let mut c = domain::admission::AdmissionConfig::default();
        if let Some(a) = &self.admission {
            c.certificate_validity_months = a.certificate_validity_months.unwrap_or(c.certificate_validity_months);
            c.file_stale_after_months = a.file_stale_after_months.unwrap_or(c.file_stale_after_months);
            c.trade_union_introduction = a.trade_union_introduction.unwrap_or(c.trade_union_introduction);
        }
        c
    }
}

impl Config {
    /// The weak-organization thresholds: the file's, or the defaults; refused when one could
    /// never fire or always would.
    pub fn weak_settings(&self) -> Result<domain::weak::WeakSettings> {
        let mut w = domain::weak::WeakSettings::default();
        if let Some(t) = &self.weak {
            w.months_without_regular = t.months_without_regular.unwrap_or(w.months_without_regular);
            w.quarters_without_thematic = t.quarters_without_thematic.unwrap_or(w.quarters_without_thematic);
            w.attendance_below_percent = t.attendance_below_percent.unwrap_or(w.attendance_below_percent);
            w.years_without_admission = t.years_without_admission.unwrap_or(w.years_without_admission);
            w.late_tasks = t.late_tasks.unwrap_or(w.late_tasks);
        }
        w.check().map_err(|e| anyhow::anyhow!("[weak] in the configuration file: {e}"))?;
        Ok(w)
    }

    /// The dues settings: the file's, or the defaults; refused when they cannot be right.
    pub fn dues_settings(&self) -> Result<domain::dues::DuesSettings> {
        let mut d = domain::dues::DuesSettings::default();
        if let Some(f) = &self.dues {
            if let Some(m) = &f.rule_01_from {
                d.rule_01_from = domain::dates::Month::parse(m)
                    .map_err(|e| anyhow::anyhow!("[dues] rule_01_from in the configuration file: {}", e.message))?;
            }
            d.other_01 = f.other_01.unwrap_or(d.other_01);
            d.abroad_per_mille_01 = f.abroad_per_mille_01.unwrap_or(d.abroad_per_mille_01);
            d.other_342 = f.other_342.unwrap_or(d.other_342);
            d.abroad_per_mille_342 = f.abroad_per_mille_342.unwrap_or(d.abroad_per_mille_342);
            let r = &mut d.retained;
            r.cell = f.retained_cell.unwrap_or(r.cell);
            r.grassroots = f.retained_grassroots.unwrap_or(r.grassroots);
            r.sub_committee = f.retained_sub_committee.unwrap_or(r.sub_committee);
            r.upper = f.retained_upper.unwrap_or(r.upper);
            r.province = f.retained_province.unwrap_or(r.province);
        }
        d.check().map_err(|e| anyhow::anyhow!("[dues] in the configuration file: {e}"))?;
        Ok(d)
    }

    /// The residence settings: the file's, or the default; refused outside 1–24 months.
    pub fn residence_settings(&self) -> Result<domain::residence::ResidenceSettings> {
        let mut r = domain::residence::ResidenceSettings::default();
        if let Some(f) = &self.residence {
            r.contact_interval_months = f.contact_interval_months.unwrap_or(r.contact_interval_months);
        }
        r.check().map_err(|e| anyhow::anyhow!("[residence] in the configuration file: {e}"))?;
        Ok(r)
    }

    /// The receiving side's time in transfers: the file's, or the default; refused outside 1–250.
    pub fn transfer_settings(&self) -> Result<domain::transfers::TransferSettings> {
        let mut t = domain::transfers::TransferSettings::default();
        if let Some(f) = &self.transfers {
            t.receiver_working_days = f.receiver_working_days.unwrap_or(t.receiver_working_days);
        }
        t.check().map_err(|e| anyhow::anyhow!("[transfers] in the configuration file: {e}"))?;
        Ok(t)
    }

    /// How long activation codes last: the file's, or the default; refused outside 1–365.
    pub fn handbook_settings(&self) -> Result<domain::handbook::ActivationSettings> {
        let mut h = domain::handbook::ActivationSettings::default();
        if let Some(f) = &self.handbook {
            h.valid_days = f.code_valid_days.unwrap_or(h.valid_days);
        }
        h.check().map_err(|e| anyhow::anyhow!("[handbook] in the configuration file: {}", e.message))?;
        Ok(h)
    }

    /// The badge wait rule and the 2025 card numbers: the file's, or the defaults.
    pub fn routine_settings(&self) -> Result<storage::RoutineSettings> {
        let mut r = storage::RoutineSettings::default();
        if let Some(code) = self.badges.as_ref().and_then(|b| b.wait_rule.as_deref()) {
            r.wait_rule = domain::badges::WaitRule::parse(code)
                .map_err(|e| anyhow::anyhow!("[badges] wait_rule in the configuration file: {}", e.message))?;
        }
        if let Some(format) = self.cards.as_ref().and_then(|c| c.number_2025.as_deref()) {
            r.cards.s2025 = domain::cards::NumberFormat::parse(format)
                .map_err(|e| anyhow::anyhow!("[cards] number_2025 in the configuration file: {e}"))?;
        }
        Ok(r)
    }

    /// The mail relay (`[mail]`), checked: refused with the reason when an address is not one.
    pub fn mail_config(&self) -> Result<Option<web::mail::MailConfig>> {
        let Some(m) = &self.mail else { return Ok(None) };
        let bad = |what: &str| anyhow::anyhow!("[mail] in the configuration file: {what}");
        if m.smtp_host.trim().is_empty() || m.smtp_host.contains(char::is_whitespace) {
            return Err(bad("smtp_host must name the mail relay"));
        }
        let from = domain::notifications::EmailAddress::parse(&m.from_address).map_err(|_| bad("from_address is not an e-mail address"))?;
        let site = m.site_url.trim().trim_end_matches('/');
        let host = site
            .strip_prefix("https://")
            .or_else(|| site.strip_prefix("http://"))
            .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace));
        let Some(host) = host else { return Err(bad("site_url must be the site's address, http:// or https://")) };
        let host = host.split(['/', ':']).next().unwrap_or(host);
        Ok(Some(web::mail::MailConfig {
            smtp: mail::SmtpConfig {
                host: m.smtp_host.trim().to_owned(),
                port: m.smtp_port.unwrap_or(25),
                helo_name: m.helo_name.clone().unwrap_or_else(|| host.to_owned()),
                timeout: std::time::Duration::from_secs(m.timeout_seconds.unwrap_or(20).clamp(1, 300)),
            },
            from: mail::Mailbox { name: m.from_name.clone().unwrap_or_else(|| "Đảng vụ".into()), address: from.as_str().to_owned() },
            site_url: site.to_owned(),
            poll: std::time::Duration::from_secs(m.poll_seconds.unwrap_or(10).clamp(1, 3600)),
        }))
    }

    /// Reads `path`, or `./dangvu.toml` when no path is given and that file exists.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("dangvu.toml").exists() => "dangvu.toml".into(),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
    }
}

pub struct Settings {
    pub database: String,
    pub listen: SocketAddr,
}

pub const DEFAULT_DATABASE: &str = "data/dangvu.sqlite3";

impl Settings {
    pub fn resolve(database: Option<String>, listen: Option<SocketAddr>, file: &Config) -> Settings {
        Settings {
            database: database.or_else(|| file.database.clone()).unwrap_or_else(|| DEFAULT_DATABASE.into()),
            listen: listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        }
    }
}

/// Login and session settings given as flags or `DANGVU_*` variables (they override the file).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AuthFlags {
    /// Mark the session cookie `Secure` (true unless the server is reached over plain HTTP).
    #[arg(long, env = "DANGVU_COOKIE_SECURE", value_parser = clap::builder::BoolishValueParser::new())]
    pub cookie_secure: Option<bool>,
    /// Oblige every staff role (all but `member`) to use a second factor.
    #[arg(long, env = "DANGVU_REQUIRE_TOTP_FOR_STAFF", value_parser = clap::builder::BoolishValueParser::new())]
    pub require_totp_for_staff: Option<bool>,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "DANGVU_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<u32>,
    /// Hours after login after which a session ends, however active.
    #[arg(long, env = "DANGVU_SESSION_ABSOLUTE_HOURS")]
    pub session_absolute_hours: Option<u32>,
    /// Take the client address (for login throttling and the audit trail) from `X-Forwarded-For`;
    /// only behind a reverse proxy that appends to it.
    #[arg(long, env = "DANGVU_TRUST_FORWARDED_FOR", value_parser = clap::builder::BoolishValueParser::new())]
    pub trust_forwarded_for: Option<bool>,
    /// How many reverse proxies in front of the server append to `X-Forwarded-For` (default 1):
    /// the client address is the entry that many from the right.
    #[arg(long, env = "DANGVU_TRUSTED_PROXY_HOPS", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub trusted_proxy_hops: Option<u32>,
}

/// The login and session settings, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    pub cookie_secure: bool,
    pub require_totp_for_staff: bool,
    pub session_idle_minutes: u32,
    pub session_absolute_hours: u32,
    pub trust_forwarded_for: bool,
    pub trusted_proxy_hops: u32,
    /// The attachment scanner's command (`attachment_scan_command`), if any.
    pub scan_command: Option<String>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            cookie_secure: true,
            require_totp_for_staff: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            trust_forwarded_for: false,
            trusted_proxy_hops: 1,
            scan_command: None,
        }
    }
}

impl AuthSettings {
    pub fn resolve(flags: &AuthFlags, file: &Config) -> AuthSettings {
        let d = AuthSettings::default();
        AuthSettings {
            cookie_secure: flags.cookie_secure.or(file.cookie_secure).unwrap_or(d.cookie_secure),
            require_totp_for_staff: flags.require_totp_for_staff.or(file.require_totp_for_staff).unwrap_or(d.require_totp_for_staff),
            session_idle_minutes: flags.session_idle_minutes.or(file.session_idle_minutes).unwrap_or(d.session_idle_minutes).max(1),
            session_absolute_hours: flags.session_absolute_hours.or(file.session_absolute_hours).unwrap_or(d.session_absolute_hours).max(1),
            trust_forwarded_for: flags.trust_forwarded_for.or(file.trust_forwarded_for).unwrap_or(d.trust_forwarded_for),
            trusted_proxy_hops: flags.trusted_proxy_hops.or(file.trusted_proxy_hops).unwrap_or(d.trusted_proxy_hops).clamp(1, 10),
            scan_command: file.attachment_scan_command.clone().filter(|c| !c.trim().is_empty()),
        }
    }

    /// What the web layer is given.
    pub fn auth_config(&self) -> web::AuthConfig {
        web::AuthConfig {
            cookie_secure: self.cookie_secure,
            require_totp_for_staff: self.require_totp_for_staff,
            session: domain::access::SessionLimits {
                idle: chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
                absolute: chrono::Duration::hours(i64::from(self.session_absolute_hours)),
            },
            trust_forwarded_for: self.trust_forwarded_for,
            trusted_proxy_hops: self.trusted_proxy_hops as usize,
            scan_command: self.scan_command.clone(),
            ..web::AuthConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_section_is_checked_and_filled_with_defaults() {
        let file: Config = toml::from_str(
            "[mail]\nsmtp_host = \"mail.tinhuy.vn\"\nfrom_address = \"dangvu@TinhUy.vn\"\nsite_url = \"https://dangvu.tinhuy.vn/\"",
        )
        .unwrap();
        let m = file.mail_config().unwrap().unwrap();
        assert_eq!(m.smtp.port, 25);
        assert_eq!(m.smtp.helo_name, "dangvu.tinhuy.vn");
        assert_eq!(m.from.address, "dangvu@tinhuy.vn");
        assert_eq!(m.from.name, "Đảng vụ");
        assert_eq!(m.site_url, "https://dangvu.tinhuy.vn");
        assert!(Config::default().mail_config().unwrap().is_none());
        for bad in [
            "[mail]\nsmtp_host = \"\"\nfrom_address = \"a@b.vn\"\nsite_url = \"https://x.vn\"",
            "[mail]\nsmtp_host = \"m\"\nfrom_address = \"không phải\"\nsite_url = \"https://x.vn\"",
            "[mail]\nsmtp_host = \"m\"\nfrom_address = \"a@b.vn\"\nsite_url = \"x.vn\"",
        ] {
            let file: Config = toml::from_str(bad).unwrap();
            assert!(file.mail_config().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_badge_wait_rule_and_the_2025_card_numbers() {
        let defaults = Config::default().routine_settings().unwrap();
        assert_eq!(defaults.wait_rule, domain::badges::WaitRule::Qd24);
        assert_eq!(defaults.cards.s2025, domain::cards::NumberFormat { min_digits: 8, max_digits: 12 });
        let file: Config = toml::from_str("[badges]\nwait_rule = \"29-qd-tw-2016\"\n[cards]\nnumber_2025 = \"12\"").unwrap();
        let r = file.routine_settings().unwrap();
        assert_eq!(r.wait_rule, domain::badges::WaitRule::Qd29);
        assert_eq!(r.cards.s2025.min_digits, 12);
        for bad in ["[badges]\nwait_rule = \"qd-99\"", "[cards]\nnumber_2025 = \"12-8\""] {
            let file: Config = toml::from_str(bad).unwrap();
            assert!(file.routine_settings().is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let file: Config = toml::from_str("database = \"postgres://db/x\"\nlisten = \"0.0.0.0:9000\"").unwrap();
        let s = Settings::resolve(None, None, &file);
        assert_eq!((s.database.as_str(), s.listen.port()), ("postgres://db/x", 9000));
        let s = Settings::resolve(Some("a.sqlite3".into()), None, &file);
        assert_eq!(s.database, "a.sqlite3");
        let s = Settings::resolve(None, None, &Config::default());
        assert_eq!((s.database.as_str(), s.listen.port()), (DEFAULT_DATABASE, 8080));
        assert!(toml::from_str::<Config>("databse = \"x\"").is_err());
    }

    #[test]
    fn auth_settings_flags_then_file_then_defaults() {
        assert_eq!(AuthSettings::resolve(&AuthFlags::default(), &Config::default()), AuthSettings::default());
        let file: Config = toml::from_str("cookie_secure = false\nsession_idle_minutes = 15").unwrap();
        let s = AuthSettings::resolve(&AuthFlags::default(), &file);
        assert!(!s.cookie_secure);
        assert_eq!((s.session_idle_minutes, s.session_absolute_hours), (15, 12));
        let flags = AuthFlags { cookie_secure: Some(true), require_totp_for_staff: Some(true), ..AuthFlags::default() };
        let s = AuthSettings::resolve(&flags, &file);
        assert!(s.cookie_secure && s.require_totp_for_staff);
        assert_eq!(s.trusted_proxy_hops, 1);
        let file: Config = toml::from_str("trust_forwarded_for = true\ntrusted_proxy_hops = 2").unwrap();
        let s = AuthSettings::resolve(&AuthFlags::default(), &file);
        assert!(s.trust_forwarded_for);
        assert_eq!(s.auth_config().trusted_proxy_hops, 2);
        let flags = AuthFlags { trusted_proxy_hops: Some(3), ..AuthFlags::default() };
        assert_eq!(AuthSettings::resolve(&flags, &file).trusted_proxy_hops, 3);
    }
}
