//! Entry point of the interview page (`components/index.html`): mounts the
//! interview into the page's `<main>`. Everything else lives in the library.

fn main() {
    match interview_components::mount_page() {
        // The page lives as long as the interview: keep it mounted for good.
        Ok(mounted) => std::mem::forget(mounted),
        Err(error) => web_sys::console::error_1(&error),
    }
}
