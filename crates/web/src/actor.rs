//! Who is acting. Until access control exists every request acts as the operator; an
//! authentication layer will put an [`Actor`] into the request extensions and this extractor
//! will pick it up unchanged.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The person recorded as the author of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
}

/// The name used while there is no authentication.
pub const OPERATOR: &str = "operator";

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Actor>().cloned().unwrap_or_else(|| Actor { name: OPERATOR.to_owned() }))
    }
}
