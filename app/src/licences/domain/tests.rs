//! The clock rules, in real zones: every boundary is 24:00 local.

use super::*;
use crate::time::rules;

const SH: &str = "Asia/Shanghai";
const NY: &str = "America/New_York";

/// A local time (`2026-12-10T23:59:59.999`) in a zone, as ms.
fn at(local: &str, zone: &str) -> i64 {
    local
        .parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned(rules(zone))
        .unwrap()
        .timestamp()
        .as_millisecond()
}

/// A UTC instant (`2026-12-10T16:00:00Z`), as ms.
fn utc(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

fn paid(ends_at: Option<i64>) -> Licence {
    Licence {
        kind: LicenceKind::Paid,
        starts_at: at("2026-01-01T09:00", SH),
        ends_at,
        seats: None,
        grace_days: DEFAULT_GRACE_DAYS,
        suspended: None,
        seats_lowered_at: None,
    }
}

#[test]
fn the_last_millisecond_of_the_local_last_day_is_still_active() {
    let z = rules(SH);
    // Ending on 2026-12-10, whatever the hour stored.
    let l = paid(Some(at("2026-12-10T10:00", SH)));
    assert_eq!(
        end_of_day(at("2026-12-10T10:00", SH), &z),
        utc("2026-12-10T16:00:00Z")
    );
    assert_eq!(
        state_at(&l, at("2026-12-10T23:59:59.999", SH), &z),
        LicenceState::Active
    );
    assert_eq!(
        state_at(&l, at("2026-12-11T00:00", SH), &z),
        LicenceState::Grace
    );
    // In Shanghai's day, not UTC's: 20:00 UTC on the 10th is already the 11th.
    assert_eq!(
        state_at(&l, utc("2026-12-10T20:00:00Z"), &z),
        LicenceState::Grace
    );
    assert_eq!(
        state_at(&l, utc("2026-12-10T20:00:00Z"), &rules("UTC")),
        LicenceState::Active
    );
    // A midnight is the end of the day before: applying the rule twice is once.
    let end = utc("2026-12-10T16:00:00Z");
    assert_eq!(end_of_day(end, &z), end);
    assert_eq!(end_of_day(end + 1, &z), utc("2026-12-11T16:00:00Z"));
}

#[test]
fn grace_then_read_only_then_archived_each_at_24_00() {
    let z = rules(SH);
    let l = paid(Some(at("2026-12-10T10:00", SH)));
    let t = timeline(&l, &z);
    assert_eq!(t.ends, Some(at("2026-12-11T00:00", SH)));
    assert_eq!(t.read_only_from, Some(at("2026-12-18T00:00", SH)));
    // 90 days read-only: 2026-12-18 … 2027-03-17.
    assert_eq!(t.archived_from, Some(at("2027-03-18T00:00", SH)));
    let state = |local: &str| state_at(&l, at(local, SH), &z);
    assert_eq!(state("2026-12-17T23:59:59.999"), LicenceState::Grace);
    assert_eq!(state("2026-12-18T00:00"), LicenceState::ReadOnly);
    assert_eq!(state("2027-03-17T23:59:59.999"), LicenceState::ReadOnly);
    assert_eq!(state("2027-03-18T00:00"), LicenceState::Archived);
    // Without grace the end is read-only at once.
    let no_grace = Licence {
        grace_days: 0,
        ..l.clone()
    };
    assert_eq!(
        state_at(&no_grace, at("2026-12-11T00:00", SH), &z),
        LicenceState::ReadOnly
    );
    // Without an end nothing changes, ever.
    assert_eq!(state_at(&paid(None), i64::MAX, &z), LicenceState::Active);
    assert_eq!(timeline(&paid(None), &z).archived_from, None);
}

#[test]
fn boundaries_hold_across_a_daylight_saving_change() {
    let z = rules(NY);
    // New York springs forward on 2026-03-08: grace spans it.
    let l = paid(Some(at("2026-03-07T12:00", NY)));
    let t = timeline(&l, &z);
    assert_eq!(t.ends, Some(utc("2026-03-08T05:00:00Z")), "midnight EST");
    assert_eq!(
        t.read_only_from,
        Some(utc("2026-03-15T04:00:00Z")),
        "midnight EDT"
    );
    assert_eq!(
        state_at(&l, utc("2026-03-15T03:59:59.999Z"), &z),
        LicenceState::Grace
    );
    assert_eq!(
        state_at(&l, utc("2026-03-15T04:00:00Z"), &z),
        LicenceState::ReadOnly
    );
    // And falls back on 2026-11-01: a 7-day trial from 2026-10-25 ends at
    // 24:00 EST on 2026-11-01.
    let terms = Terms {
        trial_days: Some(7),
        ..Terms::default()
    };
    let trial = terms
        .licence(false, at("2026-10-25T10:00", NY), &z)
        .unwrap();
    assert_eq!(trial.kind, LicenceKind::Trial);
    assert_eq!(trial.ends_at, Some(utc("2026-11-02T05:00:00Z")));
    assert_eq!(
        state_at(&trial, utc("2026-11-02T04:59:59.999Z"), &z),
        LicenceState::Trial
    );
    assert_eq!(
        state_at(&trial, utc("2026-11-02T05:00:00Z"), &z),
        LicenceState::Grace
    );
}

#[test]
fn a_day_whose_midnight_is_skipped_starts_when_it_starts() {
    // Santiago springs forward at 24:00: 2026-09-06 begins at 01:00.
    let z = rules("America/Santiago");
    let start = at("2026-09-06T01:00", "America/Santiago");
    assert_eq!(
        end_of_day(at("2026-09-05T15:00", "America/Santiago"), &z),
        start
    );
    assert_eq!(end_of_day(start, &z), start);
}

#[test]
fn a_suspension_overrides_every_state_of_the_clock() {
    let z = rules(SH);
    let l = Licence {
        suspended: Some("unpaid invoice".into()),
        ..paid(Some(at("2026-12-10T10:00", SH)))
    };
    for local in [
        "2026-06-01T00:00",
        "2026-12-12T00:00",
        "2027-01-01T00:00",
        "2028-01-01T00:00",
    ] {
        assert_eq!(
            state_at(&l, at(local, SH), &z),
            LicenceState::Suspended,
            "{local}"
        );
    }
    assert_eq!(days_left(&l, at("2026-06-01T00:00", SH), &z), None);
    let trial = Licence {
        kind: LicenceKind::Trial,
        ..l
    };
    assert_eq!(
        state_at(&trial, at("2026-06-01T00:00", SH), &z),
        LicenceState::Suspended
    );
}

#[test]
fn renewal_extends_from_the_later_of_now_and_the_end_in_every_state() {
    let z = rules(SH);
    let l = paid(Some(at("2026-12-10T10:00", SH)));
    // Still running: from the last day (2026-12-10), not from today.
    let now = at("2026-11-01T12:00", SH);
    let r = renew(&l, Some(1), now, &z);
    assert_eq!(r.ends_at, Some(at("2027-01-11T00:00", SH)));
    assert_eq!(state_at(&r, now, &z), LicenceState::Active);
    // At the last millisecond, the same.
    let last = at("2026-12-10T23:59:59.999", SH);
    assert_eq!(
        renew(&l, Some(1), last, &z).ends_at,
        Some(at("2027-01-11T00:00", SH))
    );
    // Lapsed (grace, read-only, archived): from today, and use returns at once.
    for (local, was, until) in [
        ("2026-12-11T00:00", LicenceState::Grace, "2027-12-12T00:00"),
        (
            "2027-01-05T08:00",
            LicenceState::ReadOnly,
            "2028-01-06T00:00",
        ),
        (
            "2027-06-30T20:00",
            LicenceState::Archived,
            "2028-07-01T00:00",
        ),
    ] {
        let now = at(local, SH);
        assert_eq!(state_at(&l, now, &z), was);
        let r = renew(&l, Some(12), now, &z);
        assert_eq!(r.ends_at, Some(at(until, SH)), "{local}");
        assert_eq!(state_at(&r, now, &z), LicenceState::Active, "{local}");
    }
    // No end on renewal: no end; a licence without an end keeps it.
    assert_eq!(renew(&l, None, now, &z).ends_at, None);
    assert_eq!(renew(&paid(None), Some(1), now, &z).ends_at, None);
}

#[test]
fn renewal_keeps_a_suspension_and_converts_a_trial() {
    let z = rules(SH);
    let suspended = Licence {
        suspended: Some("unpaid invoice".into()),
        ..paid(Some(at("2026-12-10T10:00", SH)))
    };
    let now = at("2027-01-05T08:00", SH);
    let r = renew(&suspended, Some(1), now, &z);
    assert_eq!(r.ends_at, Some(at("2027-02-06T00:00", SH)));
    assert_eq!(state_at(&r, now, &z), LicenceState::Suspended);
    assert_eq!(
        state_at(
            &Licence {
                suspended: None,
                ..r
            },
            now,
            &z
        ),
        LicenceState::Active
    );

    let start = at("2026-12-01T10:00", SH);
    let trial = Terms {
        trial_days: Some(14),
        ..Terms::default()
    }
    .licence(false, start, &z)
    .unwrap();
    assert_eq!(trial.ends_at, Some(at("2026-12-16T00:00", SH)));
    // Converted during the trial: the rest of the trial, then the term.
    let converted = renew(&trial, Some(12), at("2026-12-05T09:00", SH), &z);
    assert_eq!(converted.kind, LicenceKind::Paid);
    assert_eq!(converted.starts_at, start);
    assert_eq!(converted.ends_at, Some(at("2027-12-16T00:00", SH)));
    assert_eq!(
        state_at(&converted, at("2026-12-05T09:00", SH), &z),
        LicenceState::Active
    );
    // Converted after it ran out, without an end.
    let forever = renew(&trial, None, at("2026-12-20T09:00", SH), &z);
    assert_eq!((forever.kind, forever.ends_at), (LicenceKind::Paid, None));
}

#[test]
fn months_are_calendar_months_clamped_at_the_month_end() {
    let z = rules(SH);
    let jan31 = at("2026-01-31T15:00", SH);
    assert_eq!(
        add_months_end(jan31, 1, &z),
        at("2026-03-01T00:00", SH),
        "Feb 28 24:00"
    );
    assert_eq!(
        add_months_end(at("2028-01-31T15:00", SH), 1, &z),
        at("2028-03-01T00:00", SH)
    );
    assert_eq!(add_months_end(jan31, 12, &z), at("2027-02-01T00:00", SH));
    assert_eq!(
        add_months_end(at("2026-03-31T00:00", SH), 1, &z),
        at("2026-05-01T00:00", SH)
    );
    // Renewing a term that ends on Jan 31.
    let l = paid(Some(at("2026-01-31T10:00", SH)));
    let r = renew(&l, Some(1), at("2026-01-20T10:00", SH), &z);
    assert_eq!(r.ends_at, Some(at("2026-03-01T00:00", SH)));
    // Bought on the link: the term counts from the day of purchase.
    let bought = Terms {
        term: Some(Term::Months(1)),
        ..Terms::default()
    }
    .licence(false, jan31, &z)
    .unwrap();
    assert_eq!(
        (bought.kind, bought.ends_at),
        (LicenceKind::Paid, Some(at("2026-03-01T00:00", SH)))
    );
}

#[test]
fn the_trial_comes_once_then_the_paid_term() {
    let z = rules(SH);
    let now = at("2026-12-01T10:00", SH);
    let both = Terms {
        trial_days: Some(7),
        term: Some(Term::Months(12)),
        ..Terms::default()
    };
    assert_eq!(
        both.licence(false, now, &z).unwrap().kind,
        LicenceKind::Trial
    );
    let after = both.licence(true, now, &z).unwrap();
    assert_eq!(
        (after.kind, after.ends_at),
        (LicenceKind::Paid, Some(at("2027-12-02T00:00", SH)))
    );
    let trial_only = Terms { term: None, ..both };
    assert_eq!(
        trial_only.licence(true, now, &z).unwrap_err().code,
        ErrorCode::TrialUsed
    );
    let forever = Terms {
        seats: Some(3),
        grace_days: 0,
        ..Terms::default()
    }
    .licence(false, now, &z)
    .unwrap();
    assert_eq!(forever.ends_at, None);
    assert_eq!(
        (forever.seats, forever.grace_days, forever.starts_at),
        (Some(3), 0, now)
    );
}

#[test]
fn days_left_count_local_days_with_today() {
    let z = rules(SH);
    let l = paid(Some(at("2026-12-10T10:00", SH)));
    let left = |local: &str| days_left(&l, at(local, SH), &z);
    assert_eq!(left("2026-12-10T23:59:59.999"), Some(1));
    assert_eq!(left("2026-12-04T00:00"), Some(7));
    // In grace (7 days: 2026-12-11 … 17).
    assert_eq!(left("2026-12-11T00:00"), Some(7));
    assert_eq!(left("2026-12-17T22:00"), Some(1));
    assert_eq!(left("2026-12-18T00:00"), Some(90));
    assert_eq!(left("2027-03-18T00:00"), None);
    assert_eq!(days_left(&paid(None), 0, &z), None);
}

#[test]
fn reminders_come_30_7_and_1_days_before_the_end_once_each() {
    let z = rules(SH);
    let l = paid(Some(at("2026-12-10T10:00", SH)));
    // Walk the clock hour by hour, sending what is due.
    let mut sent = Vec::new();
    let mut last = None;
    let mut now = at("2026-10-01T00:00", SH);
    while now < at("2026-12-20T00:00", SH) {
        if let Some(r) = reminders_due(&l, last, now, &z) {
            sent.push((r, now));
            last = Some(r);
        }
        now += 3600 * 1000;
    }
    assert_eq!(
        sent,
        [
            (30, at("2026-11-11T00:00", SH)),
            (7, at("2026-12-04T00:00", SH)),
            (1, at("2026-12-10T00:00", SH)),
        ]
    );
    // A reminder missed is sent late, the earlier ones not at all.
    assert_eq!(
        reminders_due(&l, None, at("2026-12-05T12:00", SH), &z),
        Some(7)
    );
    // None after the end, while suspended, or without an end.
    assert_eq!(
        reminders_due(&l, None, at("2026-12-11T00:00", SH), &z),
        None
    );
    let suspended = Licence {
        suspended: Some("x".into()),
        ..l.clone()
    };
    assert_eq!(
        reminders_due(&suspended, None, at("2026-12-10T12:00", SH), &z),
        None
    );
    assert_eq!(
        reminders_due(&paid(None), None, at("2026-12-10T12:00", SH), &z),
        None
    );
    // A 7-day trial gets the 7- and 1-day reminders, not the 30-day one.
    let trial = Terms {
        trial_days: Some(7),
        ..Terms::default()
    }
    .licence(false, at("2026-12-01T10:00", SH), &z)
    .unwrap();
    assert_eq!(
        reminders_due(&trial, None, at("2026-12-01T10:00", SH), &z),
        None
    );
    assert_eq!(
        reminders_due(&trial, None, at("2026-12-02T00:00", SH), &z),
        Some(7)
    );
    assert_eq!(
        reminders_due(&trial, Some(7), at("2026-12-08T00:00", SH), &z),
        Some(1)
    );
}
