//! What can go wrong in a use case: [`StoreError`] and the crate's [`Result`].

use domain::ValidationErrors;

use crate::db;

/// What can go wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không tìm thấy")]
    NotFound,
    /// The input or the rules refuse the write; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Someone else saved first (version check); nothing was written.
    #[error("bản ghi đã được người khác cập nhật (phiên bản hiện tại {current})")]
    Conflict { current: i64 },
    /// The caller's grants do not allow this (on a record they may see).
    #[error("không có quyền thực hiện thao tác này")]
    Forbidden,
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] db::DbError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid(ValidationErrors::single(field, code, message))
    }
}
