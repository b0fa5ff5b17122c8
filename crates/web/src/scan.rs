//! The hook where a site plugs its virus scanner into attachment uploads: an external command
//! (the operator's `attachment_scan_command`: program and arguments) run on a temporary copy of
//! the file, its path appended. Exit 0: clean; 1: infected (refused); anything else, or a
//! scanner that cannot be run: refused too, since an unchecked file must not pass. Nothing is
//! downloaded; without a command configured, files are checked by type and size only.

use std::io::Write as _;
use std::process::Command;

/// Why a scan refused a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanRefusal {
    Infected,
    Failed(String),
}

impl ScanRefusal {
    /// The message for the form.
    pub fn message(&self) -> String {
        match self {
            ScanRefusal::Infected => "Phần mềm diệt virus phát hiện tệp có mã độc; tệp không được lưu.".to_owned(),
            ScanRefusal::Failed(why) => format!("Không kiểm tra được virus cho tệp ({why}); tệp không được lưu. Báo quản trị hệ thống."),
        }
    }
}

/// Runs the scanner on `bytes` (blocking: call from `spawn_blocking`).
pub fn scan(command: &str, bytes: &[u8]) -> Result<(), ScanRefusal> {
    let mut parts = command.split_whitespace();
    let Some(program) = parts.next() else { return Ok(()) };
    let mut file = tempfile::NamedTempFile::new().map_err(|e| ScanRefusal::Failed(e.to_string()))?;
    file.write_all(bytes).and_then(|()| file.flush()).map_err(|e| ScanRefusal::Failed(e.to_string()))?;
    let status = Command::new(program).args(parts).arg(file.path()).status().map_err(|e| ScanRefusal::Failed(e.to_string()))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(ScanRefusal::Infected),
        other => Err(ScanRefusal::Failed(format!("mã thoát {other:?}"))),
    }
}

/// [`scan`] off the async runtime, when a command is configured.
pub async fn check(command: Option<&str>, bytes: Vec<u8>) -> Result<Vec<u8>, ScanRefusal> {
    let Some(command) = command.map(str::to_owned) else { return Ok(bytes) };
    tokio::task::spawn_blocking(move || scan(&command, &bytes).map(|()| bytes)).await.map_err(|e| ScanRefusal::Failed(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_decides_by_its_exit_status() {
        assert_eq!(scan("true", b"x"), Ok(()));
        assert_eq!(scan("false", b"x"), Err(ScanRefusal::Infected));
        assert!(matches!(scan("/khong/co/chuong/trinh", b"x"), Err(ScanRefusal::Failed(_))));
    }
}
