//! The JSON API under `/api/v1` (SPEC §11). Rows have the fields of the
//! CLI's `--format json`; `?format=csv` (or `Accept: text/csv`) on a list
//! returns the CLI's CSV, written by the same renderer from the same rows.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::auth::{self, Authed};
use super::body::{self, Fields};
use super::error::ApiError;
use super::state::ServerState;
use crate::accounts::{Password, SignIn};
use crate::app::{self, listing, roles::Action};
use crate::audit::{AUDIT_HEADERS, AuditFilter};
use crate::calibration::CALIBRATION_DUE_HEADERS;
use crate::clock::{Clock, parse_as_of};
use crate::error::{Error, Result};
use crate::ledger::MovementRequest;
use crate::model::{MovementKind, Quantity, parse_count, parse_date};
use crate::reorder::{REORDER_HEADERS, ReorderQuery};
use crate::report::expiry::{DEFAULT_WITHIN_DAYS, EXPIRY_HEADERS};
use crate::report::usage::DEFAULT_WEEKS;
use crate::report::{OutputFormat, render, render_to, write_csv};
use crate::waste::{CONSIGNMENT_COLUMNS, REPORT_COLUMNS, WasteFilter};

type Shared = State<Arc<ServerState>>;

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route(
            "/api/v1/session",
            get(whoami).post(sign_in).delete(sign_out),
        )
        .route("/api/v1/movements", post(movement))
        .route("/api/v1/movements/{id}/reverse", post(reverse))
        .route("/api/v1/stock", get(stock))
        .route("/api/v1/items", get(items))
        .route("/api/v1/history/{item}", get(history))
        .route("/api/v1/reports/{name}", get(report))
        .route("/api/v1/equipment/{tag}/check", get(equipment_check))
        .route("/api/v1/audit", get(audit))
        .fallback(no_route)
}

async fn no_route() -> ApiError {
    ApiError::no_route()
}

/// The query string of a GET: only the names the route takes (a typo is
/// a 400, not a silently unfiltered answer), plus `format`.
pub(super) struct Params {
    map: HashMap<String, String>,
    pub(crate) csv: bool,
}

impl Params {
    /// Parameters already checked (the reports page's own query).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>, csv: bool) -> Params {
        Params {
            map: pairs.into_iter().collect(),
            csv,
        }
    }

    fn take(
        Query(map): Query<HashMap<String, String>>,
        headers: &HeaderMap,
        allowed: &[&str],
    ) -> Result<Params, ApiError> {
        if let Some(unknown) = map
            .keys()
            .find(|k| *k != "format" && !allowed.contains(&k.as_str()))
        {
            return Err(ApiError::bad_request(format!(
                "query parameter {unknown:?} is not one this request takes (it takes {})",
                if allowed.is_empty() {
                    "only format".to_owned()
                } else {
                    format!("{} and format", allowed.join(", "))
                }
            )));
        }
        let csv = match map.get("format").map(|f| f.trim().to_ascii_lowercase()) {
            Some(f) if f == "csv" => true,
            Some(f) if f == "json" => false,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "format {other:?}: expected json or csv"
                )));
            }
            None => headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|a| a.contains("text/csv")),
        };
        Ok(Params { map, csv })
    }

    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.map
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// `Params` as an extractor needs the route's names, so routes call
/// [`Params::take`] through this.
struct RawQuery(Query<HashMap<String, String>>, HeaderMap);

impl<S: Send + Sync> FromRequestParts<S> for RawQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let q = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| {
                ApiError::bad_request(format!("malformed query string: {}", e.body_text()))
            })?;
        Ok(RawQuery(q, parts.headers.clone()))
    }
}

impl RawQuery {
    fn params(self, allowed: &[&str]) -> Result<Params, ApiError> {
        Params::take(self.0, &self.1, allowed)
    }
}

/// A list as the CLI prints it: `--format json`, or `--format csv`.
pub(super) fn listing<T: Serialize>(
    headers: &[&str],
    rows: &[T],
    csv: bool,
    filename: &str,
) -> Result<Response, ApiError> {
    let mut out = Vec::new();
    if csv {
        write_csv(headers, rows, &mut out)?;
        let mut response =
            ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}.csv\"")) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(response)
    } else {
        render_to(&render(headers, rows)?, OutputFormat::Json, &mut out)?;
        Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
    }
}

fn as_of(params: &Params, clock: &Clock) -> Result<NaiveDate> {
    match params.get("as_of") {
        Some(text) => parse_as_of("as_of", &text),
        None => Ok(clock.today()),
    }
}

// ---- session -------------------------------------------------------------

async fn whoami(who: Authed) -> Response {
    axum::Json(json!({"user": who.who.name, "role": who.who.role})).into_response()
}

/// `POST /api/v1/session {"user","password"}`: a session cookie.
async fn sign_in(
    State(state): Shared,
    ConnectInfo(super::Peer(peer)): ConnectInfo<super::Peer>,
    parts: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if !auth::same_origin(&parts) {
        return Err(ApiError::cross_origin());
    }
    let body = body::bytes(body)?;
    let fields = Fields::parse_sign_in(&body)?;
    let name = fields.required("user")?;
    let password = Password::offered(fields.required("password")?);
    let outcome = start_session(&state, name, password).await?;
    let secure = auth::is_https(&state, &parts, peer);
    signed_in_response(outcome, secure, |who| {
        axum::Json(json!({"user": who.name, "role": who.role})).into_response()
    })
}

/// Sign in: the password checked on a reader (argon2 is slow on purpose,
/// and must not hold the one writer), then the session or the failure
/// written.
pub(super) async fn start_session(
    state: &Arc<ServerState>,
    name: String,
    password: Password,
) -> Result<SignIn, ApiError> {
    let permit = state
        .password_checks
        .acquire()
        .await
        .map_err(|_| ApiError::internal("the server is stopping"))?;
    let checked = state
        .read(move |store, clock| {
            let actor = app::Actor::new("", clock);
            app::accounts::check_sign_in(store, &name, &password, actor)
        })
        .await?;
    drop(permit);
    state
        .write(None, move |store, actor| {
            app::accounts::record_sign_in(store, checked, actor)
        })
        .await
}

/// The response to a sign-in: `ok` with the cookie set, else 401 or 429.
pub(super) fn signed_in_response(
    outcome: SignIn,
    secure: bool,
    ok: impl FnOnce(&crate::accounts::Principal) -> Response,
) -> Result<Response, ApiError> {
    match outcome {
        SignIn::Started { session, who } => {
            let mut response = ok(&who);
            if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(&session, secure)) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        SignIn::Refused => Err(ApiError::wrong_credentials()),
        SignIn::Locked { retry_after, .. } => {
            Err(ApiError::locked(u64::try_from(retry_after).unwrap_or(1)))
        }
    }
}

/// `DELETE /api/v1/session`: sign out (the session ends on the server).
async fn sign_out(
    State(state): Shared,
    ConnectInfo(super::Peer(peer)): ConnectInfo<super::Peer>,
    headers: HeaderMap,
    who: Authed,
) -> Result<Response, ApiError> {
    if let Some(session) = who.session().map(str::to_owned) {
        state
            .write(Some(&who.who), move |store, _| {
                app::accounts::sign_out(store, &session)
            })
            .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let secure = auth::is_https(&state, &headers, peer);
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie("", secure)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

// ---- movements -----------------------------------------------------------

const MOVEMENT_FIELDS: &[&str] = &[
    "kind",
    "item",
    "quantity",
    "lot",
    "expiry",
    "location",
    "to_location",
    "reason",
    "reference",
    "note",
    "order",
    "allow_expired",
    "opened_on",
    "waste_stream",
    "scan",
];

/// A movement as the body asks for it, parsed as the CLI parses its
/// arguments (so a bad quantity or date gets the CLI's message).
pub(super) enum MovementBody {
    Plain(MovementRequest),
    Scan(app::scan::Scan),
}

pub(super) fn movement_kind(text: &str) -> Result<MovementKind> {
    let kind: MovementKind = text.parse()?;
    if kind == MovementKind::Reverse {
        return Err(Error::invalid(
            "kind",
            text,
            "receive, issue, transfer, adjust, count, dispose or open (a reversal is POST /api/v1/movements/ID/reverse)",
        ));
    }
    Ok(kind)
}

fn parse_movement(fields: &Fields, user: &str, clock: &Clock) -> Result<MovementBody, ApiError> {
    parse_movement_of(fields, None, user, clock)
}

/// A movement of the item a page is about (the form has no item field).
pub(super) fn parse_movement_for_item(
    fields: &Fields,
    item: &str,
    user: &str,
    clock: &Clock,
) -> Result<MovementBody, ApiError> {
    parse_movement_of(fields, Some(item), user, clock)
}

fn parse_movement_of(
    fields: &Fields,
    item: Option<&str>,
    user: &str,
    clock: &Clock,
) -> Result<MovementBody, ApiError> {
    let kind = movement_kind(&fields.required("kind")?)?;
    if let Some(data) = fields.text("scan")? {
        let quantity = fields
            .number_text("quantity")?
            .map(|q| positive_or_count(kind, &q))
            .transpose()?;
        return Ok(MovementBody::Scan(app::scan::Scan {
            kind,
            data,
            quantity,
            location: fields.text("location")?,
        }));
    }
    let item = match item {
        Some(i) => i.to_owned(),
        None => fields.required("item")?,
    };
    let quantity = fields
        .number_text("quantity")?
        .ok_or_else(|| ApiError::bad_request("field \"quantity\" is required"))?;
    let quantity = positive_or_count(kind, &quantity)?;
    let mut req = MovementRequest::new(kind, &item, quantity, clock.timestamp(), user);
    req.lot = fields.text("lot")?;
    req.expiry = fields
        .text("expiry")?
        .map(|t| parse_date("expiry", &t))
        .transpose()?;
    req.location = fields.text("location")?;
    req.to_location = fields.text("to_location")?;
    req.reason = fields.text("reason")?;
    req.reference = fields.text("reference")?;
    req.note = fields.text("note")?;
    req.order = fields.text("order")?;
    req.allow_expired = fields.flag("allow_expired")?;
    // SPEC §15: the opened portion acted on (an open: the day opened).
    req.opened = fields
        .text("opened_on")?
        .map(|t| parse_date("opened_on", &t))
        .transpose()?;
    if let Some(stream) = fields.text("waste_stream")? {
        req.waste_stream = Some(stream);
    }
    if kind == MovementKind::Transfer && req.to_location.is_none() {
        return Err(Error::missing("to_location", "a transfer names where the stock goes").into());
    }
    Ok(MovementBody::Plain(req))
}

/// The quantity rule of each kind, as the CLI applies it: adjust and count
/// take any whole number (the ledger refuses what the kind does not
/// allow), the others a positive one.
fn positive_or_count(kind: MovementKind, text: &str) -> Result<Quantity> {
    match kind {
        MovementKind::Adjust | MovementKind::Count => Quantity::parse(text),
        _ => Quantity::parse_positive(text),
    }
}

/// Record a parsed movement as the signed-in account.
pub(super) async fn record_movement(
    state: &Arc<ServerState>,
    who: &Authed,
    body: MovementBody,
) -> Result<crate::ledger::Outcome, ApiError> {
    let kind = match &body {
        MovementBody::Plain(req) => req.kind,
        MovementBody::Scan(scan) => scan.kind,
    };
    who.require(app::roles::movement_action(kind))?;
    state
        .write(Some(&who.who), move |store, actor| match body {
            MovementBody::Plain(mut req) => {
                // The recorder and the time are the server's, never the body's.
                req.user = actor.user.to_owned();
                req.at = actor.now;
                app::movements::record(store, &req, actor)
            }
            MovementBody::Scan(scan) => app::scan::record(store, &scan, actor),
        })
        .await
}

async fn movement(
    State(state): Shared,
    who: Authed,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body::bytes(body)?;
    let fields = Fields::parse(&body, MOVEMENT_FIELDS, Some(&who.who.name))?;
    // Refuse a role without the permission before judging the content.
    if let Some(kind) = fields.text("kind")?.and_then(|k| movement_kind(&k).ok()) {
        who.require(app::roles::movement_action(kind))?;
    }
    let clock = Clock::from_env()?;
    let parsed = parse_movement(&fields, &who.who.name, &clock)?;
    let outcome = record_movement(&state, &who, parsed).await?;
    Ok((StatusCode::CREATED, axum::Json(outcome)).into_response())
}

async fn reverse(
    State(state): Shared,
    who: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    who.require(Action::Reverse)?;
    let body = body::bytes(body)?;
    let fields = Fields::parse(&body, &["reason"], Some(&who.who.name))?;
    let reason = fields.required("reason")?;
    let id = parse_count("movement id", &id)?;
    let reversed = state
        .write(Some(&who.who), move |store, actor| {
            let req = app::movements::ReverseRequest {
                target: app::movements::ReverseTarget::Id(crate::model::MovementId::new(id)),
                reason,
            };
            app::movements::reverse(store, &req, actor)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "reversed": reversed.reversed,
            "movements": reversed.outcome.movements,
            "warnings": reversed.outcome.warnings,
        })),
    )
        .into_response())
}

// ---- reads ---------------------------------------------------------------

async fn stock(State(state): Shared, who: Authed, q: RawQuery) -> Result<Response, ApiError> {
    who.require(Action::ReadStock)?;
    let p = q.params(&["item", "location", "lot", "as_of"])?;
    let csv = p.csv;
    let lines = state
        .read(move |store, clock| {
            let query = app::stock::StockQuery {
                item: p.get("item"),
                location: p.get("location"),
                lot: p.get("lot"),
                as_of: as_of(&p, clock)?,
            };
            app::stock::stock(store, &query)
        })
        .await?;
    listing(
        listing::STOCK_HEADERS,
        &listing::stock_rows(&lines),
        csv,
        "stock",
    )
}

async fn items(State(state): Shared, who: Authed, q: RawQuery) -> Result<Response, ApiError> {
    who.require(Action::ReadStock)?;
    let p = q.params(&["q", "limit"])?;
    let csv = p.csv;
    let text = p.get("q").ok_or_else(|| {
        ApiError::bad_request("query parameter \"q\" is required: a code, name or GTIN")
    })?;
    let limit = match p.get("limit") {
        Some(l) => usize::try_from(parse_count("limit", &l)?).unwrap_or(usize::MAX),
        None => 20,
    };
    let rows = state
        .read(move |store, _| app::catalogue::find(store, &text, limit))
        .await?;
    listing(listing::FIND_HEADERS, &rows, csv, "items")
}

async fn history(
    State(state): Shared,
    who: Authed,
    Path(item): Path<String>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    who.require(Action::ReadStock)?;
    let p = q.params(&["lot", "location"])?;
    let csv = p.csv;
    let rows = state
        .read(move |store, _| {
            let query = app::stock::HistoryQuery {
                item,
                lot: p.get("lot"),
                location: p.get("location"),
            };
            app::stock::history(store, &query)
        })
        .await?;
    listing(listing::HISTORY_HEADERS, &rows, csv, "history")
}

/// The reports of SPEC §3–§5 with the CLI's options as query parameters.
async fn report(
    State(state): Shared,
    who: Authed,
    Path(name): Path<String>,
    q: RawQuery,
) -> Result<Response, ApiError> {
    who.require(Action::ReadReports)?;
    let name = name.to_ascii_lowercase();
    let allowed: &[&str] = match name.as_str() {
        "reorder" => &["as_of", "supplier", "location"],
        "expiry" => &["as_of", "within", "location"],
        "usage" => &["as_of", "weeks", "location"],
        "calibration-due" => &["as_of", "within"],
        "waste" | "consignments" => &["as_of", "from", "to", "stream"],
        "acceptance" => &["as_of", "location"],
        "temperatures" => &["location", "from", "to"],
        "excursions" => &["location", "open"],
        _ => {
            return Err(Error::NotFound {
                entity: "report",
                key: name,
                within: None,
                suggestions: vec![
                    "reorder".into(),
                    "expiry".into(),
                    "usage".into(),
                    "calibration-due".into(),
                    "waste".into(),
                    "consignments".into(),
                    "acceptance".into(),
                    "temperatures".into(),
                    "excursions".into(),
                ],
            }
            .into());
        }
    };
    let p = q.params(allowed)?;
    report_response(&state, &name, p).await
}

/// One report as JSON or CSV (shared with the reports page's download).
pub(super) async fn report_response(
    state: &Arc<ServerState>,
    name: &str,
    p: Params,
) -> Result<Response, ApiError> {
    let csv = p.csv;
    let name = name.to_owned();
    state
        .read(move |store, clock| -> Result<Result<Response, ApiError>> {
            let as_of = as_of(&p, clock)?;
            Ok(match name.as_str() {
                "reorder" => {
                    let query = ReorderQuery {
                        as_of,
                        supplier: p.get("supplier"),
                        location: p.get("location"),
                    };
                    let report = app::reports::reorder(store, &query)?;
                    listing(REORDER_HEADERS, &report.rows, csv, "reorder")
                }
                "expiry" => {
                    let within = match p.get("within") {
                        Some(w) => parse_count("within", &w)?,
                        None => DEFAULT_WITHIN_DAYS,
                    };
                    let query = app::reports::ExpiryQuery {
                        as_of,
                        within,
                        location: p.get("location"),
                    };
                    listing(
                        EXPIRY_HEADERS,
                        &app::reports::expiry(store, &query)?,
                        csv,
                        "expiry",
                    )
                }
                "usage" => {
                    let weeks = match p.get("weeks") {
                        Some(w) => parse_count("weeks", &w)?,
                        None => DEFAULT_WEEKS,
                    };
                    let query = app::reports::UsageQuery {
                        as_of,
                        weeks,
                        location: p.get("location"),
                    };
                    let report = app::reports::usage(store, &query)?;
                    let headers = report.headers();
                    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                    listing(&headers, &report.records(), csv, "usage")
                }
                "acceptance" => {
                    let rows =
                        app::reports::acceptance(store, as_of, p.get("location").as_deref())?;
                    listing(
                        crate::acceptance::ACCEPTANCE_HEADERS,
                        &rows,
                        csv,
                        "acceptance",
                    )
                }
                "temperatures" => {
                    // The 7 days ending yesterday unless named, as the CLI.
                    let to = match p.get("to") {
                        Some(t) => parse_date("to date", &t)?,
                        None => clock.today().pred_opt().unwrap_or(clock.today()),
                    };
                    let from = match p.get("from") {
                        Some(f) => parse_date("from date", &f)?,
                        None => to.checked_sub_days(chrono::Days::new(6)).unwrap_or(to),
                    };
                    let (rows, _) =
                        app::temperature::days(store, p.get("location").as_deref(), from, to)?;
                    listing(crate::temperature::DAY_HEADERS, &rows, csv, "temperatures")
                }
                "excursions" => {
                    let open = p
                        .get("open")
                        .map(|o| crate::model::parse_bool("open", &o))
                        .transpose()?
                        .unwrap_or(false);
                    let rows =
                        app::temperature::excursions(store, p.get("location").as_deref(), open)?;
                    listing(
                        crate::temperature::EXCURSION_HEADERS,
                        &rows,
                        csv,
                        "excursions",
                    )
                }
                "calibration-due" => {
                    let within = match p.get("within") {
                        Some(w) => parse_count("within", &w)?,
                        None => 30,
                    };
                    let within = u32::try_from(within).unwrap_or(u32::MAX);
                    let rows = app::reports::calibration_due(store, as_of, within)?;
                    listing(&CALIBRATION_DUE_HEADERS, &rows, csv, "calibration-due")
                }
                _ => {
                    let filter = WasteFilter {
                        from: p
                            .get("from")
                            .map(|t| parse_date("from date", &t))
                            .transpose()?,
                        to: p.get("to").map(|t| parse_date("to date", &t)).transpose()?,
                        stream: p.get("stream"),
                        as_of: Some(as_of),
                    };
                    if name == "waste" {
                        listing(
                            REPORT_COLUMNS,
                            &app::reports::waste(store, &filter)?,
                            csv,
                            "waste",
                        )
                    } else {
                        let rows = app::reports::consignments(store, &filter)?;
                        listing(CONSIGNMENT_COLUMNS, &rows, csv, "consignments")
                    }
                }
            })
        })
        .await?
}

/// `GET /api/v1/equipment/{tag}/check`: the pre-use check. Not fit is a
/// finding, not an error: 200 with `"fit": false` and the reasons.
async fn equipment_check(
    State(state): Shared,
    who: Authed,
    Path(tag): Path<String>,
) -> Result<Response, ApiError> {
    who.require(Action::ReadEquipment)?;
    let fitness = state
        .read(move |store, clock| app::equipment::check(store, &tag, clock.today()))
        .await?;
    let fit = fitness.is_fit();
    Ok(axum::Json(json!({
        "asset_tag": fitness.asset_tag,
        "fit": fit,
        "reason": if fit { serde_json::Value::Null } else { fitness.reasons.join("; ").into() },
        "reasons": fitness.reasons,
        "summary": fitness.summary,
    }))
    .into_response())
}

async fn audit(State(state): Shared, who: Authed, q: RawQuery) -> Result<Response, ApiError> {
    who.require(Action::ReadAudit)?;
    let p = q.params(&["user", "from", "to", "entity"])?;
    let csv = p.csv;
    let rows = state
        .read(move |store, _| {
            let filter = AuditFilter {
                user: p.get("user"),
                from: p
                    .get("from")
                    .map(|t| parse_date("from date", &t))
                    .transpose()?,
                to: p.get("to").map(|t| parse_date("to date", &t)).transpose()?,
                entity: p.get("entity"),
            };
            app::audit::audit(store, &filter)
        })
        .await?;
    listing(AUDIT_HEADERS, &rows, csv, "audit")
}
