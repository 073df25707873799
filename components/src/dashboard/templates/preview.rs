//! A version in the real interview form
//! (`/dashboard/templates/:id/versions/:n/preview`): the form the client gets
//! ([`crate::InterviewForm`], mounted with its own styles in a shadow root by
//! [`crate::mount_template`], as on a partner's page), from the packed
//! template the host gives, under a clear notice that nothing typed is kept.
//! The answers stay in memory while the screen is open; nothing is sent.

use interview_api::VersionDetail;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use send_wrapper::SendWrapper;

use super::page::Missing;
use crate::dashboard::api;
use crate::dashboard::set_title;
use crate::dashboard::widgets::Problem;

/// The preview screen.
#[component]
pub fn PreviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let version = Memo::new(move |_| params.read().get("n").unwrap_or_default());
    let detail = LocalResource::new(move || {
        let path = format!("/api/v1/templates/{}/versions/{}", api::encode(&id.get()), api::encode(&version.get()));
        async move { api::get::<VersionDetail>(&path).await }
    });
    set_title("Preview");
    view! {
        <a class="back-link" href=move || format!("/dashboard/templates/{}", id.get())>"Back to the template"</a>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the version…"</p> }>
            {move || detail.get().map(|answer| match answer {
                Ok(found) => view! { <Preview detail=found /> }.into_any(),
                Err(failure) if failure.status() == Some(404) => view! { <Missing /> }.into_any(),
                Err(failure) => view! { <Problem failure=failure /> }.into_any(),
            })}
        </Transition>
    }
}

/// The notice and the form for one version.
#[component]
pub fn Preview(
    /// The version and its definition.
    detail: VersionDetail,
) -> impl IntoView {
    let n = detail.version.version;
    let title = format!("Preview of {}, version {n}", detail.template_name);
    set_title(&title);
    let live = if detail.live { "This is the live version." } else { "This version is not live." };
    let holder = NodeRef::<html::Div>::new();
    let problem = RwSignal::new(None::<String>);
    // The packed form, as the client's page reads it: reading the JSON
    // document would link the template reader and its parsers into the bundle.
    let packed = detail.template_packed;
    // Mounted once the holder is in the page; unmounted with this screen.
    let mounted = StoredValue::new(SendWrapper::new(None::<crate::Mounted>));
    Effect::new(move |_| {
        let Some(el) = holder.get() else { return };
        if mounted.with_value(|m| m.is_some()) {
            return;
        }
        let today = crate::form::today_utc();
        let Some(today) = today else {
            problem.set(Some("This browser's clock is outside the dates the form can count from.".to_owned()));
            return;
        };
        let template = match interview_runtime::Template::unpack(&packed) {
            Ok(template) => template,
            Err(e) => {
                problem.set(Some(format!("The form cannot be shown: {e}")));
                return;
            }
        };
        match crate::mount_template(&el, template, interview_runtime::AnswerSet::new(), today, interview_runtime::Locale::En) {
            Ok(form) => mounted.set_value(SendWrapper::new(Some(form))),
            Err(e) => problem.set(Some(e.as_string().unwrap_or_else(|| "The form could not be shown.".to_owned()))),
        }
    });
    on_cleanup(move || {
        mounted.update_value(|m| {
            if let Some(mut form) = (**m).take() {
                form.unmount();
            }
        });
    });
    view! {
        <h1>{title}</h1>
        <div class="notice preview-notice" role="note" aria-label="Preview">
            <p><strong>"Preview — answers are not saved"</strong></p>
            <p>{format!("{live} This is the form the client sees: try the questions and the checks. Nothing you type is kept or sent.")}</p>
        </div>
        {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
        <div class="preview-form" node_ref=holder></div>
    }
}
