//! Finds personal data in a chat message and masks it.
//!
//! The detector is a hand-written, single left-to-right pass. At each
//! position it tries the enabled kinds in a fixed priority order
//! (verification code, email, Chinese ID card, Taiwan ID card, Chinese
//! mobile, Taiwan mobile, bank card, landline, international phone), takes
//! the first match and skips past it, so hits never overlap and the result
//! is deterministic. A verification code is tried at its keyword (`验证码`,
//! `OTP`, `密码`, ...) but the hit is only the code after it; since the
//! keyword comes first, it beats any other reading of the code.
//!
//! Numbers are read through a tiny tokenizer (`tok`) that folds full-width
//! forms (`１`, `＋`, `（`, `－`, `＠`, ...) into their ASCII meaning while
//! every offset stays in the original bytes, so spans always fall on char
//! boundaries and the masks keep whatever characters the user typed.
//!
//! Everything a matcher reads is bounded (at most ~20 digits, or a keyword,
//! a short gap and 33 chars of password), and the email matcher caches the
//! run it last looked at, so a scan is linear in the input no matter how
//! long or odd it is. Messages without any digit or `@` return after one
//! quick pass over the bytes, or two when passwords are to be found (the
//! second looks for their keywords).

use serde::{Deserialize, Serialize};

/// A kind of personal data that `scan` can find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    CnMobile,
    CnLandline,
    IntlPhone,
    CnIdCard,
    BankCard,
    Email,
    TwMobile,
    TwIdCard,
    VerificationCode,
}

impl PiiKind {
    pub const ALL: [PiiKind; 9] = [
        PiiKind::CnMobile,
        PiiKind::CnLandline,
        PiiKind::IntlPhone,
        PiiKind::CnIdCard,
        PiiKind::BankCard,
        PiiKind::Email,
        PiiKind::TwMobile,
        PiiKind::TwIdCard,
        PiiKind::VerificationCode,
    ];

    /// The stable snake_case name, the same one serde uses.
    pub fn name(self) -> &'static str {
        match self {
            PiiKind::CnMobile => "cn_mobile",
            PiiKind::CnLandline => "cn_landline",
            PiiKind::IntlPhone => "intl_phone",
            PiiKind::CnIdCard => "cn_id_card",
            PiiKind::BankCard => "bank_card",
            PiiKind::Email => "email",
            PiiKind::TwMobile => "tw_mobile",
            PiiKind::TwIdCard => "tw_id_card",
            PiiKind::VerificationCode => "verification_code",
        }
    }

    pub fn from_name(s: &str) -> Option<PiiKind> {
        PiiKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// One piece of personal data found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiiHit {
    pub kind: PiiKind,
    /// Byte offset into the original text (a char boundary).
    pub start: usize,
    /// Exclusive byte offset (a char boundary).
    pub end: usize,
    /// Replacement for `text[start..end]`.
    pub masked: String,
}

/// Finds PII of the enabled kinds; hits sorted by start, non-overlapping.
pub fn scan(text: &str, kinds: &[PiiKind]) -> Vec<PiiHit> {
    let b = text.as_bytes();
    let mut on = KindSet::of(kinds);
    let (has_digit, has_at) = triggers(b);
    if !has_digit {
        // Without a digit only an email can match, or a password spelled
        // out after one of its keywords.
        on = if on.has(PiiKind::VerificationCode) && password_hint(b) {
            on.only(&[PiiKind::Email, PiiKind::VerificationCode])
        } else {
            on.only(&[PiiKind::Email])
        };
    }
    if !has_at {
        on = on.without(PiiKind::Email);
    }
    if on.is_empty() {
        return Vec::new();
    }
    Scanner::new(text, on).run()
}

/// Returns text with every hit replaced by its masked form.
///
/// Hits from `scan` are applied as they are. Hits from elsewhere may come in
/// any order; one that overlaps an earlier hit, is empty, or does not lie on
/// char boundaries of `text` is skipped rather than risking a panic.
pub fn mask(text: &str, hits: &[PiiHit]) -> String {
    if hits.windows(2).all(|w| w[0].start <= w[1].start) {
        apply(text, hits.iter())
    } else {
        let mut sorted: Vec<&PiiHit> = hits.iter().collect();
        sorted.sort_by_key(|h| (h.start, h.end));
        apply(text, sorted.into_iter())
    }
}

fn apply<'h>(text: &str, hits: impl Iterator<Item = &'h PiiHit>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for h in hits {
        if h.start < done || h.start >= h.end || text.get(h.start..h.end).is_none() {
            continue;
        }
        // Both ends were just checked to be char boundaries.
        out.push_str(&text[done..h.start]);
        out.push_str(&h.masked);
        done = h.end;
    }
    out.push_str(&text[done..]);
    out
}

/// Reports whether `b` holds any digit (ASCII or full-width) and any `@`
/// (ASCII or full-width). Without them no kind can match, and most chat
/// messages have neither, so this is the common case and worth keeping
/// fast: the loops are branch-free so that they vectorize.
fn triggers(b: &[u8]) -> (bool, bool) {
    const DIGIT: u8 = 1;
    const AT: u8 = 2;
    const LEAD: u8 = 4; // 0xEF, which starts every full-width form we read
    let mut seen = 0;
    for chunk in b.chunks(64) {
        for &c in chunk {
            seen |= flag(c.is_ascii_digit(), DIGIT) | flag(c == b'@', AT) | flag(c == 0xEF, LEAD);
        }
        if seen & (DIGIT | AT) == DIGIT | AT {
            break;
        }
    }
    // Chinese text is full of full-width punctuation (，！？), so the lead
    // byte alone proves little; look at the whole three-byte forms.
    if seen & LEAD != 0 && seen & (DIGIT | AT) != DIGIT | AT {
        for w in b.windows(3) {
            let fullwidth = (w[0] == 0xEF) & (w[1] == 0xBC);
            seen |= flag(fullwidth & (0x90..=0x99).contains(&w[2]), DIGIT) | flag(fullwidth & (w[2] == 0xA0), AT);
        }
    }
    (seen & DIGIT != 0, seen & AT != 0)
}

/// Whether `b` may hold a keyword that a password without digits can follow
/// (`密码`, `密碼`, `口令`, `password`, `passcode`): it looks for `密`, `口` and
/// `pas` in any case. Only a hint; the scanner checks the whole keyword.
///
/// Like `triggers` it runs on every message without digits, so it is
/// branch-free over fixed blocks that vectorize, and the last block is
/// padded with zeros (which match nothing) instead of being looped over a
/// byte at a time.
fn password_hint(b: &[u8]) -> bool {
    const LANES: usize = 32;
    #[inline(always)]
    fn any_in(w: &[u8; LANES + 2]) -> bool {
        let mut seen = 0;
        for i in 0..LANES {
            let (x, y, z) = (w[i], w[i + 1], w[i + 2]);
            let cjk = (x == 0xE5) & (((y == 0xAF) & (z == 0x86)) | ((y == 0x8F) & (z == 0xA3)));
            let pas = (x | 0x20 == b'p') & (y | 0x20 == b'a') & (z | 0x20 == b's');
            seen |= u8::from(cjk | pas);
        }
        seen != 0
    }
    let mut rest = b;
    while let Some((block, _)) = rest.split_first_chunk::<{ LANES + 2 }>() {
        if any_in(block) {
            return true;
        }
        rest = rest.get(LANES..).unwrap_or_default();
    }
    let mut last = [0; LANES + 2];
    // `rest` is shorter than a block here.
    last[..rest.len()].copy_from_slice(rest);
    any_in(&last)
}

/// `bit` if `cond` holds, else 0, without a branch.
#[inline(always)]
fn flag(cond: bool, bit: u8) -> u8 {
    u8::from(cond) * bit
}

/// A set of kinds, one bit per kind.
#[derive(Clone, Copy)]
struct KindSet(u16);

impl KindSet {
    fn of(kinds: &[PiiKind]) -> KindSet {
        KindSet(kinds.iter().fold(0, |bits, &k| bits | bit(k)))
    }

    fn has(self, kind: PiiKind) -> bool {
        self.0 & bit(kind) != 0
    }

    fn only(self, kinds: &[PiiKind]) -> KindSet {
        KindSet(self.0 & KindSet::of(kinds).0)
    }

    fn without(self, kind: PiiKind) -> KindSet {
        KindSet(self.0 & !bit(kind))
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }
}

fn bit(kind: PiiKind) -> u16 {
    1 << kind as u16
}

/// The number-shaped kinds, in the order they are tried at one position.
/// ID cards go before bank cards because a valid ID may also pass Luhn,
/// mobiles go before cards because `86` + mobile is 13 digits, and Taiwan
/// mobiles go before landlines and international numbers because
/// `0912 345 678` and `+886 912 345 678` are shaped like those too.
const NUMBER_ORDER: [PiiKind; 6] = [
    PiiKind::CnIdCard,
    PiiKind::CnMobile,
    PiiKind::TwMobile,
    PiiKind::BankCard,
    PiiKind::CnLandline,
    PiiKind::IntlPhone,
];

/// Start classes of bytes: `NUMBER` for bytes that can begin a number
/// (ASCII digits, `+`, `(`, and 0xEF, which leads every full-width form we
/// read), `LOCAL` for bytes of an email's local part, `LETTER` for bytes
/// that can begin a Taiwan ID (ASCII letters and 0xEF again), `KEYWORD` for
/// the first bytes of the verification-code keywords. All of them are ASCII
/// or lead bytes, so they always sit on char boundaries.
const NUMBER: u8 = 1;
const LOCAL: u8 = 2;
const LETTER: u8 = 4;
const KEYWORD: u8 = 8;

static START: [u8; 256] = {
    let mut table = [0; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_digit() || matches!(b, b'+' | b'(' | 0xEF) {
            table[c] |= NUMBER;
        }
        if is_local_byte(b) {
            table[c] |= LOCAL;
        }
        if b.is_ascii_alphabetic() || b == 0xEF {
            table[c] |= LETTER;
        }
        c += 1;
    }
    let mut k = 0;
    while k < KEYWORDS.len() {
        let first = KEYWORDS[k].0.as_bytes()[0];
        table[first as usize] |= KEYWORD;
        table[first.to_ascii_uppercase() as usize] |= KEYWORD;
        k += 1;
    }
    table
};

struct Scanner<'t> {
    text: &'t str,
    b: &'t [u8],
    on: KindSet,
    /// Which `START` classes can begin a hit of an enabled kind.
    wanted: u8,
    run: EmailRun,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str, on: KindSet) -> Scanner<'t> {
        Scanner {
            text,
            b: text.as_bytes(),
            on,
            wanted: [
                (NUMBER_ORDER.iter().any(|&k| on.has(k)), NUMBER),
                (on.has(PiiKind::Email), LOCAL),
                (on.has(PiiKind::TwIdCard), LETTER),
                (on.has(PiiKind::VerificationCode), KEYWORD),
            ]
            .into_iter()
            .fold(0, |wanted, (yes, class)| wanted | flag(yes, class)),
            run: EmailRun::default(),
        }
    }

    fn run(mut self) -> Vec<PiiHit> {
        let (b, wanted) = (self.b, self.wanted);
        let mut hits = Vec::new();
        let mut i = 0;
        while i < b.len() {
            // Stepping a byte at a time is fine: bytes of class 0 are
            // skipped, and that includes every UTF-8 continuation byte.
            let class = START[usize::from(b[i])] & wanted;
            if class == 0 {
                i += 1;
                continue;
            }
            match self.match_at(i, class) {
                Some(hit) => {
                    debug_assert!(hit.end > i);
                    i = hit.end;
                    hits.push(hit);
                }
                None => i += 1,
            }
        }
        hits
    }

    /// The first match of an enabled kind starting at `i`, in priority order.
    fn match_at(&mut self, i: usize, class: u8) -> Option<PiiHit> {
        if class & KEYWORD != 0 && may_start_keyword(self.b, i) {
            if let Some(hit) = self.verification_code(i) {
                return Some(hit);
            }
        }
        if class & LOCAL != 0 {
            if let Some(hit) = self.email(i) {
                return Some(hit);
            }
        }
        if class & LETTER != 0 && may_start_tw_id(self.b, i) {
            if let Some(hit) = self.tw_id_card(i) {
                return Some(hit);
            }
        }
        if class & NUMBER == 0
            || !matches!(tok(self.b, i).0, Tok::Digit(_) | Tok::Plus | Tok::LParen)
            // A number never starts inside a longer digit run.
            || digit_before(self.b, i)
        {
            return None;
        }
        self.number(i)
    }

    /// The first number-shaped match at `i`. Kept out of line, like the
    /// other big matchers, so that `match_at` stays cheap to call at each of
    /// the many positions where nothing starts.
    #[inline(never)]
    fn number(&self, i: usize) -> Option<PiiHit> {
        NUMBER_ORDER.into_iter().filter(|&k| self.on.has(k)).find_map(|k| match k {
            PiiKind::CnIdCard => self.id_card(i),
            PiiKind::CnMobile => self.mobile(i),
            PiiKind::TwMobile => self.tw_mobile(i),
            PiiKind::BankCard => self.bank_card(i),
            PiiKind::CnLandline => self.landline(i),
            PiiKind::IntlPhone => self.intl_phone(i),
            PiiKind::Email | PiiKind::TwIdCard | PiiKind::VerificationCode => None,
        })
    }

    fn cursor(&self, pos: usize) -> Cursor<'t> {
        Cursor { b: self.b, pos }
    }

    /// Builds a hit whose mask copies `text[start..body]` (a prefix such as
    /// `+86 ` or `(010)`) and masks the digits of `text[body..end]`.
    fn hit(&self, kind: PiiKind, start: usize, body: usize, end: usize, keep: Keep) -> PiiHit {
        let mut masked = String::with_capacity(end - start);
        masked.push_str(&self.text[start..body]);
        mask_digits(&self.text[body..end], keep, &mut masked);
        PiiHit { kind, start, end, masked }
    }

    // ----- verification_code -----

    /// A one-time code or password typed after its keyword: `验证码是123456`,
    /// `OTP: 4821`, `密码：abc123`, `password is hunter2`. The hit is only
    /// the secret, masked in full.
    #[inline(never)]
    fn verification_code(&self, start: usize) -> Option<PiiHit> {
        let (keyword_end, secret) = keyword_at(self.b, start)?;
        let (at, explicit) = secret_gap(self.b, keyword_end);
        let (end, chars) = match secret {
            Secret::Code => one_time_code(self.cursor(at))?,
            Secret::Password => password(self.b, at, true)?,
            // `password@example.com`, `password.txt`: a word, not a keyword.
            Secret::EnPassword if at == keyword_end => return None,
            Secret::EnPassword => password(self.b, at, explicit)?,
        };
        Some(PiiHit { kind: PiiKind::VerificationCode, start: at, end, masked: "*".repeat(chars) })
    }

    // ----- email -----

    fn email(&mut self, start: usize) -> Option<PiiHit> {
        if start >= self.run.end {
            self.run = EmailRun::starting_at(self.b, start);
        }
        let (at, end) = self.run.tail?;
        // The local part may not start with a dot; a later start in the
        // same run may still match (".john@x.com" masks "john@x.com").
        if self.b[start] == b'.' {
            return None;
        }
        let mut masked = String::with_capacity(4 + end - at);
        masked.push(char::from(self.b[start]));
        masked.push_str("***");
        masked.push_str(&self.text[at..end]);
        Some(PiiHit { kind: PiiKind::Email, start, end, masked })
    }

    // ----- cn_id_card -----

    /// 17 digits and a check char, unbroken or grouped 6-8-4
    /// (`110105 19491231 002X`), with a valid birth date and GB 11643 check.
    fn id_card(&self, start: usize) -> Option<PiiHit> {
        let mut cur = self.cursor(start);
        let mut d = [0u8; 17];
        let mut sep = None;
        for (n, slot) in d.iter_mut().enumerate() {
            if n == 6 || n == 14 {
                if let Some(s) = cur.sep_before_digit(is_space_or_dash) {
                    if *sep.get_or_insert(s) != s {
                        return None;
                    }
                }
            }
            *slot = cur.digit()?;
        }
        let check = match cur.digit() {
            Some(v) => v,
            None if cur.eat_ascii(|c| c == b'X' || c == b'x') => 10,
            None => return None,
        };
        // An `X` glued to letters is a word, not a check char; digits glued
        // on mean a longer number.
        if cur.at_digit() || self.b.get(cur.pos).is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        if d[0] == 0 || !valid_birth_date(&d[6..14]) || id_check_value(&d) != check {
            return None;
        }
        Some(self.hit(PiiKind::CnIdCard, start, start, cur.pos, Keep(3, 4)))
    }

    // ----- tw_id_card -----

    /// A Taiwan ID or resident certificate number: a letter in either case,
    /// `1` or `2` (`8` or `9` for residents), eight more digits and a valid
    /// check, not glued to other letters or digits: `A123456789`.
    #[inline(never)]
    fn tw_id_card(&self, start: usize) -> Option<PiiHit> {
        let (letter, width) = letter_at(self.b, start)?;
        if alnum_before(self.b, start) {
            return None;
        }
        let mut cur = self.cursor(start + width);
        let mut d = [0u8; 9];
        for slot in &mut d {
            *slot = cur.digit()?;
        }
        if cur.at_digit()
            || letter_at(self.b, cur.pos).is_some()
            || !matches!(d[0], 1 | 2 | 8 | 9)
            || !tw_id_valid(letter, &d)
        {
            return None;
        }
        Some(self.hit(PiiKind::TwIdCard, start, start + width, cur.pos, Keep(0, 3)))
    }

    // ----- cn_mobile -----

    fn mobile(&self, start: usize) -> Option<PiiHit> {
        use Tok::{Digit, LParen, Plus, RParen};
        // Longest first, so `0086` is not read as a bare `0`.
        const PREFIXES: [&[Tok]; 5] = [
            &[LParen, Plus, Digit(8), Digit(6), RParen],
            &[Plus, Digit(8), Digit(6)],
            &[Digit(0), Digit(0), Digit(8), Digit(6)],
            &[Digit(8), Digit(6)],
            &[],
        ];
        PREFIXES.iter().find_map(|prefix| {
            let mut cur = self.cursor(start);
            if !prefix.iter().all(|&t| cur.eat(t)) {
                return None;
            }
            if !prefix.is_empty() {
                cur.sep_before_digit(is_space_or_dash);
            }
            let body = cur.pos;
            let end = mobile_body(cur)?;
            Some(self.hit(PiiKind::CnMobile, start, body, end, Keep(3, 4)))
        })
    }

    // ----- tw_mobile -----

    /// `0912-345-678`, `0912 345 678`, `0912345678`, and with the country
    /// code in place of the leading 0: `+886 912 345 678`, `886912345678`.
    fn tw_mobile(&self, start: usize) -> Option<PiiHit> {
        use Tok::{Digit, LParen, Plus, RParen};
        // Longest first, so `00886` is not read as a bare `0`.
        const PREFIXES: [&[Tok]; 5] = [
            &[LParen, Plus, Digit(8), Digit(8), Digit(6), RParen],
            &[Plus, Digit(8), Digit(8), Digit(6)],
            &[Digit(0), Digit(0), Digit(8), Digit(8), Digit(6)],
            &[Digit(8), Digit(8), Digit(6)],
            &[],
        ];
        // Most numbers are ruled out by their first char.
        if !matches!(tok(self.b, start).0, Digit(0 | 8) | Plus | LParen) {
            return None;
        }
        PREFIXES.iter().find_map(|prefix| {
            let mut cur = self.cursor(start);
            if !prefix.iter().all(|&t| cur.eat(t)) {
                return None;
            }
            let national = prefix.is_empty();
            if !national {
                cur.sep_before_digit(is_space_or_dash);
            }
            let body = cur.pos;
            let end = tw_mobile_body(cur, national)?;
            // `0912` stays visible, or `912` after the country code.
            let keep = if national { Keep(4, 3) } else { Keep(3, 3) };
            Some(self.hit(PiiKind::TwMobile, start, body, end, keep))
        })
    }

    // ----- bank_card -----

    /// 13–19 digits passing Luhn, unbroken or in groups of at least three
    /// split by one kind of single separator. When the groups run on (a card
    /// followed by an amount, say), the longest valid group-boundary prefix
    /// wins.
    fn bank_card(&self, start: usize) -> Option<PiiHit> {
        const MIN_GROUP: usize = 3;
        let mut cur = self.cursor(start);
        let mut d = [0u8; 19];
        let mut n = 0;
        let mut sep = None;
        let mut best = None;
        loop {
            let group_start = n;
            while n < d.len() {
                match cur.digit() {
                    Some(v) => d[n] = v,
                    None => break,
                }
                n += 1;
            }
            if cur.at_digit() || n - group_start < MIN_GROUP {
                break; // the group is too long or too short to end a card
            }
            // No issuer number starts with 0; this also keeps runs of zeros
            // (which pass Luhn) from being masked as cards.
            if n >= 13 && d[0] != 0 && luhn_valid(&d[..n]) {
                best = Some(cur.pos);
            }
            match cur.sep_before_digit(is_space_or_dash) {
                Some(s) if *sep.get_or_insert(s) == s => {}
                _ => break,
            }
        }
        let end = best?;
        Some(self.hit(PiiKind::BankCard, start, start, end, Keep(4, 4)))
    }

    // ----- cn_landline -----

    /// `010-12345678`, `0755 8888 6666`, `(010)12345678`, `（0755）88886666`,
    /// the shorter area codes of Taiwan and elsewhere (`(02)2345-6789`,
    /// `07-123-4567`), and the `400-xxx-xxxx` / `800-xxx-xxxx` service
    /// numbers. An extension after the number (`-123`, `转123`) is left out
    /// of the hit.
    fn landline(&self, start: usize) -> Option<PiiHit> {
        let mut cur = self.cursor(start);
        if cur.eat(Tok::LParen) {
            area_code(&mut cur)?;
            if !cur.eat(Tok::RParen) {
                return None;
            }
            cur.sep_before_digit(is_space_or_dash);
        } else if let Some(hit) = self.service_number(start) {
            return Some(hit);
        } else {
            area_code(&mut cur)?;
            // A bare run starting with 0 is too ambiguous; demand the split.
            cur.sep_before_digit(is_space_or_dash)?;
        }
        // Real subscriber numbers start with 2-9, but people write
        // `010-12345678` too, and with the area code and split required,
        // letting a leading 1 through is safer than leaving it unmasked.
        // They run from 6 digits (some Taiwan areas) to 8.
        let body = cur.pos;
        if !matches!(cur.peek(), Tok::Digit(1..=9)) || !split_digits(&mut cur, 6, 8, &[3, 4]) {
            return None;
        }
        Some(self.hit(PiiKind::CnLandline, start, body, cur.pos, Keep(0, 4)))
    }

    fn service_number(&self, start: usize) -> Option<PiiHit> {
        let mut cur = self.cursor(start);
        let (d, n) = digit_run::<3>(&mut cur)?;
        if n != 3 || !matches!(d, [4 | 8, 0, 0]) {
            return None;
        }
        cur.sep_before_digit(is_space_or_dash)?;
        let body = cur.pos;
        if !split_digits(&mut cur, 7, 7, &[3]) {
            return None;
        }
        Some(self.hit(PiiKind::CnLandline, start, body, cur.pos, Keep(0, 4)))
    }

    // ----- intl_phone -----

    fn intl_phone(&self, start: usize) -> Option<PiiHit> {
        let mut cur = self.cursor(start);
        if cur.eat(Tok::Plus) {
            self.plus_number(start, cur)
        } else {
            self.north_american(start)
        }
    }

    /// `+` and 7–15 digits in groups split by single spaces, dashes or dots,
    /// with at most one parenthesised group: `+1 (415) 555-2671`,
    /// `+44 20 7946 0958`, `+852 9123 4567`.
    fn plus_number(&self, start: usize, mut cur: Cursor<'t>) -> Option<PiiHit> {
        const MAX: usize = 15;
        let cc_start = cur.pos;
        let mut lead = [0u8; 3];
        let mut total = 0;
        while total < MAX {
            match cur.digit() {
                Some(v) if total < lead.len() => lead[total] = v,
                Some(_) => {}
                None => break,
            }
            total += 1;
        }
        if total == 0 || cur.at_digit() {
            return None;
        }
        // When the user ran the country code into the number, the E.164
        // table says where it ends.
        let cc_len = country_code_len(&lead[..total.min(lead.len())]).min(total);
        let mut best = None;
        let mut paren_used = false;
        loop {
            if total >= 7 && total - cc_len >= 6 {
                best = Some(cur.pos);
            }
            let mut next = cur;
            next.eat_if(|t| matches!(t, Tok::Space | Tok::Dash | Tok::Dot));
            let paren = !paren_used && next.eat(Tok::LParen);
            let before = total;
            while total < MAX && next.digit().is_some() {
                total += 1;
            }
            if total == before || next.at_digit() || (paren && !next.eat(Tok::RParen)) {
                break;
            }
            paren_used |= paren;
            cur = next;
        }
        let end = best?;
        let mut body = self.cursor(cc_start);
        for _ in 0..cc_len {
            body.digit();
        }
        Some(self.hit(PiiKind::IntlPhone, start, body.pos, end, Keep(0, 4)))
    }

    /// North-American 3-3-4 numbers without `+`: `(415) 555-2671`,
    /// `415-555-2671`, `415.555.2671`. A bare 10-digit run is not enough.
    fn north_american(&self, start: usize) -> Option<PiiHit> {
        let mut cur = self.cursor(start);
        let paren = cur.eat(Tok::LParen);
        nanp_group(&mut cur)?; // area code
        let sep = if paren {
            if !cur.eat(Tok::RParen) {
                return None;
            }
            cur.eat(Tok::Space);
            None
        } else {
            Some(cur.eat_if(is_nanp_sep)?)
        };
        nanp_group(&mut cur)?; // exchange
        match sep {
            Some(s) if !cur.eat(s) => return None,
            Some(_) => {}
            None => {
                cur.eat_if(is_nanp_sep);
            }
        }
        let (_, n) = digit_run::<4>(&mut cur)?;
        if n != 4 {
            return None;
        }
        Some(self.hit(PiiKind::IntlPhone, start, start, cur.pos, Keep(0, 4)))
    }
}

// ----- number shapes -----

/// Reads a mobile number's 11 digits, `1[3-9]` first, allowing one space or
/// dash after the 3rd and after the 7th digit (`138 0013 8000`,
/// `1380013-8000`). Returns the end, which must not touch another digit.
fn mobile_body(mut cur: Cursor<'_>) -> Option<usize> {
    for n in 0..11 {
        if n == 3 || n == 7 {
            cur.sep_before_digit(is_space_or_dash);
        }
        let d = cur.digit()?;
        if (n == 0 && d != 1) || (n == 1 && d < 3) {
            return None;
        }
    }
    (!cur.at_digit()).then_some(cur.pos)
}

/// An area code: `0`, then 1–3 more digits, the first of them not 0 (`00`
/// starts an international call). China uses 2–3, Taiwan 1–3 (`02`, `037`,
/// `0826`).
fn area_code(cur: &mut Cursor<'_>) -> Option<()> {
    let (d, n) = digit_run::<4>(cur)?;
    (n >= 2 && d[0] == 0 && d[1] != 0).then_some(())
}

/// Reads a Taiwan mobile number, `09` and 8 digits, without the `0` when it
/// follows the country code, allowing one space or dash after `09xx` and
/// after the three digits that follow (`0912-345-678`). Returns the end,
/// which must not touch another digit.
fn tw_mobile_body(mut cur: Cursor<'_>, national: bool) -> Option<usize> {
    if national && cur.digit()? != 0 {
        return None;
    }
    // `n` counts digits as in the national form, where the `0` is number 0.
    for n in 1..10 {
        if n == 4 || n == 7 {
            cur.sep_before_digit(is_space_or_dash);
        }
        let d = cur.digit()?;
        if n == 1 && d != 9 {
            return None;
        }
    }
    (!cur.at_digit()).then_some(cur.pos)
}

/// A three-digit NANP area code or exchange; neither starts with 0 or 1.
fn nanp_group(cur: &mut Cursor<'_>) -> Option<()> {
    let (d, n) = digit_run::<3>(cur)?;
    (n == 3 && d[0] >= 2).then_some(())
}

/// Reads a whole digit run of at most `N` digits, returning the digits and
/// their count. Fails on an empty run or one longer than `N`.
fn digit_run<const N: usize>(cur: &mut Cursor<'_>) -> Option<([u8; N], usize)> {
    let mut d = [0u8; N];
    let mut n = 0;
    while let Some(v) = cur.peek_digit() {
        if n == N {
            return None;
        }
        d[n] = v;
        n += 1;
        cur.bump();
    }
    (n > 0).then_some((d, n))
}

/// Reads `min..=max` digits that may be split once by a space or dash right
/// after `splits` digits (`8888 6666`). The digits must end there.
fn split_digits(cur: &mut Cursor<'_>, min: usize, max: usize, splits: &[usize]) -> bool {
    let mut n = 0;
    let mut split = false;
    loop {
        if cur.digit().is_some() {
            n += 1;
            if n > max {
                return false;
            }
        } else if !split && splits.contains(&n) && cur.sep_before_digit(is_space_or_dash).is_some() {
            split = true;
        } else {
            return n >= min;
        }
    }
}

/// Length of the E.164 country code that begins with `lead`. Country codes
/// are prefix-free, so the first two digits decide: these are the one- and
/// two-digit codes, everything else takes three.
fn country_code_len(lead: &[u8]) -> usize {
    match lead {
        [1 | 7, ..] => 1,
        [2, 0 | 7, ..]
        | [3, 0..=4 | 6 | 9, ..]
        | [4, 0 | 1 | 3..=9, ..]
        | [5, 1..=8, ..]
        | [6, 0..=6, ..]
        | [8, 1 | 2 | 4 | 6, ..]
        | [9, 0..=5 | 8, ..] => 2,
        _ => 3,
    }
}

fn is_space_or_dash(t: Tok) -> bool {
    matches!(t, Tok::Space | Tok::Dash)
}

fn is_nanp_sep(t: Tok) -> bool {
    matches!(t, Tok::Space | Tok::Dash | Tok::Dot)
}

// ----- checksums -----

fn luhn_valid(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| {
            let v = u32::from(v);
            match (i % 2 == 1, v * 2) {
                (false, _) => v,
                (true, x) if x > 9 => x - 9,
                (true, x) => x,
            }
        })
        .sum();
    sum % 10 == 0
}

/// The GB 11643 check value (10 stands for `X`) of an ID's first 17 digits.
fn id_check_value(d: &[u8; 17]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2];
    let sum: u32 = d.iter().zip(WEIGHTS).map(|(&v, w)| u32::from(v) * w).sum();
    CHECK[(sum % 11) as usize]
}

/// Whether a Taiwan ID passes its check: the letter's two-digit code counts
/// its tens once and its units nine times, the nine digits after the letter
/// count 8, 7, 6, 5, 4, 3, 2, 1 and 1 times, and the sum must end in 0.
/// `letter` is 0 for A to 25 for Z.
fn tw_id_valid(letter: u8, d: &[u8; 9]) -> bool {
    // A..=Z in order; I, O, W and Z do not follow the alphabet.
    const CODES: [u32; 26] =
        [10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33];
    const WEIGHTS: [u32; 9] = [8, 7, 6, 5, 4, 3, 2, 1, 1];
    let Some(&code) = CODES.get(usize::from(letter)) else {
        return false;
    };
    let digits: u32 = d.iter().zip(WEIGHTS).map(|(&v, w)| u32::from(v) * w).sum();
    (code / 10 + code % 10 * 9 + digits) % 10 == 0
}

/// Whether eight digits `YYYYMMDD` are a real date in 1900–2100.
fn valid_birth_date(d: &[u8]) -> bool {
    let num = |s: &[u8]| s.iter().fold(0u32, |acc, &v| acc * 10 + u32::from(v));
    let (year, month, day) = (num(&d[0..4]), num(&d[4..6]), num(&d[6..8]));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&year) && (1..=days).contains(&day)
}

// ----- verification codes -----

/// What a verification-code keyword is followed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secret {
    /// A one-time code: 4–8 digits.
    Code,
    /// A password: 4–32 chars, see `password`.
    Password,
    /// A password after an English keyword. English says "the password is
    /// wrong" about as often as it gives one, so here a plain word counts
    /// only after an explicit `:` or `=`; otherwise it needs a digit or a
    /// symbol. And the keyword must be set off from it by the gap.
    EnPassword,
}

/// The keywords. Latin ones match in any case and as whole words. None is
/// a prefix of another, so the order does not matter.
const KEYWORDS: [(&str, Secret); 19] = [
    ("验证码", Secret::Code),
    ("驗證碼", Secret::Code),
    ("校验码", Secret::Code),
    ("校驗碼", Secret::Code),
    ("动态密码", Secret::Code),
    ("動態密碼", Secret::Code),
    ("动态码", Secret::Code),
    ("動態碼", Secret::Code),
    ("短信码", Secret::Code),
    ("短信碼", Secret::Code),
    ("密码", Secret::Password),
    ("密碼", Secret::Password),
    ("口令", Secret::Password),
    ("verification code", Secret::Code),
    ("passcode", Secret::EnPassword),
    ("password", Secret::EnPassword),
    ("code", Secret::Code),
    ("otp", Secret::Code),
    ("pin", Secret::Code),
];

/// For the lead bytes 0xE0..=0xEF of three-byte chars, the second bytes
/// (as bits, 0x80 being bit 0) with which a keyword starts. Chinese text is
/// mostly such chars, so `START` alone would send nearly every char to
/// `keyword_at`.
static KEYWORD_SECOND: [u64; 16] = {
    let mut table = [0; 16];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let w = KEYWORDS[k].0.as_bytes();
        if w[0] >= 0xE0 && w[0] <= 0xEF {
            table[(w[0] - 0xE0) as usize] |= 1 << (w[1] & 0x3F);
        }
        k += 1;
    }
    table
};

/// A quick check, before `keyword_at`, of a byte whose `START` class says a
/// keyword may begin there.
#[inline]
fn may_start_keyword(b: &[u8], i: usize) -> bool {
    match b.get(i..) {
        Some([c, ..]) if c.is_ascii() => true,
        Some([c @ 0xE0..=0xEF, next, ..]) => KEYWORD_SECOND[usize::from(c - 0xE0)] >> (next & 0x3F) & 1 != 0,
        _ => false,
    }
}

/// The keyword starting at byte `i`, if any: where it ends and what it
/// guards. A `码`/`碼` right after a Latin keyword belongs to it (`PIN码`).
fn keyword_at(b: &[u8], i: usize) -> Option<(usize, Secret)> {
    let rest = b.get(i..)?;
    let latin = rest.first()?.is_ascii();
    // Not `barcode`, `spin`, `codes` or `pinyin`.
    if latin && alnum_before(b, i) {
        return None;
    }
    // Keywords are lower case; the text may not be.
    let first = rest.first()?.to_ascii_lowercase();
    let &(word, secret) = KEYWORDS.iter().find(|(word, _)| {
        word.as_bytes().first() == Some(&first)
            && word.len() <= rest.len()
            && word.bytes().zip(rest).all(|(w, &c)| w == c.to_ascii_lowercase())
    })?;
    let mut end = i + word.len();
    if latin {
        if b.get(end).is_some_and(u8::is_ascii_alphabetic) || (word == "code" && public_code(&b[..i])) {
            return None;
        }
        if matches!(b.get(end..end + 3), Some([0xE7, 0xA0, 0x81] | [0xE7, 0xA2, 0xBC])) {
            end += 3;
        }
    }
    Some((end, secret))
}

/// Whether the text before `code` names a code that is no secret:
/// `zip code 94105`, `error code 500123`.
fn public_code(before: &[u8]) -> bool {
    const WORDS: [&str; 7] = ["zip", "postal", "post", "area", "country", "error", "status"];
    let before = before.strip_suffix(b" ").unwrap_or(before);
    WORDS.iter().any(|word| {
        let Some(at) = before.len().checked_sub(word.len()) else {
            return false;
        };
        before[at..].eq_ignore_ascii_case(word.as_bytes()) && !alnum_before(before, at)
    })
}

/// Skips what may stand between a keyword and its secret: at most six chars
/// of spaces, `:`, `=`, `is`, `是`, `为` and `為` (with full-width `：`, `＝`
/// and the ideographic space). Returns where the secret would start and
/// whether the gap holds an explicit separator, anything but spaces and
/// `is`.
fn secret_gap(b: &[u8], mut i: usize) -> (usize, bool) {
    const MAX_CHARS: usize = 6;
    let mut chars = 0;
    let mut explicit = false;
    loop {
        let (width, n, sep) = match b.get(i..).unwrap_or_default() {
            [b' ' | b'\t', ..] => (1, 1, false),
            [0xE3, 0x80, 0x80, ..] => (3, 1, false), // U+3000
            [b'i' | b'I', b's' | b'S', after @ ..] if !after.first().is_some_and(u8::is_ascii_alphanumeric) => {
                (2, 2, false)
            }
            [b':' | b'=', ..] => (1, 1, true),
            [0xEF, 0xBC, 0x9A | 0x9D, ..] => (3, 1, true), // ：＝
            [0xE6, 0x98, 0xAF, ..] | [0xE4, 0xB8, 0xBA, ..] | [0xE7, 0x82, 0xBA, ..] => {
                (3, 1, true) // 是为為
            }
            _ => break,
        };
        if chars + n > MAX_CHARS {
            break;
        }
        chars += n;
        i += width;
        explicit |= sep;
    }
    (i, explicit)
}

/// A one-time code: 4–8 digits, not touching another digit, nor running on
/// into more digits after a dash or dot (`2023-10-01` is a date). Returns
/// its end and its length in chars.
fn one_time_code(mut cur: Cursor<'_>) -> Option<(usize, usize)> {
    let mut n = 0;
    while cur.digit().is_some() {
        n += 1;
        if n > 8 {
            return None;
        }
    }
    let mut next = cur;
    if next.eat_if(|t| matches!(t, Tok::Dash | Tok::Dot)).is_some() && next.at_digit() {
        return None;
    }
    (n >= 4).then_some((cur.pos, n))
}

/// A password: 4–32 visible ASCII chars or full-width letters and digits,
/// ending at a space, Chinese text or anything else; a longer run is
/// something else. Unless `any_word`, it must hold a digit or a symbol.
/// Returns its end and its length in chars.
fn password(b: &[u8], mut i: usize, any_word: bool) -> Option<(usize, usize)> {
    const MAX_CHARS: usize = 32;
    // `重置密码：https://...` gives a link, not a password.
    let link = ["http://", "https://", "www."]
        .iter()
        .any(|p| b.get(i..i + p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p.as_bytes())));
    if link {
        return None;
    }
    let mut chars = 0;
    let mut telling = any_word;
    while let Some((width, tells)) = password_char(b, i) {
        chars += 1;
        if chars > MAX_CHARS {
            return None;
        }
        telling |= tells;
        i += width;
    }
    (chars >= 4 && telling).then_some((i, chars))
}

/// The width of the password char at byte `i`, and whether it tells a
/// password from a word: a digit, or a symbol other than the punctuation
/// that ends or joins words.
fn password_char(b: &[u8], i: usize) -> Option<(usize, bool)> {
    match b.get(i..)? {
        [c @ 0x21..=0x7E, ..] => {
            let symbol = c.is_ascii_punctuation() && !b"'\".,!?;:()-".contains(c);
            Some((1, c.is_ascii_digit() || symbol))
        }
        [0xEF, 0xBC, 0x90..=0x99, ..] => Some((3, true)),
        [0xEF, 0xBC, 0xA1..=0xBA, ..] | [0xEF, 0xBD, 0x81..=0x9A, ..] => Some((3, false)),
        _ => None,
    }
}

/// The letter at byte `i`, ASCII or full-width, as 0 for A to 25 for Z,
/// and its width.
fn letter_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i..)? {
        [c @ b'A'..=b'Z', ..] => Some((c - b'A', 1)),
        [c @ b'a'..=b'z', ..] => Some((c - b'a', 1)),
        [0xEF, 0xBC, c @ 0xA1..=0xBA, ..] => Some((c - 0xA1, 3)),
        [0xEF, 0xBD, c @ 0x81..=0x9A, ..] => Some((c - 0x81, 3)),
        _ => None,
    }
}

// ----- email -----

const fn is_local_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The run of local-part bytes the email matcher last looked at. Every
/// start inside one run shares its end, and so the `@` and domain after it;
/// caching that keeps the scan linear over runs like 100k digits.
#[derive(Default)]
struct EmailRun {
    end: usize,
    /// Where the `@` is and where the email ends, if the run is followed by
    /// `@` and a valid domain.
    tail: Option<(usize, usize)>,
}

impl EmailRun {
    /// `b[start]` must be a local-part byte.
    fn starting_at(b: &[u8], start: usize) -> EmailRun {
        let end = start + b[start..].iter().take_while(|&&c| is_local_byte(c)).count();
        let tail = match tok(b, end) {
            // The local part may not end with a dot.
            (Tok::At, width) if b[end - 1] != b'.' => domain_end(b, end + width).map(|e| (end, e)),
            _ => None,
        };
        EmailRun { end, tail }
    }
}

/// The end of the longest valid domain starting at `i`: two or more labels
/// of letters, digits and inner hyphens, separated by dots, the last one all
/// letters and at least two long.
fn domain_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut labels = 0;
    let mut best = None;
    loop {
        let start = i;
        while b.get(i).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-') {
            i += 1;
        }
        // A trailing hyphen belongs to the text after the domain.
        let mut end = i;
        while end > start && b[end - 1] == b'-' {
            end -= 1;
        }
        let label = &b[start..end];
        if label.first().is_none_or(|&c| c == b'-') {
            return best;
        }
        labels += 1;
        if labels >= 2 && label.len() >= 2 && label.iter().all(u8::is_ascii_alphabetic) {
            best = Some(end);
        }
        let more = end == i && b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
        if !more {
            return best;
        }
        i += 1;
    }
}

// ----- masking -----

/// How many digits to keep visible at the front and at the back.
#[derive(Clone, Copy)]
struct Keep(usize, usize);

/// Appends `span` to `out` with every digit outside the kept ones turned
/// into `*`. Separators stay, and each char maps to one char, so the mask
/// has as many chars as the span.
fn mask_digits(span: &str, Keep(front, back): Keep, out: &mut String) {
    // `X` only ever shows up here as an ID's check digit.
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == 'X' || c == 'x';
    let total = span.chars().filter(|&c| is_digit(c)).count();
    let mut n = 0;
    for c in span.chars() {
        if !is_digit(c) {
            out.push(c);
            continue;
        }
        let keep = n < front || n + back >= total;
        out.push(if keep { c } else { '*' });
        n += 1;
    }
}

// ----- tokens -----

/// What a char means to the number matchers. Full-width forms get the same
/// token as their ASCII twins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Digit(u8),
    Space,
    Dash,
    Dot,
    Plus,
    LParen,
    RParen,
    At,
    /// Anything else, including the end of the text. Its width is reported
    /// as 0 because no matcher steps over it.
    Other,
}

/// The token at byte `i` (a char boundary) and its width in bytes.
#[inline]
fn tok(b: &[u8], i: usize) -> (Tok, usize) {
    let Some(&c) = b.get(i) else {
        return (Tok::Other, 0);
    };
    let t = match c {
        b'0'..=b'9' => Tok::Digit(c - b'0'),
        b' ' => Tok::Space,
        b'-' => Tok::Dash,
        b'.' => Tok::Dot,
        b'+' => Tok::Plus,
        b'(' => Tok::LParen,
        b')' => Tok::RParen,
        b'@' => Tok::At,
        // U+FF08..=U+FF20 all encode as EF BC xx.
        0xEF if b.get(i + 1) == Some(&0xBC) => return fullwidth_tok(b.get(i + 2).copied()),
        _ => return (Tok::Other, 0),
    };
    (t, 1)
}

fn fullwidth_tok(third: Option<u8>) -> (Tok, usize) {
    let t = match third {
        Some(c @ 0x90..=0x99) => Tok::Digit(c - 0x90), // ０..９
        Some(0x88) => Tok::LParen,                     // （
        Some(0x89) => Tok::RParen,                     // ）
        Some(0x8B) => Tok::Plus,                       // ＋
        Some(0x8D) => Tok::Dash,                       // －
        Some(0x8E) => Tok::Dot,                        // ．
        Some(0xA0) => Tok::At,                         // ＠
        _ => return (Tok::Other, 0),
    };
    (t, 3)
}

/// Whether the char ending right before byte `i` (a char boundary) is a
/// digit. A full-width digit is EF BC 9x; since `i` is a boundary and EF
/// always leads a three-byte char, matching those three bytes is enough.
fn digit_before(b: &[u8], i: usize) -> bool {
    let before = &b[..i];
    match before {
        [.., c] if c.is_ascii_digit() => true,
        [.., 0xEF, 0xBC, 0x90..=0x99] => true,
        _ => false,
    }
}

/// A quick check, before `tw_id_card`, that a letter starts at byte `i`, a
/// word starts there too, and a digit follows. Most letters sit inside
/// words.
#[inline]
fn may_start_tw_id(b: &[u8], i: usize) -> bool {
    letter_at(b, i).is_some_and(|(_, width)| !alnum_before(b, i) && matches!(tok(b, i + width).0, Tok::Digit(_)))
}

/// Whether the char ending right before byte `i` (a char boundary) is a
/// letter or digit, ASCII or full-width.
fn alnum_before(b: &[u8], i: usize) -> bool {
    match &b[..i] {
        [.., c] if c.is_ascii_alphanumeric() => true,
        [.., 0xEF, 0xBC, 0x90..=0x99 | 0xA1..=0xBA] | [.., 0xEF, 0xBD, 0x81..=0x9A] => true,
        _ => false,
    }
}

/// A read position for the number matchers. It is `Copy` so a matcher can
/// try a branch on a copy and keep it only if it works out.
#[derive(Clone, Copy)]
struct Cursor<'b> {
    b: &'b [u8],
    pos: usize,
}

impl Cursor<'_> {
    #[inline]
    fn peek(&self) -> Tok {
        tok(self.b, self.pos).0
    }

    #[inline]
    fn peek_digit(&self) -> Option<u8> {
        match self.peek() {
            Tok::Digit(v) => Some(v),
            _ => None,
        }
    }

    #[inline]
    fn at_digit(&self) -> bool {
        self.peek_digit().is_some()
    }

    #[inline]
    fn bump(&mut self) {
        self.pos += tok(self.b, self.pos).1;
    }

    /// Consumes the next token if it is `want`.
    #[inline]
    fn eat(&mut self, want: Tok) -> bool {
        self.eat_if(|t| t == want).is_some()
    }

    /// Consumes the next token if `pred` accepts it.
    #[inline]
    fn eat_if(&mut self, pred: impl Fn(Tok) -> bool) -> Option<Tok> {
        let (t, width) = tok(self.b, self.pos);
        if width == 0 || !pred(t) {
            return None;
        }
        self.pos += width;
        Some(t)
    }

    /// Consumes one ASCII char if `pred` accepts it.
    #[inline]
    fn eat_ascii(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        let ok = self.b.get(self.pos).is_some_and(|&c| c.is_ascii() && pred(c));
        self.pos += usize::from(ok);
        ok
    }

    #[inline]
    fn digit(&mut self) -> Option<u8> {
        let v = self.peek_digit()?;
        self.bump();
        Some(v)
    }

    /// Consumes one separator accepted by `is_sep`, but only when a digit
    /// follows: a separator belongs to a number only if the number goes on.
    #[inline]
    fn sep_before_digit(&mut self, is_sep: fn(Tok) -> bool) -> Option<Tok> {
        let mut next = *self;
        let t = next.eat_if(is_sep)?;
        if !next.at_digit() {
            return None;
        }
        *self = next;
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PiiKind::*;

    // ----- helpers: independent of the code under test -----

    /// Digits of `s` with full-width digits folded to ASCII; `X` kept.
    fn ascii_digits(s: &str) -> String {
        s.chars()
            .filter_map(|c| match c {
                '0'..='9' | 'X' | 'x' => Some(c),
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                _ => None,
            })
            .collect()
    }

    fn luhn_sum(digits: &str, double_last: bool) -> u32 {
        digits
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let v = u32::from(c - b'0');
                if (i % 2 == 0) == double_last {
                    let x = v * 2;
                    x / 10 + x % 10
                } else {
                    v
                }
            })
            .sum()
    }

    fn passes_luhn(number: &str) -> bool {
        luhn_sum(&ascii_digits(number), false) % 10 == 0
    }

    /// `prefix` plus the Luhn check digit that makes it valid.
    fn with_luhn(prefix: &str) -> String {
        let check = (10 - luhn_sum(prefix, true) % 10) % 10;
        format!("{prefix}{check}")
    }

    /// `first17` plus its GB 11643 check char.
    fn with_id_check(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17.bytes().zip(weights).map(|(c, w)| u32::from(c - b'0') * w).sum();
        let check = b"10X98765432"[(sum % 11) as usize];
        format!("{first17}{}", char::from(check))
    }

    /// `first9` (a letter and eight digits) plus the check digit that makes
    /// it a valid Taiwan ID. The letters in the order of their codes, 10 to
    /// 35, are the well-known `ABCDEFGHJKLMNPQRSTUVXYWZIO`.
    fn with_tw_check(first9: &str) -> String {
        let letter = first9.chars().next().unwrap().to_ascii_uppercase();
        let code = "ABCDEFGHJKLMNPQRSTUVXYWZIO".find(letter).unwrap() as u32 + 10;
        let digits: u32 = first9[1..].bytes().zip([8, 7, 6, 5, 4, 3, 2, 1]).map(|(c, w)| u32::from(c - b'0') * w).sum();
        let check = (10 - (code / 10 + code % 10 * 9 + digits) % 10) % 10;
        format!("{first9}{check}")
    }

    fn fullwidth(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                '-' => '－',
                '(' => '（',
                ')' => '）',
                '+' => '＋',
                _ => c,
            })
            .collect()
    }

    fn swap_last(s: &str, c: char) -> String {
        let mut out = s.to_string();
        out.pop();
        out.push(c);
        out
    }

    #[test]
    fn helpers_agree_with_published_examples() {
        // The GB 11643 standard's own example, and classic Luhn vectors.
        assert_eq!(with_id_check("11010519491231002"), "11010519491231002X");
        assert!(passes_luhn("79927398713"));
        assert!(passes_luhn("4111111111111111"));
        assert_eq!(with_luhn("7992739871"), "79927398713");
        assert!(!passes_luhn("4111111111111112"));
        // The example every Taiwan ID validator quotes.
        assert_eq!(with_tw_check("A12345678"), "A123456789");
    }

    // ----- the table -----

    struct Case {
        text: String,
        want: Vec<(PiiKind, String, String)>,
    }

    fn case(text: impl Into<String>, want: &[(PiiKind, &str, &str)]) -> Case {
        let want = want.iter().map(|&(k, o, m)| (k, o.to_string(), m.to_string())).collect();
        Case { text: text.into(), want }
    }

    fn none(text: impl Into<String>) -> Case {
        case(text, &[])
    }

    #[rustfmt::skip]
    fn cases() -> Vec<Case> {
        let id = with_id_check("11010519491231002"); // ...002X
        let id2 = with_id_check("44030420000229123"); // leap day
        let id3 = with_id_check("32010219851123456");
        let card19 = with_luhn("622202123456789012");
        let card16 = "4111111111111111";
        let amex = with_luhn("37828224631000");
        let g = |s: &str, sizes: &[usize], sep: &str| {
            let mut parts = Vec::new();
            let mut at = 0;
            for &n in sizes {
                parts.push(&s[at..at + n]);
                at += n;
            }
            parts.join(sep)
        };
        let card19_sp = g(&card19, &[4, 4, 4, 4, 3], " ");
        let card16_dash = g(card16, &[4, 4, 4, 4], "-");
        let id_grouped = g(&id, &[6, 8, 4], " ");
        let m_id = |s: &str| format!("{}***********{}", &s[..3], &s[14..]);
        let m_card19 = format!("6222***********{}", &card19[15..]);
        let fw_id = fullwidth(&id3);
        let fw_card = fullwidth(&card19);
        let m_tw = |s: &str| format!("{}******{}", &s[..1], &s[7..]);
        let tw_f = with_tw_check("F22654321");
        let tw_res8 = with_tw_check("A80000001"); // resident certificate
        let tw_res9 = with_tw_check("z91234567");
        // I, O, W and Z have codes out of alphabetical order.
        let tw_odd: Vec<String> =
            ["I10000000", "O23456781", "W12121212", "Z29876543"].map(with_tw_check).to_vec();

        let mut v = vec![
            // cn_mobile
            case("13800138000", &[(CnMobile, "13800138000", "138****8000")]),
            case("138 0013 8000", &[(CnMobile, "138 0013 8000", "138 **** 8000")]),
            case("138-0013-8000", &[(CnMobile, "138-0013-8000", "138-****-8000")]),
            case("1380013 8000", &[(CnMobile, "1380013 8000", "138**** 8000")]),
            case("+86 138-0013-8000", &[(CnMobile, "+86 138-0013-8000", "+86 138-****-8000")]),
            case("+8613800138000", &[(CnMobile, "+8613800138000", "+86138****8000")]),
            case("+86-13800138000", &[(CnMobile, "+86-13800138000", "+86-138****8000")]),
            case("8613912345678", &[(CnMobile, "8613912345678", "86139****5678")]),
            case("0086 15912345678", &[(CnMobile, "0086 15912345678", "0086 159****5678")]),
            case("(+86)13800138000", &[(CnMobile, "(+86)13800138000", "(+86)138****8000")]),
            case("（+86）13800138000", &[(CnMobile, "（+86）13800138000", "（+86）138****8000")]),
            case("１３８００１３８０００", &[(CnMobile, "１３８００１３８０００", "１３８****８０００")]),
            case("电话13800138000谢谢", &[(CnMobile, "13800138000", "138****8000")]),
            case("call me at 13800138000, thanks", &[(CnMobile, "13800138000", "138****8000")]),
            case("😀13800138000😀", &[(CnMobile, "13800138000", "138****8000")]),
            case("手机：199 8888 6666。", &[(CnMobile, "199 8888 6666", "199 **** 6666")]),
            none("813800138000"),        // 12-digit run containing a mobile
            none("138001380001"),        // mobile followed by a digit
            none("12800138000"),         // 12x is not a mobile prefix
            none("138 00138 000"),       // not a way people group mobiles
            none("13800１38000２"),      // full-width digit counts for the boundary
            // cn_landline
            case("010-12345678", &[(CnLandline, "010-12345678", "010-****5678")]),
            case("0755 8888 6666", &[(CnLandline, "0755 8888 6666", "0755 **** 6666")]),
            case("(010)12345678", &[(CnLandline, "(010)12345678", "(010)****5678")]),
            case("（0755）88886666", &[(CnLandline, "（0755）88886666", "（0755）****6666")]),
            case("总机 021-6234567 转 8", &[(CnLandline, "021-6234567", "021-***4567")]),
            case("010-12345678-123", &[(CnLandline, "010-12345678", "010-****5678")]),
            case("0571-88886666转123", &[(CnLandline, "0571-88886666", "0571-****6666")]),
            case("客服400-800-1234", &[(CnLandline, "400-800-1234", "400-***-1234")]),
            case("800 820 8820", &[(CnLandline, "800 820 8820", "800 *** 8820")]),
            case("０１０－１２３４５６７８", &[(CnLandline, "０１０－１２３４５６７８", "０１０－****５６７８")]),
            case("office 010-82345678 ext", &[(CnLandline, "010-82345678", "010-****5678")]),
            none("01012345678"),         // bare run starting with 0
            none("010-1234567890"),      // too many subscriber digits
            none("010-02345678"),        // subscriber starting with 0
            none("0010-12345678"),       // 00 is not an area code
            // intl_phone
            case("+1 (415) 555-2671", &[(IntlPhone, "+1 (415) 555-2671", "+1 (***) ***-2671")]),
            case("+44 20 7946 0958", &[(IntlPhone, "+44 20 7946 0958", "+44 ** **** 0958")]),
            case("+852 9123 4567", &[(IntlPhone, "+852 9123 4567", "+852 **** 4567")]),
            case("+14155552671", &[(IntlPhone, "+14155552671", "+1******2671")]),
            case("+85291234567", &[(IntlPhone, "+85291234567", "+852****4567")]),
            case("+44 (0)20 7946 0958.", &[(IntlPhone, "+44 (0)20 7946 0958", "+44 (*)** **** 0958")]),
            case("+49.30.1234567", &[(IntlPhone, "+49.30.1234567", "+49.**.***4567")]),
            case("+86 10 8888 6666", &[(IntlPhone, "+86 10 8888 6666", "+86 ** **** 6666")]),
            case("(415) 555-2671", &[(IntlPhone, "(415) 555-2671", "(***) ***-2671")]),
            case("415-555-2671", &[(IntlPhone, "415-555-2671", "***-***-2671")]),
            case("call 415.555.2671 now", &[(IntlPhone, "415.555.2671", "***.***.2671")]),
            case("＋４４ ２０ ７９４６ ０９５８", &[(IntlPhone, "＋４４ ２０ ７９４６ ０９５８", "＋４４ ** **** ０９５８")]),
            case("美国号码(415)555-2671", &[(IntlPhone, "(415)555-2671", "(***)***-2671")]),
            none("4155552671"),          // bare 10-digit run
            none("415-555.2671"),        // mixed separators
            none("115-555-2671"),        // area codes never start with 1
            none("+1 555 12"),           // too short
            none("+1234567890123456"),   // too long
            // cn_id_card
            case(id.clone(), &[(CnIdCard, &id, &m_id(&id))]),
            case(id.to_lowercase(), &[(CnIdCard, &id.to_lowercase(), &m_id(&id.to_lowercase()))]),
            case(id2.clone(), &[(CnIdCard, &id2, &m_id(&id2))]),
            case(format!("身份证号：{id3}，谢谢"), &[(CnIdCard, &id3, &m_id(&id3))]),
            case(format!("my id is {id3}."), &[(CnIdCard, &id3, &m_id(&id3))]),
            case(
                fw_id.clone(),
                &[(CnIdCard, &fw_id, &format!("{}***********{}", fullwidth(&id3[..3]), fullwidth(&id3[14..])))],
            ),
            case(id_grouped.clone(), &[(CnIdCard, &id_grouped, "110*** ******** 002X")]),
            // bank_card
            case(card19.clone(), &[(BankCard, &card19, &m_card19)]),
            case(card19_sp.clone(), &[(BankCard, &card19_sp, &format!("6222 **** **** ***{}", &card19_sp[18..]))]),
            case(card16, &[(BankCard, card16, "4111********1111")]),
            case(card16_dash.clone(), &[(BankCard, &card16_dash, "4111-****-****-1111")]),
            case(
                format!("卡号{card16_dash}，金额 500 元"),
                &[(BankCard, &card16_dash, "4111-****-****-1111")],
            ),
            case(format!("card {amex} ok"), &[(BankCard, &amex, &format!("3782*******{}", &amex[11..]))]),
            case(
                fw_card.clone(),
                &[(BankCard, &fw_card, &format!("６２２２***********{}", fullwidth(&card19[15..])))],
            ),
            // A card followed by an amount: the Luhn-valid prefix wins.
            case(format!("{card16_dash}-500"), &[(BankCard, &card16_dash, "4111-****-****-1111")]),
            none("4111 1111 1111 1112"), // fails Luhn
            none("0000000000000000"),    // passes Luhn, but no issuer starts with 0
            none("41 11 11 11 11 11 11 11"), // groups too small to be a card
            // email
            case("zhang.san@example.com", &[(Email, "zhang.san@example.com", "z***@example.com")]),
            case(
                "联系邮箱：zhang.san@example.com.cn谢谢",
                &[(Email, "zhang.san@example.com.cn", "z***@example.com.cn")],
            ),
            case("mail foo+bar@mail-server.example.org.", &[(Email, "foo+bar@mail-server.example.org", "f***@mail-server.example.org")]),
            case("zhang＠example.com", &[(Email, "zhang＠example.com", "z***＠example.com")]),
            case("a@b.cn", &[(Email, "a@b.cn", "a***@b.cn")]),
            case(".john@example.com", &[(Email, "john@example.com", "j***@example.com")]),
            case("Email:john_doe99@qq.com!", &[(Email, "john_doe99@qq.com", "j***@qq.com")]),
            none("john.@example.com"),   // local part ends with a dot
            none("user@localhost"),
            none("user@example.c"),
            none("user@-example.com"),
            none("@example.com"),
            none("foo@"),
            // tw_mobile
            case("0912345678", &[(TwMobile, "0912345678", "0912***678")]),
            case("0912-345-678", &[(TwMobile, "0912-345-678", "0912-***-678")]),
            case("0912 345 678", &[(TwMobile, "0912 345 678", "0912 *** 678")]),
            case("0912-345678", &[(TwMobile, "0912-345678", "0912-***678")]),
            case("+886 912 345 678", &[(TwMobile, "+886 912 345 678", "+886 912 *** 678")]),
            case("+886-912-345-678", &[(TwMobile, "+886-912-345-678", "+886-912-***-678")]),
            case("886912345678", &[(TwMobile, "886912345678", "886912***678")]),
            case("+886912345678", &[(TwMobile, "+886912345678", "+886912***678")]),
            case("(+886)912-345-678", &[(TwMobile, "(+886)912-345-678", "(+886)912-***-678")]),
            case("00886 912345678", &[(TwMobile, "00886 912345678", "00886 912***678")]),
            case("手機：0987-654-321，謝謝", &[(TwMobile, "0987-654-321", "0987-***-321")]),
            case("０９１２３４５６７８", &[(TwMobile, "０９１２３４５６７８", "０９１２***６７８")]),
            none("09123456789"),         // 11 digits
            none("091234567"),           // 9 digits
            none("10912345678"),         // inside a longer run
            none("0812345678"),          // 08 is not a mobile prefix
            none("0912-34-5678"),        // not a way people group them
            none("886812345678"),        // 8 after the country code
            // tw_id_card
            case("A123456789", &[(TwIdCard, "A123456789", "A******789")]),
            case("a123456789", &[(TwIdCard, "a123456789", "a******789")]),
            case(format!("身分證字號：{tw_f}。"), &[(TwIdCard, &tw_f, &m_tw(&tw_f))]),
            case(format!("ID {tw_res8} ok"), &[(TwIdCard, &tw_res8, &m_tw(&tw_res8))]),
            case(tw_res9.clone(), &[(TwIdCard, &tw_res9, &m_tw(&tw_res9))]),
            case(tw_odd[0].clone(), &[(TwIdCard, &tw_odd[0], &m_tw(&tw_odd[0]))]),
            case(tw_odd[1].clone(), &[(TwIdCard, &tw_odd[1], &m_tw(&tw_odd[1]))]),
            case(tw_odd[2].clone(), &[(TwIdCard, &tw_odd[2], &m_tw(&tw_odd[2]))]),
            case(tw_odd[3].clone(), &[(TwIdCard, &tw_odd[3], &m_tw(&tw_odd[3]))]),
            case("Ａ１２３４５６７８９", &[(TwIdCard, "Ａ１２３４５６７８９", "Ａ******７８９")]),
            none("A123456788"),          // bad check
            none("xA123456789"),         // glued to a letter before
            none("A123456789b"),         // ... or after
            none("9A123456789"),         // glued to a digit before
            none("A1234567890"),         // ... or after
            none("A12345678"),           // too short
            none("A 123456789"),
            // cn_landline with one- and two-digit area codes (Taiwan)
            case("(02)2345-6789", &[(CnLandline, "(02)2345-6789", "(02)****-6789")]),
            case("02-2345-6789", &[(CnLandline, "02-2345-6789", "02-****-6789")]),
            case("(04) 2345 6789", &[(CnLandline, "(04) 2345 6789", "(04) **** 6789")]),
            case("07-123-4567", &[(CnLandline, "07-123-4567", "07-***-4567")]),
            case("電話：(02)23456789 分機 12", &[(CnLandline, "(02)23456789", "(02)****6789")]),
            case("（０２）２３４５－６７８９", &[(CnLandline, "（０２）２３４５－６７８９", "（０２）****－６７８９")]),
            case("089-123 456", &[(CnLandline, "089-123 456", "089-**3 456")]),
            none("02-23456"),            // subscriber too short
            none("02-123456789"),        // ... or too long
            none("0223456789"),          // bare run starting with 0
            none("0-2345-6789"),         // area code too short
            none("02-0345-6789"),        // subscriber starting with 0
            // verification_code
            case("验证码是123456", &[(VerificationCode, "123456", "******")]),
            case("您的验证码：８８６６１２，请勿泄露", &[(VerificationCode, "８８６６１２", "******")]),
            case("驗證碼為 4821", &[(VerificationCode, "4821", "****")]),
            case("校验码=20481234", &[(VerificationCode, "20481234", "********")]),
            case("动态码 665544", &[(VerificationCode, "665544", "******")]),
            case("动态密码：123456", &[(VerificationCode, "123456", "******")]),
            case("短信码882211", &[(VerificationCode, "882211", "******")]),
            case("【某银行】您的验证码为 0931，5分钟内有效。", &[(VerificationCode, "0931", "****")]),
            case("密码是abc123", &[(VerificationCode, "abc123", "******")]),
            case("密碼：Tw@2024pass，謝謝", &[(VerificationCode, "Tw@2024pass", "***********")]),
            case("口令 hunter2", &[(VerificationCode, "hunter2", "*******")]),
            case("密码 abcdef", &[(VerificationCode, "abcdef", "******")]),
            case("Your OTP is 482913.", &[(VerificationCode, "482913", "******")]),
            case("otp: 1234", &[(VerificationCode, "1234", "****")]),
            case("Verification Code: 667788", &[(VerificationCode, "667788", "******")]),
            case("code = 1234", &[(VerificationCode, "1234", "****")]),
            case("the code is 7788", &[(VerificationCode, "7788", "****")]),
            case("PIN 1234", &[(VerificationCode, "1234", "****")]),
            case("PIN码是1234", &[(VerificationCode, "1234", "****")]),
            case("pin:9876", &[(VerificationCode, "9876", "****")]),
            case("my password is P@ssw0rd!", &[(VerificationCode, "P@ssw0rd!", "*********")]),
            case("Password: sunshine", &[(VerificationCode, "sunshine", "********")]),
            case("passcode is 0000", &[(VerificationCode, "0000", "****")]),
            case("code      1234", &[(VerificationCode, "1234", "****")]), // six spaces
            none("code       1234"),    // seven are too many
            none("验证码已发送"),
            none("验证码已发送至您的手机"),
            none("邮编是100000"),
            none("订单号 88886666"),
            none("code red"),
            none("验证码是12"),          // too short
            none("验证码 123456789"),    // too long
            none("I forgot my password"),
            none("password is wrong"),
            none("Your password isn't working."),
            none("密码错误，请重试"),
            none("密码是多少？"),
            none("zip code 94105"),
            none("error code 500123"),
            none("barcode 12345678"),
            none("codes 1234"),
            none("code 2023-10-01"),    // digits run on: a date, not a code
            none("PIN 1234-5678"),
            none("password reset link: https://example.com/r/abc"),
            none(format!("password: {}", "a1".repeat(20))), // 40 chars: not a password
            none("重置密码：https://x.cn/r"),
            none("see password.txt"),
            case("password@example.com", &[(Email, "password@example.com", "p***@example.com")]),
            // several kinds in one message
            case(
                "验证码123456已发送至13800138000",
                &[(VerificationCode, "123456", "******"), (CnMobile, "13800138000", "138****8000")],
            ),
            case(
                format!("手機0912345678，身分證{tw_f}，電話(02)2345-6789，密碼：abc12345"),
                &[
                    (TwMobile, "0912345678", "0912***678"),
                    (TwIdCard, &tw_f, &m_tw(&tw_f)),
                    (CnLandline, "(02)2345-6789", "(02)****-6789"),
                    (VerificationCode, "abc12345", "********"),
                ],
            ),
            case(
                format!("手机13800138000，邮箱a.b@c.com，卡号{card19}，座机010-62345678"),
                &[
                    (CnMobile, "13800138000", "138****8000"),
                    (Email, "a.b@c.com", "a***@c.com"),
                    (BankCard, &card19, &m_card19),
                    (CnLandline, "010-62345678", "010-****5678"),
                ],
            ),
            // things that are not PII
            none(""),
            none("😀"),
            none("日期 2023-10-01，时间 13:45"),
            none("价格 ¥1399.00，原价￥1999"),
            none("version 1.2.3.4"),
            none("IP 192.168.100.1"),
            none("订单号 202311210001234"),
            none("快递单号 773125894567"),
            none("tracking SF1234567890121"),
            none("2023-10-01 13:45:00 +0800"),
            none("+ 86 138"),
        ];

        // Near misses that rely on checksums: assert the premise so the
        // expectation stays honest.
        let bad_check = swap_last(&id, '3');
        assert!(!passes_luhn(&bad_check));
        v.push(none(bad_check));
        let bad_date = with_id_check("11010519990230001"); // Feb 30th
        assert!(!passes_luhn(&bad_date));
        v.push(none(bad_date));
        let not_leap = with_id_check("11010519000229001"); // 1900 had no Feb 29th
        assert!(!passes_luhn(&not_leap));
        v.push(none(not_leap));
        let zero_first = with_id_check("01010519491231002");
        assert!(!passes_luhn(&zero_first));
        v.push(none(zero_first));
        let x_word = format!("{id}abc"); // X followed by letters is a word
        assert!(!passes_luhn(&id[..17]));
        v.push(none(x_word));
        let tw_3 = with_tw_check("A32345678"); // checks out, but 3 is no gender
        v.push(none(tw_3));
        assert!(!passes_luhn("202311210001234") && !passes_luhn("1234567890121"));
        assert!(!passes_luhn("4111111111111112"));
        // An impossible ID that passes Luhn is a bank card.
        let id_like_card = with_luhn("11010519990230001");
        assert_ne!(id_like_card, with_id_check("11010519990230001"));
        v.push(case(id_like_card.clone(), &[(BankCard, &id_like_card, &format!("1101**********{}", &id_like_card[14..]))]));
        v
    }

    fn kinds_in(c: &Case) -> Vec<PiiKind> {
        let mut kinds: Vec<PiiKind> = c.want.iter().map(|w| w.0).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    fn check(c: &Case, kinds: &[PiiKind]) {
        let hits = scan(&c.text, kinds);
        let got: Vec<(PiiKind, String, String)> =
            hits.iter().map(|h| (h.kind, c.text[h.start..h.end].to_string(), h.masked.clone())).collect();
        let want: Vec<(PiiKind, String, String)> = c.want.iter().filter(|w| kinds.contains(&w.0)).cloned().collect();
        assert_eq!(got, want, "text {:?} with kinds {:?}", c.text, kinds);
        check_invariants(&c.text, &hits);
    }

    #[test]
    fn table_all_kinds() {
        for c in &cases() {
            check(c, &PiiKind::ALL);
        }
    }

    #[test]
    fn table_each_kind_alone() {
        for c in &cases() {
            // A text with no hits has none for any single kind either; a text
            // with hits keeps exactly its hits of that kind.
            let kinds = if c.want.is_empty() { PiiKind::ALL.to_vec() } else { kinds_in(c) };
            for k in kinds {
                check(c, &[k]);
            }
            check(c, &kinds_in(c));
        }
    }

    #[test]
    fn no_kinds_finds_nothing() {
        for c in &cases() {
            assert!(scan(&c.text, &[]).is_empty());
        }
    }

    // ----- priority between kinds -----

    fn kinds_and_spans<'t>(text: &'t str, kinds: &[PiiKind]) -> Vec<(PiiKind, &'t str)> {
        scan(text, kinds).into_iter().map(|h| (h.kind, &text[h.start..h.end])).collect()
    }

    #[test]
    fn email_wins_over_the_number_in_its_local_part() {
        let text = "13800138000@qq.com";
        assert_eq!(kinds_and_spans(text, &PiiKind::ALL), [(Email, text)]);
        // With email off, the mobile inside is still found.
        assert_eq!(kinds_and_spans(text, &[CnMobile]), [(CnMobile, "13800138000")]);
    }

    #[test]
    fn mobile_wins_over_intl_for_plus86() {
        let text = "+86 138 0013 8000";
        assert_eq!(kinds_and_spans(text, &PiiKind::ALL), [(CnMobile, text)]);
        assert_eq!(kinds_and_spans(text, &[IntlPhone]), [(IntlPhone, text)]);
    }

    #[test]
    fn valid_id_is_not_reported_as_card() {
        // Find an ID that also passes Luhn, so the priority is what decides.
        let id = (0..1000)
            .map(|n| with_id_check(&format!("11010519800101{n:03}")))
            .find(|id| !id.ends_with('X') && passes_luhn(id))
            .unwrap();
        assert_eq!(kinds_and_spans(&id, &PiiKind::ALL), [(CnIdCard, id.as_str())]);
        assert_eq!(kinds_and_spans(&id, &[BankCard]), [(BankCard, id.as_str())]);
    }

    #[test]
    fn email_wins_over_the_tw_id_in_its_local_part() {
        let text = "A123456789@gmail.com";
        assert_eq!(kinds_and_spans(text, &PiiKind::ALL), [(Email, text)]);
        assert_eq!(kinds_and_spans(text, &[TwIdCard]), [(TwIdCard, "A123456789")]);
    }

    #[test]
    fn tw_mobile_wins_over_landline_and_intl() {
        for (text, other) in
            [("+886 912 345 678", IntlPhone), ("0912-345-678", CnLandline), ("0912 345 678", CnLandline)]
        {
            assert_eq!(kinds_and_spans(text, &PiiKind::ALL), [(TwMobile, text)]);
            assert_eq!(kinds_and_spans(text, &[other]), [(other, text)]);
        }
    }

    #[test]
    fn verification_code_wins_when_its_keyword_is_present() {
        for (text, secret, other) in [
            ("密码：13800138000", "13800138000", CnMobile),
            ("口令 0912-345-678", "0912-345-678", TwMobile),
            ("密码A123456789", "A123456789", TwIdCard),
            ("password: zhang.san@example.com", "zhang.san@example.com", Email),
            ("密码 4111111111111111", "4111111111111111", BankCard),
            ("password=(02)2345-6789", "(02)2345-6789", CnLandline),
        ] {
            assert_eq!(kinds_and_spans(text, &PiiKind::ALL), [(VerificationCode, secret)], "{text}");
            assert_eq!(kinds_and_spans(text, &[other]), [(other, secret)], "{text}");
        }
        // When what follows the keyword is no code, the number is still found.
        assert_eq!(kinds_and_spans("验证码 13800138000", &PiiKind::ALL), [(CnMobile, "13800138000")]);
        assert_eq!(kinds_and_spans("验证码已发送至0912345678", &PiiKind::ALL), [(TwMobile, "0912345678")]);
    }

    /// Near misses of one kind that another kind catches, so the table,
    /// which expects no hit of any kind for its near misses, cannot hold
    /// them.
    #[test]
    fn near_misses_caught_by_another_kind() {
        for (kind, text) in [
            (TwMobile, "+886 812 345 678"), // an international number
            (TwMobile, "+886 2 2345 6789"), // a Taipei landline
            (TwMobile, "0912-3456-78"),     // grouped like a landline
            (CnLandline, "0912345678"),     // no split after the area code
            (CnMobile, "0912345678"),
            (IntlPhone, "0912 345 678"),
            (VerificationCode, "验证码 13800138000"),
        ] {
            assert_eq!(scan(text, &[kind]), [], "{kind:?} in {text:?}");
            assert_ne!(scan(text, &PiiKind::ALL), [], "{text:?}");
        }
    }

    #[test]
    fn service_number_is_landline_not_north_american() {
        let text = "400-555-2671";
        assert_eq!(kinds_and_spans(text, &PiiKind::ALL), [(CnLandline, text)]);
        assert_eq!(kinds_and_spans(text, &[IntlPhone]), [(IntlPhone, text)]);
    }

    // ----- mask() -----

    #[test]
    fn mask_replaces_every_hit() {
        let text = "电话13800138000，邮箱zhang.san@example.com。";
        let hits = scan(text, &PiiKind::ALL);
        assert_eq!(mask(text, &hits), "电话138****8000，邮箱z***@example.com。");
    }

    #[test]
    fn mask_without_hits_is_identity() {
        assert_eq!(mask("", &[]), "");
        assert_eq!(mask("你好 hello", &[]), "你好 hello");
    }

    #[test]
    fn mask_accepts_unsorted_hits_and_skips_bad_ones() {
        let text = "a13800138000b13900139000c";
        let mut hits = scan(text, &PiiKind::ALL);
        assert_eq!(hits.len(), 2);
        hits.reverse();
        assert_eq!(mask(text, &hits), "a138****8000b139****9000c");

        let bogus = |start, end| PiiHit { kind: Email, start, end, masked: "#".into() };
        let text = "你好13800138000";
        let mut hits = scan(text, &PiiKind::ALL);
        hits.extend([bogus(1, 2), bogus(7, 3), bogus(6, 100), bogus(7, 8), bogus(0, 0)]);
        // (7, 8) overlaps the mobile; the rest are out of range, reversed,
        // empty or inside a char.
        assert_eq!(mask(text, &hits), "你好138****8000");
    }

    // ----- building blocks -----

    #[test]
    fn birth_dates() {
        let ok = |s: &str| valid_birth_date(&s.bytes().map(|c| c - b'0').collect::<Vec<_>>());
        for good in ["19000101", "19991231", "20000229", "20240229", "21001231"] {
            assert!(ok(good), "{good}");
        }
        for bad in [
            "18991231", "21010101", "19000229", "21000229", "20230229", "19990230", "20230431", "20231301", "20230001",
            "20230100",
        ] {
            assert!(!ok(bad), "{bad}");
        }
    }

    #[test]
    fn checksums_match_the_test_helpers() {
        let digits = |s: &str| s.bytes().map(|c| c - b'0').collect::<Vec<_>>();
        for prefix in ["11010519491231002", "44030420000229123", "32010219851123456", "65010119700101001"] {
            let id = with_id_check(prefix);
            let want = match id.as_bytes()[17] {
                b'X' => 10,
                c => c - b'0',
            };
            assert_eq!(id_check_value(&digits(prefix).try_into().unwrap()), want, "{id}");
        }
        for first9 in ["A12345678", "F22654321", "A80000001", "Z91234567", "I10000000", "O23456781"] {
            let id = with_tw_check(first9);
            let (letter, _) = letter_at(id.as_bytes(), 0).unwrap();
            let d: [u8; 9] = digits(&id[1..]).try_into().unwrap();
            assert!(tw_id_valid(letter, &d), "{id}");
            for wrong in 0..10 {
                let mut d = d;
                if d[8] != wrong {
                    d[8] = wrong;
                    assert!(!tw_id_valid(letter, &d), "{id} with check {wrong}");
                }
            }
        }
        assert!(!tw_id_valid(26, &[1; 9]));
        for prefix in ["622202123456789012", "411111111111111", "3782822463100", "7992739871"] {
            let card = with_luhn(prefix);
            assert!(luhn_valid(&digits(&card)), "{card}");
            assert!(!luhn_valid(&digits(&swap_last(&card, '0'))) || card.ends_with('0'));
        }
    }

    #[test]
    fn country_code_lengths() {
        for (lead, len) in [
            (&[1, 4, 1][..], 1),
            (&[7, 4, 9], 1),
            (&[4, 4, 2], 2),
            (&[8, 6, 1], 2),
            (&[3, 3, 1], 2),
            (&[8, 5, 2], 3),
            (&[3, 5, 5], 3),
            (&[2, 1, 2], 3),
            (&[4, 2, 0], 3),
            (&[9, 7, 1], 3),
        ] {
            assert_eq!(country_code_len(lead), len, "{lead:?}");
        }
    }

    #[test]
    fn fullwidth_forms_are_tokens() {
        use Tok::*;
        let text = "０９＋（）－．＠，";
        let mut toks = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let (t, width) = tok(text.as_bytes(), i);
            toks.push(t);
            i += width.max(3);
        }
        assert_eq!(toks, [Digit(0), Digit(9), Plus, LParen, RParen, Dash, Dot, At, Other]);
        assert!(digit_before("a９".as_bytes(), 4));
        assert!(!digit_before("，".as_bytes(), 3));
        assert!(!digit_before(b"", 0));
    }

    #[test]
    fn keywords_start_where_the_scanner_looks() {
        for (word, _) in KEYWORDS {
            for w in [word.to_string(), word.to_uppercase()] {
                assert_ne!(START[usize::from(w.as_bytes()[0])] & KEYWORD, 0, "{w}");
                assert!(may_start_keyword(w.as_bytes(), 0), "{w}");
                assert_eq!(keyword_at(w.as_bytes(), 0).map(|k| k.0), Some(w.len()), "{w}");
            }
            for (other, _) in KEYWORDS {
                assert!(other == word || !other.starts_with(word), "{word} starts {other}");
            }
            // Every keyword that can stand before a password without digits
            // is seen by the quick check.
            if KEYWORDS.iter().any(|&(w, s)| w == word && s != Secret::Code) {
                assert!(password_hint(word.as_bytes()), "{word}");
            }
        }
    }

    #[test]
    fn password_hint_sees_keywords_anywhere() {
        // Block edges are at multiples of 32, and blocks overlap by two.
        for lead in 0..100 {
            for word in ["密码", "密碼", "口令", "password", "PassCode"] {
                let text = format!("{}{word}{}", "x".repeat(lead), "y".repeat(lead % 7));
                assert!(password_hint(text.as_bytes()), "{lead} {word}");
            }
            for near in ["pa", "Pa", "ps", "码", "令", "ass"] {
                let text = format!("{}{near}", "x".repeat(lead));
                assert!(!password_hint(text.as_bytes()), "{lead} {near}");
            }
        }
        assert!(!password_hint(b""));
    }

    #[test]
    fn gap_between_keyword_and_secret() {
        for (gap, explicit) in [
            ("", false),
            (" ", false),
            (" is ", false),
            ("\u{3000}", false),
            ("：", true),
            ("是", true),
            (" = ", true),
            ("为：", true),
            ("為 ", true),
            (" is: ", true),
        ] {
            let text = format!("{gap}1234");
            assert_eq!(secret_gap(text.as_bytes(), 0), (gap.len(), explicit), "{gap:?}");
        }
        // Six chars at most; `is` only as a word.
        assert_eq!(secret_gap("   :   1".as_bytes(), 0), (6, true));
        assert_eq!(secret_gap(b" isn't", 0), (1, false));
    }

    // ----- kinds -----

    #[test]
    fn kind_names_round_trip_and_match_serde() {
        use serde::de::{value::Error, IntoDeserializer};
        for k in PiiKind::ALL {
            assert_eq!(PiiKind::from_name(k.name()), Some(k));
            let de: PiiKind =
                PiiKind::deserialize(k.name().into_deserializer() as serde::de::value::StrDeserializer<'_, Error>)
                    .unwrap();
            assert_eq!(de, k);
        }
        assert_eq!(PiiKind::from_name("CnMobile"), None);
        assert_eq!(PiiKind::from_name(""), None);
    }

    // ----- robustness -----

    /// Checks what must hold for any scan result.
    fn check_invariants(text: &str, hits: &[PiiHit]) {
        let mut prev_end = 0;
        for h in hits {
            assert!(h.start >= prev_end && h.start < h.end && h.end <= text.len(), "{text:?}: {hits:?}");
            assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
            prev_end = h.end;
            let orig = &text[h.start..h.end];
            if h.kind == Email {
                // Only the local part is secret, and its mask is shortened on
                // purpose: "zhang.san@x.com" -> "z***@x.com".
                let at = orig.find(['@', '＠']).unwrap();
                assert_eq!(h.masked, format!("{}***{}", &orig[..1], &orig[at..]));
                continue;
            }
            assert_eq!(orig.chars().count(), h.masked.chars().count(), "{orig:?} -> {:?}", h.masked);
            assert!(h.masked.contains('*') && longest_digit_run(&h.masked) < 7, "{orig:?} -> {:?}", h.masked);
        }
        // mask() splices each mask in where its hit was and keeps the rest.
        let out = mask(text, hits);
        let mut shift = 0isize;
        let mut done = 0;
        for h in hits {
            let at = (h.start as isize + shift) as usize;
            assert_eq!(&out[(done as isize + shift) as usize..at], &text[done..h.start]);
            assert_eq!(&out[at..at + h.masked.len()], h.masked);
            let secret = if h.kind == Email { "" } else { &text[h.start..h.end] };
            for run in digit_runs(secret).filter(|r| r.len() >= 7) {
                assert!(!ascii_digits(&h.masked).contains(&run), "{run} left in {:?}", h.masked);
            }
            shift += h.masked.len() as isize - (h.end - h.start) as isize;
            done = h.end;
        }
        assert_eq!(&out[(done as isize + shift) as usize..], &text[done..]);
    }

    fn digit_runs(s: &str) -> impl Iterator<Item = String> + '_ {
        s.split(|c: char| ascii_digits(&c.to_string()).is_empty() || c == 'X' || c == 'x')
            .map(ascii_digits)
            .filter(|r| !r.is_empty())
    }

    fn longest_digit_run(s: &str) -> usize {
        digit_runs(s).map(|r| r.len()).max().unwrap_or(0)
    }

    /// xorshift64*: deterministic, dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }

        fn digits(&mut self, n: usize) -> String {
            (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
        }
    }

    /// A string made of pieces likely to form, nearly form or break PII.
    fn random_text(rng: &mut Rng) -> String {
        const PIECES: &[&str] = &[
            "0", "1", "3", "8", "9", "86", "+", "＋", "@", "＠", ".", "-", "－", " ", "(", ")", "（", "）", "a", "Z",
            "x", "X", "com", "cn", "_", "%", "电话", "邮箱", "，", "😀", "１", "８", "\u{0}", "é", "A", "is", "是",
            "码", "(0", "886", "：",
        ];
        let mut s = String::new();
        for _ in 0..rng.below(12) {
            match rng.below(14) {
                0 => s.push_str(&format!("1{}{}", 3 + rng.below(7), rng.digits(9))),
                1 => s.push_str(&with_id_check(&format!(
                    "1{}19{}0{}1{}",
                    rng.digits(5),
                    rng.digits(2),
                    1 + rng.below(9),
                    rng.digits(4)
                ))),
                2 => {
                    let n = 14 + rng.below(4);
                    s.push_str(&with_luhn(&format!("6{}", rng.digits(n))));
                }
                3 => {
                    let n = 1 + rng.below(20);
                    s.push_str(&rng.digits(n));
                }
                4 => s.push_str(&format!(
                    "{}@{}.com",
                    rng.pick(&["a", "b.c", "x_y", "1"]),
                    rng.pick(&["ex", "q-q", "a.b"])
                )),
                10 => s.push_str(&with_tw_check(&format!(
                    "{}{}{}",
                    rng.pick(&["A", "z", "I", "O", "W"]),
                    rng.pick(&["1", "2", "8", "9", "3"]),
                    rng.digits(7)
                ))),
                11 => s.push_str(&format!(
                    "{}9{}{}{}",
                    rng.pick(&["0", "0", "+886 ", "886", "+886-"]),
                    rng.digits(2),
                    rng.pick(&["", "-", " "]),
                    rng.digits(6)
                )),
                12 => s.push_str(&format!(
                    "{}{}",
                    rng.pick(&["验证码", "驗證碼", "密码", "口令", "code", "OTP", "PIN码", "password"]),
                    rng.pick(&["", " ", "是", "：", " is ", "=", "为 "])
                )),
                13 => {
                    let (a, b) = (3 + rng.below(2), 3 + rng.below(2));
                    s.push_str(&format!(
                        "{}{}{}{}",
                        rng.pick(&["(02)", "02-", "07-", "(04) ", "089-"]),
                        rng.digits(a),
                        rng.pick(&["", "-", " "]),
                        rng.digits(b)
                    ));
                }
                _ => s.push_str(rng.pick(PIECES)),
            }
        }
        s
    }

    #[test]
    fn random_strings_keep_the_invariants() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut found = 0;
        let mut per_kind = std::collections::BTreeMap::new();
        for _ in 0..5000 {
            let text = random_text(&mut rng);
            let hits = scan(&text, &PiiKind::ALL);
            found += hits.len();
            for h in &hits {
                *per_kind.entry(h.kind).or_insert(0) += 1;
            }
            check_invariants(&text, &hits);
            // Any subset of kinds keeps the invariants too.
            let subset: Vec<PiiKind> = PiiKind::ALL.into_iter().filter(|_| rng.below(2) == 0).collect();
            check_invariants(&text, &scan(&text, &subset));
        }
        assert!(found > 1000, "the generator should produce plenty of hits, got {found}");
        for k in PiiKind::ALL {
            let n = per_kind.get(&k).copied().unwrap_or(0);
            assert!(n >= 20, "the generator should produce hits of {k:?}, got {n}");
        }
    }

    #[test]
    fn random_bytes_decoded_lossily() {
        let mut rng = Rng(42);
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
            let text = String::from_utf8_lossy(&bytes);
            check_invariants(&text, &scan(&text, &PiiKind::ALL));
        }
    }

    #[test]
    fn huge_inputs_are_linear() {
        let start = std::time::Instant::now();
        let digits = "7".repeat(100_000);
        assert!(scan(&digits, &PiiKind::ALL).is_empty());
        let spaced = "1 ".repeat(50_000);
        assert!(scan(&spaced, &PiiKind::ALL).is_empty());
        let local = format!("{}@", "a".repeat(100_000));
        assert!(scan(&local, &PiiKind::ALL).is_empty());
        let ats = "a@".repeat(50_000);
        assert!(scan(&ats, &PiiKind::ALL).is_empty());
        let many = "电话13800138000，".repeat(10_000);
        assert_eq!(scan(&many, &PiiKind::ALL).len(), 10_000);
        let otps = "验证码123456，".repeat(10_000);
        assert_eq!(scan(&otps, &PiiKind::ALL).len(), 10_000);
        let keywords = "密码".repeat(50_000);
        assert!(scan(&keywords, &PiiKind::ALL).is_empty());
        let codes = "code 1 ".repeat(20_000);
        assert!(scan(&codes, &PiiKind::ALL).is_empty());
        let long_password = format!("password: {}", "x".repeat(100_000));
        assert!(scan(&long_password, &PiiKind::ALL).is_empty());
        let letters = format!("{}123456789", "A".repeat(100_000));
        assert!(scan(&letters, &PiiKind::ALL).is_empty());
        // Generous: this is a debug build on a shared machine; quadratic
        // behaviour would take minutes.
        assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    }
}
