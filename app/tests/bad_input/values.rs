//! Bad argument values.

use super::*;

/// Bad argument values, already form-encoded, with a name for the report.
pub(crate) fn nasty_values() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = Vec::new();
    let mut text = |name: &str, s: &str| v.push((name.to_string(), enc(s).into_bytes()));
    for s in [
        "",
        "   ",
        "' OR 1=1 --",
        "'; DROP TABLE users; --",
        "\" OR \"\"=\"",
        "1; SELECT * FROM sessions",
        SCRIPT,
        IMG,
        "客户拜访 🚀",
        "-1",
        "0",
        "99999999999999999999999",
        "1.5",
        "NaN",
        "true",
        "null",
        "[]",
        "{\"a\":1}",
        "a\u{0}b",
        "line\r\nbreak\ttab",
        "\u{202e}evil\u{feff}",
        "../../etc/passwd",
        "{{",
        "{{ 不存在 }}",
        "user:",
        "user:' OR 1=1 --",
        "javascript:alert(1)",
        "%00",
    ] {
        text(&format!("{s:?}"), s);
    }
    for (c, n) in [
        ('x', 61),
        ('名', 101),
        ('a', 201),
        ('b', 501),
        ('c', 1001),
        ('🚀', 4097),
        ('d', 40_000),
    ] {
        text(&format!("{c:?}×{n}"), &c.to_string().repeat(n));
    }
    text(
        "a 600-byte endpoint",
        &format!("https://{}.example", "a".repeat(600)),
    );
    // Not UTF-8, percent-encoded or raw, and broken escapes.
    for raw in [
        &b"%ff%fe"[..],
        b"%c3%28",
        b"%ed%a0%80",
        b"%e4%b8",
        b"%zz",
        b"%",
        b"\xff\xfe",
        b"\xc3\x28",
        b"+++",
    ] {
        v.push((
            format!("raw {}", String::from_utf8_lossy(raw)),
            raw.to_vec(),
        ));
    }
    v
}

/// One mebibyte (and a bit) of text in one argument.
pub(crate) fn one_mb() -> Vec<u8> {
    vec![b'a'; (1 << 20) + 1]
}
