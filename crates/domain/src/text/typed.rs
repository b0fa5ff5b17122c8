//! A search as typed: typed with diacritics means with diacritics (ui.md "Typed with diacritics
//! means with diacritics": "Nguyên" finds Nguyên, not every Nguyễn; "nguyen" finds both).
//!
//! Lookups go through the folded form ([`super::fold`]); each word then keeps the letters as
//! typed, and a letter typed with a mark (or đ) matches only that very letter, while a letter
//! typed bare matches it with any mark. Folding and matching happen here, in Rust, so both
//! engines answer alike.

use unicode_normalization::UnicodeNormalization;

use super::fold;

/// One word of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedWord {
    /// The folded word, for index lookups.
    pub folded: String,
    /// The letters as typed (NFC, lower case).
    letters: Vec<char>,
}

/// The words of a query, split where [`fold`] splits them.
pub fn typed_words(query: &str) -> Vec<TypedWord> {
    letter_words(query)
        .into_iter()
        .map(|letters| TypedWord { folded: fold(&letters.iter().collect::<String>()), letters })
        .filter(|w| !w.folded.is_empty())
        .collect()
}

/// NFC, lower-case words of `text`, separated at anything that is not a letter or digit.
fn letter_words(text: &str) -> Vec<Vec<char>> {
    let mut words = vec![Vec::new()];
    for c in text.nfc() {
        if c.is_alphanumeric() && c != '\u{02BC}' {
            if let Some(w) = words.last_mut() {
                w.extend(c.to_lowercase());
            }
        } else if words.last().is_some_and(|w| !w.is_empty()) {
            words.push(Vec::new());
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// Whether a letter typed as `typed` stands for the stored letter `stored` (both lower case).
fn letter_matches(typed: char, stored: char) -> bool {
    if typed == stored {
        return true;
    }
    let marked = fold(&typed.to_string()) != typed.to_string();
    !marked && fold(&stored.to_string()) == typed.to_string()
}

impl TypedWord {
    /// Typed with a mark or đ somewhere: the folded lookup alone is not enough.
    pub fn is_marked(&self) -> bool {
        self.letters.iter().collect::<String>() != self.folded
    }

    fn prefix_of(&self, word: &[char]) -> bool {
        word.len() >= self.letters.len() && self.letters.iter().zip(word).all(|(t, s)| letter_matches(*t, *s))
    }

    /// Some word of `text` begins with this word (member names: "Nguy" finds Nguyễn).
    pub fn begins_a_word_of(&self, text: &str) -> bool {
        letter_words(text).iter().any(|w| self.prefix_of(w))
    }

    /// This word occurs anywhere in `text`, across its words too (unit names and codes).
    pub fn occurs_in(&self, text: &str) -> bool {
        let joined: Vec<char> = letter_words(text).join(&' ');
        (0..joined.len()).any(|at| joined.get(at..).is_some_and(|rest| self.prefix_of(rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(q: &str) -> TypedWord {
        typed_words(q).remove(0)
    }

    #[test]
    fn typed_marks_are_kept_bare_letters_match_any() {
        assert!(!word("nguyen").is_marked() && word("Nguyên").is_marked() && word("đuc").is_marked());
        assert!(word("nguyen").begins_a_word_of("Nguyễn Văn An") && word("nguyen").begins_a_word_of("Trần Nguyên"));
        assert!(word("Nguyên").begins_a_word_of("Trần Nguyên") && !word("Nguyên").begins_a_word_of("Nguyễn Văn An"));
        assert!(word("NGUYỄN").begins_a_word_of("Nguyễn Văn An") && word("nguy").begins_a_word_of("Nguyễn"));
        // A bare letter stands for any of its marked forms, đ included; a marked one only for itself.
        assert!(word("Đuc").begins_a_word_of("Đức") && !word("Đuc").begins_a_word_of("Dục") && word("duc").begins_a_word_of("Đức"));
    }

    #[test]
    fn decomposed_input_matches_composed_names() {
        let nfd: String = "Nguyên".nfd().collect();
        assert!(word(&nfd).begins_a_word_of("Nguyên") && !word(&nfd).begins_a_word_of("Nguyễn"));
    }

    #[test]
    fn occurs_anywhere_for_units() {
        assert!(word("phố").occurs_in("Chi bộ Khu phố 8") && word("bộ khu").occurs_in("Chi bộ Khu phố 8"));
        assert!(!word("phô").occurs_in("Chi bộ Khu phố 8"));
        assert!(word("pho").occurs_in("Chi bộ Khu phố 8") && word("ố").occurs_in("phố"));
        assert_eq!(typed_words("  Chi  bộ, 8 ").iter().map(|w| w.folded.as_str()).collect::<Vec<_>>(), vec!["chi", "bo", "8"]);
    }
}
