//! Where signing in sends a person back to: only the dashboard's own
//! addresses, never another site (an open redirect would let a phishing link
//! send staff from the real sign-in screen to a look-alike).

use interview_components::dashboard::session::{safe_next, sign_in_url};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn signing_in_goes_back_only_to_a_dashboard_address() {
    assert_eq!(safe_next(Some("/dashboard/work-items?q=smith")), "/dashboard/work-items?q=smith");
    assert_eq!(safe_next(Some("/dashboard/clients/cli_1")), "/dashboard/clients/cli_1");
    for hostile in [
        "https://evil.example/dashboard/",
        "//evil.example/dashboard/",
        "/dashboard/\\\\evil.example",
        "/i/#token",
        "/dashboard/sign-in?next=/dashboard/work-items",
        "",
    ] {
        assert_eq!(safe_next(Some(hostile)), "/dashboard/work-items", "{hostile:?} is refused");
    }
    assert_eq!(safe_next(None), "/dashboard/work-items");
}

#[wasm_bindgen_test]
fn the_sign_in_address_carries_where_to_come_back_to() {
    assert_eq!(sign_in_url("/dashboard/work-items?q=a b"), "/dashboard/sign-in?next=%2Fdashboard%2Fwork-items%3Fq%3Da%20b");
}
