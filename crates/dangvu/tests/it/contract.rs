//! The API document and the server agree: every `/api/` route of the route table
//! (`web::route_table`) is in `/api/openapi.json` with its error answers, every schema it
//! references exists, and real answers of the server match the schemas the document gives them.
//! (`scripts/contract` goes further with schemathesis over generated requests.)

use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::support::App;

http_on_both_engines!(40; document_covers_every_api_route, answers_match_their_schemas, query_parameters_mean_what_the_document_says);

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
    for (method, path, _) in web::route_table() {
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
            let content = &operation["requestBody"]["content"];
            if let Some(file) = content.get("application/octet-stream") {
                // A file sent as the raw body (an attachment): bytes, nothing else.
                assert!(content.as_object().is_some_and(|c| c.len() == 1), "{method} {path}: a file body is the only content");
                assert!(resolve(&doc, &file["schema"]).get("type").is_some(), "{method} {path}: untyped file body");
            } else {
                let schema = resolve(&doc, &content["application/json"]["schema"]);
                let typed = schema["properties"].is_object()
                    || schema["allOf"]
                        .as_array()
                        .is_some_and(|all| all.iter().all(|s| s["$ref"].is_string() || s["properties"].is_object()));
                assert!(typed, "{method} {path}: untyped request body {schema}");
            }
        }
        for (status, response) in responses {
            // JSON, or for a file (the register export) each of its types.
            let content = &response["content"];
            let schema = match content.as_object() {
                Some(types) if !types.contains_key("application/json") && !types.is_empty() => {
                    for (kind, c) in types {
                        assert!(resolve(&doc, &c["schema"]).get("type").is_some(), "{method} {path} {status} {kind}: no schema");
                    }
                    continue;
                }
                _ => &content["application/json"]["schema"],
            };
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

/// The schema of query parameter `name` of `GET template` (the documented value, without the
/// blank alternative every optional parameter has).
fn query_schema<'a>(doc: &'a Value, template: &str, name: &str) -> Option<&'a Value> {
    let parameters = doc["paths"][template]["get"]["parameters"].as_array()?;
    let parameter = parameters.iter().find(|p| p["name"] == name && p["in"] == "query")?;
    let schema = &parameter["schema"];
    Some(resolve(doc, schema["anyOf"].get(0).unwrap_or(schema)))
}

/// What the document says a query parameter takes is what the server reads: every documented
/// code is accepted, blank is absent, the documented bounds hold, a value of the documented shape
/// that a rule refuses is a 422 (not a 400), and an operation documents only what it reads.
async fn query_parameters_mean_what_the_document_says(app: &App) {
    let (_, doc) = app.json("/api/openapi.json").await;
    let province = app.json("/api/v1/units").await.1[0]["id"].as_i64().unwrap();
    for name in ["status", "gender", "facet"] {
        let codes = query_schema(&doc, "/api/v1/members", name).unwrap()["enum"].as_array().unwrap();
        assert!(!codes.is_empty(), "{name}");
        for code in codes {
            let path = format!("/api/v1/members?{name}={}&per_page=1", code.as_str().unwrap());
            let (status, v) = app.json(&path).await;
            assert_eq!(status, 200, "{path}: {v}");
        }
    }
    let blank = doc["paths"]["/api/v1/members"]["get"]["parameters"][0]["schema"]["anyOf"][1]["pattern"].clone();
    assert!(blank.as_str().is_some_and(|p| p.starts_with("^[")), "blank alternative: {blank}");

    let page = query_schema(&doc, "/api/v1/members", "page").unwrap();
    let max_page = page["maximum"].as_u64().unwrap();
    assert_eq!(max_page, web::query::MAX_PAGE as u64);
    let mut answers = Vec::new();
    for path in [
        format!("/api/v1/members?page={max_page}"),
        format!("/api/v1/members?page={}", max_page + 1),
        "/api/v1/members?as_of=&to=%20&from=&unit=&page=&status=&age=&facet=&flow=".to_owned(),
        "/api/v1/members?as_of=%202025-01-01%20".to_owned(),
        "/api/v1/members?as_of=2025-1-5".to_owned(),
        "/api/v1/members?to=hôm-nay".to_owned(),
        "/api/v1/members?age=40-30".to_owned(),
        "/api/v1/members?age=18-131".to_owned(),
        format!("/api/v1/members?unit={province}&flow=vao"),
        "/api/v1/units?as_of=%20".to_owned(),
        "/api/v1/units?q=a&parent=9223372036854775808".to_owned(),
        format!("/api/v1/reports/counts?unit={province}&date=&age_bands=&structure="),
        format!("/api/v1/reports/counts?unit={province}&age_bands=40,30"),
        format!("/api/v1/reports/counts?unit={province}&age_bands=30,101"),
        "/api/v1/admission/worklist?urgency=".to_owned(),
    ] {
        let (status, v) = app.json(&path).await;
        answers.push(format!("{path} {status} {}", v["error"]["fields"][0]["code"].as_str().unwrap_or("")));
    }
    assert_eq!(
        answers,
        [
            format!("/api/v1/members?page={max_page} 200 "),
            format!("/api/v1/members?page={} 400 invalid_format", max_page + 1),
            "/api/v1/members?as_of=&to=%20&from=&unit=&page=&status=&age=&facet=&flow= 200 ".to_owned(),
            "/api/v1/members?as_of=%202025-01-01%20 200 ".to_owned(),
            "/api/v1/members?as_of=2025-1-5 400 invalid_format".to_owned(),
            "/api/v1/members?to=hôm-nay 400 invalid_format".to_owned(),
            "/api/v1/members?age=40-30 422 out_of_order".to_owned(),
            "/api/v1/members?age=18-131 400 out_of_range".to_owned(),
            format!("/api/v1/members?unit={province}&flow=vao 422 required_with"),
            "/api/v1/units?as_of=%20 200 ".to_owned(),
            "/api/v1/units?q=a&parent=9223372036854775808 400 invalid_format".to_owned(),
            format!("/api/v1/reports/counts?unit={province}&date=&age_bands=&structure= 200 "),
            format!("/api/v1/reports/counts?unit={province}&age_bands=40,30 422 out_of_order"),
            format!("/api/v1/reports/counts?unit={province}&age_bands=30,101 400 out_of_range"),
            "/api/v1/admission/worklist?urgency= 200 ".to_owned(),
        ]
    );

    // Each operation documents the parameters it reads, and no other.
    assert!(query_schema(&doc, "/api/v1/units/search", "parent").is_none());
    assert!(query_schema(&doc, "/api/v1/units", "parent").is_some());
    assert!(query_schema(&doc, "/api/v1/admission/cases", "urgency").is_none());
    assert!(query_schema(&doc, "/api/v1/admission/worklist", "urgency").is_some());
    // A split's successor is a number the server can read.
    let assignment = &doc["components"]["schemas"]["Assignment"];
    assert_eq!(assignment["properties"]["successor"]["maximum"], json!(u32::MAX));
}
