//! Party dues (domain::dues, docs/design/dues.md): the bases members declare and chi bộ confirm,
//! the reliefs decided, the payments each chi bộ collects, each unit's ledger and its remittances
//! up the tree, and the members whose unpaid months reach three in a year. Every amount due is
//! computed at each read from the bases, the reliefs, the party age and the settings in force;
//! nothing computed is stored. Each write is audited in its transaction.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::dates::Month;
use domain::dues::{
    Arrears, Assessment, Basis, DatedBasis, Dong, DuesSettings, LedgerMonth, MonthAccount, MonthFacts, PaymentInput, Relief, ReliefKind,
};
use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind;

use crate::context::WriteContext;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
use crate::sql::dues::NewRemittance;
pub use crate::sql::dues::{BasisRow, BasisSource, PaymentRow, ReliefRow, RemittanceRow};
use crate::store::SqlStore;

#[async_trait]
pub trait DuesStore: Send + Sync {
    /// The settings in force (rates, the first month of 01-QĐ/TW, retained shares).
    fn dues_settings(&self) -> DuesSettings;
    /// A chi bộ's members on a month's list (its last day, or today for the current month), each
    /// with the month's account and their unpaid months of the year.
    async fn dues_sheet(&self, chi_bo: UnitId, month: Month, today: NaiveDate) -> Result<DuesSheet>;
    /// A member's year: every month's account, bases, reliefs, payments and arrears.
    async fn member_dues(&self, member: MemberId, year: i32, today: NaiveDate) -> Result<MemberDues>;
    /// Records a basis from a month on: confirmed when the chi bộ's staff record it, waiting for
    /// confirmation when the member declares it in the handbook.
    async fn record_dues_basis(&self, ctx: &WriteContext, member: MemberId, from: Month, basis: Basis, source: BasisSource) -> Result<i64>;
    /// The member a basis belongs to (404 for no such basis).
    async fn dues_basis_member(&self, id: i64) -> Result<MemberId>;
    /// The chi bộ confirms a member's declaration (409 when confirmed meanwhile).
    async fn confirm_dues_basis(&self, ctx: &WriteContext, id: i64) -> Result<()>;
    /// Records a relief decided on the member's application.
    async fn record_dues_relief(&self, ctx: &WriteContext, member: MemberId, relief: Relief, decision: &str) -> Result<i64>;
    /// Records a payment, credited to the chi bộ whose list held the member on the day paid.
    async fn record_dues_payment(&self, ctx: &WriteContext, member: MemberId, payment: PaymentInput) -> Result<i64>;
    /// The member a payment belongs to (404 for no such payment, or one cancelled).
    async fn dues_payment_member(&self, id: i64) -> Result<MemberId>;
    /// Cancels a payment recorded by mistake, with the reason (409 when cancelled meanwhile).
    async fn cancel_dues_payment(&self, ctx: &WriteContext, id: i64, reason: &str) -> Result<()>;
    /// A unit's ledger for a year, with its sub-units' lines and what its members owe.
    async fn dues_ledger(&self, unit: UnitId, year: i32, today: NaiveDate) -> Result<DuesLedger>;
    /// Remits what a month of the unit's ledger still owes to the unit above; the amount sent.
    async fn remit_dues(&self, ctx: &WriteContext, unit: UnitId, month: Month) -> Result<Dong>;
    /// Members on the lists under a unit today with months unpaid in a year, most months first.
    async fn dues_arrears(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<Vec<ArrearsLine>>;
    /// What a unit's dues wait for today (the worklist's line).
    async fn dues_due(&self, unit: UnitId, today: NaiveDate) -> Result<DuesDue>;
}

/// What a unit's dues wait for: ended months of the year with money not yet remitted up, and —
/// for lists small enough to count member by member ([`crate::WORKLIST_MEMBERS`]) — the
/// members' side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesDue {
    pub to_remit: Vec<Month>,
    pub members: Option<MembersDue>,
}

/// The members' side of [`DuesDue`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MembersDue {
    /// Income declarations waiting for the chi bộ's confirmation.
    pub declarations: usize,
    /// Members owing for an ended month of the year.
    pub owing: usize,
    /// Of them, those with three months unpaid (Quy định 01-QĐ/TW: considered for striking off).
    pub flagged: usize,
}

/// One member on a chi bộ's dues sheet for a month.
#[derive(Debug, Clone)]
pub struct SheetLine {
    pub member: MemberId,
    pub full_name: String,
    pub account: MonthAccount,
    /// The basis in force in the month (confirmed).
    pub basis: Option<Basis>,
    /// Declarations waiting for the chi bộ's confirmation.
    pub waiting: Vec<BasisRow>,
    /// Months of the year unpaid so far.
    pub unpaid_in_year: usize,
}

/// A chi bộ's dues for one month.
#[derive(Debug, Clone)]
pub struct DuesSheet {
    pub unit: UnitId,
    pub unit_name: String,
    pub month: Month,
    pub lines: Vec<SheetLine>,
}

impl DuesSheet {
    pub fn due(&self) -> Dong {
        self.lines.iter().map(|l| l.account.due()).sum()
    }
    pub fn paid(&self) -> Dong {
        self.lines.iter().map(|l| l.account.paid).sum()
    }
    pub fn owed(&self) -> Dong {
        self.lines.iter().map(|l| l.account.owed()).sum()
    }
}

/// A member's dues over a year.
#[derive(Debug, Clone)]
pub struct MemberDues {
    pub member: MemberId,
    pub full_name: String,
    pub year: i32,
    /// The months the member was on a list (January to December).
    pub months: Vec<MonthAccount>,
    pub bases: Vec<BasisRow>,
    pub reliefs: Vec<ReliefRow>,
    /// The year's payments (for its months), oldest first.
    pub payments: Vec<PaymentRow>,
    pub arrears: Arrears,
}

/// A unit's ledger over a year.
#[derive(Debug, Clone)]
pub struct DuesLedger {
    pub unit: UnitId,
    pub unit_name: String,
    pub kind: UnitKind,
    pub year: i32,
    /// The share the unit keeps, in percent (the setting for its kind).
    pub share: u32,
    pub months: Vec<LedgerMonth>,
    pub remittances: Vec<RemittanceRow>,
    /// The unit above, which remittances go to (`None` at the top of the tree).
    pub parent: Option<(UnitId, String)>,
    /// The units below and what each sent up this year.
    pub children: Vec<ChildLine>,
    /// What the members on the lists under the unit owe for the year's ended months.
    pub owed: Dong,
    /// Of them, members with three or more months unpaid.
    pub members_flagged: usize,
}

impl DuesLedger {
    pub fn total(&self, f: impl Fn(&LedgerMonth) -> Dong) -> Dong {
        self.months.iter().map(f).sum()
    }
}

/// A unit below on its superior's ledger.
#[derive(Debug, Clone)]
pub struct ChildLine {
    pub unit: UnitId,
    pub name: String,
    /// Its collected and received over the year.
    pub income: Dong,
    /// Sent up to this unit over the year.
    pub remitted: Dong,
    /// Still to send for the year's months.
    pub outstanding: Dong,
}

/// A member with months unpaid.
#[derive(Debug, Clone)]
pub struct ArrearsLine {
    pub member: MemberId,
    pub full_name: String,
    pub unit: UnitId,
    pub unit_name: String,
    pub arrears: Arrears,
}

/// What the year's accounts of many members read, loaded in one pass.
struct Loaded {
    bases: HashMap<MemberId, Vec<BasisRow>>,
    reliefs: HashMap<MemberId, Vec<ReliefRow>>,
    payments: HashMap<MemberId, Vec<PaymentRow>>,
}

impl SqlStore {
    /// Applies the operator's dues settings (configuration file; checked there).
    pub fn with_dues_settings(mut self, settings: DuesSettings) -> Self {
        self.dues = settings;
        self
    }

    async fn load_dues(&self, members: &[MemberId], first: Month, last: Month) -> Result<Loaded> {
        let mut conn = self.db.reader().await?;
        let mut bases: HashMap<MemberId, Vec<BasisRow>> = HashMap::new();
        for b in sql::dues::bases_of(conn.as_mut(), members).await? {
            bases.entry(b.member).or_default().push(b);
        }
        let mut reliefs: HashMap<MemberId, Vec<ReliefRow>> = HashMap::new();
        for r in sql::dues::reliefs_of(conn.as_mut(), members).await? {
            reliefs.entry(r.member).or_default().push(r);
        }
        let mut payments: HashMap<MemberId, Vec<PaymentRow>> = HashMap::new();
        for p in sql::dues::payments_of(conn.as_mut(), members, first, last).await? {
            payments.entry(p.member).or_default().push(p);
        }
        Ok(Loaded { bases, reliefs, payments })
    }

    /// A member's account for each month of `months` in which they were a member (on the month's
    /// last day, or today for a month not over).
    fn accounts(&self, member: MemberId, months: impl Iterator<Item = Month>, loaded: &Loaded, today: NaiveDate) -> Vec<MonthAccount> {
        let confirmed: Vec<DatedBasis> = loaded
            .bases
            .get(&member)
            .map(|v| v.iter().filter(|b| b.confirmed_by.is_some()).map(|b| DatedBasis { from: b.from, basis: b.basis }).collect())
            .unwrap_or_default();
        let reliefs: Vec<Relief> = loaded.reliefs.get(&member).map(|v| v.iter().map(|r| r.relief).collect()).unwrap_or_default();
        let payments = loaded.payments.get(&member).map(Vec::as_slice).unwrap_or_default();
        let index = self.index.read();
        months
            .filter_map(|month| {
                let on = month.last_day().min(today.max(month.first_day()));
                index.roll_status(member, on).filter(|s| s.is_active())?;
                let facts = MonthFacts {
                    month,
                    bases: &confirmed,
                    reliefs: &reliefs,
                    party_age_months: index.party_age_months(member, month.last_day()),
                };
                let assessment: Option<Assessment> = domain::dues::assess(&facts, &self.dues).ok();
                let paid = payments.iter().filter(|p| p.month == month).map(|p| p.amount).sum();
                let deferred = reliefs.iter().any(|r| r.kind() == ReliefKind::Defer && r.covers(month));
                Some(MonthAccount::new(month, assessment, paid, deferred, today))
            })
            .collect()
    }

    /// A month of a unit's ledger read inside `conn` (the remittance reads it in its transaction).
    async fn ledger_months(&self, conn: &mut dyn crate::db::Conn, unit: UnitId, first: Month, last: Month) -> Result<Vec<LedgerMonth>> {
        let collected = sql::dues::collected_by(conn, unit, first.first_day(), last.last_day()).await?;
        let received = sql::dues::received_by(conn, unit, first, last).await?;
        let remitted = sql::dues::remitted_by(conn, unit, first, last).await?;
        let index = self.index.read();
        let mut out = Vec::new();
        let mut month = first;
        while month <= last {
            let kind =
                index.unit_version_on(unit, month.last_day()).or_else(|| index.unit_version_on(unit, month.first_day())).map(|v| v.kind);
            let share = kind.map_or(0, |k| self.dues.retained.of(k));
            let c = collected.iter().filter(|p| Month::of(p.paid_on) == month).map(|p| p.amount).sum();
            let r = received.iter().filter(|x| x.month == month).map(|x| x.amount).sum();
            let s = remitted.iter().filter(|x| x.month == month).map(|x| x.amount).sum();
            out.push(LedgerMonth::new(month, c, r, share, s));
            month = month.next();
        }
        Ok(out)
    }

    /// The arrears of every member on the lists under `root` today, for `year`.
    pub(crate) async fn arrears_under(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<Vec<ArrearsLine>> {
        self.refresh_index().await?;
        let roster = self.index.read().roster(root, today, None).ok_or(StoreError::NotFound)?;
        let members: Vec<MemberId> = roster.iter().map(|e| e.member).collect();
        let months = (Month { year, month: 1 }, Month { year, month: 12 });
        let loaded = self.load_dues(&members, months.0, months.1).await?;
        let mut out = Vec::new();
        for e in roster {
            let accounts = self.accounts(e.member, Month::of_year(year), &loaded, today);
            let arrears = Arrears::of(year, &accounts);
            if arrears.unpaid.is_empty() && arrears.owed == 0 {
                continue;
            }
            let unit_name = self.index.read().unit_with_parent(e.unit, today);
            out.push(ArrearsLine { member: e.member, full_name: e.full_name, unit: e.unit, unit_name, arrears });
        }
        out.sort_by_cached_key(|l| (std::cmp::Reverse(l.arrears.unpaid.len()), domain::text::collation_key(&l.full_name)));
        Ok(out)
    }
}

/// The register's order of names.
fn register_order(full_name: &str) -> String {
    domain::text::sort_key(&domain::text::PersonName::from_stored(full_name.to_owned()))
}

#[async_trait]
impl DuesStore for SqlStore {
    fn dues_settings(&self) -> DuesSettings {
        self.dues
    }

    async fn dues_sheet(&self, chi_bo: UnitId, month: Month, today: NaiveDate) -> Result<DuesSheet> {
        self.refresh_index().await?;
        let on = if month.last_day() > today { today.max(month.first_day()) } else { month.last_day() };
        let (unit_name, roster) = {
            let index = self.index.read();
            let v = index.unit_version_on(chi_bo, on).ok_or(StoreError::NotFound)?;
            if !v.kind.holds_members() {
                return Err(StoreError::invalid("unit", "not_a_cell", "Sổ thu đảng phí theo tháng là của chi bộ."));
            }
            let roster: Vec<_> = index.roster(chi_bo, on, None).unwrap_or_default().into_iter().filter(|e| e.unit == chi_bo).collect();
            (index.unit_with_parent(chi_bo, on), roster)
        };
        let members: Vec<MemberId> = roster.iter().map(|e| e.member).collect();
        let loaded = self.load_dues(&members, Month { year: month.year, month: 1 }, Month { year: month.year, month: 12 }).await?;
        let mut lines: Vec<SheetLine> = roster
            .into_iter()
            .map(|e| {
                let year = self.accounts(e.member, Month::of_year(month.year), &loaded, today);
                let unpaid_in_year = year.iter().filter(|a| a.standing.counts_as_unpaid()).count();
                let account =
                    year.into_iter().find(|a| a.month == month).unwrap_or_else(|| MonthAccount::new(month, None, 0, false, today));
                let bases = loaded.bases.get(&e.member).map(Vec::as_slice).unwrap_or_default();
                let confirmed: Vec<DatedBasis> =
                    bases.iter().filter(|b| b.confirmed_by.is_some()).map(|b| DatedBasis { from: b.from, basis: b.basis }).collect();
                SheetLine {
                    member: e.member,
                    basis: domain::dues::basis_in(&confirmed, month),
                    waiting: bases.iter().filter(|b| b.confirmed_by.is_none()).cloned().collect(),
                    full_name: e.full_name,
                    account,
                    unpaid_in_year,
                }
            })
            .collect();
        lines.sort_by_cached_key(|l| register_order(&l.full_name));
        Ok(DuesSheet { unit: chi_bo, unit_name, month, lines })
    }

    async fn member_dues(&self, member: MemberId, year: i32, today: NaiveDate) -> Result<MemberDues> {
        self.refresh_index().await?;
        let full_name = self.index.read().member_name(member).ok_or(StoreError::NotFound)?.0;
        let loaded = self.load_dues(&[member], Month { year, month: 1 }, Month { year, month: 12 }).await?;
        let months = self.accounts(member, Month::of_year(year), &loaded, today);
        let arrears = Arrears::of(year, &months);
        let mut loaded = loaded;
        Ok(MemberDues {
            member,
            full_name,
            year,
            months,
            bases: loaded.bases.remove(&member).unwrap_or_default(),
            reliefs: loaded.reliefs.remove(&member).unwrap_or_default(),
            payments: loaded.payments.remove(&member).unwrap_or_default(),
            arrears,
        })
    }

    async fn record_dues_basis(&self, ctx: &WriteContext, member: MemberId, from: Month, basis: Basis, source: BasisSource) -> Result<i64> {
        self.refresh_index().await?;
        if self.index.read().member_name(member).is_none() {
            return Err(StoreError::NotFound);
        }
        if from < domain::dues::FIRST_MONTH_342 {
            return Err(StoreError::invalid("from", "too_early", "Tháng áp dụng phải từ tháng 4/2011 (Quyết định 342-QĐ/TW) trở đi."));
        }
        let mut tx = self.db.begin().await?;
        let id = sql::dues::insert_basis(tx.as_mut(), member, from, basis, source, ctx.now, &ctx.actor).await?;
        let action = if source == BasisSource::Member { "dues.declare" } else { "dues.basis" };
        let record = AuditRecord::new(
            action,
            "member",
            member.0,
            json!({ "basis": id, "from": from.code(), "kind": basis.kind().code(), "amount": basis.amount() }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn dues_basis_member(&self, id: i64) -> Result<MemberId> {
        let mut conn = self.db.reader().await?;
        Ok(sql::dues::basis(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?.member)
    }

    async fn confirm_dues_basis(&self, ctx: &WriteContext, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let b = sql::dues::basis(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if !sql::dues::confirm_basis(tx.as_mut(), id, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: 1 });
        }
        let record = AuditRecord::new("dues.confirm", "member", b.member.0, json!({ "basis": id, "from": b.from.code() }));
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_dues_relief(&self, ctx: &WriteContext, member: MemberId, relief: Relief, decision: &str) -> Result<i64> {
        self.refresh_index().await?;
        if self.index.read().member_name(member).is_none() {
            return Err(StoreError::NotFound);
        }
        let decision =
            domain::text::required_text(decision, 300, "Quyết định").map_err(|e| StoreError::invalid("decision", e.code, e.message))?;
        let mut tx = self.db.begin().await?;
        let id = sql::dues::insert_relief(tx.as_mut(), member, relief, &decision, ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new(
            "dues.relief",
            "member",
            member.0,
            json!({ "relief": id, "kind": relief.kind().code(), "from": relief.from().code(), "to": relief.to().code(), "decision": decision }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn record_dues_payment(&self, ctx: &WriteContext, member: MemberId, payment: PaymentInput) -> Result<i64> {
        self.refresh_index().await?;
        let unit = {
            let index = self.index.read();
            index.member_name(member).ok_or(StoreError::NotFound)?;
            let unit = index.member_unit_on(member, payment.paid_on).ok_or_else(|| {
                StoreError::invalid("paid_on", "not_on_list", "Vào ngày đóng, đảng viên không có tên trong danh sách chi bộ nào.")
            })?;
            // A month before the member's admission is not owed.
            if index.party_age_months(member, payment.month.last_day()).is_none() {
                return Err(StoreError::invalid("month", "before_admission", "Tháng đóng phải từ tháng kết nạp trở đi."));
            }
            unit
        };
        let mut tx = self.db.begin().await?;
        let id = sql::dues::insert_payment(tx.as_mut(), member, unit, &payment, ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new(
            "dues.pay",
            "member",
            member.0,
            json!({
                "payment": id,
                "unit": unit.0,
                "month": payment.month.code(),
                "amount": payment.amount,
                "paid_on": payment.paid_on,
                "method": payment.method.code(),
            }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn dues_payment_member(&self, id: i64) -> Result<MemberId> {
        let mut conn = self.db.reader().await?;
        Ok(sql::dues::payment(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?.member)
    }

    async fn cancel_dues_payment(&self, ctx: &WriteContext, id: i64, reason: &str) -> Result<()> {
        let reason = domain::text::required_text(reason, 300, "Lý do hủy").map_err(|e| StoreError::invalid("reason", e.code, e.message))?;
        let mut tx = self.db.begin().await?;
        let p = sql::dues::payment(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if !sql::dues::cancel_payment(tx.as_mut(), id, &reason, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: 1 });
        }
        let record = AuditRecord::new(
            "dues.cancel",
            "member",
            p.member.0,
            json!({ "payment": id, "month": p.month.code(), "amount": p.amount, "reason": reason }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn dues_ledger(&self, unit: UnitId, year: i32, today: NaiveDate) -> Result<DuesLedger> {
        self.refresh_index().await?;
        let (first, last) = (Month { year, month: 1 }, Month { year, month: 12 });
        let on = if last.last_day() < today { last.last_day() } else { today.max(first.first_day()) };
        let (unit_name, kind, parent, children) = {
            let index = self.index.read();
            let v = index.unit_version_on(unit, on).ok_or(StoreError::NotFound)?;
            let parent = v.parent_id.and_then(|p| index.unit_name_on(p, on).map(|n| (p, n)));
            let children: Vec<(UnitId, String)> = index.children(Some(unit), on).into_iter().map(|(c, _, _)| (c.unit_id, c.name)).collect();
            (index.unit_with_parent(unit, on), v.kind, parent, children)
        };
        let mut conn = self.db.reader().await?;
        let months = self.ledger_months(conn.as_mut(), unit, first, last).await?;
        let remittances = sql::dues::remitted_by(conn.as_mut(), unit, first, last).await?;
        let received = sql::dues::received_by(conn.as_mut(), unit, first, last).await?;
        let mut child_lines = Vec::new();
        for (child, name) in children {
            let theirs = self.ledger_months(conn.as_mut(), child, first, last).await?;
            child_lines.push(ChildLine {
                unit: child,
                name,
                income: theirs.iter().map(|m| m.collected + m.received).sum(),
                remitted: received.iter().filter(|r| r.unit == child).map(|r| r.amount).sum(),
                outstanding: theirs.iter().map(LedgerMonth::outstanding).sum(),
            });
        }
        drop(conn);
        let arrears = self.arrears_under(unit, year, today).await?;
        Ok(DuesLedger {
            unit,
            unit_name,
            kind,
            year,
            share: self.dues.retained.of(kind),
            months,
            remittances,
            parent,
            children: child_lines,
            owed: arrears.iter().map(|a| a.arrears.owed).sum(),
            members_flagged: arrears.iter().filter(|a| a.arrears.proposes_strike_off()).count(),
        })
    }

    async fn remit_dues(&self, ctx: &WriteContext, unit: UnitId, month: Month) -> Result<Dong> {
        self.refresh_index().await?;
        if month > Month::of(ctx.today) {
            return Err(StoreError::invalid("month", "future", "Chưa đến tháng này."));
        }
        let to_unit = {
            let index = self.index.read();
            let v = index.unit_version_on(unit, ctx.today).ok_or(StoreError::NotFound)?;
            v.parent_id
        };
        let mut tx = self.db.begin().await?;
        let line = self.ledger_months(tx.as_mut(), unit, month, month).await?.into_iter().next().ok_or(StoreError::NotFound)?;
        let amount = line.outstanding();
        if amount == 0 {
            return Err(StoreError::invalid(
                "month",
                "nothing_to_remit",
                format!("Không còn khoản nào phải nộp lên cho {}.", month.label()),
            ));
        }
        let seq = sql::dues::remitted_by(tx.as_mut(), unit, month, month).await?.len() as i64 + 1;
        let new = NewRemittance { unit, to_unit, month, seq, amount, sent_on: ctx.today };
        let id = match sql::dues::insert_remittance(tx.as_mut(), &new, ctx.now, &ctx.actor).await {
            Ok(id) => id,
            // Another remittance of the month was written meanwhile (the unique index dues_remittances_seq).
            Err(crate::db::DbError::Unique(_)) => return Err(StoreError::Conflict { current: seq }),
            Err(e) => return Err(e.into()),
        };
        let record = AuditRecord::new(
            "dues.remit",
            "unit",
            unit.0,
            json!({ "remittance": id, "month": month.code(), "amount": amount, "to": to_unit.map(|u| u.0) }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(amount)
    }

    async fn dues_due(&self, unit: UnitId, today: NaiveDate) -> Result<DuesDue> {
        let this_month = Month::of(today);
        let first = Month { year: this_month.year, month: 1 };
        let to_remit = if this_month == first {
            Vec::new()
        } else {
            let mut conn = self.db.reader().await?;
            let months = self.ledger_months(conn.as_mut(), unit, first, this_month).await?;
            months.iter().filter(|m| m.month < this_month && m.outstanding() > 0).map(|m| m.month).collect()
        };
        if !self.countable(unit, today).await? {
            return Ok(DuesDue { to_remit, members: None });
        }
        let arrears = self.arrears_under(unit, this_month.year, today).await?;
        let members: Vec<MemberId> = {
            let roster = self.index.read().roster(unit, today, None).unwrap_or_default();
            roster.iter().map(|e| e.member).collect()
        };
        let mut conn = self.db.reader().await?;
        let declarations = sql::dues::bases_of(conn.as_mut(), &members).await?.iter().filter(|b| b.confirmed_by.is_none()).count();
        let members = MembersDue {
            declarations,
            owing: arrears.iter().filter(|a| a.arrears.owed > 0).count(),
            flagged: arrears.iter().filter(|a| a.arrears.proposes_strike_off()).count(),
        };
        Ok(DuesDue { to_remit, members: Some(members) })
    }

    async fn dues_arrears(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<Vec<ArrearsLine>> {
        self.arrears_under(root, year, today).await
    }
}
