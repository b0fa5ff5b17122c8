//! [`DocumentStore`]: a committee's document library (docs/design/operations.md "Documents"):
//! documents with whom they are for, attachments kept in the database, read receipts and their
//! count per unit, and the search (`domain::documents::matches` decides, the same on both
//! engines; the database narrows the candidates by one folded word).

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

use domain::access::Role;
use domain::documents::{DocumentInput, DocumentKind, matches, search_words};
use domain::ids::UnitId;

use crate::context::{WriteContext, vietnam_today};
use crate::db::Conn;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::notifications::Recipients;
use crate::sql::documents::{self as q, StoredDocument};
use crate::store::SqlStore;

/// An attachment's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

/// A document as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: i64,
    /// The committee whose library holds it.
    pub unit: UnitId,
    pub unit_name: String,
    pub version: i64,
    pub kind: DocumentKind,
    pub kind_label: String,
    pub number: Option<String>,
    pub issued_on: NaiveDate,
    pub issuer: String,
    pub title: String,
    pub summary: Option<String>,
    pub valid_until: Option<NaiveDate>,
    /// In force today.
    pub in_force: bool,
    /// "Mọi tổ chức (mọi cấp)" or the kinds and levels chosen.
    pub reach: String,
    /// The roles it is for (empty: everyone).
    pub roles: Vec<Role>,
    pub attachments: Vec<AttachmentView>,
    pub created_by: String,
}

/// The reads of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitReads {
    /// `null`: readers who read for no unit (the administrator).
    pub unit: Option<UnitId>,
    pub unit_name: String,
    pub readers: u32,
    pub first_read_on: NaiveDate,
}

/// One reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReaderView {
    pub name: String,
    pub unit_name: String,
    pub read_at: DateTime<Utc>,
}

/// Who opened a document: per unit and each reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadStats {
    pub readers: u32,
    pub by_unit: Vec<UnitReads>,
    pub reads: Vec<ReaderView>,
}

/// Documents (docs/design/operations.md "Documents").
#[async_trait]
pub trait DocumentStore: Send + Sync {
    async fn create_document(&self, ctx: &WriteContext, unit: UnitId, input: DocumentInput) -> Result<i64>;
    /// Adds an attachment already checked (`domain::documents::attachment_type`, the scanner).
    async fn add_attachment(&self, ctx: &WriteContext, id: i64, version: i64, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64>;
    async fn document(&self, id: i64, today: NaiveDate) -> Result<DocumentView>;
    /// An attachment and its bytes (`NotFound`: none with this id).
    async fn attachment(&self, id: i64) -> Result<(i64, AttachmentView, Vec<u8>)>;
    /// A committee's library matching `query` (empty: all), newest first; `in_force` keeps only
    /// those in force today.
    async fn library(&self, unit: UnitId, query: &str, in_force: bool, today: NaiveDate) -> Result<Vec<DocumentView>>;
    /// The documents for a person of these units and roles (from the libraries of each unit and
    /// the committees above it), matching `query`, in force today.
    async fn documents_for(&self, units: &[(UnitId, Role)], query: &str, today: NaiveDate) -> Result<Vec<DocumentView>>;
    /// Whether the document is for this unit and role (a committee's own staff: always).
    async fn document_targets(&self, id: i64, unit: UnitId, role: Role, today: NaiveDate) -> Result<bool>;
    /// Records the first read by an account (for `unit`).
    async fn record_document_read(&self, ctx: &WriteContext, id: i64, account: i64, unit: Option<UnitId>) -> Result<()>;
    async fn document_reads(&self, id: i64) -> Result<ReadStats>;
    /// The chi bộ a member's record belongs to (documents for members are read through it).
    async fn member_home(&self, member: domain::ids::MemberId) -> Result<Option<UnitId>>;
}

fn like_pattern(word: &str) -> String {
    let escaped: String = word.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    format!("%{escaped}%")
}

impl SqlStore {
    fn document_view(&self, d: &StoredDocument, attachments: Vec<AttachmentView>, today: NaiveDate) -> DocumentView {
        let name = self.index.read().unit_latest(d.unit).map(|v| v.name.clone()).unwrap_or_default();
        DocumentView {
            id: d.id,
            unit: d.unit,
            unit_name: name,
            version: d.version,
            kind: d.input.kind,
            kind_label: d.input.kind.label().to_owned(),
            number: d.input.number.clone(),
            issued_on: d.input.issued_on,
            issuer: d.input.issuer.clone(),
            title: d.input.title.clone(),
            summary: d.input.summary.clone(),
            valid_until: d.input.valid_until,
            in_force: d.input.in_force(today),
            reach: d.input.reach.label(),
            roles: d.input.roles.clone(),
            attachments,
            created_by: d.created_by.clone(),
        }
    }

    async fn views_of(&self, docs: Vec<StoredDocument>, today: NaiveDate) -> Result<Vec<DocumentView>> {
        let mut conn = self.db.reader().await?;
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            let attachments = q::attachments_of(conn.as_mut(), d.id).await?.into_iter().map(attachment_view).collect();
            out.push((d, attachments));
        }
        drop(conn);
        self.refresh_index().await?;
        Ok(out.into_iter().map(|(d, a)| self.document_view(&d, a, today)).collect())
    }

    /// Whether `d` is for `unit` and `role` on `today`: the committee's own unit always; a unit
    /// under it when its kind and level are reached; and the role chosen, if any.
    fn targets(&self, d: &StoredDocument, unit: UnitId, role: Role, today: NaiveDate) -> bool {
        if !d.input.roles.is_empty() && !d.input.roles.contains(&role) {
            return false;
        }
        if unit == d.unit {
            return true;
        }
        let index = self.index.read();
        index.descendants(d.unit, today).iter().any(|x| x.unit == unit && d.input.reach.reaches(x.kind, x.depth))
    }

    /// The units a document of `unit`'s library reaches today: the committee itself and the
    /// units under it its reach picks (as [`Self::targets`]).
    fn reached_units(&self, unit: UnitId, reach: &domain::directives::Reach, today: NaiveDate) -> HashSet<UnitId> {
        let index = self.index.read();
        let mut units: HashSet<UnitId> =
            index.descendants(unit, today).iter().filter(|x| reach.reaches(x.kind, x.depth)).map(|x| x.unit).collect();
        units.insert(unit);
        units
    }

    /// A new document, to everyone it is for: the accounts granted on the units it reaches in
    /// the roles it names, and the members of those units when it is for members.
    async fn tell_readers(&self, tx: &mut dyn Conn, ctx: &WriteContext, id: i64, unit: UnitId, input: &DocumentInput) -> Result<()> {
        let units = self.reached_units(unit, &input.reach, vietnam_today(ctx.now));
        let mut recipients = Recipients::load(tx).await?.granted_on(&units, &input.roles);
        if input.roles.is_empty() || input.roles.contains(&Role::Member) {
            recipients.extend(self.members_at(tx, &units).await?);
        }
        let library = self.index.read().unit_latest(unit).map(|v| v.name.clone()).unwrap_or_default();
        let heading = domain::notifications::heading(input.kind.label(), input.number.as_deref());
        let notice = domain::notifications::Notice::document_published(id, &heading, &input.title, &library);
        self.notify(tx, ctx, recipients, &notice).await
    }

    /// The search texts of a document with these attachment names.
    fn search_texts(input: &DocumentInput, names: &[String]) -> (String, String) {
        let mut written: Vec<&str> = vec![input.title.as_str(), input.issuer.as_str()];
        written.extend(input.number.as_deref());
        written.extend(input.summary.as_deref());
        written.extend(names.iter().map(String::as_str));
        (input.search_text(names), written.join(" "))
    }
}

fn attachment_view(a: q::StoredAttachment) -> AttachmentView {
    AttachmentView { id: a.id, name: a.name, media_type: a.media_type, size: a.size, sha256: a.sha256 }
}

#[async_trait]
impl DocumentStore for SqlStore {
    async fn create_document(&self, ctx: &WriteContext, unit: UnitId, input: DocumentInput) -> Result<i64> {
        self.refresh_index().await?;
        if self.index.read().unit_version_on(unit, vietnam_today(ctx.now)).is_none() {
            return Err(StoreError::invalid("unit", "not_standing", "Tổ chức không còn tồn tại hôm nay."));
        }
        let (folded, written) = Self::search_texts(&input, &[]);
        let (mut tx, seq) = self.begin_write().await?;
        let id = q::insert_document(tx.as_mut(), unit, &input, &folded, &written, ctx.now, &ctx.actor).await?;
        self.tell_readers(tx.as_mut(), ctx, id, unit, &input).await?;
        let details = json!({ "unit": unit.0, "kind": input.kind.code(), "number": input.number, "title": input.title });
        let record = AuditRecord::new("document.create", "document", id, details);
        self.commit_write(tx, seq, ctx, &[record], "document", &[id]).await?;
        Ok(id)
    }

    async fn add_attachment(&self, ctx: &WriteContext, id: i64, version: i64, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64> {
        let (mut tx, seq) = self.begin_write().await?;
        let d = q::document(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if d.version != version {
            return Err(StoreError::Conflict { current: d.version });
        }
        let mut names: Vec<String> = q::attachments_of(tx.as_mut(), id).await?.into_iter().map(|a| a.name).collect();
        if names.len() >= 20 {
            return Err(StoreError::invalid("file", "too_many", "Một tài liệu có tối đa 20 tệp đính kèm."));
        }
        names.push(name.to_owned());
        let crate::files::Encoded { sha256: sha, content, size } = crate::files::encode(bytes);
        let attachment = q::insert_attachment(tx.as_mut(), id, name, media_type, size, &sha, &content, ctx.now, &ctx.actor).await?;
        let (folded, written) = Self::search_texts(&d.input, &names);
        if !q::touch_document(tx.as_mut(), id, version, &folded, &written, ctx.now, &ctx.actor).await? {
            return Err(StoreError::Conflict { current: d.version });
        }
        let details = json!({ "unit": d.unit.0, "name": name, "media_type": media_type, "size": size, "sha256": sha });
        let record = AuditRecord::new("document.attach", "document", id, details);
        self.commit_write(tx, seq, ctx, &[record], "document", &[id]).await?;
        Ok(attachment)
    }

    async fn document(&self, id: i64, today: NaiveDate) -> Result<DocumentView> {
        let mut conn = self.db.reader().await?;
        let d = q::document(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        Ok(self.views_of(vec![d], today).await?.remove(0))
    }

    async fn attachment(&self, id: i64) -> Result<(i64, AttachmentView, Vec<u8>)> {
        let mut conn = self.db.reader().await?;
        let (a, content) = q::attachment(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        Ok((a.document, attachment_view(a), crate::files::decode(&content)?))
    }

    async fn library(&self, unit: UnitId, query: &str, in_force: bool, today: NaiveDate) -> Result<Vec<DocumentView>> {
        let words = search_words(query);
        let pattern = words.first().map_or_else(|| "%".to_owned(), |w| like_pattern(w));
        let mut conn = self.db.reader().await?;
        let docs: Vec<StoredDocument> = q::documents_of(conn.as_mut(), unit, &pattern)
            .await?
            .into_iter()
            .filter(|d| matches(query, &d.search_folded, &d.search_written) && (!in_force || d.input.in_force(today)))
            .collect();
        drop(conn);
        self.views_of(docs, today).await
    }

    async fn documents_for(&self, units: &[(UnitId, Role)], query: &str, today: NaiveDate) -> Result<Vec<DocumentView>> {
        self.refresh_index().await?;
        // The committees whose libraries may hold something for each unit: itself and above.
        let mut owners: Vec<UnitId> = Vec::new();
        {
            let index = self.index.read();
            for (unit, _) in units {
                let mut at = Some(*unit);
                while let Some(u) = at {
                    if !owners.contains(&u) {
                        owners.push(u);
                    }
                    at = index.unit_version_on(u, today).and_then(|v| v.parent_id);
                    if owners.len() > 1000 {
                        break;
                    }
                }
            }
        }
        let words = search_words(query);
        let pattern = words.first().map_or_else(|| "%".to_owned(), |w| like_pattern(w));
        let mut conn = self.db.reader().await?;
        let mut found: HashMap<i64, StoredDocument> = HashMap::new();
        for owner in owners {
            for d in q::documents_of(conn.as_mut(), owner, &pattern).await? {
                let wanted = d.input.in_force(today)
                    && matches(query, &d.search_folded, &d.search_written)
                    && units.iter().any(|(u, r)| self.targets(&d, *u, *r, today));
                if wanted {
                    found.insert(d.id, d);
                }
            }
        }
        drop(conn);
        let mut docs: Vec<StoredDocument> = found.into_values().collect();
        docs.sort_by_key(|d| std::cmp::Reverse((d.input.issued_on, d.id)));
        self.views_of(docs, today).await
    }

    async fn document_targets(&self, id: i64, unit: UnitId, role: Role, today: NaiveDate) -> Result<bool> {
        let mut conn = self.db.reader().await?;
        let d = q::document(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        drop(conn);
        self.refresh_index().await?;
        Ok(self.targets(&d, unit, role, today))
    }

    async fn record_document_read(&self, ctx: &WriteContext, id: i64, account: i64, unit: Option<UnitId>) -> Result<()> {
        // A later read changes nothing: answered without taking the write lock.
        let mut conn = self.db.reader().await?;
        if q::has_read(conn.as_mut(), id, account).await? {
            return Ok(());
        }
        drop(conn);
        let (mut tx, seq) = self.begin_write().await?;
        if q::record_read(tx.as_mut(), id, account, unit, ctx.now).await? {
            let record = AuditRecord::new("document.read", "document", id, json!({ "unit": unit.map(|u| u.0) }));
            self.commit_write(tx, seq, ctx, &[record], "document", &[id]).await
        } else {
            Ok(())
        }
    }

    async fn member_home(&self, member: domain::ids::MemberId) -> Result<Option<UnitId>> {
        self.refresh_index().await?;
        Ok(self.index.read().home_unit(member))
    }

    async fn document_reads(&self, id: i64) -> Result<ReadStats> {
        let mut conn = self.db.reader().await?;
        let rows = q::reads_of(conn.as_mut(), id).await?;
        drop(conn);
        self.refresh_index().await?;
        let index = self.index.read();
        let name = |u: Option<UnitId>| u.and_then(|u| index.unit_latest(u)).map(|v| v.name.clone()).unwrap_or_default();
        let mut by_unit: Vec<UnitReads> = Vec::new();
        for r in &rows {
            let day = q::day_of(r.first_read_at);
            match by_unit.iter_mut().find(|b| b.unit == r.unit) {
                Some(b) => {
                    b.readers += 1;
                    b.first_read_on = b.first_read_on.min(day);
                }
                None => by_unit.push(UnitReads { unit: r.unit, unit_name: name(r.unit), readers: 1, first_read_on: day }),
            }
        }
        by_unit.sort_by_cached_key(|b| domain::text::collation_key(&b.unit_name));
        Ok(ReadStats {
            readers: rows.len() as u32,
            by_unit,
            reads: rows
                .iter()
                .map(|r| ReaderView { name: r.display_name.clone(), unit_name: name(r.unit), read_at: r.first_read_at })
                .collect(),
        })
    }
}
