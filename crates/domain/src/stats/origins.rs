//! Admissions by where they came from and when they were held: who introduced the member
//! (nguồn), the sub-target group they count towards, and the occasion their ceremony fell on
//! (docs/design/admission.md "Admission report over any period"). Every admission lands in
//! exactly one source line and one group line ("unknown" and "no group" are lines of their own),
//! so each breakdown adds up to the number admitted.

use crate::event::AdmissionOrigin;
use crate::pipeline::{CandidateSource, TargetGroup};

const SOURCES: usize = CandidateSource::ALL.len();
const GROUPS: usize = TargetGroup::ALL.len();

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginTally {
    /// In the order of `CandidateSource::ALL`.
    pub by_source: [u64; SOURCES],
    pub unknown_source: u64,
    /// In the order of `TargetGroup::ALL`.
    pub by_group: [u64; GROUPS],
    pub no_group: u64,
    /// Per occasion of the list the report uses, in its order.
    pub by_occasion: Vec<u64>,
    /// Held on any occasion of the list.
    pub on_occasion: u64,
}

impl OriginTally {
    /// A tally for a list of `occasions` occasions.
    pub fn new(occasions: usize) -> OriginTally {
        OriginTally { by_occasion: vec![0; occasions], ..Default::default() }
    }

    /// Counts one admission: its origin, and the position of the occasion its ceremony fell on.
    pub fn add(&mut self, origin: AdmissionOrigin, occasion: Option<usize>) {
        match origin.source {
            Some(s) => self.by_source[usize::from(s)] += 1,
            None => self.unknown_source += 1,
        }
        match origin.target_group {
            Some(g) => self.by_group[usize::from(g)] += 1,
            None => self.no_group += 1,
        }
        if let Some(i) = occasion {
            if self.by_occasion.len() <= i {
                self.by_occasion.resize(i + 1, 0);
            }
            self.by_occasion[i] += 1;
            self.on_occasion += 1;
        }
    }

    /// The admissions of a source (`None`: unknown).
    pub fn source(&self, source: Option<CandidateSource>) -> u64 {
        source.map_or(self.unknown_source, |s| self.by_source[usize::from(s)])
    }

    /// The admissions of a sub-target group (`None`: none).
    pub fn group(&self, group: Option<TargetGroup>) -> u64 {
        group.map_or(self.no_group, |g| self.by_group[usize::from(g)])
    }

    /// The admissions held on the occasion at position `i` of the list.
    pub fn occasion(&self, i: usize) -> u64 {
        self.by_occasion.get(i).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_admission_is_on_one_source_line_and_one_group_line() {
        let mut t = OriginTally::new(4);
        t.add(AdmissionOrigin { source: Some(CandidateSource::YouthUnion), target_group: Some(TargetGroup::Student) }, Some(1));
        t.add(AdmissionOrigin { source: None, target_group: None }, None);
        t.add(AdmissionOrigin { source: Some(CandidateSource::YouthUnion), target_group: None }, Some(1));
        assert_eq!(t.source(Some(CandidateSource::YouthUnion)), 2);
        assert_eq!(t.source(None), 1);
        assert_eq!(t.by_source.iter().sum::<u64>() + t.unknown_source, 3);
        assert_eq!(t.by_group.iter().sum::<u64>() + t.no_group, 3);
        assert_eq!((t.group(Some(TargetGroup::Student)), t.group(None)), (1, 2));
        assert_eq!((t.occasion(1), t.occasion(0), t.on_occasion), (2, 0, 2));
    }
}
