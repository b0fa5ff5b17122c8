//! The [`Admin`] handle.

// The imports and the scope helpers every handle shares.
use super::*;

impl Access {
    pub fn admin(&self) -> Result<Admin<'_>> {
        self.filter(Capability::Administer)?;
        Ok(Admin { access: self })
    }
}

/// Accounts, grants and the audit trail (administrators).
pub struct Admin<'a> {
    access: &'a Access,
}

impl Admin<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub async fn accounts(&self, q: &str, limit: usize) -> Result<Vec<Account>> {
        self.store().accounts(q, limit).await
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        self.store().account(id).await
    }

    pub async fn grants(&self, account: i64) -> Result<Vec<GrantRecord>> {
        self.store().grants(account, self.access.today()).await
    }

    /// The grants of several accounts at once (the account list).
    pub async fn grants_of(&self, accounts: &[i64]) -> Result<Vec<GrantRecord>> {
        self.store().grants_of(accounts, self.access.today()).await
    }

    /// `password_hash` comes from `auth::password::hash`.
    pub async fn create_account(&self, new: NewAccount) -> Result<i64> {
        self.store().create_account(&self.access.write_context(), new).await
    }

    /// Sets or removes the address an account's notices are mailed to (version-checked).
    pub async fn set_email(&self, id: i64, version: i64, email: Option<domain::notifications::EmailAddress>) -> Result<()> {
        self.store().set_account_email(&self.access.write_context(), id, version, email).await
    }

    pub async fn change_account(&self, id: i64, change: AccountChange) -> Result<()> {
        if id == self.access.principal.account_id && change.disabled == Some(true) {
            return Err(StoreError::invalid("disabled", "self", "Không thể tự khóa tài khoản của mình."));
        }
        self.store().change_account(&self.access.write_context(), id, change).await
    }

    pub async fn add_grant(&self, account: i64, grant: Grant) -> Result<i64> {
        self.store().add_grant(&self.access.write_context(), account, grant).await
    }

    pub async fn revoke_grant(&self, account: i64, grant_id: i64) -> Result<()> {
        if account == self.access.principal.account_id {
            let grants = self.store().grants(account, self.access.today()).await?;
            let admin_grants = grants.iter().filter(|g| g.role == Role::Admin).count();
            if admin_grants == 1 && grants.iter().any(|g| g.id == grant_id && g.role == Role::Admin) {
                return Err(StoreError::invalid("grant", "last_admin", "Không thể tự thu hồi quyền quản trị của chính mình."));
            }
        }
        self.store().revoke_grant(&self.access.write_context(), account, grant_id).await
    }

    pub async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.store().audit_entries(q).await
    }

    /// The names of the objects audit entries name (members, units, accounts, candidates), so the trail
    /// reads with names rather than numbers; an object no longer found is left out.
    pub async fn object_names(&self, objects: &[(String, i64)]) -> Result<std::collections::HashMap<(String, i64), String>> {
        let mut names = std::collections::HashMap::new();
        for (kind, id) in objects {
            if names.contains_key(&(kind.clone(), *id)) {
                continue;
            }
            let name = match kind.as_str() {
                "member" => self.store().member(MemberId(*id)).await.ok().map(|m| m.identity.full_name.to_string()),
                "unit" => self.store().unit(UnitId(*id), self.access.today()).await.ok().map(|u| u.latest.name),
                "account" => self.store().account(*id).await.ok().map(|a| a.display_name),
                "candidate" => self.store().case(*id, self.access.today()).await.ok().map(|c| c.candidate.identity.full_name.to_string()),
                _ => None,
            };
            if let Some(name) = name {
                names.insert((kind.clone(), *id), name);
            }
        }
        Ok(names)
    }

    pub async fn verify_audit(&self) -> Result<ChainReport> {
        self.store().verify_audit().await
    }

    /// Replaces a year's working-day corrections.
    pub async fn set_calendar_override(&self, o: domain::workdays::YearOverride) -> Result<()> {
        self.store().set_calendar_override(&self.access.write_context(), o).await
    }
}
