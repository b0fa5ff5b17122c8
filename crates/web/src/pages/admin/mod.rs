//! Administration: accounts and their grants (`accounts`), and the audit trail (`audit`: list,
//! CSV export, chain check). Every route needs [`Capability::Administer`].

mod accounts;
mod audit;

use domain::access::Capability;

use crate::policy::{Policy, Route};

pub fn routes() -> Vec<Route> {
    let admin = Policy::Needs(Capability::Administer);
    vec![
        Route::get("/admin/accounts", admin, accounts::accounts),
        Route::get("/admin/accounts/new", admin, accounts::new_form),
        Route::post("/admin/accounts/new", admin, accounts::create),
        Route::get("/admin/accounts/{id}", admin, accounts::detail),
        Route::post("/admin/accounts/{id}/grants", admin, accounts::add_grant),
        Route::post("/admin/accounts/{id}/grants/{grant}/revoke", admin, accounts::revoke_grant),
        Route::post("/admin/accounts/{id}/reset-password", admin, accounts::reset_password),
        Route::post("/admin/accounts/{id}/disable", admin, accounts::disable),
        Route::post("/admin/accounts/{id}/enable", admin, accounts::enable),
        Route::post("/admin/accounts/{id}/reset-2fa", admin, accounts::reset_totp),
        Route::post("/admin/accounts/{id}/email", admin, accounts::set_email),
        Route::get("/admin/audit", admin, audit::audit),
        Route::get("/admin/audit/verify", admin, audit::verify),
        Route::get("/admin/audit.csv", admin, audit::audit_csv),
    ]
}
