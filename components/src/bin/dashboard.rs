//! Entry point of the staff dashboard bundle (`components/dashboard.html`,
//! served at `/dashboard/`): mounts the app into the page's body.

fn main() {
    interview_components::dashboard::start();
}
