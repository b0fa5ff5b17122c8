//! The API document and the server agree: every `/api/` route of the route table
//! (`web::policy::table`) is in `/api/openapi.json` with its error answers, every schema it
//! references exists, and real answers of the server match the schemas the document gives them.
//! (`scripts/contract` goes further with schemathesis over generated requests.)

use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::App;

http_on_both_engines!(40; document_covers_every_api_route, answers_match_their_schemas);

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            let target = &doc["components"]["schemas"][name];
            assert!(target.is_object(), "unresolved reference {r}");
            resolve(doc, target)
        }
        None => schema,
    }
}

/// Checks `value` against the subset of JSON Schema the document uses (types, required and
/// properties, items and prefix items, enums, allOf, oneOf); panics with the path on a mismatch.
fn check(doc: &Value, schema: &Value, value: &Value, path: &str) {
    let schema = resolve(doc, schema);
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(doc, s, value, path);
        }
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let matching = one.iter().filter(|s| std::panic::catch_unwind(|| check(doc, s, value, path)).is_ok()).count();
        assert!(matching >= 1, "{path}: {value} matches none of {one:?}");
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        assert!(ok, "{path}: {value} is {actual}, the document says {types:?}");
    }
    if let Some(values) = schema["enum"].as_array() {
        assert!(values.contains(value), "{path}: {value} is not one of {values:?}");
    }
    if let Value::Object(map) = value {
        for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            assert!(map.contains_key(name), "{path}: `{name}` is required by the document");
        }
        if let Some(props) = schema["properties"].as_object() {
            for (name, v) in map {
                if let Some(s) = props.get(name) {
                    check(doc, s, v, &format!("{path}.{name}"));
                }
            }
        }
    }
    if let Value::Array(items) = value {
        if let Some(prefix) = schema["prefixItems"].as_array() {
            for (i, (s, v)) in prefix.iter().zip(items).enumerate() {
                check(doc, s, v, &format!("{path}[{i}]"));
            }
        } else if schema["items"].is_object() {
            for (i, v) in items.iter().enumerate() {
                check(doc, &schema["items"], v, &format!("{path}[{i}]"));
            }
        }
    }
}

/// Every `$ref` anywhere in the document points at a schema it defines.
fn every_reference_resolves(doc: &Value, node: &Value) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                let name = r.trim_start_matches("#/components/schemas/");
                assert!(doc["components"]["schemas"][name].is_object(), "unresolved reference {r}");
            }
            map.values().for_each(|v| every_reference_resolves(doc, v));
        }
        Value::Array(items) => items.iter().for_each(|v| every_reference_resolves(doc, v)),
        _ => {}
    }
}

async fn document_covers_every_api_route(app: &App) {
    let (status, doc) = app.json("/api/openapi.json").await;
    assert_eq!(status, 200);
    every_reference_resolves(&doc, &doc);
    let mut checked = 0;
    for (method, path, _) in web::policy::table() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let operation = &doc["paths"][path][method.as_str().to_lowercase()];
        assert!(operation.is_object(), "{method} {path} is not in the document");
        let responses = operation["responses"].as_object().unwrap();
        for status in ["400", "401", "403", "404"] {
            assert!(responses.contains_key(status), "{method} {path}: {status} undocumented");
        }
        if operation["requestBody"].is_object() {
            for status in ["413", "415", "422"] {
                assert!(responses.contains_key(status), "{method} {path}: {status} undocumented");
            }
            let schema = resolve(&doc, &operation["requestBody"]["content"]["application/json"]["schema"]);
            let typed = schema["properties"].is_object()
                || schema["allOf"].as_array().is_some_and(|all| all.iter().all(|s| s["$ref"].is_string() || s["properties"].is_object()));
            assert!(typed, "{method} {path}: untyped request body {schema}");
        }
        for (status, response) in responses {
            let schema = &response["content"]["application/json"]["schema"];
            if status.starts_with('4') {
                assert_eq!(schema["$ref"], "#/components/schemas/ErrorEnvelope", "{method} {path} {status}");
            } else if status != "204" {
                let schema = resolve(&doc, schema);
                assert!(schema.get("type").is_some() || schema.get("allOf").is_some(), "{method} {path} {status}: no schema");
            }
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} API routes found");
}

/// The schema of the 200 answer of `GET path_template`.
fn ok_schema<'a>(doc: &'a Value, template: &str) -> &'a Value {
    &doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
}

async fn answers_match_their_schemas(app: &App) {
    let (_, doc) = app.json("/api/openapi.json").await;
    let roots = app.json("/api/v1/units").await.1;
    check(&doc, ok_schema(&doc, "/api/v1/units"), &roots, "units");
    let province = roots[0]["id"].as_i64().unwrap();
    let unit = app.json(&format!("/api/v1/units/{province}")).await.1;
    check(&doc, ok_schema(&doc, "/api/v1/units/{id}"), &unit, "unit");
    let page = app.json(&format!("/api/v1/members?unit={province}&status=all&per_page=5")).await.1;
    check(&doc, ok_schema(&doc, "/api/v1/members"), &page, "members");
    let member = page["items"][0]["id"].as_i64().unwrap();
    let detail = app.json(&format!("/api/v1/members/{member}")).await.1;
    check(&doc, ok_schema(&doc, "/api/v1/members/{id}"), &detail, "member");
    for (template, path) in [
        ("/api/v1/reports/counts", format!("/api/v1/reports/counts?unit={province}")),
        ("/api/v1/reports/movements", format!("/api/v1/reports/movements?unit={province}")),
        ("/api/v1/reports/admissions", format!("/api/v1/reports/admissions?unit={province}")),
        ("/api/v1/admission/cases", "/api/v1/admission/cases?stage=source,file,probation,official".to_owned()),
        ("/api/v1/admission/worklist", "/api/v1/admission/worklist".to_owned()),
        ("/api/v1/admission/targets", format!("/api/v1/admission/targets?unit={province}")),
        ("/api/v1/calendar/{year}", "/api/v1/calendar/2025".to_owned()),
        ("/api/v1/tokens", "/api/v1/tokens".to_owned()),
    ] {
        let (status, v) = app.json(&path).await;
        assert_eq!(status, 200, "{path}: {v}");
        check(&doc, ok_schema(&doc, template), &v, &path);
    }
    let cases = app.json("/api/v1/admission/cases?stage=source,file,probation,official").await.1;
    if let Some(case) = cases.as_array().and_then(|c| c.first()) {
        let detail = app.json(&format!("/api/v1/admission/cases/{}", case["id"])).await.1;
        check(&doc, ok_schema(&doc, "/api/v1/admission/cases/{id}"), &detail, "case");
    }

    // Errors are the documented envelope, whatever produced them.
    let envelope = json!({"$ref": "#/components/schemas/ErrorEnvelope"});
    let (status, v) = app.json("/api/v1/members/999999").await;
    assert_eq!(status, 404);
    check(&doc, &envelope, &v, "404");
    let (status, v) = app.post_json("/api/v1/members", &json!({"identity": 1})).await;
    assert_eq!(status, 400);
    check(&doc, &envelope, &v, "400");
    // The document refuses unknown fields, and so does the server.
    assert_eq!(resolve(&doc, &json!({"$ref": "#/components/schemas/CreateMemberBody"}))["additionalProperties"], false);
}
