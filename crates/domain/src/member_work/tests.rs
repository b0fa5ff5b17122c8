//! The lines of 7-BTCTW (reports.md §2.8).

use super::*;

#[test]
fn every_line_reads_back_from_its_code() {
    let all = Line::all();
    // 4 transfer lines, 12 badge levels (45 years included, 29-QĐ/TW), 4 card reasons, 4 forms, 3 exemption lines.
    assert_eq!(all.len(), 4 + 12 + 4 + 4 + 3);
    for l in &all {
        assert_eq!(Line::parse(&l.code()).unwrap(), *l, "{}", l.code());
    }
    assert_eq!(Line::parse("huy-hieu.45").unwrap(), Line::Badge(45));
    assert_eq!(Line::parse("huy-hieu.35").unwrap_err().code, "unknown_value");
    assert_eq!(Line::parse("ky-luat.giai-tan").unwrap_err().code, "unknown_value");
    assert!(Line::parse("the").is_err());
    assert_eq!(Line::Discipline(Form::Warning).label(), "Kỷ luật cảnh cáo");
}

#[test]
fn the_blocks_keep_the_forms_order() {
    let blocks: Vec<Block> = Line::all().iter().map(|l| l.block()).collect();
    let mut order: Vec<Block> = blocks.clone();
    order.dedup();
    assert_eq!(order, Block::ALL);
}
