//! When a link stops working (rules 1 and 4 of the design):
//!
//! ```text
//!            created ──(link lifetime passes unopened)──▶ expired
//!               │
//!          first opened
//!               ▼
//!            opened ──(access window passes since the last access)──▶ expired
//!               │  ▲
//!               └──┘ each access slides the window
//!
//!   submitted and cancelled are final; an expired link never comes back.
//! ```
//!
//! Time is always a parameter: nothing here reads a clock.

use crate::clock::Timestamp;
use crate::storage::records::{Interview, InterviewState};

/// The moment an interview's link stops working, if it is still live at all.
pub fn expires_at(interview: &Interview) -> Option<Timestamp> {
    match interview.state {
        InterviewState::Submitted | InterviewState::Cancelled | InterviewState::Expired => None,
        InterviewState::Sent | InterviewState::Opened => Some(match interview.last_access_at {
            // Once opened, the window slides from the last access, whatever the link lifetime.
            Some(last) => last.plus_secs(interview.access_window_secs),
            None => interview.link_expires_at,
        }),
    }
}

/// The state at `now`: a live interview past its expiry counts as expired even
/// before anything has written that down.
pub fn effective_state(interview: &Interview, now: Timestamp) -> InterviewState {
    match expires_at(interview) {
        Some(at) if now >= at => InterviewState::Expired,
        _ => interview.state,
    }
}

/// True when the client can still use the link at `now`.
pub fn is_live(interview: &Interview, now: Timestamp) -> bool {
    matches!(effective_state(interview, now), InterviewState::Sent | InterviewState::Opened)
}

/// Records an access at `now` (the first one opens the link).
pub fn touch(interview: &mut Interview, now: Timestamp) {
    if interview.first_opened_at.is_none() {
        interview.first_opened_at = Some(now);
    }
    interview.last_access_at = Some(now);
    if interview.state == InterviewState::Sent {
        interview.state = InterviewState::Opened;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::records::{Attempts, ClientAuth};

    const HOUR: u64 = 3600;

    fn interview(created: Timestamp) -> Interview {
        Interview {
            id: "iv_1".into(),
            work_item_id: "wi_1".into(),
            client_id: "cli_1".into(),
            sections: Vec::new(),
            token_hash: [0; 32],
            auth: ClientAuth::None,
            state: InterviewState::Sent,
            created_at: created,
            link_expires_at: created.plus_secs(96 * HOUR),
            access_window_secs: 96 * HOUR,
            first_opened_at: None,
            last_access_at: None,
            attempts: Attempts::default(),
            sms: None,
            progress: None,
            submission: None,
            created_by: "usr_1".into(),
            locale: interview_runtime::Locale::En,
        }
    }

    #[test]
    fn an_unopened_link_expires_after_the_link_lifetime() {
        let start = Timestamp(1_000_000);
        let iv = interview(start);
        assert!(is_live(&iv, start.plus_secs(96 * HOUR - 1)));
        assert!(!is_live(&iv, start.plus_secs(96 * HOUR)));
        assert_eq!(effective_state(&iv, start.plus_secs(96 * HOUR)), InterviewState::Expired);
    }

    #[test]
    fn an_opened_link_slides_from_the_last_access() {
        let start = Timestamp(1_000_000);
        let mut iv = interview(start);
        touch(&mut iv, start.plus_secs(90 * HOUR));
        assert_eq!(iv.state, InterviewState::Opened);
        // Past the link lifetime, but within the window from the last access.
        assert!(is_live(&iv, start.plus_secs(100 * HOUR)));
        touch(&mut iv, start.plus_secs(180 * HOUR));
        assert!(is_live(&iv, start.plus_secs(180 * HOUR + 96 * HOUR - 1)));
        assert!(!is_live(&iv, start.plus_secs(180 * HOUR + 96 * HOUR)));
        assert_eq!(iv.first_opened_at, Some(start.plus_secs(90 * HOUR)));
    }

    #[test]
    fn final_states_stay_final() {
        let start = Timestamp(0);
        for state in [InterviewState::Submitted, InterviewState::Cancelled, InterviewState::Expired] {
            let mut iv = interview(start);
            iv.state = state;
            assert!(!is_live(&iv, start));
            assert_eq!(effective_state(&iv, start.plus_secs(1000 * HOUR)), state);
        }
    }
}
