//! The most common passwords (a data file bundled with the server).

use std::collections::HashSet;
use std::sync::LazyLock;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Whether a (lower-cased) password is among the 10,000 most common.
pub fn is_common(lower: &str) -> bool {
    COMMON.contains(lower)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_holds_ten_thousand_passwords() {
        assert_eq!(super::COMMON.len(), 10_000);
        assert!(super::is_common("password"));
        assert!(!super::is_common("fenfa-demo"));
    }
}
