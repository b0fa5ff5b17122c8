//! A year's corrections of the working-day calendar as stored in `calendar_overrides.data`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use domain::workdays::YearOverride;

use super::{R, read, unknown_version, version, write};

/// The JSON of `o` in the current version.
pub fn to_json(o: &YearOverride) -> R<String> {
    write(&YearOverrideV1::from(o))
}

/// Corrections stored in any version.
pub fn from_json(json: &str) -> R<YearOverride> {
    match version(json)? {
        1 => Ok(read::<YearOverrideV1>(json)?.into()),
        v => Err(unknown_version("calendar correction", v)),
    }
}

/// Version 1 (no `"v"`): days as `["YYYY-MM-DD", "name"]` pairs.
#[derive(Debug, Serialize, Deserialize)]
struct YearOverrideV1 {
    year: i32,
    days_off: Vec<(NaiveDate, String)>,
    extra_working_days: Vec<(NaiveDate, String)>,
}

impl From<&YearOverride> for YearOverrideV1 {
    fn from(o: &YearOverride) -> Self {
        YearOverrideV1 { year: o.year, days_off: o.days_off.clone(), extra_working_days: o.extra_working_days.clone() }
    }
}

impl From<YearOverrideV1> for YearOverride {
    fn from(o: YearOverrideV1) -> Self {
        YearOverride { year: o.year, days_off: o.days_off, extra_working_days: o.extra_working_days }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by `dangvu calendar set 2026 --off "24/11/2026=…" --off "02/01/2026=…" --work
    /// "10/01/2026=…"` in the version before named versions.
    const WRITTEN: &str = r#"{"year":2026,"days_off":[["2026-11-24","Ngày Văn hóa Việt Nam (24/11)"],["2026-01-02","Nghỉ bù Tết Dương lịch"]],"extra_working_days":[["2026-01-10","Làm bù theo Thông báo số 12/TB-VPCP"]]}"#;

    #[test]
    fn version_1_reads_as_written_and_is_written_unchanged() {
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let o = from_json(WRITTEN).unwrap();
        assert_eq!(
            o,
            YearOverride {
                year: 2026,
                days_off: vec![(date(11, 24), "Ngày Văn hóa Việt Nam (24/11)".into()), (date(1, 2), "Nghỉ bù Tết Dương lịch".into())],
                extra_working_days: vec![(date(1, 10), "Làm bù theo Thông báo số 12/TB-VPCP".into())],
            }
        );
        assert_eq!(to_json(&o).unwrap(), WRITTEN);
        assert!(from_json(&WRITTEN.replacen('{', r#"{"v":2,"#, 1)).unwrap_err().to_string().contains("version 2"));
    }
}
