//! How a record is written into a table value: one format byte, then the
//! record as CBOR (RFC 8949) with named fields.
//!
//! CBOR is compact, self-describing and a standard, so a stored record can be
//! read without this crate; named fields mean a field added later with
//! `#[serde(default)]` still reads from older records, and unknown fields are
//! skipped. The leading byte lets the encoding itself change later: a new
//! format gets a new byte and `decode` keeps reading the old one.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::txn::StorageError;

/// The format byte of CBOR-encoded records.
pub const FORMAT_CBOR: u8 = 1;

/// Encodes `value` for storage.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StorageError> {
    let mut bytes = vec![FORMAT_CBOR];
    ciborium::ser::into_writer(value, &mut bytes)
        .map_err(|e| StorageError::Backend(format!("cannot encode a record: {e}")))?;
    Ok(bytes)
}

/// Decodes a value stored in `table`; a damaged or unknown value is a
/// [`StorageError::Decode`], never a panic.
pub fn decode<T: DeserializeOwned>(table: &'static str, bytes: &[u8]) -> Result<T, StorageError> {
    let decode_error = |message: String| StorageError::Decode { table, message };
    match bytes.split_first() {
        Some((&FORMAT_CBOR, body)) => {
            let mut reader = body;
            let value =
                ciborium::de::from_reader(&mut reader).map_err(|e| decode_error(e.to_string()))?;
            // Trailing bytes mean the value is not what was written.
            if !reader.is_empty() {
                return Err(decode_error(format!(
                    "{} unexpected bytes after the record",
                    reader.len()
                )));
            }
            Ok(value)
        }
        Some((format, _)) => Err(decode_error(format!("unknown record format {format}"))),
        None => Err(decode_error("empty value".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::storage::records::*;
    use crate::storage::testdata;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let bytes = encode(&value).unwrap();
        assert_eq!(bytes[0], FORMAT_CBOR);
        let back: T = decode("test", &bytes).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn every_record_type_round_trips() {
        round_trip(Settings::default());
        round_trip(Settings {
            webhooks: vec![Webhook {
                url: "https://partner.example/hook".into(),
                secret: "s3cret".into(),
            }],
            embed_origins: vec!["https://partner.example".into()],
            auth_methods: vec![AuthMethodName::Sms],
            ..Settings::default()
        });
        round_trip(testdata::user("usr_1", "a@example.com"));
        round_trip(testdata::api_key("key_1", [7; 32]));
        round_trip(testdata::staff_session([1; 32], "usr_1"));
        round_trip(testdata::template("tpl_1", 1000));
        round_trip(testdata::client("cli_1"));
        round_trip(testdata::work_item("wi_1", 1000));
        round_trip(testdata::work_group("wg_1", "North"));
        round_trip(testdata::interview("iv_1", [2; 32]));
        round_trip(testdata::full_interview());
        round_trip(testdata::client_session([3; 32], "iv_1"));
        round_trip(testdata::file("file_1", "iv_1", "ab"));
        round_trip(testdata::audit("wi_1", "interview_sent"));
        round_trip(testdata::outbox("evt_1", 5000, None));
        round_trip(testdata::outbox("evt_2", 5000, Some(6000)));
    }

    #[test]
    fn every_auth_variant_round_trips() {
        for auth in [
            ClientAuth::None,
            ClientAuth::Passphrase {
                hash: "$argon2id$v=19$…".into(),
            },
            ClientAuth::Sms,
        ] {
            round_trip(Interview {
                auth,
                ..testdata::interview("iv_1", [2; 32])
            });
        }
    }

    #[test]
    fn json_values_keep_their_numbers_and_nesting() {
        let detail = json!({"n": 1, "neg": -5, "big": u64::MAX, "f": 1.5, "s": "x", "list": [null, true, {"deep": [1]}]});
        round_trip(AuditEvent {
            detail,
            ..testdata::audit("wi_1", "x")
        });
    }

    /// `User` as an older build wrote it, before `disabled` existed.
    #[derive(Serialize)]
    struct OldUser {
        id: String,
        email: String,
        name: String,
        role: Role,
        password_hash: String,
        created_at: crate::clock::Timestamp,
    }

    #[test]
    fn a_record_without_a_later_default_field_still_reads() {
        let old = OldUser {
            id: "usr_1".into(),
            email: "a@example.com".into(),
            name: "A".into(),
            role: Role::Admin,
            password_hash: "phc".into(),
            created_at: crate::clock::Timestamp(5),
        };
        let user: User = decode("users", &encode(&old).unwrap()).unwrap();
        assert_eq!(user.id, "usr_1");
        assert_eq!(user.role, Role::Admin);
        assert!(!user.disabled);
    }

    #[test]
    fn an_interview_written_before_locales_reads_as_english() {
        use interview_runtime::Locale;
        let french = Interview {
            locale: Locale::Fr,
            ..testdata::full_interview()
        };
        // The record as an older build wrote it: every field but `locale`.
        let ciborium::Value::Map(mut fields) = ciborium::Value::serialized(&french).unwrap() else {
            panic!("an interview is a map")
        };
        let before = fields.len();
        fields.retain(|(k, _)| k.as_text() != Some("locale"));
        assert_eq!(fields.len(), before - 1, "the record had a `locale` to leave out");
        let old: Interview = decode("interviews", &encode(&ciborium::Value::Map(fields)).unwrap()).unwrap();
        assert_eq!(old, Interview { locale: Locale::En, ..french.clone() });
        // A French one keeps its language.
        round_trip(french);
    }

    #[test]
    fn settings_missing_fields_take_the_defaults() {
        #[derive(Serialize)]
        struct OldSettings {
            link_lifetime_secs: u64,
        }
        let settings: Settings = decode(
            "settings",
            &encode(&OldSettings {
                link_lifetime_secs: 60,
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(settings.link_lifetime_secs, 60);
        assert_eq!(
            settings.max_failed_attempts,
            Settings::default().max_failed_attempts
        );
    }

    #[test]
    fn a_record_with_an_unknown_field_still_reads() {
        #[derive(Serialize)]
        struct NewerWebhook {
            url: String,
            secret: String,
            retries: u32,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Plain {
            url: String,
        }
        let bytes = encode(&NewerWebhook {
            url: "u".into(),
            secret: "s".into(),
            retries: 3,
        })
        .unwrap();
        let hook: Webhook = decode("t", &bytes).unwrap();
        assert_eq!(
            hook,
            Webhook {
                url: "u".into(),
                secret: "s".into()
            }
        );
        assert_eq!(
            decode::<Plain>("t", &bytes).unwrap(),
            Plain { url: "u".into() }
        );
    }

    #[test]
    fn damaged_values_are_decode_errors() {
        let good = encode(&testdata::user("usr_1", "a@example.com")).unwrap();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("unknown format", [&[9u8][..], &good[1..]].concat()),
            ("truncated", good[..good.len() / 2].to_vec()),
            ("trailing bytes", [&good[..], &[0u8][..]].concat()),
            ("wrong type", encode(&42u32).unwrap()),
            ("garbage", vec![FORMAT_CBOR, 0xff, 0xff, 0xff]),
        ];
        for (case, bytes) in cases {
            match decode::<User>("users", &bytes) {
                Err(StorageError::Decode {
                    table: "users",
                    message,
                }) => assert!(!message.is_empty(), "{case}"),
                other => panic!("{case}: expected a decode error, got {other:?}"),
            }
        }
    }
}
