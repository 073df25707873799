//! The generator of `examples/templates/large.json`: 1,000 questions on 50 pages,
//! 100 of them shown only under a condition, a few computed values over them.
//! A test checks that the committed file is what this generates.

use serde_json::{json, Value};

/// Number of pages.
pub const PAGES: usize = 50;
/// Questions on each page.
pub const PER_PAGE: usize = 20;

/// Builds the large template document.
pub fn large_template() -> Value {
    let mut pages = Vec::new();
    let mut conditions = 0;
    for p in 0..PAGES {
        let mut items = Vec::new();
        for q in 0..PER_PAGE {
            let n = p * PER_PAGE + q;
            let id = format!("q{n}");
            let label = format!("Question {n}");
            let mut item = match n % 10 {
                0 => json!({"type": "yes_no", "id": id, "label": label}),
                1 => json!({"type": "text", "id": id, "label": label, "max_length": 200}),
                2 => json!({"type": "number", "id": id, "label": label, "min": 0, "max": 1000, "integer": true}),
                3 => json!({"type": "date", "id": id, "label": label, "max": "today"}),
                4 => json!({"type": "email", "id": id, "label": label}),
                5 => json!({"type": "choice", "id": id, "label": label,
                            "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]}),
                6 => json!({"type": "multi_choice", "id": id, "label": label,
                            "options": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}]}),
                7 => json!({"type": "text", "id": id, "label": label, "pattern": "[A-Z]{2}[0-9]{4}"}),
                8 => json!({"type": "phone", "id": id, "label": label, "region": "GB"}),
                _ => json!({"type": "number", "id": id, "label": label, "min": 0}),
            };
            // Every fifth question from the second page on depends on the yes/no
            // question that opens the previous page: 100 conditions in all.
            if p > 0 && q % 5 == 4 && conditions < 100 {
                let gate = (p - 1) * PER_PAGE;
                item["visible_if"] = json!(format!("q{gate} == true"));
                conditions += 1;
            }
            if n % 10 == 1 {
                item["required"] = json!(true);
            }
            items.push(item);
        }
        if p % 10 == 9 {
            let base = p * PER_PAGE;
            items.push(json!({"type": "computed", "id": format!("total{p}"), "label": "Total",
                "expr": format!("sum([q{}, q{}, q{}])", base + 2, base + 9, base + 12)}));
        }
        pages.push(json!({"id": format!("page{p}"), "title": format!("Page {p}"), "items": items}));
    }
    json!({"format": "interview/1", "title": "A large generated form", "pages": pages})
}

/// A full answer set for the large template: every question answered validly.
pub fn large_answers() -> serde_json::Map<String, Value> {
    let mut answers = serde_json::Map::new();
    for n in 0..PAGES * PER_PAGE {
        let value = match n % 10 {
            0 => json!(true),
            1 => json!(format!("Answer {n}")),
            2 => json!((n % 1000) as u64),
            3 => json!("2001-02-03"),
            4 => json!(format!("person{n}@example.com")),
            5 => json!("b"),
            6 => json!(["x", "y"]),
            7 => json!("AB1234"),
            8 => json!("020 7946 0958"),
            _ => json!(n as u64),
        };
        answers.insert(format!("q{n}"), value);
    }
    answers
}
