//! Times as people read them: in the viewer's current organization's time
//! zone, with its abbreviation ("2026-12-03 21:35 CST").
//!
//! The server knows every zone (jiff with the bundled tz database); the
//! browser gets the current organization's zone as a small table of offset
//! changes (`Zone`), made by the server, so a page renders the same text on
//! both sides without shipping a tz database to the browser.

use serde::{Deserialize, Serialize};

/// Offsets from 2000 until 2040 are sent; times outside use the nearest.
#[cfg(feature = "ssr")]
const FROM_YEAR: i16 = 2000;
#[cfg(feature = "ssr")]
const UNTIL_YEAR: i16 = 2040;

/// A time zone as the pages need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// The IANA name (`Asia/Shanghai`).
    pub name: String,
    /// `(from, offset seconds, abbreviation)`, ascending `from` (ms); the
    /// first entry also applies before its `from`.
    pub spans: Vec<(i64, i32, String)>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone {
            name: "UTC".into(),
            spans: vec![(i64::MIN, 0, "UTC".into())],
        }
    }
}

impl Zone {
    fn span_at(&self, ms: i64) -> (i32, &str) {
        let i = self.spans.partition_point(|(from, _, _)| *from <= ms);
        self.spans
            .get(i.saturating_sub(1))
            .map_or((0, "UTC"), |(_, off, abbr)| (*off, abbr.as_str()))
    }

    /// `YYYY-MM-DD HH:MM ABBR` in this zone.
    pub fn show(&self, ms: i64) -> String {
        let (offset, abbr) = self.span_at(ms);
        format!("{} {abbr}", civil_minutes(ms + i64::from(offset) * 1000))
    }
}

/// `YYYY-MM-DD HH:MM` of a UTC instant, by the time library of each side.
#[cfg(feature = "ssr")]
fn civil_minutes(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn civil_minutes(ms: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            d.get_utc_full_year(),
            d.get_utc_month() + 1,
            d.get_utc_date(),
            d.get_utc_hours(),
            d.get_utc_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        String::new()
    }
}

/// The zone of the signed-in viewer's current organization, provided to the
/// pages by the `SignedIn` guard.
#[derive(Clone, Debug)]
pub struct CurrentZone(pub Zone);

/// A time for a page: in the viewer's current organization's zone (UTC
/// outside signed-in pages).
pub fn show(ms: i64) -> String {
    // Read in place: a 50-row page asks 50 times.
    leptos::prelude::with_context::<CurrentZone, _>(|z| z.0.show(ms))
        .unwrap_or_else(|| Zone::default().show(ms))
}

/// The zone named `name`, if the tz database knows it. Every `/api/me`
/// sends one: each table is made once per process, kept under the zone's
/// canonical name (so the map is bounded by the tz database however the
/// name is spelled).
#[cfg(feature = "ssr")]
pub fn zone(name: &str) -> Option<Zone> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static MADE: LazyLock<Mutex<HashMap<String, Zone>>> = LazyLock::new(Default::default);
    let lock = || MADE.lock().unwrap_or_else(|e| e.into_inner());
    let canonical = canonical_name(name)?;
    if let Some(z) = lock().get(&canonical) {
        return Some(z.clone());
    }
    let z = make_zone(&canonical)?;
    lock().insert(canonical, z.clone());
    Some(z)
}

/// The tz database's name for `name` (names match whatever their case).
#[cfg(feature = "ssr")]
fn canonical_name(name: &str) -> Option<String> {
    let tz = jiff::tz::TimeZone::get(name).ok()?;
    Some(tz.iana_name().unwrap_or(name).to_string())
}

#[cfg(feature = "ssr")]
fn make_zone(name: &str) -> Option<Zone> {
    use jiff::civil::date;
    let tz = jiff::tz::TimeZone::get(name).ok()?;
    let start = date(FROM_YEAR, 1, 1)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()?
        .timestamp();
    let end = date(UNTIL_YEAR, 1, 1)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()?
        .timestamp();
    let first = tz.to_offset_info(start);
    let mut spans = vec![(
        i64::MIN,
        first.offset().seconds(),
        first.abbreviation().to_string(),
    )];
    for t in tz.following(start).take_while(|t| t.timestamp() < end) {
        spans.push((
            t.timestamp().as_millisecond(),
            t.offset().seconds(),
            t.abbreviation().to_string(),
        ));
    }
    Some(Zone {
        name: tz.iana_name().unwrap_or(name).to_string(),
        spans,
    })
}

/// A zone name as entered: the canonical IANA name, or `invalid_time_zone`.
#[cfg(feature = "ssr")]
pub fn parse_zone_name(raw: &str) -> crate::error::AppResult<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 64 {
        return Err(crate::error::AppError::new(
            crate::error::ErrorCode::InvalidTimeZone,
        ));
    }
    canonical_name(raw)
        .ok_or_else(|| crate::error::AppError::new(crate::error::ErrorCode::InvalidTimeZone))
}

/// Zones offered in the time zone field (any IANA name is accepted).
pub const COMMON_ZONES: &[&str] = &[
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Johannesburg",
    "UTC",
];

/// The browser's own time zone, if it says.
pub fn browser_zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|z| !z.is_empty())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The zone for an organization that did not choose one: Asia/Shanghai for
/// a Chinese interface, else UTC.
pub fn default_zone_name(lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::Zh => "Asia/Shanghai",
        crate::i18n::Lang::En => "UTC",
    }
}

/// The time-zone rules of `zone_name` (UTC when unknown), to pass to [`iso`].
#[cfg(feature = "ssr")]
pub fn rules(zone_name: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(zone_name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// ISO 8601 with the zone's offset (`2026-12-03T21:35:00+08:00`), for files.
#[cfg(feature = "ssr")]
pub fn iso(ms: i64, tz: &jiff::tz::TimeZone) -> String {
    // Written out rather than through `strftime`: an export writes a
    // million of these.
    let Ok(t) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let offset = tz.to_offset(t);
    let d = offset.to_datetime(t);
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{h:02}:{m:02}",
        d.year(),
        d.month(),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// The UTC date as `YYYYMMDD` (order numbers).
#[cfg(feature = "ssr")]
pub fn utc_date_digits(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .strftime("%Y%m%d")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// 2026-12-03 13:35 UTC.
    const T: i64 = 1_796_304_900_000;

    #[test]
    fn times_show_in_the_zone_with_its_abbreviation() {
        assert_eq!(Zone::default().show(T), "2026-12-03 13:35 UTC");
        assert_eq!(
            zone("Asia/Shanghai").unwrap().show(T),
            "2026-12-03 21:35 CST"
        );
        let berlin = zone("Europe/Berlin").unwrap();
        assert_eq!(berlin.show(T), "2026-12-03 14:35 CET");
        // Summer time: 2026-07-01 12:00 UTC.
        assert_eq!(berlin.show(1_782_907_200_000), "2026-07-01 14:00 CEST");
        assert!(zone("Mars/Olympus").is_none());
        // Any spelling is the canonical zone (and one memo entry).
        assert_eq!(zone("asia/SHANGHAI").unwrap().name, "Asia/Shanghai");
        assert_eq!(parse_zone_name(" europe/berlin ").unwrap(), "Europe/Berlin");
        assert!(parse_zone_name("Mars/Olympus").is_err());
    }

    #[test]
    fn files_get_iso_8601_with_offset() {
        assert_eq!(iso(T, &rules("Asia/Shanghai")), "2026-12-03T21:35:00+08:00");
        assert_eq!(iso(T, &rules("UTC")), "2026-12-03T13:35:00+00:00");
        assert_eq!(
            iso(T, &rules("America/New_York")),
            "2026-12-03T08:35:00-05:00"
        );
        assert_eq!(iso(T, &rules("Asia/Kolkata")), "2026-12-03T19:05:00+05:30");
        assert_eq!(
            iso(T, &rules("America/St_Johns")),
            "2026-12-03T10:05:00-03:30"
        );
        assert_eq!(utc_date_digits(T), "20261203");
    }
}
