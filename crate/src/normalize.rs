//! The one normaliser. Playbook phrases and message text both go through
//! [`normalize`], so a disguise can never be folded on one side and not the
//! other (a classic way for filters to lose matches silently).
//!
//! The output is a *skeleton*: a string in which every way of writing the
//! same word looks the same, plus one [`NChar`] per skeleton char that points
//! back at the original text. The steps, per original char:
//!
//! 1. compatibility fold: full-width → half-width, circled and other number
//!    forms → digits, accents stripped, case folded, zero-width chars dropped;
//! 2. Traditional → Simplified Chinese (one char for one char);
//! 3. leetspeak and confusables, but only next to Latin letters (`sh1t`,
//!    `$hit`, `@ss`) so that `12315` or `¥100` keep their digits;
//! 4. separators between characters are dropped (`爱-买-不-买`, `f u c k`),
//!    remembering that a break was there (whole-word checks need it);
//!    self-censoring marks between letters (`f*ck`) are kept as `*`;
//! 5. runs of one character are squeezed into one, remembering the count, so
//!    `fuuuuck` and `滚滚滚` match while `good` is not taken for `god`;
//!    across a gap only spaced-out letters squeeze (`a s s`, not the `t t` of
//!    `i d i o t they`; [`normalize_stutters`] reads `u-up` as a stutter).
//!
//! Skeletons also collapse `l` into `i` (a `1` may stand for either); the
//! matcher checks the exact letters afterwards, see [`NChar::exact`].

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Char used in skeletons for a self-censoring mark between letters.
pub(crate) const MASK: char = '*';
/// Char kept in skeletons between two words where the last letter of one
/// equals the first of the next (`is stupid`), which must not be squeezed.
pub(crate) const WORD_GAP: char = '\u{1f}';

/// Flags on a skeleton char.
pub(crate) const LATIN: u8 = 1; // a-z after folding (or a leet stand-in for one)
pub(crate) const LEET: u8 = 2; // a digit or symbol read as a letter
pub(crate) const BREAK: u8 = 4; // a separator was dropped right before this char
pub(crate) const MASKED: u8 = 8; // a self-censoring mark
pub(crate) const DIGIT: u8 = 16; // an ASCII digit kept as a digit
pub(crate) const SPACED: u8 = 32; // the run was squeezed across a gap: spaced-out letters (`i l l`)

/// One char of a skeleton and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NChar {
    /// Byte range in the original text (covers the whole squeezed run).
    pub start: usize,
    pub end: usize,
    /// Byte offset of this char in the skeleton string.
    pub at: usize,
    /// The folded char before confusable classes were merged: lets the
    /// matcher tell `hill` from `hell` although both skeletons say `i`.
    pub exact: char,
    /// This char of the skeleton (saves decoding it from `text`).
    pub sk: char,
    /// How many equal chars were squeezed into this one.
    pub run: u32,
    pub flags: u8,
}

impl NChar {
    pub fn is(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// A normalised text: the skeleton and its map back to the original.
#[derive(Clone, Debug, Default)]
pub(crate) struct Normalized {
    pub text: String,
    pub chars: Vec<NChar>,
}

impl Normalized {
    /// Index of the skeleton char that starts at skeleton byte `at`.
    pub fn char_at(&self, at: usize) -> usize {
        self.chars.partition_point(|c| c.at < at)
    }

    /// Whether any self-censoring mark was kept.
    pub fn has_masks(&self) -> bool {
        self.chars.iter().any(|c| c.is(MASKED))
    }

    /// Whether a lone letter was kept apart from the next word, which starts
    /// with it (`u-up`): [`normalize_stutters`] reads the text otherwise.
    pub fn has_stutters(&self) -> bool {
        (1..self.chars.len()).any(|i| self.chars[i].sk == WORD_GAP && (i == 1 || self.chars[i - 1].is(BREAK)))
    }
}

/// How self-censoring marks are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Masks {
    /// `f*ck`: a mark between letters stands for hidden letters.
    Keep,
    /// `f*u*c*k`: the same marks read as separators.
    Drop,
}

/// Folded char with the original byte range it came from.
#[derive(Clone, Copy)]
struct Folded {
    ch: char,
    start: usize,
    end: usize,
}

/// Normalises `text` (see the module docs).
pub(crate) fn normalize(text: &str, masks: Masks) -> Normalized {
    let folded = fold_all(text);
    skeleton(&folded, masks, false)
}

/// [`normalize`], reading a lone letter before a word that starts with it
/// as a stutter (`shut u-up`, `n-no`): squeezed into the word. The plain
/// reading keeps them apart (`I love`, `i d i o t they`); see
/// [`Normalized::has_stutters`].
pub(crate) fn normalize_stutters(text: &str, masks: Masks) -> Normalized {
    let folded = fold_all(text);
    skeleton(&folded, masks, true)
}

/// Steps 1 and 2: compatibility fold and Traditional → Simplified.
fn fold_all(text: &str) -> Vec<Folded> {
    let mut out: Vec<Folded> = Vec::with_capacity(text.len());
    let t2s = t2s_table();
    for (start, c) in text.char_indices() {
        let end = start + c.len_utf8();
        // The two common cases first: ASCII and (unified) Han.
        if c.is_ascii() {
            out.push(Folded { ch: c.to_ascii_lowercase(), start, end });
        } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.push(Folded { ch: t2s.simplify(c), start, end });
        } else {
            fold_char(c, &mut |ch| {
                let ch = if is_han(ch) { t2s.simplify(ch) } else { ch };
                out.push(Folded { ch, start, end });
            });
        }
    }
    out
}

/// Simplified char for each char from `first` on (`'\0'`: unchanged): a
/// direct index, as this runs for every Han char of every message.
struct T2s {
    first: u32,
    map: Vec<char>,
}

impl T2s {
    /// Traditional → Simplified, one char for one char, so the map back to
    /// the original survives (table: `t2s.txt`).
    fn simplify(&self, c: char) -> char {
        let i = (c as usize).wrapping_sub(self.first as usize);
        match self.map.get(i) {
            Some(&s) if s != '\0' => s,
            _ => c,
        }
    }
}

fn t2s_table() -> &'static T2s {
    static TABLE: std::sync::OnceLock<T2s> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let pairs: Vec<(char, char)> = include_str!("t2s.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut chars = l.chars().filter(|c| !c.is_whitespace());
                Some((chars.next()?, chars.next()?))
            })
            .collect();
        let first = pairs.iter().map(|p| p.0 as u32).min().unwrap_or(0);
        let last = pairs.iter().map(|p| p.0 as u32).max().unwrap_or(0);
        let mut map = vec!['\0'; (last - first + 1) as usize];
        for (t, s) in pairs {
            map[(t as u32 - first) as usize] = s;
        }
        T2s { first, map }
    })
}

/// Traditional → Simplified for one char (unchanged when not in the table).
pub(crate) fn simplify(c: char) -> char {
    t2s_table().simplify(c)
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Step 1 for a single char; may emit zero, one or several chars.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    match c {
        'A'..='Z' => emit(c.to_ascii_lowercase()),
        '\u{0}'..='\u{7F}' => emit(c),
        // Zero-width and invisible formatting chars: pure evasion material.
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{034F}' | '\u{180E}' => {}
        '\u{3000}' => emit(' '),
        // Full-width ASCII: the common case in Chinese text, kept off the
        // general decomposition tables.
        '\u{FF01}'..='\u{FF5E}' => {
            let half = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            emit(half.to_ascii_lowercase())
        }
        // Dingbat circled digits have no compatibility decomposition.
        '\u{2776}'..='\u{277F}' => emit_number(c as u32 - 0x2776 + 1, emit),
        '\u{2780}'..='\u{2789}' => emit_number(c as u32 - 0x2780 + 1, emit),
        '\u{278A}'..='\u{2793}' => emit_number(c as u32 - 0x278A + 1, emit),
        '\u{24EB}'..='\u{24F4}' => emit_number(c as u32 - 0x24EB + 11, emit),
        _ if is_han(c) && !(0xF900..=0xFAFF).contains(&(c as u32)) => emit(c),
        _ => decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            for l in d.to_lowercase() {
                emit(confusable(l));
            }
        }),
    }
}

/// The first char `c` folds to (None when it folds to nothing).
pub(crate) fn fold_first(c: char) -> Option<char> {
    let mut first = None;
    fold_char(c, &mut |ch| {
        first.get_or_insert(ch);
    });
    first
}

fn emit_number(n: u32, emit: &mut impl FnMut(char)) {
    if n >= 10 {
        emit(char::from_digit(n / 10, 10).unwrap_or('0'));
    }
    emit(char::from_digit(n % 10, 10).unwrap_or('0'));
}

/// Cyrillic and Greek letters that look like Latin ones.
fn confusable(c: char) -> char {
    match c {
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ɡ' => 'g',
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'ı' => 'i',
        'ł' => 'l',
        'ø' => 'o',
        'đ' => 'd',
        'ß' => 's',
        // Typographic apostrophes, also when a decomposition yields one (ŉ).
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
        _ => c,
    }
}

/// The letter a digit or symbol stands for in leetspeak.
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i', // skeletons merge i and l anyway
        '3' | '€' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

/// `char::is_alphanumeric`, with the common cases answered without the
/// Unicode table walk (most of a Chinese message is Han).
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_han(c) || c.is_alphanumeric()
    }
}

fn is_mask_mark(c: char) -> bool {
    matches!(c, '*' | '#' | '_')
}

/// Skeleton class of a folded Latin letter: `l` and `i` are one class.
fn skeleton_letter(c: char) -> char {
    if c == 'l' {
        'i'
    } else {
        c
    }
}

/// What a folded char becomes in the skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Letter(char, u8),
    Sep,
}

/// What a char is on its own, without context.
fn plain_role(c: char) -> Role {
    if c.is_ascii_lowercase() {
        Role::Letter(c, LATIN)
    } else if c.is_ascii_digit() {
        Role::Letter(c, DIGIT)
    } else if is_word(c) {
        Role::Letter(c, 0)
    } else {
        Role::Sep
    }
}

/// Letters and leet stand-ins among the `kept` chars (see [`roles`]).
fn letters(folded: &[Folded], kept: &[usize]) -> Vec<Role> {
    let mut roles = vec![Role::Sep; folded.len()];
    let chars: Vec<char> = kept.iter().map(|&i| folded[i].ch).collect();
    let ch = |k: usize| chars.get(k).copied().unwrap_or('\0');
    let len = kept.len();
    let mut letter: Vec<bool> = chars.iter().map(|c| c.is_ascii_lowercase()).collect();
    let mut leety = false;
    for (k, &c) in chars.iter().enumerate() {
        let role = plain_role(c);
        // Digits and symbols may yet turn out to stand for letters.
        leety |= c.is_ascii_digit() || role == Role::Sep;
        roles[kept[k]] = role;
    }
    if !leety {
        // No digit or symbol to read as a letter: the common case.
        return roles;
    }
    // Digits: a run of one or two next to a letter is leet (`sh1t`, `5h17`);
    // longer runs are numbers (`12315`, `2023`) even beside a word.
    // Symbols: `$ @ €` start a word, `! | +` only stand inside one (`hell!`
    // keeps its `!` out). Each new stand-in can make its neighbour one, so
    // repeat until nothing changes (`1$a`); letters only ever get added.
    loop {
        let mut changed = false;
        let mut k = 0;
        while k < len {
            if !ch(k).is_ascii_digit() {
                k += 1;
                continue;
            }
            let j = (k..len).find(|&m| !ch(m).is_ascii_digit()).unwrap_or(len);
            let touches = (k > 0 && letter[k - 1]) || (j < len && letter[j]);
            let leety = j - k <= 2 && touches && (k..j).all(|m| leet(ch(m)).is_some());
            for m in k..j {
                let c = ch(m);
                match leet(c) {
                    Some(l) if leety => {
                        changed |= !letter[m];
                        letter[m] = true;
                        roles[kept[m]] = Role::Letter(l, LATIN | LEET);
                    }
                    _ => roles[kept[m]] = Role::Letter(c, DIGIT),
                }
            }
            k = j;
        }
        for k in 0..len {
            let c = ch(k);
            if letter[k] || is_word(c) {
                continue;
            }
            let Some(l) = leet(c) else { continue };
            let next = k + 1 < len && letter[k + 1];
            let prev = k > 0 && letter[k - 1];
            if next && (matches!(c, '$' | '@' | '€') || prev) {
                letter[k] = true;
                changed = true;
                roles[kept[k]] = Role::Letter(l, LATIN | LEET);
            }
        }
        if !changed {
            return roles;
        }
    }
}

/// Decides what each folded char becomes. Context (is this `1` inside a
/// word?) is read with separators already removed, so that the skeleton of
/// a skeleton is itself.
fn roles(folded: &[Folded], masks: Masks) -> Vec<Role> {
    // A Han char is a word that is never Latin nor leet, so it ends every
    // context: decide each stretch between Han chars on its own (the Latin
    // bits of a Chinese message are short).
    let mut roles = Vec::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let j = (i..folded.len()).find(|&k| is_han(folded[k].ch)).unwrap_or(folded.len());
        roles.extend(stretch_roles(&folded[i..j], masks));
        let k = (j..folded.len()).find(|&k| !is_han(folded[k].ch)).unwrap_or(folded.len());
        roles.extend(folded[j..k].iter().map(|f| Role::Letter(f.ch, 0)));
        i = k;
    }
    roles
}

/// [`roles`] for a stretch without Han chars.
fn stretch_roles(folded: &[Folded], masks: Masks) -> Vec<Role> {
    // Without Latin letters nothing can be leet, a hidden letter or an
    // apostrophe in a word: each char stands for itself (most Chinese text).
    let latin = folded.iter().any(|f| f.ch.is_ascii_lowercase());
    let context = latin
        && folded.iter().any(|f| {
            let c = f.ch;
            c.is_ascii_digit() || leet(c).is_some() || is_mask_mark(c) || c == '\''
        });
    if !context {
        return folded.iter().map(|f| plain_role(f.ch)).collect();
    }
    // Letters, digits and leet symbols; marks and apostrophes come last
    // because whether they stay depends on the letters around them.
    let mut kept: Vec<usize> = Vec::with_capacity(folded.len());
    kept.extend((0..folded.len()).filter(|&i| {
        let c = folded[i].ch;
        is_word(c) || leet(c).is_some()
    }));
    // A symbol that turns out not to be leet is a separator, and must not
    // hide its neighbours from each other (`F$11` is `f11`, read as `fii`):
    // drop it and decide again. `kept` only shrinks, so this ends.
    let mut roles = loop {
        let roles = letters(folded, &kept);
        let before = kept.len();
        kept.retain(|&i| roles[i] != Role::Sep);
        if kept.len() == before {
            break roles;
        }
    };
    // Marks between letters hide letters (`f**k`); an apostrophe between
    // two plain letters stays (`he'll` must not read as `hell`).
    let is_latin = |r: Role| matches!(r, Role::Letter(_, f) if f & LATIN != 0);
    let is_plain =
        |r: Role| matches!(r, Role::Letter(c, f) if f & LATIN != 0 && c.is_ascii_lowercase() && f & LEET == 0);
    if !folded.iter().any(|f| is_mask_mark(f.ch) || f.ch == '\'') {
        return roles;
    }
    let mut seq: Vec<usize> = Vec::with_capacity(folded.len());
    seq.extend(
        (0..folded.len()).filter(|&i| roles[i] != Role::Sep || is_mask_mark(folded[i].ch) || folded[i].ch == '\''),
    );
    let mut k = 0;
    while k < seq.len() {
        let c = folded[seq[k]].ch;
        let prev = k.checked_sub(1).map(|p| roles[seq[p]]);
        if roles[seq[k]] == Role::Sep && is_mask_mark(c) {
            let j = (k..seq.len()).find(|&m| !is_mask_mark(folded[seq[m]].ch)).unwrap_or(seq.len());
            let next = seq.get(j).map(|&i| roles[i]);
            let hidden = masks == Masks::Keep && j - k <= 4 && prev.is_some_and(is_latin) && next.is_some_and(is_latin);
            if hidden {
                for m in k..j {
                    roles[seq[m]] = Role::Letter(MASK, LATIN | MASKED);
                }
            }
            k = j;
            continue;
        }
        if c == '\'' && roles[seq[k]] == Role::Sep {
            let next = seq.get(k + 1).map(|&i| roles[i]);
            if prev.is_some_and(is_plain) && next.is_some_and(is_plain) {
                roles[seq[k]] = Role::Letter(c, LATIN);
            }
        }
        k += 1;
    }
    roles
}

/// Whether a squeezable letter starts a piece (chars between separators)
/// that squeezes into one skeleton char (`s`, `ss`): a spaced-out letter.
/// Only meaningful at the first letter of a piece.
fn lone_letters(roles: &[Role]) -> Vec<bool> {
    let squeezable = |f: u8| f & (MASKED | DIGIT) == 0;
    let sk = |ch: char, f: u8| if f & LATIN != 0 { skeleton_letter(ch) } else { ch };
    let mut lone = vec![false; roles.len()];
    for i in (0..roles.len()).rev() {
        let Role::Letter(ch, flags) = roles[i] else { continue };
        lone[i] = match roles.get(i + 1) {
            None | Some(Role::Sep) => true,
            Some(&Role::Letter(next, next_flags)) => {
                squeezable(flags) && squeezable(next_flags) && sk(ch, flags) == sk(next, next_flags) && lone[i + 1]
            }
        };
    }
    lone
}

/// Steps 3 to 5 (`stutters`: see [`normalize_stutters`]).
fn skeleton(folded: &[Folded], masks: Masks, stutters: bool) -> Normalized {
    let n = folded.len();
    let roles = roles(folded, masks);
    let lone = lone_letters(&roles);
    // Skeleton chars are at most four bytes each.
    let mut out = Normalized { text: String::with_capacity(4 * n), chars: Vec::with_capacity(n) };
    // The dropped separator before the current piece, if any.
    let mut gap: Option<(usize, usize)> = None;
    // Length in skeleton chars of the current piece (between separators),
    // and of the piece before the last gap.
    let (mut piece, mut prev_piece) = (0usize, 0usize);
    for (i, (f, role)) in folded.iter().zip(roles).enumerate() {
        let Role::Letter(ch, mut flags) = role else {
            if !out.chars.is_empty() && gap.is_none() {
                gap = Some((f.start, f.end));
                prev_piece = piece;
                piece = 0;
            }
            continue;
        };
        let sk = if flags & LATIN != 0 { skeleton_letter(ch) } else { ch };
        if let Some(last) = out.chars.last_mut() {
            let last_sk = last.sk;
            let squeezable = flags & (MASKED | DIGIT) == 0 && !last.is(MASKED | DIGIT);
            // Across a gap, only spaced-out letters squeeze (`a s s`): the
            // two s of `is stupid` belong to different words, and so do the
            // two t of `i d i o t they` (a lone letter, then a word), unless
            // read as a stutter.
            let spaced = gap.is_none() || (prev_piece == 1 && (lone[i] || stutters));
            if squeezable && last_sk == sk && spaced {
                // `he1l`: a leet char in the run relaxes the exact-letter check.
                last.run += 1;
                last.end = f.end;
                last.flags |= flags & LEET;
                if gap.take().is_some() {
                    // The squeezed char starts this piece too.
                    piece = 1;
                    last.flags |= SPACED;
                }
                continue;
            }
            if squeezable && last_sk == sk {
                // Keep the two apart with a marker, so that normalising the
                // skeleton again does not squeeze them after all.
                let (start, end) = gap.unwrap_or((f.start, f.start));
                out.chars.push(NChar {
                    start,
                    end,
                    at: out.text.len(),
                    exact: WORD_GAP,
                    sk: WORD_GAP,
                    run: 1,
                    flags: 0,
                });
                out.text.push(WORD_GAP);
            }
        }
        if gap.take().is_some() {
            flags |= BREAK;
        }
        piece += 1;
        out.chars.push(NChar { start: f.start, end: f.end, at: out.text.len(), exact: ch, sk, run: 1, flags });
        out.text.push(sk);
    }
    out
}

/// The normaliser's invariants on one text, both ways of reading marks:
/// offsets ordered on char boundaries of the original (one original char may
/// give several skeleton chars, as ligatures do), and normalising twice
/// changes nothing. Shared by the property tests and the fuzz target.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn check_invariants(text: &str) {
    for masks in [Masks::Keep, Masks::Drop] {
        for read in [normalize, normalize_stutters] {
            let n = read(text, masks);
            let (mut start, mut end) = (0, 0);
            for c in &n.chars {
                assert!(c.start < c.end && c.start >= start && c.end >= end && c.end <= text.len());
                assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
                (start, end) = (c.start, c.end);
            }
            assert_eq!(read(&n.text, masks).text, n.text, "normalising twice changed {text:?}");
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sk(s: &str) -> String {
        normalize(s, Masks::Keep).text
    }

    #[test]
    fn folds_every_disguise_to_one_skeleton() {
        let cases: &[(&str, &str)] = &[
            ("Hello World", "heioworid"),
            ("ＦＵＣＫ", "fuck"),
            ("f u c k", "fuck"),
            ("f.u.c.k", "fuck"),
            ("fuuuuck", "fuck"),
            ("sh1t", "shit"),
            ("$hit", "shit"),
            ("5h17", "shit"),
            ("@ss", "as"),
            ("f*ck", "f*ck"),
            ("f**k", "f**k"),
            ("爱-买-不-买", "爱买不买"),
            ("愛買不買", "爱买不买"),
            ("爱 买 不 买", "爱买不买"),
            ("滚滚滚", "滚"),
            ("①②③", "123"),
            ("12315", "12315"),
            ("打12315投诉", "打12315投诉"),
            ("¥100", "100"),
            ("cafés", "cafes"),
            ("f\u{200b}u\u{200b}c\u{200b}k", "fuck"),
            ("he'll", "he'i"),
            ("is stupid", "is\u{1f}stupid"),
            ("a s s", "as"),
            ("a s ss", "as"),
            // A spaced-out letter and a word starting with it: two words.
            ("i d i o t they", "idiot\u{1f}they"),
            ("s m h he", "smh\u{1f}he"),
            ("РАУРАL", "paypai"),
            ("ⓕⓤⓒⓚ", "fuck"),
        ];
        for (input, want) in cases {
            assert_eq!(sk(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn runs_and_breaks_are_remembered() {
        let n = normalize("a s s", Masks::Keep);
        assert_eq!(n.text, "as");
        assert_eq!(n.chars[1].run, 2);
        assert_eq!((n.chars[1].start, n.chars[1].end), (2, 5));
        assert!(n.chars[1].is(BREAK));
        let n = normalize("good", Masks::Keep);
        assert_eq!(n.text, "god");
        assert_eq!(n.chars[1].run, 2);
        assert!(!n.chars[1].is(SPACED));
        // Spaced-out letters squeeze across gaps, and say so.
        let n = normalize("w i l l", Masks::Keep);
        assert_eq!(n.text, "wi");
        assert_eq!(n.chars[1].run, 3);
        assert!(n.chars[1].is(SPACED) && n.chars[1].is(BREAK));
    }

    /// Regression: the last of some spaced-out letters squeezed with the
    /// first letter of the next word (`t` + `they`), so the banned word no
    /// longer ended at a word boundary.
    #[test]
    fn a_spaced_letter_does_not_squeeze_into_the_next_word() {
        let n = normalize("i d i o t they", Masks::Keep);
        let t = n.chars.iter().position(|c| c.exact == 't').unwrap();
        assert_eq!((n.chars[t].start, n.chars[t].end, n.chars[t].run), (8, 9, 1));
        assert_eq!(n.chars[t + 1].sk, WORD_GAP);
        let n = normalize("t they", Masks::Keep);
        assert_eq!(normalize(&n.text, Masks::Keep).text, n.text);
        // Read as a stutter only when asked.
        for (text, plain, stutter) in [
            ("shut u-up", "shutu\u{1f}up", "shutup"),
            ("I love it", "i\u{1f}ioveit", "ioveit"),
            ("a add", "a\u{1f}ad", "ad"),
        ] {
            let n = normalize(text, Masks::Keep);
            assert_eq!((n.text.as_str(), n.has_stutters()), (plain, true), "{text:?}");
            assert_eq!(normalize_stutters(text, Masks::Keep).text, stutter, "{text:?}");
        }
        for text in ["is stupid", "a s s", "so stupid", "f u c k"] {
            assert!(!normalize(text, Masks::Keep).has_stutters(), "{text:?}");
        }
    }

    #[test]
    fn masks_read_as_separators_when_asked() {
        assert_eq!(normalize("f*u*c*k", Masks::Drop).text, "fuck");
        assert_eq!(normalize("f*ck", Masks::Drop).text, "fck");
        // A mark not between letters is a separator either way.
        assert_eq!(normalize("* note", Masks::Keep).text, "note");
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "您好，ＦＵＣＫ！";
        let n = normalize(text, Masks::Keep);
        for c in &n.chars {
            assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
        }
        let f = n.chars.iter().position(|c| c.exact == 'f').unwrap();
        assert_eq!(&text[n.chars[f].start..n.chars[f + 3].end], "ＦＵＣＫ");
    }

    /// Regression (found by the normalize fuzz target): ŉ decomposes to a
    /// modifier apostrophe, which must fold like a typed one.
    #[test]
    fn decomposed_apostrophes_fold_like_typed_ones() {
        for masks in [Masks::Keep, Masks::Drop] {
            let once = normalize("\u{149}@\u{6f8}", masks).text;
            assert_eq!(normalize(&once, masks).text, once);
        }
        assert_eq!(sk("don\u{2019}t"), sk("don't"));
    }

    #[test]
    fn no_panic_on_odd_input() {
        for s in ["", "\u{0}", "💩💩", "\u{10FFFF}", "ﷺ", "㈱", "ｶﾞ", "\u{301}\u{301}a", "*#_"] {
            let _ = normalize(s, Masks::Keep);
            let _ = normalize(s, Masks::Drop);
        }
    }

    pub(crate) mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Text made of the material disguises are made of.
        pub(crate) fn messy() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "a", "s", "h", "i", "t", "l", "1", "5", "$", "@", "*", "#", "_", "!", " ", ".", "-", "'", "F", "Ｕ",
                "ｃ", "爱", "買", "不", "买", "滚", "动", "①", "\u{200b}", "😀", "é", "Ѕ", "0", "12315", "\n",
            ]);
            prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
        }

        proptest! {
            /// Disguise material, where idempotence is hardest.
            #[test]
            fn invariants_hold_on_messy_text(s in messy()) {
                check_invariants(&s);
            }

            #[test]
            fn invariants_hold_on_any_text(s in any::<String>()) {
                check_invariants(&s);
            }
        }
    }
}
