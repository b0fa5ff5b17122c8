use super::*;

fn rank(q: &str, name: &str, code: &str) -> Option<Match> {
    PickQuery::new(q).rank(name, code)
}

#[test]
fn exact_before_prefix_before_word_prefix_before_contains() {
    assert_eq!(rank("chi bộ khu phố 8", "Chi bộ khu phố 8", "T01.X003.C08"), Some(Match::Exact));
    assert_eq!(rank("Chi bộ khu", "Chi bộ khu phố 8", "T01.X003.C08"), Some(Match::Prefix));
    assert_eq!(rank("khu phố 8", "Chi bộ khu phố 8", "T01.X003.C08"), Some(Match::WordPrefix));
    assert_eq!(rank("hu phố", "Chi bộ khu phố 8", "T01.X003.C08"), Some(Match::Contains));
    assert!(Match::Exact < Match::Prefix && Match::Prefix < Match::WordPrefix && Match::WordPrefix < Match::Contains);
}

#[test]
fn a_number_must_be_a_word_of_its_own_or_it_only_contains() {
    // "khu phố 8" used to bring "khu phố 4" first: it does not match at all.
    assert_eq!(rank("khu phố 8", "Chi bộ khu phố 4", "C04"), None);
    assert_eq!(rank("khu phố 8", "Chi bộ khu phố 18", "C18"), Some(Match::Contains));
}

#[test]
fn a_word_matched_inside_another_word_is_only_contained() {
    // "thon 3" must bring "Chi bộ thôn 3" before a unit whose name has "thông" and whose code a 3.
    assert_eq!(rank("thon 3", "Chi bộ thôn 3", "X01.C03"), Some(Match::WordPrefix));
    assert_eq!(rank("thon 3", "Chi bộ Phòng Cảnh sát giao thông", "CA.P3"), Some(Match::Contains));
}

#[test]
fn diacritics_are_folded_only_when_not_typed() {
    assert_eq!(rank("loi trung", "Đảng bộ phường Lợi Trung", "T01.X003"), Some(Match::WordPrefix));
    assert_eq!(rank("dang bo phuong loi trung", "Đảng bộ phường Lợi Trung", "T01.X003"), Some(Match::Exact));
    assert_eq!(rank("Lợi Trung", "Đảng bộ phường Lợi Trung", "T01.X003"), Some(Match::WordPrefix));
    assert_eq!(rank("Lời Trung", "Đảng bộ phường Lợi Trung", "T01.X003"), None);
    // The same letters typed in NFD match NFC names.
    assert_eq!(rank("L\u{1a1}\u{323}i", "Lợi", "X"), Some(Match::Exact));
}

#[test]
fn codes_match_whole_or_by_their_start_or_their_parts() {
    assert_eq!(rank("t01.x003", "Đảng bộ phường Lợi Trung", "T01.X003"), Some(Match::Exact));
    assert_eq!(rank("T01.X0", "Đảng bộ phường Lợi Trung", "T01.X003"), Some(Match::Prefix));
    assert_eq!(rank("X003", "Đảng bộ phường Lợi Trung", "T01.X003"), Some(Match::WordPrefix));
    assert_eq!(rank("T02", "Đảng bộ phường Lợi Trung", "T01.X003"), None);
}

#[test]
fn an_empty_query_matches_nothing() {
    assert!(PickQuery::new("  — ").is_empty());
    assert_eq!(rank(" ", "Chi bộ 1", "C1"), None);
}
