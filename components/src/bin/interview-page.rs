//! Entry point of the bundle: defines `<client-interview>` and, on the
//! interview page (`components/index.html`), mounts the interview into its
//! `<main data-interview-page>`. Everything else lives in the library.

fn main() {
    interview_components::define_element();
    match interview_components::mount_page() {
        // The page lives as long as the interview: keep it mounted for good.
        Ok(Some(mounted)) => std::mem::forget(mounted),
        // A partner page: it mounts the interview itself.
        Ok(None) => {}
        Err(error) => web_sys::console::error_1(&error),
    }
}
