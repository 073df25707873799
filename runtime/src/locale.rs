//! The languages the product speaks to clients in, and the engine's own words
//! in each: validation messages, phone-number problems, byte sizes.
//!
//! A template's own text (titles, labels, help, check messages) is written by
//! staff in the client's language and is never translated; a locale only
//! changes the words the product adds around it. Every locale has every
//! message: the tables are exhaustive `match`es, so a missing translation does
//! not compile, and a test checks that each translation uses exactly the
//! placeholders of the English text.

use std::fmt;

/// A language of the product's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English, the default.
    #[default]
    En,
    /// French.
    Fr,
    /// German.
    De,
}

impl Locale {
    /// Every locale, the default first.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Fr, Locale::De];

    /// The BCP 47 language tag: `en`, `fr`, `de`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
            Locale::De => "de",
        }
    }

    /// The locale of a BCP 47 tag by its language subtag, ignoring case and
    /// region: `fr`, `fr-CA` and `FR_be` are French. `None` for a language
    /// the product does not speak.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let language = tag.trim().split(['-', '_']).next().unwrap_or("");
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(language))
    }

    /// A number as people of this language write it: `2.5` or `2,5`.
    pub fn number(self, n: f64) -> String {
        let text = crate::value::format_number(n);
        match self {
            Locale::En => text,
            Locale::Fr | Locale::De => text.replace('.', ","),
        }
    }

    /// A byte count for people: `10 MB`, `512 KB`, `300 bytes` (`Mo`, `Ko`,
    /// `octets` in French).
    pub fn byte_size(self, bytes: u64) -> String {
        const KB: u64 = 1024;
        const MB: u64 = 1024 * 1024;
        let (amount, unit) = if bytes >= MB {
            // One decimal is precise enough for a limit shown to people.
            (
                (bytes as f64 / MB as f64 * 10.0).round() / 10.0,
                Text::Megabytes,
            )
        } else if bytes >= KB && bytes.is_multiple_of(KB) {
            ((bytes / KB) as f64, Text::Kilobytes)
        } else {
            (bytes as f64, Text::Bytes)
        };
        self.say(unit, &[("n", &self.number(amount))])
    }

    /// A label used inside a sentence: lower-cased where the language does
    /// that to nouns (English, French), kept as written in German.
    pub fn in_sentence(self, label: &str) -> String {
        match self {
            Locale::De => label.to_owned(),
            Locale::En | Locale::Fr => crate::case::to_lower(label),
        }
    }

    /// The message `text` in this language with its `{placeholders}` filled.
    pub fn say(self, text: Text, args: &[(&str, &str)]) -> String {
        fill_from(self.text(text), args)
    }

    /// The message `text` in this language, placeholders unfilled.
    pub fn text(self, text: Text) -> &'static str {
        match self {
            Locale::En => english(text),
            Locale::Fr => french(text),
            Locale::De => german(text),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl serde::Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.tag())
    }
}

impl<'de> serde::Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Locale::from_tag(&tag).ok_or_else(|| serde::de::Error::custom(unsupported(&tag)))
    }
}

/// The error text for a language tag the product does not speak.
pub fn unsupported(tag: &str) -> String {
    let known: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
    format!(
        "the locale `{tag}` is not supported; use one of {}",
        known.join(", ")
    )
}

/// [`fill`] from a list of `(name, value)` pairs.
pub fn fill_from(template: &str, args: &[(&str, &str)]) -> String {
    fill(template, |name| lookup(args, name))
}

/// The value of `name` in a list of `(name, value)` pairs.
pub fn lookup<'v>(args: &[(&str, &'v str)], name: &str) -> Option<&'v str> {
    args.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

/// Fills `{name}` placeholders of `template` with what `value` gives for the
/// name. A placeholder `value` knows nothing of is left as written (a typo
/// shows instead of vanishing); inserted values are not scanned again, so a
/// value that reads `{link}` stays as it is.
pub fn fill<'v>(template: &str, value: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match (after[name_len..].starts_with('}'), value(name)) {
            (true, Some(v)) if !name.is_empty() => {
                out.push_str(v);
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A message of the engine, by meaning; [`Locale::text`] gives its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Text {
    WrongType,
    ExpectNumber,
    ExpectYesNo,
    ExpectOptions,
    ExpectFiles,
    ExpectEntries,
    ExpectDate,
    ExpectText,
    Required,
    RequiredChoice,
    RequiredFile,
    RequiredEntry,
    TooFewEntries,
    TooManyEntries,
    AnEntry,
    Entries,
    TooShort,
    TooLong,
    Pattern,
    NotInteger,
    NumberTooSmall,
    NumberTooLarge,
    StepMismatch,
    InvalidDate,
    DateTooEarly,
    DateTooLate,
    InvalidEmail,
    InvalidPhone,
    NotAnOption,
    SelectAtLeast,
    SelectAtMost,
    AttachAtMost,
    FileType,
    FileTooLarge,
    TheFile,
    UnknownField,
    Megabytes,
    Kilobytes,
    Bytes,
    PhoneEmpty,
    PhoneLetters,
    PhoneCharacter,
    PhonePlus,
    PhoneTooShort,
    PhoneTooLong,
    PhoneLength,
    PhoneCountryCodeZero,
    PhoneNoCountryCode,
    PhoneUnknownRegion,
}

impl Text {
    /// Every message (for the completeness test).
    #[cfg(test)]
    const ALL: [Text; 49] = [
        Text::WrongType,
        Text::ExpectNumber,
        Text::ExpectYesNo,
        Text::ExpectOptions,
        Text::ExpectFiles,
        Text::ExpectEntries,
        Text::ExpectDate,
        Text::ExpectText,
        Text::Required,
        Text::RequiredChoice,
        Text::RequiredFile,
        Text::RequiredEntry,
        Text::TooFewEntries,
        Text::TooManyEntries,
        Text::AnEntry,
        Text::Entries,
        Text::TooShort,
        Text::TooLong,
        Text::Pattern,
        Text::NotInteger,
        Text::NumberTooSmall,
        Text::NumberTooLarge,
        Text::StepMismatch,
        Text::InvalidDate,
        Text::DateTooEarly,
        Text::DateTooLate,
        Text::InvalidEmail,
        Text::InvalidPhone,
        Text::NotAnOption,
        Text::SelectAtLeast,
        Text::SelectAtMost,
        Text::AttachAtMost,
        Text::FileType,
        Text::FileTooLarge,
        Text::TheFile,
        Text::UnknownField,
        Text::Megabytes,
        Text::Kilobytes,
        Text::Bytes,
        Text::PhoneEmpty,
        Text::PhoneLetters,
        Text::PhoneCharacter,
        Text::PhonePlus,
        Text::PhoneTooShort,
        Text::PhoneTooLong,
        Text::PhoneLength,
        Text::PhoneCountryCodeZero,
        Text::PhoneNoCountryCode,
        Text::PhoneUnknownRegion,
    ];
}

fn english(text: Text) -> &'static str {
    match text {
        Text::WrongType => "{name}: the answer must be {expected}.",
        Text::ExpectNumber => "a number",
        Text::ExpectYesNo => "true or false",
        Text::ExpectOptions => "a list of option values",
        Text::ExpectFiles => "a list of uploaded files",
        Text::ExpectEntries => "a list of entries",
        Text::ExpectDate => "a date as text, YYYY-MM-DD",
        Text::ExpectText => "text",
        Text::Required => "Enter {name}.",
        Text::RequiredChoice => "Select an answer for {name}.",
        Text::RequiredFile => "Attach a file for {name}.",
        Text::RequiredEntry => "Add at least one {entry} for {name}.",
        Text::TooFewEntries => "Add at least {min} ({entries}).",
        Text::TooManyEntries => "Add at most {max} ({entry}).",
        Text::AnEntry => "entry",
        Text::Entries => "entries",
        Text::TooShort => "{name} must be at least {min} characters.",
        Text::TooLong => "{name} must be at most {max} characters.",
        Text::Pattern => "{name} is not in the expected format.",
        Text::NotInteger => "{name} must be a whole number.",
        Text::NumberTooSmall => "{name} must be {min} or more.",
        Text::NumberTooLarge => "{name} must be {max} or less.",
        Text::StepMismatch => "{name} must be in steps of {step}.",
        Text::InvalidDate => "{name} must be a real date, written like {today}.",
        Text::DateTooEarly => "{name} must be on or after {min}.",
        Text::DateTooLate => "{name} must be on or before {max}.",
        Text::InvalidEmail => "{name} must be an email address, like name@example.com.",
        Text::InvalidPhone => "{name} must be a phone number: {problem}.",
        Text::NotAnOption => "“{value}” is not one of the options of “{name}”.",
        Text::SelectAtLeast => "{name}: select at least {min}.",
        Text::SelectAtMost => "{name}: select at most {max}.",
        Text::AttachAtMost => "{name}: attach at most {max} file(s).",
        Text::FileType => "{file} must be one of these types: {types}.",
        Text::FileTooLarge => "{file} is larger than {size}.",
        Text::TheFile => "the file",
        Text::UnknownField => "`{key}` is not a question of this form.",
        Text::Megabytes => "{n} MB",
        Text::Kilobytes => "{n} KB",
        Text::Bytes => "{n} bytes",
        Text::PhoneEmpty => "enter a phone number",
        Text::PhoneLetters => "a phone number has only digits; leave out letters and extensions",
        Text::PhoneCharacter => {
            "a phone number cannot contain `{char}`; use only digits, spaces, dashes, dots and brackets"
        }
        Text::PhonePlus => "a `+` can only come at the start of a phone number",
        Text::PhoneTooShort => "this phone number is too short; check that no digits are missing",
        Text::PhoneTooLong => "this phone number is too long; a number has at most 15 digits with its country code",
        Text::PhoneLength => "a phone number in {region} has {expected} digits after the country code",
        Text::PhoneCountryCodeZero => "the country code cannot start with 0; write the number as + and the country code",
        Text::PhoneNoCountryCode => "add the country code (for example +44 for the United Kingdom) to this phone number",
        Text::PhoneUnknownRegion => "the region `{region}` is not known; write the number with + and its country code",
    }
}

fn french(text: Text) -> &'static str {
    match text {
        Text::WrongType => "{name} : la réponse doit être {expected}.",
        Text::ExpectNumber => "un nombre",
        Text::ExpectYesNo => "true ou false",
        Text::ExpectOptions => "une liste de valeurs d’options",
        Text::ExpectFiles => "une liste de fichiers envoyés",
        Text::ExpectEntries => "une liste d’éléments",
        Text::ExpectDate => "une date en texte, AAAA-MM-JJ",
        Text::ExpectText => "du texte",
        Text::Required => "Renseignez {name}.",
        Text::RequiredChoice => "Choisissez une réponse pour {name}.",
        Text::RequiredFile => "Joignez un fichier pour {name}.",
        Text::RequiredEntry => "Ajoutez au moins un élément ({entry}) pour {name}.",
        Text::TooFewEntries => "Ajoutez au moins {min} ({entries}).",
        Text::TooManyEntries => "Ajoutez au plus {max} ({entry}).",
        Text::AnEntry => "élément",
        Text::Entries => "éléments",
        Text::TooShort => "{name} doit comporter au moins {min} caractères.",
        Text::TooLong => "{name} doit comporter au plus {max} caractères.",
        Text::Pattern => "{name} n’est pas au format attendu.",
        Text::NotInteger => "{name} doit être un nombre entier.",
        Text::NumberTooSmall => "{name} doit être supérieur ou égal à {min}.",
        Text::NumberTooLarge => "{name} doit être inférieur ou égal à {max}.",
        Text::StepMismatch => "{name} doit être un multiple de {step}.",
        Text::InvalidDate => "{name} doit être une date réelle, écrite comme {today}.",
        Text::DateTooEarly => "{name} doit être le {min} ou après.",
        Text::DateTooLate => "{name} doit être le {max} ou avant.",
        Text::InvalidEmail => "{name} doit être une adresse e-mail, comme nom@exemple.fr.",
        Text::InvalidPhone => "{name} doit être un numéro de téléphone : {problem}.",
        Text::NotAnOption => "« {value} » ne fait pas partie des options de « {name} ».",
        Text::SelectAtLeast => "{name} : choisissez-en au moins {min}.",
        Text::SelectAtMost => "{name} : choisissez-en au plus {max}.",
        Text::AttachAtMost => "{name} : joignez au plus {max} fichier(s).",
        Text::FileType => "{file} doit être de l’un de ces types : {types}.",
        Text::FileTooLarge => "{file} dépasse {size}.",
        Text::TheFile => "le fichier",
        Text::UnknownField => "`{key}` n’est pas une question de ce formulaire.",
        Text::Megabytes => "{n} Mo",
        Text::Kilobytes => "{n} Ko",
        Text::Bytes => "{n} octets",
        Text::PhoneEmpty => "saisissez un numéro de téléphone",
        Text::PhoneLetters => "un numéro de téléphone ne contient que des chiffres ; retirez les lettres et les extensions",
        Text::PhoneCharacter => {
            "un numéro de téléphone ne peut pas contenir `{char}` ; utilisez uniquement des chiffres, espaces, tirets, points et parenthèses"
        }
        Text::PhonePlus => "le signe `+` ne peut figurer qu’au début d’un numéro de téléphone",
        Text::PhoneTooShort => "ce numéro de téléphone est trop court ; vérifiez qu’il ne manque aucun chiffre",
        Text::PhoneTooLong => {
            "ce numéro de téléphone est trop long ; un numéro compte au plus 15 chiffres avec l’indicatif du pays"
        }
        Text::PhoneLength => "un numéro de téléphone en {region} compte {expected} chiffres après l’indicatif du pays",
        Text::PhoneCountryCodeZero => {
            "l’indicatif du pays ne peut pas commencer par 0 ; écrivez le numéro avec + et l’indicatif du pays"
        }
        Text::PhoneNoCountryCode => {
            "ajoutez l’indicatif du pays (par exemple +33 pour la France) à ce numéro de téléphone"
        }
        Text::PhoneUnknownRegion => {
            "la région `{region}` est inconnue ; écrivez le numéro avec + et l’indicatif du pays"
        }
    }
}

fn german(text: Text) -> &'static str {
    match text {
        Text::WrongType => "{name}: Die Antwort muss {expected} sein.",
        Text::ExpectNumber => "eine Zahl",
        Text::ExpectYesNo => "true oder false",
        Text::ExpectOptions => "eine Liste von Optionswerten",
        Text::ExpectFiles => "eine Liste hochgeladener Dateien",
        Text::ExpectEntries => "eine Liste von Einträgen",
        Text::ExpectDate => "ein Datum als Text, JJJJ-MM-TT",
        Text::ExpectText => "Text",
        Text::Required => "Bitte geben Sie {name} an.",
        Text::RequiredChoice => "Bitte wählen Sie eine Antwort für {name}.",
        Text::RequiredFile => "Bitte hängen Sie eine Datei für {name} an.",
        Text::RequiredEntry => "Bitte fügen Sie mindestens einen Eintrag ({entry}) für {name} hinzu.",
        Text::TooFewEntries => "Bitte fügen Sie mindestens {min} hinzu ({entries}).",
        Text::TooManyEntries => "Bitte fügen Sie höchstens {max} hinzu ({entry}).",
        Text::AnEntry => "Eintrag",
        Text::Entries => "Einträge",
        Text::TooShort => "{name} muss mindestens {min} Zeichen lang sein.",
        Text::TooLong => "{name} darf höchstens {max} Zeichen lang sein.",
        Text::Pattern => "{name} hat nicht das erwartete Format.",
        Text::NotInteger => "{name} muss eine ganze Zahl sein.",
        Text::NumberTooSmall => "{name} muss mindestens {min} sein.",
        Text::NumberTooLarge => "{name} darf höchstens {max} sein.",
        Text::StepMismatch => "{name} muss ein Vielfaches von {step} sein.",
        Text::InvalidDate => "{name} muss ein gültiges Datum sein, geschrieben wie {today}.",
        Text::DateTooEarly => "{name} muss am {min} oder später sein.",
        Text::DateTooLate => "{name} muss am {max} oder früher sein.",
        Text::InvalidEmail => "{name} muss eine E-Mail-Adresse sein, wie name@beispiel.de.",
        Text::InvalidPhone => "{name} muss eine Telefonnummer sein: {problem}.",
        Text::NotAnOption => "„{value}“ ist keine der Optionen von „{name}“.",
        Text::SelectAtLeast => "{name}: Bitte wählen Sie mindestens {min}.",
        Text::SelectAtMost => "{name}: Bitte wählen Sie höchstens {max}.",
        Text::AttachAtMost => "{name}: Bitte hängen Sie höchstens {max} Datei(en) an.",
        Text::FileType => "{file} muss einer dieser Typen sein: {types}.",
        Text::FileTooLarge => "{file} ist größer als {size}.",
        Text::TheFile => "die Datei",
        Text::UnknownField => "`{key}` ist keine Frage dieses Formulars.",
        Text::Megabytes => "{n} MB",
        Text::Kilobytes => "{n} KB",
        Text::Bytes => "{n} Byte",
        Text::PhoneEmpty => "Bitte geben Sie eine Telefonnummer ein",
        Text::PhoneLetters => "eine Telefonnummer besteht nur aus Ziffern; lassen Sie Buchstaben und Durchwahlzusätze weg",
        Text::PhoneCharacter => {
            "eine Telefonnummer darf `{char}` nicht enthalten; verwenden Sie nur Ziffern, Leerzeichen, Bindestriche, Punkte und Klammern"
        }
        Text::PhonePlus => "ein `+` darf nur am Anfang einer Telefonnummer stehen",
        Text::PhoneTooShort => "diese Telefonnummer ist zu kurz; prüfen Sie, ob Ziffern fehlen",
        Text::PhoneTooLong => "diese Telefonnummer ist zu lang; eine Nummer hat mit Ländervorwahl höchstens 15 Ziffern",
        Text::PhoneLength => "eine Telefonnummer in {region} hat {expected} Ziffern nach der Ländervorwahl",
        Text::PhoneCountryCodeZero => {
            "die Ländervorwahl kann nicht mit 0 beginnen; schreiben Sie die Nummer mit + und der Ländervorwahl"
        }
        Text::PhoneNoCountryCode => {
            "fügen Sie dieser Telefonnummer die Ländervorwahl hinzu (zum Beispiel +49 für Deutschland)"
        }
        Text::PhoneUnknownRegion => {
            "die Region `{region}` ist unbekannt; schreiben Sie die Nummer mit + und ihrer Ländervorwahl"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{placeholders}` of a message, sorted.
    fn placeholders(text: &str) -> Vec<String> {
        let mut found: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_translation_uses_the_placeholders_of_the_english_text() {
        for text in Text::ALL {
            let english = placeholders(Locale::En.text(text));
            for locale in Locale::ALL {
                let words = locale.text(text);
                assert_eq!(placeholders(words), english, "{locale} {text:?}: {words}");
                assert!(!words.trim().is_empty(), "{locale} {text:?} is empty");
            }
        }
    }

    #[test]
    fn tags_are_read_by_their_language_whatever_the_region_or_case() {
        assert_eq!(Locale::from_tag("fr"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("fr-CA"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag(" DE_at "), Some(Locale::De));
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("nl"), None);
        assert_eq!(Locale::from_tag(""), None);
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }

    #[test]
    fn serde_writes_the_tag_and_refuses_unknown_languages() {
        assert_eq!(serde_json::to_string(&Locale::De).unwrap(), "\"de\"");
        assert_eq!(
            serde_json::from_str::<Locale>("\"fr-BE\"").unwrap(),
            Locale::Fr
        );
        let error = serde_json::from_str::<Locale>("\"xx\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`xx` is not supported; use one of en, fr, de"),
            "{error}"
        );
    }

    #[test]
    fn numbers_and_sizes_read_as_each_language_writes_them() {
        assert_eq!(Locale::En.number(2.5), "2.5");
        assert_eq!(Locale::Fr.number(2.5), "2,5");
        assert_eq!(Locale::De.number(-1000.0), "-1000");
        assert_eq!(Locale::En.byte_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(Locale::En.byte_size(512 * 1024), "512 KB");
        assert_eq!(Locale::En.byte_size(5 * 1024 * 1024 + 512 * 1024), "5.5 MB");
        assert_eq!(Locale::En.byte_size(300), "300 bytes");
        assert_eq!(Locale::Fr.byte_size(5 * 1024 * 1024 + 512 * 1024), "5,5 Mo");
        assert_eq!(Locale::Fr.byte_size(300), "300 octets");
        assert_eq!(Locale::De.byte_size(2048), "2 KB");
    }

    #[test]
    fn fill_leaves_unknown_placeholders_and_does_not_rescan_values() {
        let value = |name: &str| match name {
            "name" => Some("{link}"),
            "link" => Some("https://x"),
            _ => None,
        };
        assert_eq!(
            fill("Hi {name}, {link} {other} {", value),
            "Hi {link}, https://x {other} {"
        );
        assert_eq!(fill("{}{name", value), "{}{name");
    }

    #[test]
    fn german_keeps_the_capitals_of_a_label_inside_a_sentence() {
        assert_eq!(Locale::En.in_sentence("Child"), "child");
        assert_eq!(Locale::Fr.in_sentence("Enfant"), "enfant");
        assert_eq!(Locale::De.in_sentence("Kind"), "Kind");
    }
}
