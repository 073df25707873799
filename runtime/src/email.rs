//! Email addresses: a pragmatic check of what people type, not RFC 5322.
//!
//! The full grammar allows addresses no mail form should accept (comments,
//! quoted local parts with spaces, IP literals), while typing mistakes are what
//! actually happens. So: one `@`; a local part of 1 to 64 characters with no
//! spaces, control characters or the punctuation that only appears when a
//! whole `"Name <address>"` was pasted; a domain of dot-separated labels of
//! letters (any script, for internationalised domains), digits and inner
//! hyphens. The domain is lower-cased, the local part kept as typed (some mail
//! servers tell case apart there).

/// Longest whole address, in characters (RFC 5321's path limit less the angle brackets).
const MAX_ADDRESS_CHARS: usize = 254;
/// Longest local part (before the `@`), in characters.
const MAX_LOCAL_CHARS: usize = 64;
/// Longest domain, in characters.
const MAX_DOMAIN_CHARS: usize = 253;
/// Longest label between dots, in characters.
const MAX_LABEL_CHARS: usize = 63;

/// Why an address was refused, worded for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was typed.
    #[error("enter an email address")]
    Empty,
    /// The address is longer than mail systems carry.
    #[error("this email address is too long; an address has at most 254 characters")]
    TooLong,
    /// There is no `@`.
    #[error("an email address needs an @, as in name@example.com")]
    NoAt,
    /// There is more than one `@`.
    #[error("an email address has only one @")]
    SeveralAt,
    /// Nothing before the `@`.
    #[error("the part before the @ is missing")]
    LocalEmpty,
    /// The part before the `@` is longer than 64 characters.
    #[error("the part before the @ is too long; it has at most 64 characters")]
    LocalTooLong,
    /// A character that cannot appear before the `@` (shown as typed, or as a code for invisible ones).
    #[error("an email address cannot contain {}", describe(*.0))]
    LocalCharacter(char),
    /// Nothing after the `@`.
    #[error("the part after the @ is missing")]
    DomainEmpty,
    /// The domain is longer than 253 characters.
    #[error("the part after the @ is too long")]
    DomainTooLong,
    /// The domain has no dot, so it cannot be a domain on the internet.
    #[error("the part after the @ needs a dot, as in example.com")]
    DomainNoDot,
    /// Two dots in a row, or a dot at the start or end of the domain.
    #[error("the part after the @ has an empty part between dots")]
    EmptyLabel,
    /// One part of the domain is longer than 63 characters.
    #[error("a part of the domain is too long; each part between dots has at most 63 characters")]
    LabelTooLong,
    /// A part of the domain starts or ends with a hyphen.
    #[error("a part of the domain cannot start or end with a hyphen")]
    LabelHyphen,
    /// A character that cannot appear in a domain.
    #[error("the part after the @ cannot contain {}", describe(*.0))]
    DomainCharacter(char),
    /// The last part of the domain is a number, which no top-level domain is.
    #[error("the domain cannot end in a number; check the part after the last dot")]
    NumericTopLevel,
}

/// A character as named in a message: visible ones in backticks, others by code point.
fn describe(c: char) -> String {
    if c.is_whitespace() {
        "spaces".to_owned()
    } else if c.is_control() {
        format!("the invisible character U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// Characters that are only valid inside quoted local parts (which this check does not
/// accept) and that show up when "Name <name@example.com>" or a list was pasted.
fn is_local_special(c: char) -> bool {
    matches!(
        c,
        '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '\\' | '"'
    )
}

/// Checks an address and returns it trimmed, with the domain in lower case.
pub fn normalise(input: &str) -> Result<String, EmailError> {
    let address = input.trim();
    if address.is_empty() {
        return Err(EmailError::Empty);
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(EmailError::NoAt);
    };
    if domain.contains('@') {
        return Err(EmailError::SeveralAt);
    }
    check_local(local)?;
    // Unicode lower case: domains may be internationalised (`check_domain`).
    let domain = crate::case::to_lower(domain);
    check_domain(&domain)?;
    // Checked after the parts, whose own limits make the more telling message.
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(EmailError::TooLong);
    }
    Ok(format!("{local}@{domain}"))
}

/// Whether `input` is an address [`normalise`] accepts.
pub fn is_valid(input: &str) -> bool {
    normalise(input).is_ok()
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::LocalEmpty);
    }
    if local.chars().count() > MAX_LOCAL_CHARS {
        return Err(EmailError::LocalTooLong);
    }
    match local
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || is_local_special(*c))
    {
        Some(c) => Err(EmailError::LocalCharacter(c)),
        None => Ok(()),
    }
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if domain.is_empty() {
        return Err(EmailError::DomainEmpty);
    }
    if domain.chars().count() > MAX_DOMAIN_CHARS {
        return Err(EmailError::DomainTooLong);
    }
    if let Some(c) = domain
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Err(EmailError::DomainCharacter(c));
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainNoDot);
    }
    // The last label, kept from this walk rather than found again with
    // `rsplit`, whose backwards search adds code to the browser's wasm.
    let mut top = domain;
    for label in domain.split('.') {
        top = label;
        if label.is_empty() {
            return Err(EmailError::EmptyLabel);
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(EmailError::LabelTooLong);
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailError::LabelHyphen);
        }
    }
    // Catches "name@192.168.0.1", which a form should not take for a mailbox.
    if top.chars().all(|c| c.is_ascii_digit()) {
        Err(EmailError::NumericTopLevel)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted() {
        for address in [
            "ann@example.com",
            "ann.smith+intake@mail.example.co.uk",
            "o'brien@example.ie",
            "x@a-b.io",
            "1234@123.example",
            "üser@example.com",
            "ann@bücher.de",
            "ann@例え.テスト",
            "ann@xn--bcher-kva.de",
        ] {
            assert!(is_valid(address), "{address}");
        }
    }

    #[test]
    fn the_domain_is_lower_cased_and_the_local_part_kept() {
        assert_eq!(
            normalise("  Ann.Smith@Example.COM \n").as_deref(),
            Ok("Ann.Smith@example.com")
        );
        assert_eq!(normalise("ann@BÜCHER.DE").as_deref(), Ok("ann@bücher.de"));
    }

    #[test]
    fn the_at_sign_is_needed_once() {
        assert_eq!(normalise(""), Err(EmailError::Empty));
        assert_eq!(normalise("   "), Err(EmailError::Empty));
        assert_eq!(normalise("ann.example.com"), Err(EmailError::NoAt));
        assert_eq!(
            normalise("ann@home@example.com"),
            Err(EmailError::SeveralAt)
        );
        assert_eq!(normalise("@example.com"), Err(EmailError::LocalEmpty));
        assert_eq!(normalise("ann@"), Err(EmailError::DomainEmpty));
    }

    #[test]
    fn the_local_part_has_no_spaces_controls_or_pasted_punctuation() {
        assert_eq!(
            normalise("ann smith@example.com"),
            Err(EmailError::LocalCharacter(' '))
        );
        assert_eq!(
            normalise("ann\u{7}@example.com"),
            Err(EmailError::LocalCharacter('\u{7}'))
        );
        assert_eq!(
            normalise("Ann <ann@example.com>"),
            Err(EmailError::LocalCharacter(' '))
        );
        assert_eq!(
            normalise("<ann@example.com>"),
            Err(EmailError::LocalCharacter('<'))
        );
        assert_eq!(
            normalise("ann,bob@example.com"),
            Err(EmailError::LocalCharacter(','))
        );
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(normalise(&long), Err(EmailError::LocalTooLong));
        let longest = format!("{}@example.com", "a".repeat(64));
        assert!(is_valid(&longest));
    }

    #[test]
    fn domains_are_dotted_labels_of_letters_digits_and_inner_hyphens() {
        assert_eq!(normalise("ann@localhost"), Err(EmailError::DomainNoDot));
        assert_eq!(normalise("ann@example..com"), Err(EmailError::EmptyLabel));
        assert_eq!(normalise("ann@.example.com"), Err(EmailError::EmptyLabel));
        assert_eq!(normalise("ann@example.com."), Err(EmailError::EmptyLabel));
        assert_eq!(normalise("ann@-example.com"), Err(EmailError::LabelHyphen));
        assert_eq!(normalise("ann@example-.com"), Err(EmailError::LabelHyphen));
        assert_eq!(
            normalise("ann@exa_mple.com"),
            Err(EmailError::DomainCharacter('_'))
        );
        assert_eq!(
            normalise("ann@exa mple.com"),
            Err(EmailError::DomainCharacter(' '))
        );
        assert_eq!(
            normalise("ann@[192.168.0.1]"),
            Err(EmailError::DomainCharacter('['))
        );
        assert_eq!(
            normalise("ann@192.168.0.1"),
            Err(EmailError::NumericTopLevel)
        );
        let label = "a".repeat(64);
        assert_eq!(
            normalise(&format!("ann@{label}.com")),
            Err(EmailError::LabelTooLong)
        );
        assert!(is_valid(&format!("ann@{}.com", "a".repeat(63))));
    }

    #[test]
    fn length_limits_apply_to_the_domain_and_the_whole() {
        let label = "a".repeat(63);
        let domain_of = |last: usize| format!("{label}.{label}.{label}.{}", "a".repeat(last));
        assert_eq!(domain_of(60).len(), 252);
        assert!(
            is_valid(&format!("a@{}", domain_of(60))),
            "254 characters in all"
        );
        assert_eq!(
            normalise(&format!("a@{}", domain_of(61))),
            Err(EmailError::TooLong)
        );
        assert_eq!(
            normalise(&format!("a@{}", domain_of(62))),
            Err(EmailError::DomainTooLong)
        );
        let whole = format!("{}@{label}.{label}.{}.com", "a".repeat(64), "b".repeat(58));
        assert_eq!(whole.len(), 255);
        assert_eq!(normalise(&whole), Err(EmailError::TooLong));
    }

    #[test]
    fn messages_name_invisible_characters_by_code() {
        assert_eq!(
            EmailError::LocalCharacter('\u{0}').to_string(),
            "an email address cannot contain the invisible character U+0000"
        );
        assert_eq!(
            EmailError::LocalCharacter(' ').to_string(),
            "an email address cannot contain spaces"
        );
        assert_eq!(
            EmailError::DomainCharacter('_').to_string(),
            "the part after the @ cannot contain `_`"
        );
    }

    proptest::proptest! {
        #[test]
        fn normalising_is_idempotent_and_never_panics(input in "\\PC{0,300}") {
            if let Ok(once) = normalise(&input) {
                proptest::prop_assert_eq!(normalise(&once), Ok(once.clone()));
                proptest::prop_assert!(once.chars().count() <= MAX_ADDRESS_CHARS);
            }
        }

        #[test]
        fn plausible_addresses_pass(local in "[a-z0-9._%+-]{1,30}", host in "[a-z0-9]{1,20}", top in "[a-z]{2,6}") {
            let address = format!("{local}@{host}.{top}");
            proptest::prop_assert!(is_valid(&address), "{}", address);
        }
    }
}
