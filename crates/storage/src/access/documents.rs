//! The [`DocumentDesk`] handle: a committee's document library as one person may use it.
//! Publishing and attaching need `write` or `decide` on the committee; its readers (read scope)
//! manage the list and see who read what. A document is also read by those it is for: a person
//! holding a grant on a unit it reaches, in a role it names (a member through their chi bộ).
//! Opening it as one it is for (not a reader of the library itself) records the read; anyone
//! else finds nothing (404).

use super::*;
use crate::documents::{AttachmentView, DocumentView, ReadStats};
use domain::documents::DocumentInput;

impl Access {
    pub fn documents(&self) -> DocumentDesk<'_> {
        let scope = self.principal.scope(Capability::WriteRegister).union(&self.principal.scope(Capability::Decide));
        DocumentDesk {
            access: self,
            read: self.filter(Capability::ReadRegister).ok(),
            publish: (!scope.is_empty()).then_some(ScopeFilter { scope, today: self.today() }),
        }
    }
}

/// Documents within the caller's reach (see [`Access::documents`]).
pub struct DocumentDesk<'a> {
    access: &'a Access,
    read: Option<ScopeFilter>,
    publish: Option<ScopeFilter>,
}

/// A document as this person reads it.
#[derive(Debug, Clone)]
pub struct DocumentSight {
    pub document: DocumentView,
    /// The person reads the committee's library: may see who read it.
    pub manages: bool,
    /// The person may add attachments.
    pub publishes: bool,
}

impl DocumentDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    async fn reads(&self, unit: UnitId) -> bool {
        match &self.read {
            Some(f) => self.store().in_scope(f, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    /// Whether the person may publish in this committee's library.
    pub async fn may_publish(&self, unit: UnitId) -> bool {
        match &self.publish {
            Some(s) => self.store().in_scope(s, ScopeTarget::Unit(unit)).await.unwrap_or(false),
            None => false,
        }
    }

    pub async fn require_publishing(&self, unit: UnitId) -> Result<()> {
        if self.may_publish(unit).await {
            Ok(())
        } else if self.reads(unit).await {
            Err(StoreError::Forbidden)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The units and roles a document may be for this person: their grants' units, and for a
    /// member their chi bộ.
    async fn own_units(&self) -> Result<Vec<(UnitId, Role)>> {
        let p = self.access.principal();
        let mut out: Vec<(UnitId, Role)> = p.grants.iter().filter_map(|g| g.unit.map(|u| (u, g.role))).collect();
        if let Some(m) = p.member
            && let Some(home) = self.store().member_home(m).await?
        {
            out.push((home, Role::Member));
        }
        Ok(out)
    }

    pub async fn create(&self, unit: UnitId, input: DocumentInput) -> Result<i64> {
        self.require_publishing(unit).await?;
        self.store().create_document(&self.access.write_context(), unit, input).await
    }

    /// Adds an attachment to a document of a library the person publishes in.
    pub async fn attach(&self, id: i64, version: i64, name: &str, media_type: &str, bytes: &[u8]) -> Result<i64> {
        let doc = self.open(id).await?;
        if !doc.publishes {
            return Err(StoreError::Forbidden);
        }
        self.store().add_attachment(&self.access.write_context(), id, version, name, media_type, bytes).await
    }

    /// The document, once the person reads its library or it is for them (then the read is
    /// recorded, once).
    pub async fn open(&self, id: i64) -> Result<DocumentSight> {
        let today = self.access.today();
        let document = self.store().document(id, today).await?;
        let manages = self.reads(document.unit).await;
        let mut for_me = None;
        for (unit, role) in self.own_units().await? {
            if self.store().document_targets(id, unit, role, today).await? {
                for_me = Some(unit);
                break;
            }
        }
        if !manages && (for_me.is_none() || !document.in_force) {
            return Err(StoreError::NotFound);
        }
        // Receipts count those the document is for; the library's own readers are not receivers.
        if let Some(unit) = for_me.filter(|_| !manages) {
            self.store().record_document_read(&self.access.write_context(), id, self.access.principal().account_id, Some(unit)).await?;
        }
        let publishes = self.may_publish(document.unit).await;
        Ok(DocumentSight { document, manages, publishes })
    }

    /// An attachment of a document the person may open.
    pub async fn attachment(&self, id: i64) -> Result<(AttachmentView, Vec<u8>)> {
        let (document, view, bytes) = self.store().attachment(id).await?;
        self.open(document).await?;
        Ok((view, bytes))
    }

    /// A readable committee's library.
    pub async fn library(&self, unit: UnitId, query: &str, in_force: bool) -> Result<Vec<DocumentView>> {
        if !self.reads(unit).await {
            return Err(StoreError::NotFound);
        }
        self.store().library(unit, query, in_force, self.access.today()).await
    }

    /// What is for this person, in force, matching `query`.
    pub async fn mine(&self, query: &str) -> Result<Vec<DocumentView>> {
        let units = self.own_units().await?;
        self.store().documents_for(&units, query, self.access.today()).await
    }

    /// Who read a document of a library the person reads.
    pub async fn reads_of(&self, id: i64) -> Result<ReadStats> {
        let document = self.store().document(id, self.access.today()).await?;
        if !self.reads(document.unit).await {
            return Err(StoreError::NotFound);
        }
        self.store().document_reads(id).await
    }
}
