//! Terms, licences, their states and what each state allows. Pure rules.
//!
//! Every moment a state changes at is 24:00 of a day in the customer
//! organization's time zone. Those moments are computed on the server only
//! (`ssr`, with jiff): pages get states and times from it, never compute them.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::str_enum;
use crate::values::UserId;
use serde::{Deserialize, Serialize};

pub const MAX_TRIAL_DAYS: u16 = 90;
pub const MAX_TERM_MONTHS: u16 = 120;
pub const MAX_SEATS: u32 = 100_000;
/// Grace after the end when the ISV does not set another.
pub const DEFAULT_GRACE_DAYS: u16 = 7;
pub const MAX_GRACE_DAYS: u16 = 60;
/// Days read-only after grace, before the licence is archived.
pub const READ_ONLY_DAYS: u16 = 90;
impl LicenceKind {
    /// An order's `licence_kind` column: NULL (an order from before
    /// licences) holds a paid licence.
    pub fn stored(column: Option<&str>) -> LicenceKind {
        match column {
            Some("trial") => LicenceKind::Trial,
            _ => LicenceKind::Paid,
        }
    }
}

/// After seats are lowered below the users, everyone may still submit this
/// long: a duration from the ISV's change, not a calendar term.
pub const OVER_SEAT_MS: i64 = 7 * 24 * 3600 * 1000;
/// Reminders to the customer's admins, in days before the end.
pub const REMINDER_DAYS: [u16; 3] = [30, 7, 1];
pub const MAX_REASON_CHARS: usize = 200;

str_enum!(
    /// A trial, or bought (by a link, a renewal or the ISV extending it).
    LicenceKind, InvalidInput {
        Trial => "trial", LicenceKindTrial;
        Paid => "paid", LicenceKindPaid;
    }
);

str_enum!(
    /// Where a licence stands at a moment.
    LicenceState, InvalidInput {
        Trial => "trial", LicenceTrial;
        Active => "active", LicenceActive;
        Grace => "grace", LicenceGrace;
        ReadOnly => "read_only", LicenceReadOnly;
        Archived => "archived", LicenceArchived;
        Suspended => "suspended", LicenceSuspended;
    }
);

/// The paid part of an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// Ends at 24:00 of the day this many calendar months after the day it
    /// starts (Jan 31 + 1 month: the last day of February).
    Months(u16),
    /// Never ends: what every purchase was before licences.
    NoEnd,
}

impl Term {
    /// As [`renew`] takes it: `None` is no end.
    pub fn months(self) -> Option<u16> {
        match self {
            Term::Months(m) => Some(m),
            Term::NoEnd => None,
        }
    }

    /// As the form sends it.
    pub fn as_form(self) -> String {
        match self {
            Term::Months(m) => m.to_string(),
            Term::NoEnd => "no_end".into(),
        }
    }
}

/// What a distribution link offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// A trial of this many days (after today), at most one per customer
    /// organization and app, ever.
    pub trial_days: Option<u16>,
    /// The paid term; `None`: the link offers only the trial.
    pub term: Option<Term>,
    /// Users who may use the app; `None`: unlimited.
    pub seats: Option<u32>,
    /// Days of normal use after the end.
    pub grace_days: u16,
}

impl Default for Terms {
    /// The terms of links made before licences: forever, for everyone.
    fn default() -> Self {
        Terms {
            trial_days: None,
            term: Some(Term::NoEnd),
            seats: None,
            grace_days: DEFAULT_GRACE_DAYS,
        }
    }
}

impl Terms {
    /// The link form's values. Empty means: no trial, no paid term,
    /// unlimited seats, the default grace. A link offers a trial, a paid
    /// term or both.
    pub fn parse(trial_days: &str, term: &str, seats: &str, grace_days: &str) -> AppResult<Terms> {
        let trial_days = whole(trial_days, 1, MAX_TRIAL_DAYS, ErrorCode::InvalidTrialDays)?;
        let term = parse_term(term)?;
        if trial_days.is_none() && term.is_none() {
            return Err(AppError::new(ErrorCode::InvalidTerm));
        }
        Ok(Terms {
            trial_days,
            term,
            seats: parse_seats(seats)?,
            grace_days: parse_grace_days(grace_days)?,
        })
    }

    /// The licence a purchase through this offer gets. The trial comes first
    /// while the organization has not had one of this app; after it (or
    /// without one on offer) the paid term. The paid part of a link that
    /// also offers a trial is bought later: a renewal or the ISV extending.
    #[cfg(feature = "ssr")]
    pub fn licence(&self, trial_used: bool, now: i64, zone: &TimeZone) -> AppResult<Licence> {
        let (kind, ends_at) = match (self.trial_days, self.term) {
            (Some(days), _) if !trial_used => {
                (LicenceKind::Trial, Some(add_days_end(now, days, zone)))
            }
            (_, Some(term)) => (
                LicenceKind::Paid,
                term.months().map(|m| add_months_end(now, m, zone)),
            ),
            _ => return Err(AppError::new(ErrorCode::TrialUsed)),
        };
        Ok(Licence {
            kind,
            starts_at: now,
            ends_at,
            seats: self.seats,
            grace_days: self.grace_days,
            suspended: None,
            seats_lowered_at: None,
        })
    }
}

/// The terms as the link form sends them (`terms[trial_days]`, ...); all
/// empty: the terms of links before licences (forever, for everyone).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TermsForm {
    pub trial_days: String,
    pub term: String,
    pub seats: String,
    pub grace_days: String,
}

impl TermsForm {
    pub fn parse(&self) -> AppResult<Terms> {
        let all = [&self.trial_days, &self.term, &self.seats, &self.grace_days];
        if all.iter().all(|v| v.trim().is_empty()) {
            return Ok(Terms::default());
        }
        Terms::parse(&self.trial_days, &self.term, &self.seats, &self.grace_days)
    }
}

/// A whole number in `min..=max`, or `None` when empty.
fn whole<T>(raw: &str, min: T, max: T, code: ErrorCode) -> AppResult<Option<T>>
where
    T: std::str::FromStr + PartialOrd,
{
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // Digits only: a sign or a decimal point is not what the field means.
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse::<T>().ok())
        .flatten()
        .filter(|n| (min..=max).contains(n))
        .map(Some)
        .ok_or_else(|| AppError::new(code))
}

/// `no_end`, months (1–120), or empty for none.
pub fn parse_term(raw: &str) -> AppResult<Option<Term>> {
    if raw.trim() == "no_end" {
        return Ok(Some(Term::NoEnd));
    }
    Ok(whole(raw, 1, MAX_TERM_MONTHS, ErrorCode::InvalidTerm)?.map(Term::Months))
}

/// 1–100000 users, or empty for unlimited.
pub fn parse_seats(raw: &str) -> AppResult<Option<u32>> {
    whole(raw, 1, MAX_SEATS, ErrorCode::InvalidSeats)
}

/// 0–60 days, or empty for the default.
pub fn parse_grace_days(raw: &str) -> AppResult<u16> {
    Ok(whole(raw, 0, MAX_GRACE_DAYS, ErrorCode::InvalidGraceDays)?.unwrap_or(DEFAULT_GRACE_DAYS))
}

/// The reason the ISV gives for suspending, shown to the customer.
pub fn parse_reason(raw: &str) -> AppResult<String> {
    crate::values::line(raw, MAX_REASON_CHARS, ErrorCode::InvalidSuspendReason)
}

/// The licence of one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub kind: LicenceKind,
    pub starts_at: i64,
    /// Normal use ends at 24:00 of the local day this falls in (a midnight
    /// is itself the end of the day before); `None`: never.
    pub ends_at: Option<i64>,
    /// `None`: unlimited.
    pub seats: Option<u32>,
    pub grace_days: u16,
    /// The ISV's reason, while suspended.
    pub suspended: Option<String>,
    /// When the seats were lowered below the users (the over-seat grace
    /// runs from then); `None` while the users fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats_lowered_at: Option<i64>,
}

/// A licence as both sides see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceView {
    pub order_id: crate::values::OrderId,
    pub order_no: String,
    /// The installed copy.
    pub app_id: crate::values::AppId,
    pub kind: LicenceKind,
    pub state: LicenceState,
    /// Normal use ends (24:00 local); `None`: never.
    pub ends_at: Option<i64>,
    /// When the current state ends by the clock.
    pub state_ends: Option<i64>,
    pub days_left: Option<u32>,
    /// `None`: unlimited.
    pub seats: Option<u32>,
    pub seats_used: u32,
    pub grace_days: u16,
    /// The ISV's reason, while suspended.
    pub suspended: Option<String>,
    pub allows: Use,
    /// Users over the seats, in the order they lose the right to submit
    /// (display names); `over_seat_from`: when that happens.
    pub over_seat: Vec<String>,
    pub over_seat_from: Option<i64>,
}

impl LicenceView {
    /// The state after the current one, by the clock.
    pub fn next(&self) -> Option<LicenceState> {
        self.state_ends?;
        match self.state {
            // Without grace days, read-only follows the end at once.
            LicenceState::Trial | LicenceState::Active if self.grace_days == 0 => {
                Some(LicenceState::ReadOnly)
            }
            LicenceState::Trial | LicenceState::Active => Some(LicenceState::Grace),
            LicenceState::Grace => Some(LicenceState::ReadOnly),
            LicenceState::ReadOnly => Some(LicenceState::Archived),
            _ => None,
        }
    }
}

/// What the customer may do with the app in a state. Viewing the records
/// (by admins at least) and exporting them are possible in every state: the
/// data is the customer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Use {
    /// New records and new approvals.
    pub submit: bool,
    /// Decisions on approvals already running.
    pub decide_running: bool,
    /// Outgoing service calls; `false`: held, sent after renewal.
    pub call_services: bool,
    /// Members see the app; admins and app admins always do.
    pub visible_to_members: bool,
    pub export: bool,
}

impl LicenceState {
    pub fn allows(self) -> Use {
        use LicenceState::*;
        let normal = matches!(self, Trial | Active | Grace);
        Use {
            submit: normal,
            // Read-only lets running approvals finish; by the archive, 90
            // days on, whatever still runs has been abandoned.
            decide_running: self != Archived,
            call_services: normal,
            visible_to_members: self != Archived,
            export: true,
        }
    }

    /// States with a banner for the customer's admins.
    pub fn warns(self) -> bool {
        !matches!(self, LicenceState::Trial | LicenceState::Active)
    }
}

/// The moments a licence changes state (each 24:00 of a local day), computed
/// in the customer's zone by [`timeline`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// Normal use ends, grace begins; `None`: never.
    pub ends: Option<i64>,
    /// Grace ends, read-only begins (`ends` when there is no grace).
    pub read_only_from: Option<i64>,
    pub archived_from: Option<i64>,
}

impl Timeline {
    /// The state at `now`: a suspension overrides the clock.
    pub fn state(&self, licence: &Licence, now: i64) -> LicenceState {
        self.state_of(licence.kind, licence.suspended.is_some(), now)
    }

    /// [`Timeline::state`] from the stored columns (the Order Center).
    pub fn state_of(&self, kind: LicenceKind, suspended: bool, now: i64) -> LicenceState {
        if suspended {
            return LicenceState::Suspended;
        }
        let before = |t: Option<i64>| t.is_none_or(|t| now < t);
        if before(self.ends) {
            match kind {
                LicenceKind::Trial => LicenceState::Trial,
                LicenceKind::Paid => LicenceState::Active,
            }
        } else if before(self.read_only_from) {
            LicenceState::Grace
        } else if before(self.archived_from) {
            LicenceState::ReadOnly
        } else {
            LicenceState::Archived
        }
    }

    /// When the current state ends by the clock (none while suspended).
    pub fn state_ends(&self, licence: &Licence, now: i64) -> Option<i64> {
        match self.state(licence, now) {
            LicenceState::Trial | LicenceState::Active => self.ends,
            LicenceState::Grace => self.read_only_from,
            LicenceState::ReadOnly => self.archived_from,
            LicenceState::Archived | LicenceState::Suspended => None,
        }
    }
}

/// Granting one more user, with `used` users holding seats already.
pub fn seat_check(used: u32, seats: Option<u32>) -> AppResult<()> {
    if seats.is_some_and(|s| used >= s) {
        return Err(AppError::new(ErrorCode::SeatsExhausted));
    }
    Ok(())
}

/// The users beyond the seats, in the order they lose the right to submit:
/// the latest granted first, ties by the greater user id (the earliest
/// granted, then the smaller id, keep their seats). Shown to admins as soon
/// as seats are lowered, before it takes effect.
pub fn over_seat_order(users: &[(UserId, i64)], seats: Option<u32>) -> Vec<UserId> {
    let Some(seats) = seats else {
        return Vec::new();
    };
    let mut order: Vec<&(UserId, i64)> = users.iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    let over = users.len().saturating_sub(seats as usize);
    order
        .into_iter()
        .take(over)
        .map(|(u, _)| u.clone())
        .collect()
}

/// Who may no longer submit: the users over the seats, once 7 days have
/// passed since seats were lowered below use (`lowered_at`; `None`: they
/// never were, so nobody loses).
pub fn over_seat(
    users: &[(UserId, i64)],
    seats: Option<u32>,
    lowered_at: Option<i64>,
    now: i64,
) -> Vec<UserId> {
    match lowered_at {
        Some(at) if now >= at.saturating_add(OVER_SEAT_MS) => over_seat_order(users, seats),
        _ => Vec::new(),
    }
}

#[cfg(feature = "ssr")]
pub use jiff::tz::TimeZone;

#[cfg(feature = "ssr")]
mod calendar {
    use jiff::civil::Date;
    use jiff::tz::TimeZone;
    use jiff::{Span, Timestamp};

    /// The local date of an instant (clamped to the years jiff knows).
    pub(super) fn date_of(ms: i64, zone: &TimeZone) -> Date {
        let ms = ms.clamp(
            Timestamp::MIN.as_millisecond(),
            Timestamp::MAX.as_millisecond(),
        );
        Timestamp::from_millisecond(ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(zone.clone())
            .date()
    }

    /// The first instant of a local day (01:00 where midnight is skipped).
    pub(super) fn start_of(day: Date, zone: &TimeZone) -> i64 {
        day.to_zoned(zone.clone()).map_or_else(
            |_| Timestamp::MAX.as_millisecond(),
            |z| z.timestamp().as_millisecond(),
        )
    }

    pub(super) fn plus_days(day: Date, days: i64) -> Date {
        Span::new()
            .try_days(days)
            .and_then(|s| day.checked_add(s))
            .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
    }

    /// Calendar months, clamped to the month's last day.
    pub(super) fn plus_months(day: Date, months: u16) -> Date {
        Span::new()
            .try_months(months)
            .and_then(|s| day.checked_add(s))
            .unwrap_or(Date::MAX)
    }

    /// Whole days from one date to a later one.
    pub(super) fn days_between(from: Date, to: Date) -> i64 {
        from.until(to).map_or(0, |s| i64::from(s.get_days()))
    }
}

/// 24:00 of the local day `ms` falls in. A midnight is already the end of
/// the day before, so this applied to its own result changes nothing.
#[cfg(feature = "ssr")]
pub fn end_of_day(ms: i64, zone: &TimeZone) -> i64 {
    use calendar::*;
    start_of(plus_days(date_of(ms.saturating_sub(1), zone), 1), zone)
}

/// 24:00 of the local day `days` days after the day of `start_ms`.
#[cfg(feature = "ssr")]
pub fn add_days_end(start_ms: i64, days: u16, zone: &TimeZone) -> i64 {
    use calendar::*;
    start_of(
        plus_days(date_of(start_ms, zone), i64::from(days) + 1),
        zone,
    )
}

/// 24:00 of the local day `months` calendar months after the day of
/// `start_ms` (from Jan 31: the last day of February).
#[cfg(feature = "ssr")]
pub fn add_months_end(start_ms: i64, months: u16, zone: &TimeZone) -> i64 {
    use calendar::*;
    start_of(
        plus_days(plus_months(date_of(start_ms, zone), months), 1),
        zone,
    )
}

/// When the licence changes state, in the customer's zone.
#[cfg(feature = "ssr")]
pub fn timeline(licence: &Licence, zone: &TimeZone) -> Timeline {
    let ends = licence.ends_at.map(|e| end_of_day(e, zone));
    // Each moment is a midnight: counting from its last millisecond counts
    // from the day it ends.
    let read_only_from = ends.map(|e| add_days_end(e - 1, licence.grace_days, zone));
    let archived_from = read_only_from.map(|r| add_days_end(r - 1, READ_ONLY_DAYS, zone));
    Timeline {
        ends,
        read_only_from,
        archived_from,
    }
}

/// The state of a licence at `now`, in the customer's zone.
#[cfg(feature = "ssr")]
pub fn state_at(licence: &Licence, now: i64, zone: &TimeZone) -> LicenceState {
    timeline(licence, zone).state(licence, now)
}

/// Local days from today until `until` (a 24:00), today included: 1 on the
/// last day; 0 once it has passed.
#[cfg(feature = "ssr")]
fn days_until(until: i64, now: i64, zone: &TimeZone) -> u32 {
    use calendar::*;
    if now >= until {
        return 0;
    }
    let days = days_between(date_of(now, zone), date_of(until - 1, zone)) + 1;
    u32::try_from(days).unwrap_or(0)
}

/// Days left in the current state (the banner: "3 days of grace left");
/// `None` when it does not end by the clock.
#[cfg(feature = "ssr")]
pub fn days_left(licence: &Licence, now: i64, zone: &TimeZone) -> Option<u32> {
    timeline(licence, zone)
        .state_ends(licence, now)
        .map(|until| days_until(until, now, zone))
}

/// The reminder (30, 7 or 1 days before the end) due now and not sent yet.
/// `last_sent`: the smallest reminder sent for the current end; the caller
/// clears it whenever the end changes (renewal, extension). A reminder is
/// skipped when the licence began after its day (a 7-day trial gets no
/// 30-day reminder), and none is sent while suspended or after the end.
#[cfg(feature = "ssr")]
pub fn reminders_due(
    licence: &Licence,
    last_sent: Option<u16>,
    now: i64,
    zone: &TimeZone,
) -> Option<u16> {
    if licence.suspended.is_some() {
        return None;
    }
    let end = end_of_day(licence.ends_at?, zone);
    let left = days_until(end, now, zone);
    if left == 0 {
        return None;
    }
    let due = REMINDER_DAYS
        .into_iter()
        .filter(|r| u32::from(*r) >= left)
        .min()?;
    // The reminder's day begins `due` days before the end.
    let due_from = {
        use calendar::*;
        start_of(plus_days(date_of(end - 1, zone), 1 - i64::from(due)), zone)
    };
    let sent = last_sent.is_some_and(|s| s <= due);
    (!sent && licence.starts_at < due_from).then_some(due)
}

/// The licence after a renewal or extension: paid, and `months` from
/// max(now, the current end), or without an end. Normal use returns at once
/// in any state: the states follow from the new end.
///
/// A licence without an end keeps it (a renewal never shortens). A
/// suspension stays: it is the ISV's separate decision, lifted only by
/// resuming, so a renewal link the customer buys cannot undo it.
#[cfg(feature = "ssr")]
pub fn renew(licence: &Licence, months: Option<u16>, now: i64, zone: &TimeZone) -> Licence {
    let ends_at = match (licence.ends_at, months) {
        (Some(end), Some(months)) => {
            let end = end_of_day(end, zone);
            // Still running: count from its last day, not from the next.
            let from = if now < end { end - 1 } else { now };
            Some(add_months_end(from, months, zone))
        }
        _ => None,
    };
    Licence {
        kind: LicenceKind::Paid,
        ends_at,
        ..licence.clone()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests;

#[cfg(test)]
mod pure_tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: AppResult<T>) -> ErrorCode {
        r.unwrap_err().code
    }

    #[test]
    fn the_next_state_skips_a_grace_of_no_days() {
        let view = |state, grace_days| LicenceView {
            order_id: "o".to_string().into(),
            order_no: String::new(),
            app_id: "a".to_string().into(),
            kind: LicenceKind::Trial,
            state,
            ends_at: Some(1),
            state_ends: Some(1),
            days_left: Some(1),
            seats: None,
            seats_used: 0,
            grace_days,
            suspended: None,
            allows: state.allows(),
            over_seat: Vec::new(),
            over_seat_from: None,
        };
        use LicenceState::*;
        assert_eq!(view(Trial, 7).next(), Some(Grace));
        assert_eq!(view(Trial, 0).next(), Some(ReadOnly));
        assert_eq!(view(Active, 0).next(), Some(ReadOnly));
        assert_eq!(view(Grace, 7).next(), Some(ReadOnly));
        assert_eq!(view(ReadOnly, 0).next(), Some(Archived));
        assert_eq!(view(Suspended, 7).next(), None);
    }

    #[test]
    fn terms_parse_from_the_link_form() {
        assert_eq!(
            Terms::parse("14", "12", "25", "").unwrap(),
            Terms {
                trial_days: Some(14),
                term: Some(Term::Months(12)),
                seats: Some(25),
                grace_days: DEFAULT_GRACE_DAYS,
            }
        );
        let forever = Terms::parse("", "no_end", "", "0").unwrap();
        assert_eq!(forever.term, Some(Term::NoEnd));
        assert_eq!((forever.seats, forever.grace_days), (None, 0));
        assert_eq!(Terms::parse("90", "", "", "60").unwrap().term, None);
        assert_eq!(Term::Months(3).as_form(), "3");
        assert_eq!(
            parse_term(&Term::NoEnd.as_form()).unwrap(),
            Some(Term::NoEnd)
        );
    }

    #[test]
    fn terms_refuse_values_out_of_range_and_an_empty_offer() {
        assert_eq!(
            code(Terms::parse("0", "1", "", "")),
            ErrorCode::InvalidTrialDays
        );
        assert_eq!(
            code(Terms::parse("91", "", "", "")),
            ErrorCode::InvalidTrialDays
        );
        assert_eq!(
            code(Terms::parse("+5", "", "", "")),
            ErrorCode::InvalidTrialDays
        );
        assert_eq!(code(Terms::parse("", "", "", "")), ErrorCode::InvalidTerm);
        assert_eq!(
            code(Terms::parse("", "121", "", "")),
            ErrorCode::InvalidTerm
        );
        assert_eq!(
            code(Terms::parse("", "forever", "", "")),
            ErrorCode::InvalidTerm
        );
        assert_eq!(
            code(Terms::parse("", "1", "0", "")),
            ErrorCode::InvalidSeats
        );
        assert_eq!(
            code(Terms::parse("", "1", "1.5", "")),
            ErrorCode::InvalidSeats
        );
        assert_eq!(
            code(Terms::parse("", "1", "100001", "")),
            ErrorCode::InvalidSeats
        );
        assert_eq!(
            code(Terms::parse("", "1", "", "61")),
            ErrorCode::InvalidGraceDays
        );
        assert_eq!(
            code(Terms::parse("", "1", "", "-1")),
            ErrorCode::InvalidGraceDays
        );
        assert_eq!(code(parse_reason(" ")), ErrorCode::InvalidSuspendReason);
        assert_eq!(parse_reason(" unpaid invoice ").unwrap(), "unpaid invoice");
    }

    #[test]
    fn only_normal_states_submit_and_every_state_exports() {
        use LicenceState::*;
        for s in [Trial, Active, Grace] {
            let u = s.allows();
            assert!(u.submit && u.call_services && u.visible_to_members && u.export);
        }
        for s in [ReadOnly, Suspended] {
            let u = s.allows();
            assert!(!u.submit && !u.call_services, "{s:?}");
            assert!(
                u.decide_running && u.visible_to_members && u.export,
                "{s:?}"
            );
        }
        let archived = Archived.allows();
        assert!(!archived.submit && !archived.decide_running && !archived.visible_to_members);
        assert!(archived.export);
        assert!(!Active.warns() && Grace.warns() && Suspended.warns());
        assert_eq!(LicenceState::parse("read_only").unwrap(), ReadOnly);
    }

    #[test]
    fn seats_refuse_the_grant_past_the_limit() {
        assert!(seat_check(4, Some(5)).is_ok());
        assert_eq!(code(seat_check(5, Some(5))), ErrorCode::SeatsExhausted);
        assert_eq!(code(seat_check(6, Some(5))), ErrorCode::SeatsExhausted);
        assert!(seat_check(1_000_000, None).is_ok());
    }

    #[test]
    fn the_users_granted_last_lose_their_seats_after_the_over_seat_grace() {
        let u = |s: &str, at: i64| (UserId::from(s), at);
        let users = [u("a", 10), u("d", 30), u("b", 20), u("c", 30), u("e", 5)];
        let ids = |v: Vec<UserId>| v.into_iter().map(|u| u.0).collect::<Vec<_>>();
        // The latest grants first; at 30 a tie: the greater id first.
        assert_eq!(ids(over_seat_order(&users, Some(2))), ["d", "c", "b"]);
        assert!(over_seat_order(&users, Some(5)).is_empty());
        assert!(over_seat_order(&users, None).is_empty());
        // The order does not depend on how the users were listed.
        let mut reversed = users.clone();
        reversed.reverse();
        assert_eq!(ids(over_seat_order(&reversed, Some(3))), ["d", "c"]);
        let lowered = 1_000;
        assert!(over_seat(&users, Some(2), Some(lowered), lowered + OVER_SEAT_MS - 1).is_empty());
        assert_eq!(
            ids(over_seat(
                &users,
                Some(2),
                Some(lowered),
                lowered + OVER_SEAT_MS
            )),
            ["d", "c", "b"]
        );
        assert!(over_seat(&users, Some(2), None, i64::MAX).is_empty());
    }
}
