//! Benchmarks of the engine on the large example template (1,000 questions,
//! 100 conditions): checking it, validating a full answer set, and
//! re-evaluating after one answer changes (incrementally and, for comparison,
//! from scratch). Run with `cargo xtask bench`.

#[path = "../tests/support/large.rs"]
mod large;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use interview_runtime::date::Date;
use interview_runtime::interview::Interview;
use interview_runtime::validate::validate;
use interview_runtime::Template;
use serde_json::json;

fn engine(c: &mut Criterion) {
    let text = serde_json::to_string(&large::large_template()).unwrap_or_default();
    let today = Date::from_ymd(2026, 11, 24).unwrap_or_else(|| unreachable!());
    let Ok(template) = Template::from_json(&text) else { unreachable!("the large template is valid") };
    let answers = large::large_answers();

    c.bench_function("check the 1,000-question template", |b| {
        b.iter(|| Template::from_json(black_box(&text)).is_ok())
    });
    c.bench_function("validate a full answer set", |b| {
        b.iter(|| validate(black_box(&template), black_box(&answers), today).valid)
    });

    let gate = template.top_level("q0").unwrap_or_else(|| unreachable!());
    let plain = template.top_level("q1").unwrap_or_else(|| unreachable!());
    let mut interview = Interview::new(&template, answers.clone(), today);
    let mut flag = false;
    c.bench_function("re-evaluate after one change (a gate of 4 questions)", |b| {
        b.iter(|| {
            flag = !flag;
            interview.set(gate, &[], json!(flag)).items.len()
        })
    });
    c.bench_function("re-evaluate after one change (a plain question)", |b| {
        b.iter(|| interview.set(plain, &[], json!(if flag { "a" } else { "b" })).items.len())
    });
    c.bench_function("evaluate everything from scratch (for comparison)", |b| {
        b.iter(|| Interview::new(&template, black_box(answers.clone()), today).visible_pages().len())
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
