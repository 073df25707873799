//! The shapes of the host's HTTP API (`/api/v1/...`), defined once.
//!
//! The host serialises its answers from these types and reads its request
//! bodies into them; the staff dashboard (components/, feature `dashboard`)
//! reads the same answers into the same types, so a renamed or missing field
//! is a compile error or a decode error, never a silent `""`. The interview
//! page keeps its own small JSON reader for size (docs/architecture.md).
//!
//! Modules follow the API's sections in docs/api.md. Times are RFC 3339 UTC
//! strings, as on the wire; ids are the prefixed strings the host makes.
//!
//! Pure data: serde only, no I/O, so it compiles natively and to wasm32.

#![forbid(unsafe_code)]

pub mod audit;
pub mod clients;
pub mod documents;
pub mod error;
pub mod interviews;
pub mod paging;
pub mod session;
pub mod settings;
pub mod templates;
pub mod users;
pub mod work_groups;
pub mod work_items;

pub use audit::AuditEventRow;
pub use clients::{ClientFields, ClientView};
pub use documents::{DocumentCreated, NewDocument};
pub use interviews::{AuthChoice, EmailOutcome, EmailRequest, EmailStatus, InterviewOptions, SendInterview, SentEmail, SentInterview};
pub use error::{ApiError, ErrorBody};
pub use paging::{next_cursor, Page};
pub use session::{Role, SessionInfo, SignIn, UserSummary};
pub use settings::{
    ApiKeyView, AuthMethod, CreatedApiKey, DeliveryState, NewApiKey, SettingProblem, SettingsChange, SiteSettings, WebhookDelivery, WebhookSetting,
};
pub use templates::{
    NewTemplate, NewVersion, PinnedInterview, Publish, Published, TemplateCreated, TemplateDetail, TemplateProblem, TemplateSummary,
    VersionAdded, VersionDetail, VersionSummary,
};
pub use users::{NewUser, PasswordChange, User, UserChange};
pub use work_groups::WorkGroup;
pub use work_items::{
    AnswerRevisionView, AnswerSource, AnsweredTemplate, Created, DocumentSummary, InterviewDetail, InterviewState, InterviewSummary, NewWorkItem, SectionPin, WorkItemDetail, WorkItemRow,
    WorkItemStatus,
};
