//! `dangvu handbook-accounts`: handbook accounts of a subtree's members from the command line
//! (docs/design/handbook.md) — create the missing ones, issue new codes for those not activated,
//! or show where they stand. Codes are shown once: written to a new file (readable by its owner
//! only), one CSV row per member for the slips or a mail merge. Written through the same use
//! cases as the page, audited as the operator.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use chrono::Utc;

use storage::prelude::*;
use storage::{AccountState, IssuedCode};
use web::csv::Value;

use crate::quality::unit_by_code;
use crate::users::context;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Action {
    /// Create the accounts the subtree's members do not have yet, each with a code.
    Create,
    /// New codes for every account of the subtree not activated yet (older codes stop working).
    Codes,
    /// How many members have an account, activated or waiting, by chi bộ.
    Status,
}

#[derive(clap::Args)]
pub struct HandbookArgs {
    action: Action,
    /// The unit's code: its subtree's members.
    #[arg(long)]
    unit: String,
    /// Also create accounts for members exempt from work and activities (the chi bộ's choice).
    #[arg(long)]
    include_exempt: bool,
    /// The new file the codes are written to (CSV, UTF-8); required by `create` and `codes`.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub async fn run(store: &dyn Store, args: HandbookArgs) -> Result<()> {
    let today = storage::vietnam_today(Utc::now());
    let unit = unit_by_code(store, &args.unit, today).await?;
    let out = match args.action {
        Action::Status => None,
        Action::Create | Action::Codes => Some(args.out.clone().ok_or_else(|| anyhow!("--out: the file the codes are written to"))?),
    };
    // Refuse an existing file before anything is written: codes exist only there.
    let mut file = match &out {
        Some(path) => Some(new_private_file(path)?),
        None => None,
    };
    let ctx = context();
    let issued = match args.action {
        Action::Status => {
            for c in store.roster_accounts(unit, Utc::now(), None).await? {
                let n = |f: fn(&AccountState) -> bool| c.count(f);
                println!(
                    "{}: {} đảng viên, {} có tài khoản, {} đã kích hoạt, {} chờ kích hoạt, {} mã hết hạn",
                    c.name,
                    c.members.len(),
                    n(|s| !matches!(s, AccountState::None)),
                    n(|s| matches!(s, AccountState::Active)),
                    n(|s| matches!(s, AccountState::Waiting { .. })),
                    n(|s| matches!(s, AccountState::CodeExpired)),
                );
            }
            return Ok(());
        }
        Action::Create => {
            let created = store.create_member_accounts(&ctx, unit, args.include_exempt, None).await?;
            eprintln!(
                "đã tạo {} tài khoản; {} đã có từ trước; {} đảng viên miễn sinh hoạt không tạo",
                created.issued.len(),
                created.existing,
                created.exempt_left
            );
            created.issued
        }
        Action::Codes => {
            let issued = store.codes_for_subtree(&ctx, unit, None).await?;
            eprintln!("đã cấp {} mã kích hoạt mới", issued.len());
            issued
        }
    };
    if let (Some(f), Some(path)) = (file.as_mut(), &out) {
        f.write_all(csv(&issued).as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("mã kích hoạt: {}", path.display());
    }
    Ok(())
}

fn new_private_file(path: &PathBuf) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path).with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))
}

/// One row per code: the chi bộ, the member, the user name, the code and its last day.
fn csv(issued: &[IssuedCode]) -> String {
    let mut w = web::csv::Csv::new(&["chi_bo", "member_id", "full_name", "username", "code", "valid_until"]);
    for i in issued {
        let code = i.code.grouped();
        w.row([
            Value::Text(&i.unit_name),
            Value::Count(i.member.0.unsigned_abs()),
            Value::Text(&i.full_name),
            Value::Raw(&i.username),
            Value::Raw(&code),
            Value::Date(storage::vietnam_today(i.expires_at)),
        ]);
    }
    w.into_string()
}
