//! What the templates need for the phone layout beyond the page's own data: how many filters of
//! a folded filter form are in use (shown on its button, "Bộ lọc (2)").

use crate::forms::Field;

/// How many of `fields` differ from what an untouched form shows: a text typed, a select moved
/// off its first option (the default: "Tất cả", or the list's usual choice), a box ticked.
pub fn active_filters(fields: &[Field]) -> usize {
    fields.iter().filter(|f| is_set(f)).count()
}

fn is_set(f: &Field) -> bool {
    match f.kind {
        "checkbox" => f.checked(),
        "select" => f.options.iter().position(|o| o.selected).is_some_and(|i| i > 0),
        _ => !f.value.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_differs_from_an_untouched_form() {
        let items = [("a", "A"), ("b", "B")];
        let untouched = vec![
            Field::text("q", "Tìm", "  "),
            Field::select("status", "Tình trạng", "a", None, items),
            Field::select("gender", "Giới tính", "", Some("Tất cả"), items),
            Field::checkbox("only", "Chỉ chi bộ", ""),
        ];
        assert_eq!(active_filters(&untouched), 0);
        let used = vec![
            Field::text("q", "Tìm", "An"),
            Field::select("status", "Tình trạng", "b", None, items),
            Field::select("gender", "Giới tính", "a", Some("Tất cả"), items),
            Field::checkbox("only", "Chỉ chi bộ", "true"),
        ];
        assert_eq!(active_filters(&used), 4);
    }
}
