//! The `dangvu` command: serve the web UI and API, migrate, back up and restore, generate data,
//! run the demo and the benchmark, and manage accounts, API tokens and the audit trail. Settings
//! come from flags, then `DANGVU_*` environment variables, then a TOML config file (`--config`,
//! default `dangvu.toml` when present), then defaults.

// The binary is where the clock is read (clippy.toml `disallowed-methods`): it hands the time
// to the store and the server as a value.
#![allow(clippy::disallowed_methods)]

mod admission;
mod backup;
mod bench;
mod config;
mod dues;
mod evaluation;
mod export;
mod handbook;
mod import;
mod notices;
mod plans;
mod quality;
mod report;
mod routines;
mod throughput;
mod transfers;
mod users;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use storage::SqlStore;
use storage::prelude::*;

use crate::config::{AuthFlags, AuthSettings, Config, Settings};

/// mimalloc: rows are built on one thread and freed on the database worker's; glibc's allocator
/// spent a third of a bulk load on that cross-thread churn (measured with `perf`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "dangvu", version, about = "Đảng vụ: sổ đảng viên có lịch sử, cây tổ chức đảng, thống kê theo ngày")]
struct Cli {
    /// TOML file with `database` and `listen` (default: ./dangvu.toml when it exists).
    #[arg(long, global = true, env = "DANGVU_CONFIG")]
    config: Option<std::path::PathBuf>,
    /// Log lines for people (`text`, the default) or JSON lines for a log collector (`json`);
    /// always to standard error.
    #[arg(long, global = true, env = "DANGVU_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API.
    Serve {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, env = "DANGVU_LISTEN")]
        listen: Option<SocketAddr>,
        /// Serve Prometheus metrics at `/metrics` on this address of their own (off without it;
        /// keep it off the public network), e.g. 127.0.0.1:9090.
        #[arg(long, env = "DANGVU_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
        #[command(flatten)]
        auth: AuthFlags,
    },
    /// Create or upgrade the database schema (a SQLite file is first copied beside itself as
    /// `<file>.before-schema-N`), print the versions, then exit; refuses a database a newer
    /// dangvu migrated. `serve` does the same at start.
    Migrate {
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
    },
    /// Fill an empty database with realistic generated data (deterministic per seed).
    Generate {
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[arg(long, default_value_t = 20_000)]
        members: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Generate the demo data once into data/demo.sqlite3 and serve it.
    Demo {
        #[arg(long, default_value_t = 20_000)]
        members: usize,
        #[arg(long, env = "DANGVU_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Measure generation, search and listing over HTTP on a fresh database (use a release build).
    Bench(bench::BenchArgs),
    /// Manage accounts and their grants.
    User {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// Manage API tokens.
    Token {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: users::TokenCommand,
    },
    /// Verify or export the audit trail.
    Audit {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: users::AuditCommand,
    },
    /// Admission pipeline: the worklist, the yearly targets, congress terms and occasions.
    Admission {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: admission::AdmissionCommand,
    },
    /// Write a consistent backup of the whole database while it serves (docs/formats/backup.md).
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty database of the same engine, then migrate it.
    Restore(backup::RestoreArgs),
    /// Import a register from a spreadsheet (.xlsx, .ods, .csv): a dry run unless --apply.
    Import {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: import::ImportArgs,
    },
    /// Statistics of the register (JSON for scripts, or text).
    Report {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// The data-quality worklist: what needs fixing in the register (text or CSV).
    Quality {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: quality::QualityArgs,
    },
    /// A unit's transfer book: counts over a period, the transfers, what is late (text or CSV).
    Transfers {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: transfers::TransferArgs,
    },
    /// A unit's dues ledger for a year, or its members with months unpaid (text or CSV).
    Dues {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: dues::DuesArgs,
    },
    /// A unit's evaluation report for a period, or the open rounds with their deadlines and what
    /// waits (text or CSV).
    Evaluation {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: evaluation::EvaluationArgs,
    },
    /// Who under a unit is due a Party badge at an award day, and who a discipline holds back
    /// (text or CSV).
    Badges {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: routines::BadgesArgs,
    },
    /// The card check of a unit: official members without a card, numbers held twice, a record's
    /// number unlike the card in use, cards not recovered (text or CSV).
    CardsCheck {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: routines::CardsCheckArgs,
    },
    /// The yearly report of party-member work (7-BTCTW) of a unit over a period (text or CSV).
    MemberWork {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: routines::MemberWorkArgs,
    },
    /// Handbook accounts of a subtree's members: create them, issue new activation codes, or
    /// list where they stand; codes are written once, as CSV, for the slips.
    HandbookAccounts {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        args: handbook::HandbookArgs,
    },
    /// The register (or a subtree) as of a day, as .xlsx or CSV in the importer's columns.
    Export(export::ExportArgs),
    /// Notifications: an announcement to every account, the e-mail queue, a test e-mail.
    Notices {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: notices::NoticesCommand,
    },
    /// The working-day calendar used for deadlines, and the operator's corrections per year.
    Calendar {
        /// `postgres://…` for PostgreSQL, otherwise a SQLite file path or `sqlite:` URL.
        #[arg(long, global = true, env = "DANGVU_DATABASE")]
        database: Option<String>,
        #[command(subcommand)]
        command: admission::CalendarCommand,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    // Logs go to standard error: standard output carries what a command was asked for (a CSV,
    // a report), which a log line must never get into.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(false).with_span_list(false).init(),
    }
    let file = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { database, listen, metrics_listen, auth } => {
            let settings = Settings::resolve(database, listen, &file);
            let auth = AuthSettings::resolve(&auth, &file);
            let store = open_store_with(&settings.database, &file).await?;
            let mut web_config = auth.auth_config();
            web_config.mail = file.mail_config()?;
            serve(store, settings.listen, metrics_listen, web_config).await
        }
        Command::Migrate { database } => {
            let settings = Settings::resolve(database, None, &file);
            let store = open_store(&settings.database).await?;
            let r = store.readiness().await?;
            println!(
                "Đã cập nhật cấu trúc cơ sở dữ liệu: {} (lược đồ {}, phiên bản này {}; {} hồ sơ đảng viên)",
                settings.database, r.schema_applied, r.schema_known, r.members_indexed
            );
            Ok(())
        }
        Command::Generate { database, members, seed } => {
            let settings = Settings::resolve(database, None, &file);
            let store = open_store(&settings.database).await?;
            generate(store.as_ref(), members, seed).await.map(|_| ())
        }
        Command::Demo { members, listen } => demo(members, listen).await,
        Command::Bench(args) => bench::run(args).await,
        Command::User { database, command } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            users::run_user(store.as_ref(), command).await
        }
        Command::Token { database, command } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            users::run_token(store.as_ref(), command).await
        }
        Command::Audit { database, command } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            users::run_audit(store.as_ref(), command).await
        }
        Command::Admission { database, command } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            admission::run_admission(store.as_ref(), command).await
        }
        Command::Backup(args) => {
            backup::run_backup(args, &file).await;
            Ok(())
        }
        Command::Restore(args) => {
            backup::run_restore(args, &file).await;
            Ok(())
        }
        Command::Import { database, args } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            import::run(store.as_ref(), args).await
        }
        Command::Report { database, command } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            report::run(store.as_ref(), command).await
        }
        Command::Quality { database, args } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            quality::run(store.as_ref(), args).await
        }
        Command::Transfers { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            transfers::run(store.as_ref(), args).await
        }
        Command::Dues { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            dues::run(store.as_ref(), args).await
        }
        Command::Evaluation { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            evaluation::run(store.as_ref(), args).await
        }
        Command::Badges { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            routines::badges(store.as_ref(), args).await
        }
        Command::CardsCheck { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            routines::cards_check(store.as_ref(), args).await
        }
        Command::MemberWork { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            routines::member_work(store.as_ref(), args).await
        }
        Command::HandbookAccounts { database, args } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            handbook::run(store.as_ref(), args).await
        }
        Command::Export(args) => {
            let store = open_store(&Settings::resolve(args.database.clone(), None, &file).database).await?;
            export::run(store.as_ref(), args).await
        }
        Command::Notices { database, command } => {
            let store = open_store_with(&Settings::resolve(database, None, &file).database, &file).await?;
            notices::run(store.as_ref(), &file, command).await
        }
        Command::Calendar { database, command } => {
            let store = open_store(&Settings::resolve(database, None, &file).database).await?;
            admission::run_calendar(store.as_ref(), command).await
        }
    }
}

/// Opens (and migrates) the database named by `location` and loads the register index.
pub async fn open_store(location: &str) -> Result<Arc<SqlStore>> {
    open_store_with(location, &Config::default()).await
}

/// Opens the store applying the configuration file: the admission numbers, the weak-organization
/// thresholds, the receiving side's time in transfers, and whether notices are also mailed
/// (`[mail]`).
pub async fn open_store_with(location: &str, file: &Config) -> Result<Arc<SqlStore>> {
    let (admission, weak, mail) = (file.admission_config(), file.weak_settings()?, file.mail_config()?.is_some());
    let transfers = file.transfer_settings()?;
    let handbook = file.handbook_settings()?;
    let dues = file.dues_settings()?;
    let residence = file.residence_settings()?;
    let routines = file.routine_settings()?;
    let db: Arc<dyn storage::db::Database> = if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Arc::new(storage_postgres::PostgresDatabase::open(location).await.with_context(|| "cannot open the PostgreSQL database")?)
    } else {
        let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Arc::new(
            storage_sqlite::SqliteDatabase::open(location).await.with_context(|| format!("cannot open the SQLite database {location}"))?,
        )
    };
    Ok(Arc::new(
        SqlStore::open(db)
            .await
            .context("cannot load the register index")?
            .with_admission_config(admission)
            .with_weak_settings(weak)
            .with_transfer_settings(transfers)
            .with_handbook_settings(handbook)
            .with_dues_settings(dues)
            .with_residence_settings(residence)
            .with_routine_settings(routines)
            .with_mail(mail),
    ))
}

async fn serve(store: Arc<SqlStore>, listen: SocketAddr, metrics: Option<SocketAddr>, config: web::AuthConfig) -> Result<()> {
    // The first administrator is the operator's to create (`dangvu user add --admin`, its
    // password on the operator's terminal): a server never makes one, so no password reaches the
    // journal through its output.
    if store.account_count().await? == 0 {
        tracing::warn!("no account yet: create the first administrator with `dangvu user add --username admin --name \"…\" --admin`");
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("dangvu đang chạy tại http://{addr}/");
    let metrics = match metrics {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr} for metrics"))?;
            println!("số liệu vận hành (Prometheus) tại http://{}/metrics", listener.local_addr()?);
            Some(listener)
        }
        None => None,
    };
    web::serve(listener, metrics, store, Arc::new(web::SystemClock), config).await?;
    Ok(())
}

/// Generates `members` members with `seed`, printing what was made and how long it took.
pub async fn generate(store: &dyn Store, members: usize, seed: u64) -> Result<datagen::Report> {
    let today = storage::vietnam_today(chrono::Utc::now());
    let started = Instant::now();
    let report = datagen::generate(store, &datagen::Options { members, seed, today }).await.context("generation failed")?;
    let actor = storage::AuditActor { name: "cli".into(), ..Default::default() };
    let details = serde_json::json!({ "members": report.members, "units": report.units, "events": report.events, "seed": seed });
    store.audit(&actor, chrono::Utc::now(), vec![storage::AuditRecord::new("data.generate", "", "", details)]).await?;
    println!(
        "Đã tạo {} tổ chức, {} đảng viên, {} sự kiện trong {:.1} giây (seed {seed}).",
        report.units,
        report.members,
        report.events,
        started.elapsed().as_secs_f64()
    );
    // Admission cases at every stage: one for about 150 members (a few thousand for a city).
    let cases_started = Instant::now();
    let ctx = storage::WriteContext::new("dữ liệu mẫu", chrono::Utc::now());
    let cases = datagen::admission::generate_cases(store, (members / 150).max(20), seed, today, &ctx)
        .await
        .context("generating admission cases failed")?;
    println!("Đã tạo {cases} hồ sơ phát triển đảng viên trong {:.1} giây.", cases_started.elapsed().as_secs_f64());
    let meetings_started = Instant::now();
    let meetings = datagen::meetings::generate_meetings(store, seed, today).await.context("generating meetings failed")?;
    println!("Đã ghi {meetings} buổi sinh hoạt chi bộ trong {:.1} giây.", meetings_started.elapsed().as_secs_f64());
    let seats = datagen::committees::generate_committees(store, seed, today).await.context("generating committees failed")?;
    println!("Đã ghi {seats} người giữ chức vụ cấp ủy và các hội nghị cấp ủy năm nay.");
    let directives_started = Instant::now();
    let directives = datagen::directives::generate_directives(store, seed, today).await.context("generating directives failed")?;
    println!("Đã tạo {directives} văn bản chỉ đạo trong {:.1} giây.", directives_started.elapsed().as_secs_f64());
    let plans = datagen::weak::generate_plans(store, today).await.context("generating consolidation plans failed")?;
    println!("Đã lập {plans} kế hoạch củng cố tổ chức cơ sở đảng yếu kém.");
    let documents = datagen::documents::generate_documents(store, today).await.context("generating documents failed")?;
    println!("Đã đưa {documents} tài liệu vào thư viện của tỉnh.");
    let transfers = datagen::transfers::generate_transfers(store, seed, today).await.context("generating transfers failed")?;
    println!("Đã cấp {transfers} giấy giới thiệu chuyển sinh hoạt đảng (đủ các tình trạng).");
    let requests = datagen::change_requests::generate_change_requests(store, today).await.context("generating change requests failed")?;
    println!("Đã gửi {requests} đề nghị điều chỉnh thông tin của đảng viên.");
    let dues_started = Instant::now();
    let dues = datagen::dues::generate_dues(store, seed, today).await.context("generating dues failed")?;
    println!("Đã ghi {dues} lần đóng đảng phí năm nay và các lần nộp lên cấp trên trong {:.1} giây.", dues_started.elapsed().as_secs_f64());
    let ties = datagen::residence::generate_ties(store, seed, today).await.context("generating residence ties failed")?;
    println!("Đã ghi {ties} đảng viên đang công tác giới thiệu về nơi cư trú (liên hệ, nhận xét năm nay).");
    let evaluations = datagen::evaluation::generate_rounds(store, seed, today).await.context("generating evaluation rounds failed")?;
    println!("Đã xếp loại {evaluations} đảng viên và tổ chức đảng trong đợt đánh giá năm trước; đợt năm nay đang mở.");
    let enterprises = datagen::enterprises::generate_enterprises(store, seed, today).await.context("generating enterprises failed")?;
    println!("Đã ghi {enterprises} doanh nghiệp tư nhân vào sổ của các xã, phường (có tổ chức đảng mới thành lập, chỉ tiêu năm nay).");
    let proposals = datagen::strike_off::generate_proposals(store, today).await.context("generating strike-off proposals failed")?;
    println!("Đã ghi {proposals} nghị quyết chi bộ đề nghị xóa tên (một đang chờ cấp ủy, một không xóa tên).");
    // Where the demo's commune and chi bộ accounts will work, so their pages show the routines.
    let place = users::demo_picks(store, today).await?.map(|p| (p.commune.id, p.cell.id));
    let routines = datagen::routines::generate_routines(store, seed, today, place).await.context("generating member routines failed")?;
    println!(
        "Đã ghi {} Huy hiệu Đảng đã trao, {} thẻ đảng viên của một xã, {} kỷ luật, {} đảng viên miễn sinh hoạt; danh sách xét tặng Huy hiệu dịp tới đã lập.",
        routines.badges, routines.cards, routines.disciplines, routines.exemptions
    );
    Ok(report)
}

async fn demo(members: usize, listen: SocketAddr) -> Result<()> {
    let location = "data/demo.sqlite3";
    let store = open_store(location).await?;
    let existing = store.find_members(&storage::MemberQuery::new(storage::vietnam_today(chrono::Utc::now()))).await?;
    if existing.total == 0 {
        println!("Đang tạo dữ liệu mẫu ({members} đảng viên) vào {location} …");
        generate(store.as_ref(), members, 1).await?;
    } else {
        println!("Dùng dữ liệu mẫu có sẵn trong {location} ({} đảng viên đang sinh hoạt).", existing.total);
    }
    // Before `serve`: the demo's accounts, so the server finds accounts and asks for none.
    let accounts = users::ensure_demo_accounts(store.as_ref(), chrono::Utc::now()).await?;
    // Something in every inbox from the start; everything done in the demo from now on notifies.
    let first = match accounts.first() {
        Some(a) => store.account_for_login(a.username).await?.map(|(a, _)| a.id),
        None => None,
    };
    let told = match first {
        Some(id) => !store.inbox(id, None, false, 1).await?.items.is_empty(),
        None => true,
    };
    if !told {
        let ctx = storage::WriteContext::new("dữ liệu mẫu", chrono::Utc::now());
        let body = "Đây là bản dùng thử với dữ liệu mẫu. Thông báo về văn bản chỉ đạo, lịch sinh hoạt chi bộ, tài liệu mới \
                    và trả lời ý kiến sẽ xuất hiện ở đây.";
        store.announce(&ctx, &[], "Chào mừng đến với Đảng vụ", body).await?;
    }
    println!();
    println!("Bản dùng thử: mở http://{listen}/ trong trình duyệt.");
    print!("{}", users::demo_accounts_text(&accounts));
    // The demo is served over plain HTTP: a `Secure` cookie would never come back.
    let auth = AuthSettings { cookie_secure: false, ..AuthSettings::default() };
    serve(store, listen, None, auth.auth_config()).await
}
