//! What a DHIS2 client reads before it sends figures: the system, the account, the
//! organisation units (with `fields`, `filter`, `level` and paging as DHIS2 takes them), the
//! data elements and the data sets.

use super::ids::{Ids, Scheme};
use super::{Caller, Query};
use crate::{Shared, WebError};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};
use solieu_core::indicator::{Aggregate, Indicator, TimeAggregate};
use solieu_core::unit::UnitVersion;
use std::collections::HashMap;

/// The DHIS2 version whose Web API shapes these answers follow.
pub const API_VERSION: &str = "2.40.0";
/// The identifier of DHIS2's default category option combination ("no disaggregation").
pub const DEFAULT_COMBO: &str = "HllvX50cXC0";
/// DHIS2's default page size, and the bounds the OpenAPI document gives.
const PAGE_SIZE: usize = 50;
const PAGE_SIZE_MAX: usize = 10_000;
const PAGE_MAX: usize = 1_000_000;
/// The deepest level a unit may be at, as the OpenAPI document says.
const DEPTH_LEVELS: usize = 64;
/// How deep `children[…]` may nest: a tree of a nation is five levels.
const DEPTH_MAX: usize = 8;

pub async fn system_info(Caller(_): Caller) -> Json<Value> {
    let now = chrono::Utc::now().with_timezone(&solieu_core::format::vietnam());
    Json(json!({
        "systemName": "solieu",
        "version": API_VERSION,
        "revision": env!("CARGO_PKG_VERSION"),
        "solieuVersion": env!("CARGO_PKG_VERSION"),
        "serverDate": now.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
        "serverTimeZoneId": "Asia/Ho_Chi_Minh",
        "calendar": "iso8601",
        "dateFormat": "yyyy-mm-dd",
        "contextPath": "",
    }))
}

pub async fn me(State(app): State<Shared>, Caller(who): Caller) -> Result<Json<Value>, WebError> {
    let ids = Ids::load(&app).await?;
    let units: Vec<Value> = who
        .unit
        .iter()
        .map(|u| json!({"id": ids.unit_id(u, Scheme::Uid)}))
        .collect();
    Ok(Json(json!({
        "id": format!("u{}", who.user_id),
        "username": who.username,
        "name": who.display_name,
        "displayName": who.display_name,
        "userRoles": [{"id": who.role.code(), "name": who.role.code()}],
        "organisationUnits": units,
        "dataViewOrganisationUnits": units,
        "authorities": authorities(&who),
    })))
}

fn authorities(who: &crate::policy::Principal) -> Vec<&'static str> {
    use crate::policy::Role;
    match who.role {
        Role::Admin => vec!["ALL"],
        Role::Office | Role::Leader => vec!["F_DATAVALUE_ADD", "F_APPROVE_DATA"],
        _ => vec!["F_DATAVALUE_ADD"],
    }
}

/// One requested field: `children[id,name]` is `children` with its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub sub: Vec<Field>,
}

/// Reads DHIS2's `fields`: names separated by commas, `name[…]` nesting, `*` or `:all` for
/// every field. Unbalanced brackets close at the end.
pub fn parse_fields(text: &str) -> Vec<Field> {
    fn list(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, depth: usize) -> Vec<Field> {
        let mut fields = Vec::new();
        let mut name = String::new();
        while let Some(c) = chars.next() {
            match c {
                ',' => push(&mut fields, &mut name, Vec::new()),
                '[' | '(' if depth < DEPTH_MAX => {
                    let sub = list(chars, depth + 1);
                    push(&mut fields, &mut name, sub);
                    if chars.peek() == Some(&',') {
                        chars.next();
                    }
                }
                ']' | ')' => break,
                c if !c.is_whitespace() => name.push(c),
                _ => {}
            }
        }
        push(&mut fields, &mut name, Vec::new());
        fields
    }
    fn push(fields: &mut Vec<Field>, name: &mut String, sub: Vec<Field>) {
        if !name.is_empty() {
            fields.push(Field {
                name: std::mem::take(name),
                sub,
            });
        }
    }
    list(&mut text.chars().peekable(), 0)
}

fn fields_or(query: &Query, default: &str) -> Vec<Field> {
    parse_fields(query.get("fields").unwrap_or(default))
}

/// Keeps of `full` the fields asked for; `*` keeps them all.
fn select(full: &Value, fields: &[Field]) -> Value {
    if fields
        .iter()
        .any(|f| f.name == "*" || f.name.starts_with(':'))
    {
        return full.clone();
    }
    let mut out = serde_json::Map::new();
    for f in fields {
        if let Some(v) = full.get(&f.name) {
            out.insert(f.name.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// A page of a list as DHIS2 pages it, or all of it with `paging=false`.
fn paged(query: &Query, key: &str, items: Vec<Value>) -> Result<Value, WebError> {
    let total = items.len();
    let number = |name: &str, default: usize, most: usize| -> Result<usize, WebError> {
        match query.get(name) {
            None => Ok(default),
            Some(t) => t
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=most).contains(n))
                .ok_or_else(|| {
                    WebError::BadRequest(solieu_i18n::text!(
                        "dhis2-bad-number",
                        name = name.to_string()
                    ))
                }),
        }
    };
    let size = number("pageSize", PAGE_SIZE, PAGE_SIZE_MAX)?;
    let page = number("page", 1, PAGE_MAX)?;
    if !query.flag_or("paging", true)? {
        return Ok(json!({ key: items }));
    }
    let page_count = total.div_ceil(size).max(1);
    let items: Vec<Value> = items
        .into_iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .collect();
    Ok(json!({
        "pager": {"page": page, "pageCount": page_count, "total": total, "pageSize": size},
        key: items,
    }))
}

/// The units as of today (a closed unit as it last stood), with their places in the tree.
struct Tree {
    units: HashMap<String, UnitVersion>,
    children: HashMap<String, Vec<String>>,
}

impl Tree {
    fn of(app: &crate::App) -> Tree {
        let today = chrono::Utc::now()
            .with_timezone(&solieu_core::format::vietnam())
            .date_naive();
        let engine = app.engine();
        let mut units: HashMap<String, UnitVersion> = HashMap::new();
        for v in engine.registry().versions() {
            let keep = match units.get(&v.code) {
                None => true,
                Some(held) => {
                    v.is_valid_on(today)
                        || (!held.is_valid_on(today) && v.valid_from > held.valid_from)
                }
            };
            if keep {
                units.insert(v.code.clone(), v.clone());
            }
        }
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        for u in units.values() {
            if let Some(parent) = &u.parent {
                children
                    .entry(parent.clone())
                    .or_default()
                    .push(u.code.clone());
            }
        }
        for list in children.values_mut() {
            list.sort();
        }
        Tree { units, children }
    }

    /// From the root down to `code`.
    fn ancestry(&self, code: &str) -> Vec<String> {
        let mut chain = vec![code.to_string()];
        while let Some(parent) = self
            .units
            .get(chain.last().map_or("", String::as_str))
            .and_then(|u| u.parent.clone())
        {
            if chain.contains(&parent) || chain.len() > 64 {
                break;
            }
            chain.push(parent);
        }
        chain.reverse();
        chain
    }

    /// A unit with the fields asked for, its parent and children as deep as asked.
    fn json(&self, ids: &Ids, code: &str, fields: &[Field], depth: usize) -> Value {
        let Some(u) = self.units.get(code) else {
            return json!({"id": ids.unit_id(code, Scheme::Uid)});
        };
        let all = fields
            .iter()
            .any(|f| f.name == "*" || f.name.starts_with(':'));
        let id_only = [Field {
            name: "id".into(),
            sub: Vec::new(),
        }];
        let mut out = serde_json::Map::new();
        let mut put = |name: &str, value: Value| {
            if all || fields.iter().any(|f| f.name == name) {
                out.insert(name.to_string(), value);
            }
        };
        let ancestry = self.ancestry(code);
        put("id", json!(ids.unit_id(code, Scheme::Uid)));
        put("code", json!(ids.unit_id(code, Scheme::Code)));
        for name in ["name", "displayName", "shortName", "displayShortName"] {
            put(name, json!(u.name));
        }
        put("level", json!(ancestry.len()));
        let path: Vec<String> = ancestry
            .iter()
            .map(|c| ids.unit_id(c, Scheme::Uid))
            .collect();
        put("path", json!(format!("/{}", path.join("/"))));
        put(
            "openingDate",
            json!(u.valid_from.map(|d| format!("{d}T00:00:00.000"))),
        );
        put(
            "closedDate",
            json!(
                u.valid_to
                    .map(|d| format!("{}T00:00:00.000", d + chrono::Duration::days(1)))
            ),
        );
        let sub = |name: &str| -> &[Field] {
            match fields.iter().find(|f| f.name == name) {
                Some(f) if !f.sub.is_empty() && depth < DEPTH_MAX => &f.sub,
                _ => &id_only,
            }
        };
        if all || fields.iter().any(|f| f.name == "parent") {
            let parent = u
                .parent
                .as_ref()
                .map(|p| self.json(ids, p, sub("parent"), depth + 1));
            out.insert("parent".into(), json!(parent));
        }
        if all || fields.iter().any(|f| f.name == "children") {
            let children: Vec<Value> = self
                .children
                .get(code)
                .into_iter()
                .flatten()
                .map(|c| self.json(ids, c, sub("children"), depth + 1))
                .collect();
            out.insert("children".into(), json!(children));
        }
        Value::Object(out)
    }
}

/// One condition of DHIS2's `filter=field:operator:value`.
struct Filter {
    field: String,
    operator: String,
    value: String,
}

impl Filter {
    fn parse(text: &str) -> Result<Filter, WebError> {
        let bad = || {
            WebError::BadRequest(solieu_i18n::text!(
                "dhis2-bad-filter",
                filter = text.to_string()
            ))
        };
        let mut parts = text.splitn(3, ':');
        let (Some(field), Some(operator), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let known_field = matches!(
            field,
            "id" | "code" | "name" | "displayName" | "level" | "parent.id"
        );
        let known_operator = matches!(operator, "eq" | "in" | "like" | "ilike");
        if !known_field || !known_operator {
            return Err(bad());
        }
        Ok(Filter {
            field: field.to_string(),
            operator: operator.to_string(),
            value: value.to_string(),
        })
    }

    fn keeps(&self, unit: &Value) -> bool {
        let held = match self.field.as_str() {
            "parent.id" => unit["parent"]["id"].clone(),
            "displayName" => unit["name"].clone(),
            f => unit[f].clone(),
        };
        let held = match held {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        };
        match self.operator.as_str() {
            "eq" => held == self.value,
            "in" => self
                .value
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .any(|v| v.trim() == held),
            "like" => held.contains(&self.value),
            _ => held.to_lowercase().contains(&self.value.to_lowercase()),
        }
    }
}

pub async fn org_units(
    State(app): State<Shared>,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, WebError> {
    let query = Query::parse(raw.as_deref());
    let ids = Ids::load(&app).await?;
    let tree = Tree::of(&app);
    let mut filters = query
        .all_raw("filter")
        .iter()
        .map(|f| Filter::parse(f))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(level) = query.get("level") {
        if !level
            .parse::<usize>()
            .is_ok_and(|l| (1..=DEPTH_LEVELS).contains(&l))
        {
            return Err(WebError::BadRequest(solieu_i18n::text!(
                "dhis2-bad-level",
                most = DEPTH_LEVELS
            )));
        }
        filters.push(Filter {
            field: "level".into(),
            operator: "eq".into(),
            value: level.to_string(),
        });
    }
    let fields = fields_or(&query, "id,displayName");
    let basics = parse_fields("id,code,name,level,parent");
    let mut codes: Vec<&String> = tree.units.keys().collect();
    codes.sort_by_cached_key(|c| {
        (
            tree.ancestry(c).len(),
            tree.units[*c].name.clone(),
            (*c).clone(),
        )
    });
    let items: Vec<Value> = codes
        .into_iter()
        .filter(|c| {
            let unit = tree.json(&ids, c, &basics, DEPTH_MAX);
            filters.iter().all(|f| f.keeps(&unit))
        })
        .map(|c| tree.json(&ids, c, &fields, 0))
        .collect();
    Ok(Json(paged(&query, "organisationUnits", items)?))
}

pub async fn org_unit(
    State(app): State<Shared>,
    Caller(_): Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, WebError> {
    let query = Query::parse(raw.as_deref());
    let ids = Ids::load(&app).await?;
    let tree = Tree::of(&app);
    let code = ids.unit(id.trim_end_matches(".json"));
    if !tree.units.contains_key(&code) {
        return Err(no_such("organisationUnit", &id));
    }
    Ok(Json(tree.json(&ids, &code, &fields_or(&query, "*"), 0)))
}

fn no_such(kind: &str, id: &str) -> WebError {
    WebError::NotFound(solieu_i18n::text!(
        "dhis2-no-such-object",
        kind = kind.to_string(),
        id = id.to_string()
    ))
}

/// DHIS2's aggregation type nearest to how an indicator combines over units and time.
fn aggregation_type(i: &Indicator) -> &'static str {
    match (i.aggregate, i.time_aggregate) {
        (Aggregate::None, _) => "NONE",
        (Aggregate::Sum, TimeAggregate::Sum) => "SUM",
        (Aggregate::Sum, TimeAggregate::Average) => "AVERAGE_SUM_ORG_UNIT",
        (Aggregate::Sum, TimeAggregate::Last) => "LAST",
        (Aggregate::Average, TimeAggregate::Last) => "LAST_AVERAGE_ORG_UNIT",
        (Aggregate::Average, _) => "AVERAGE",
    }
}

/// The data elements: every indicator figures are entered for, and each element a metadata
/// import brought (whose disaggregations are its category option combinations).
fn elements(app: &crate::App, ids: &Ids) -> Vec<Value> {
    let engine = app.engine();
    let disaggregations = ids.disaggregations();
    let mut out: Vec<Value> = engine
        .indicators()
        .iter()
        .filter(|i| !disaggregations.contains_key(&i.code))
        .filter(|i| i.formula.is_none() || ids.is_element(&i.code))
        .map(|i| {
            let combos: Vec<Value> = match ids.combos_of(&i.code) {
                [] => vec![json!({"id": DEFAULT_COMBO, "name": "default"})],
                combos => combos
                    .iter()
                    .map(|(coc, ours)| {
                        let name = engine
                            .indicator_id(ours)
                            .map(|n| engine.indicator(n).name.clone())
                            .unwrap_or_default();
                        json!({"id": coc, "name": name})
                    })
                    .collect(),
            };
            json!({
                "id": ids.element_id(&i.code, Scheme::Uid),
                "code": ids.element_id(&i.code, Scheme::Code),
                "name": i.name,
                "displayName": i.name,
                "shortName": i.name,
                "valueType": if i.unit.counts_whole() { "INTEGER" } else { "NUMBER" },
                "domainType": "AGGREGATE",
                "aggregationType": aggregation_type(i),
                "categoryOptionCombos": combos,
                "dataElementGroups": [{"name": i.group_path()}],
            })
        })
        .collect();
    out.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    out
}

pub async fn data_elements(
    State(app): State<Shared>,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, WebError> {
    let ids = Ids::load(&app).await?;
    list(raw, "dataElements", elements(&app, &ids))
}

pub async fn data_element(
    State(app): State<Shared>,
    Caller(_): Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, WebError> {
    let ids = Ids::load(&app).await?;
    one(raw, "dataElement", &id, elements(&app, &ids))
}

/// A list route's answer: the objects with the fields asked for (by default id and name),
/// paged.
fn list(raw: Option<String>, key: &str, objects: Vec<Value>) -> Result<Json<Value>, WebError> {
    let query = Query::parse(raw.as_deref());
    let fields = fields_or(&query, "id,displayName");
    let items = objects.iter().map(|o| select(o, &fields)).collect();
    Ok(Json(paged(&query, key, items)?))
}

/// One object's answer: the one named by its id or code (`.json` allowed after it), with the
/// fields asked for (by default all).
fn one(
    raw: Option<String>,
    kind: &str,
    id: &str,
    objects: Vec<Value>,
) -> Result<Json<Value>, WebError> {
    let query = Query::parse(raw.as_deref());
    let id = id.trim_end_matches(".json");
    objects
        .into_iter()
        .find(|o| o["id"] == id || o["code"] == id)
        .map(|o| Json(select(&o, &fields_or(&query, "*"))))
        .ok_or_else(|| no_such(kind, id))
}

/// DHIS2's name of a data set's period type.
pub fn period_type(ours: &str) -> &'static str {
    match ours {
        "month" => "Monthly",
        "quarter" => "Quarterly",
        "half" => "SixMonthly",
        _ => "Yearly",
    }
}

async fn sets(app: &crate::App, ids: &Ids) -> Result<Vec<Value>, WebError> {
    Ok(app
        .store
        .data_sets()
        .await?
        .iter()
        .map(|s| {
            let elements: Vec<Value> = s
                .indicators
                .iter()
                .map(|i| json!({"dataElement": {"id": ids.element_id(i, Scheme::Uid)}}))
                .collect();
            json!({
                "id": ids.data_set_id(&s.code),
                "code": s.code,
                "name": s.name,
                "displayName": s.name,
                "periodType": period_type(&s.period_type),
                "timelyDays": s.deadline_days,
                "dataSetElements": elements,
            })
        })
        .collect())
}

pub async fn data_sets(
    State(app): State<Shared>,
    Caller(_): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, WebError> {
    let ids = Ids::load(&app).await?;
    list(raw, "dataSets", sets(&app, &ids).await?)
}

pub async fn data_set(
    State(app): State<Shared>,
    Caller(_): Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, WebError> {
    let ids = Ids::load(&app).await?;
    one(raw, "dataSet", &id, sets(&app, &ids).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_nest_as_dhis2_writes_them() {
        let fields = parse_fields("id,displayName,level,children[id,displayName,children]");
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[3].name, "children");
        assert_eq!(fields[3].sub.len(), 3);
        assert_eq!(fields[3].sub[2].name, "children");
        assert!(parse_fields("").is_empty());
        // Unbalanced or absurdly deep: still a list, never a stack overflow.
        let deep = "a[".repeat(100_000);
        assert_eq!(parse_fields(&deep).len(), 1);
        assert_eq!(parse_fields("id]]],name").len(), 1);
    }

    #[test]
    fn a_filter_names_a_known_field_and_operator() {
        let unit =
            json!({"id": "O6uvpzGd5pu", "name": "Bo", "level": 2, "parent": {"id": "ImspTQPwCqd"}});
        assert!(Filter::parse("level:eq:2").unwrap().keeps(&unit));
        assert!(
            Filter::parse("parent.id:eq:ImspTQPwCqd")
                .unwrap()
                .keeps(&unit)
        );
        assert!(Filter::parse("id:in:[a,O6uvpzGd5pu]").unwrap().keeps(&unit));
        assert!(Filter::parse("name:ilike:bO").unwrap().keeps(&unit));
        assert!(!Filter::parse("name:like:bO").unwrap().keeps(&unit));
        assert!(Filter::parse("geometry:eq:x").is_err());
        assert!(Filter::parse("level:gt:1").is_err());
        assert!(Filter::parse("level").is_err());
    }
}
