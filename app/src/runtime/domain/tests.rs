use super::*;
use crate::apps::domain::FieldType::*;

fn field(id: &str, t: FieldType, required: bool, options: &[&str]) -> FieldView {
    FieldView {
        id: id.into(),
        label: format!("L{id}"),
        field_type: t,
        required,
        options: options.iter().map(|o| o.to_string()).collect(),
    }
}

/// Raw values by field id (`"c~0"`: the first checkbox of field `c`).
fn raw(pairs: &[(&str, &str)]) -> RawValues {
    pairs
        .iter()
        .map(|(k, v)| (format!("f{k}"), v.to_string()))
        .collect()
}

fn people(id: &str) -> Option<String> {
    (id == "u1").then(|| "王五".to_string())
}

/// The error code of the one field, or the stored value.
fn one(f: FieldView, v: &str) -> Result<Value, ErrorCode> {
    let key = f.id.to_string();
    match check(&[f], &raw(&[(&key, v)]), people) {
        Ok(mut vals) => Ok(vals.remove(0).value),
        Err(e) => Err(e[0].code),
    }
}

#[test]
fn every_field_type_takes_good_values_and_refuses_bad_ones() {
    let text = || field("a", Text, true, &[]);
    assert_eq!(one(text(), " 北风 "), Ok(Value::Text("北风".into())));
    assert_eq!(one(text(), "a\r\nb"), Ok(Value::Text("a\nb".into())));
    assert_eq!(
        one(text(), &"x".repeat(TEXT_MAX + 1)),
        Err(ErrorCode::ValueTooLong)
    );
    assert_eq!(one(text(), "a\u{0}b"), Err(ErrorCode::InvalidInput));

    let num = || field("n", Number, true, &[]);
    assert_eq!(one(num(), "12.50"), Ok(Value::Number("12.50".into())));
    assert_eq!(one(num(), "-3"), Ok(Value::Number("-3".into())));
    for bad in ["12,5", "abc", "inf", "NaN", "1e999", "0x10"] {
        assert_eq!(one(num(), bad), Err(ErrorCode::InvalidNumber), "{bad}");
    }

    let date = || field("d", Date, true, &[]);
    assert_eq!(
        one(date(), "2024-02-29"),
        Ok(Value::Date("2024-02-29".into()))
    );
    for bad in [
        "2023-02-29",
        "2024-13-01",
        "2024-1-01",
        "24-01-01",
        "2024-04-31",
        "today",
    ] {
        assert_eq!(one(date(), bad), Err(ErrorCode::InvalidDate), "{bad}");
    }

    let single = || field("s", SingleChoice, true, &["红", "绿"]);
    assert_eq!(one(single(), "绿"), Ok(Value::One("绿".into())));
    assert_eq!(one(single(), "蓝"), Err(ErrorCode::InvalidChoice));

    let member = || field("m", Member, true, &[]);
    assert_eq!(
        one(member(), "u1"),
        Ok(Value::Member {
            id: "u1".into(),
            name: "王五".into()
        })
    );
    assert_eq!(one(member(), "u2"), Err(ErrorCode::InvalidMember));
}

#[test]
fn multiple_choices_keep_the_options_order_and_refuse_unknown_options() {
    let f = field("c", MultiChoice, false, &["甲", "乙", "丙"]);
    let got = check(
        std::slice::from_ref(&f),
        &raw(&[("c~0", "丙"), ("c~1", "甲"), ("c~2", "甲")]),
        people,
    )
    .unwrap();
    assert_eq!(got[0].value, Value::Many(vec!["甲".into(), "丙".into()]));
    let bad = check(&[f], &raw(&[("c~0", "丁")]), people).unwrap_err();
    assert_eq!(bad[0].code, ErrorCode::InvalidChoice);
    // Another field's id that merely starts the same is not this field.
    let g = field("c2", Text, true, &[]);
    let e = check(&[g], &raw(&[("c~0", "甲")]), people).unwrap_err();
    assert_eq!(e[0].code, ErrorCode::ValueRequired);
}

#[test]
fn required_fields_are_enforced_and_every_problem_is_reported() {
    let fields = [
        field("a", Text, true, &[]),
        field("b", Number, false, &[]),
        field("c", Date, true, &[]),
    ];
    let e = check(
        &fields,
        &raw(&[("a", "  "), ("b", "x"), ("c", "2024-01-01")]),
        people,
    )
    .unwrap_err();
    let got: Vec<(&str, ErrorCode)> = e.iter().map(|e| (e.field_id.as_str(), e.code)).collect();
    assert_eq!(
        got,
        [
            ("a", ErrorCode::ValueRequired),
            ("b", ErrorCode::InvalidNumber)
        ]
    );
    // An optional field left empty stores nothing.
    let ok = check(&fields, &raw(&[("a", "x"), ("c", "2024-01-01")]), people).unwrap();
    assert_eq!(ok.len(), 2);
}

#[test]
fn messages_render_with_the_records_values() {
    let vals = check(
        &[field("a", Text, true, &[]), field("m", Member, true, &[])],
        &raw(&[("a", "北风"), ("m", "u1")]),
        people,
    )
    .unwrap();
    assert_eq!(
        render("客户 {{ La }} 由 {{Lm}} 拜访{{Lx}}。{{", &vals),
        "客户 北风 由 王五 拜访。{{"
    );
}

#[test]
fn stored_values_read_against_the_form_as_it_is_now() {
    let f = field("c", MultiChoice, true, &["甲", "乙"]);
    let vals = check(
        std::slice::from_ref(&f),
        &raw(&[("c~0", "甲"), ("c~1", "乙")]),
        people,
    )
    .unwrap();
    // The option 乙 is removed and the field renamed: the value stays, marked.
    let mut now = f.clone();
    now.options = vec!["甲".into()];
    now.label = "新".into();
    let v = value_views(&vals, &[now]);
    assert_eq!(v[0].label, "新");
    assert_eq!(v[0].text, "甲, 乙");
    assert_eq!(v[0].removed_options, ["乙"]);
    assert!(!v[0].field_removed);
    // The field is deleted: the value stays, under its old label.
    let v = value_views(&vals, &[]);
    assert!(v[0].field_removed && v[0].label == "Lc" && v[0].text == "甲, 乙");
}
