//! The [`OwnAccount`] handle.

// The imports and the scope helpers every handle shares.
use super::*;

impl Access {
    /// The caller's own account: always available to a logged-in person.
    pub fn own_account(&self) -> OwnAccount<'_> {
        OwnAccount { access: self }
    }
}

/// The caller's own account: password, second factor, API tokens.
pub struct OwnAccount<'a> {
    access: &'a Access,
}

impl OwnAccount<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    fn id(&self) -> i64 {
        self.access.principal.account_id
    }

    pub async fn account(&self) -> Result<Account> {
        self.store().account(self.id()).await
    }

    pub async fn grants(&self) -> Result<Vec<GrantRecord>> {
        self.store().grants(self.id(), self.access.today()).await
    }

    /// The password hash and TOTP state, for checking the current password or a code.
    pub async fn secrets(&self) -> Result<AccountSecrets> {
        let account = self.account().await?;
        self.store().account_for_login(&account.username).await?.map(|(_, s)| s).ok_or(StoreError::NotFound)
    }

    /// Checks the current password before a sensitive change, throttled like a login: wrong
    /// answers count as failed logins of the account and the client address, and while the
    /// account is locked nothing is checked (`Invalid` on field `current_password`).
    pub async fn check_password(&self, password: &str, limits: &domain::access::LoginLimits) -> Result<bool> {
        let account = self.account().await?;
        let client = self.access.info.client.clone().unwrap_or_else(|| "unknown".into());
        let now = self.access.now();
        let (by_account, by_client) = self.store().login_failures(&account.username, &client, now - limits.window).await?;
        if limits.gate(by_account, by_client, now) != domain::access::LoginGate::Open {
            return Err(StoreError::invalid(
                "current_password",
                "locked",
                "Nhập sai mật khẩu quá nhiều lần; vui lòng thử lại sau ít phút.",
            ));
        }
        let hash = self.secrets().await?.password_hash;
        let candidate = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || auth::password::verify(&candidate, &hash)).await.unwrap_or(false);
        if !ok {
            self.store().record_login_attempt(&account.username, &client, LoginOutcome::Failure, now).await?;
            let record = AuditRecord::new("account.reauth_failure", "account", account.id, json!({}));
            self.store().audit(&self.access.audit_actor(), now, vec![record]).await?;
        }
        Ok(ok)
    }

    pub async fn change(&self, change: AccountChange) -> Result<()> {
        self.store().change_account(&self.access.write_context(), self.id(), change).await
    }

    pub async fn use_totp_step(&self, step: i64) -> Result<bool> {
        self.store().use_totp_step(self.id(), step).await
    }

    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.store().tokens_of(self.id()).await
    }

    pub async fn create_token(&self, name: &str, token_hash: &str) -> Result<i64> {
        self.store().create_token(&self.access.write_context(), self.id(), name, token_hash).await
    }

    pub async fn revoke_token(&self, token: i64) -> Result<()> {
        self.store().revoke_token(&self.access.write_context(), self.id(), token).await
    }
}
