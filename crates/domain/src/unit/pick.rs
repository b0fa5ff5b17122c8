//! How a typed text matches a unit in the organization picker (ui.md "Pick by name, never by
//! number"): a code or a name, typed with or without diacritics. Matches are ranked exact, then
//! prefix, then word-prefix, then contains; ties are broken by depth and name by the caller.
//!
//! Diacritics: a query typed without them matches with or without ("khu pho" finds "khu phố"); a
//! query typed with them matches them exactly ("Lợi" does not find "Lời") (ui.md "Typed with
//! diacritics means with diacritics").

use unicode_normalization::UnicodeNormalization;

/// How well a unit matches a query; the smaller, the better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// The whole code, or the whole name.
    Exact,
    /// The name (or the code) starts with the query.
    Prefix,
    /// The query starts at a word of the name, or every word of the query starts a word of the
    /// name, or the query starts a part of the code (`X003` in `T01.X003`).
    WordPrefix,
    /// Every word of the query occurs somewhere in the name or the code.
    Contains,
}

/// A query prepared once for many units.
#[derive(Debug, Clone)]
pub struct PickQuery {
    /// The query as compared (lower case, single spaces; marks kept only when typed).
    text: String,
    words: Vec<String>,
    /// The query was typed with diacritics (or đ): compare them too.
    marked: bool,
}

impl PickQuery {
    pub fn new(query: &str) -> PickQuery {
        let marked = query.nfd().any(|c| is_mark(c) || matches!(c, 'đ' | 'Đ'));
        let text = normalize(query, marked);
        let words = text.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        PickQuery { text, words, marked }
    }

    /// Nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How the unit named `name` with code `code` matches, or `None`.
    pub fn rank(&self, name: &str, code: &str) -> Option<Match> {
        if self.is_empty() {
            return None;
        }
        let name = normalize(name, self.marked);
        let code = normalize(code, self.marked);
        if name == self.text || code == self.text {
            return Some(Match::Exact);
        }
        if name.starts_with(&self.text) || code.starts_with(&self.text) {
            return Some(Match::Prefix);
        }
        let name_words: Vec<&str> = name.split(' ').collect();
        let phrase = format!(" {}", self.text);
        let at_a_word = format!(" {name}").contains(&phrase);
        let every_word_starts_one = self.words.iter().all(|w| name_words.iter().any(|n| n.starts_with(w.as_str())));
        let starts_a_code_part = code.split(' ').any(|part| part.starts_with(&self.text));
        if at_a_word || every_word_starts_one || starts_a_code_part {
            return Some(Match::WordPrefix);
        }
        if self.words.iter().all(|w| name.contains(w.as_str()) || code.contains(w.as_str())) {
            return Some(Match::Contains);
        }
        None
    }
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// Lower case, words separated by single spaces (punctuation and dashes are spaces), in NFD;
/// without marks (and đ as d) unless `keep_marks`.
fn normalize(text: &str, keep_marks: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd() {
        if is_mark(c) {
            if keep_marks {
                out.push(c);
            }
            continue;
        }
        let c = if keep_marks {
            c
        } else {
            match c {
                'đ' | 'Đ' => 'd',
                c => c,
            }
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests;
