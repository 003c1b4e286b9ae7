//! The browser pages (SPEC §11, STYLE rules 17–18): server-rendered HTML
//! from askama templates (autoescaped), every asset embedded in the
//! binary, forms that work without script, the same `app::` calls, rows
//! and column names as the CLI and the API, and every list paginated on
//! the server.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Map, Value};

use super::api::{self, MovementBody};
use super::auth::{self, Authed};
use super::body::Fields;
use super::error::ApiError;
use super::state::ServerState;
use crate::accounts::{Password, Role};
use crate::app::{self, listing, roles::Action};
use crate::audit::{AUDIT_HEADERS, AuditFilter};
use crate::calibration::EQUIPMENT_LIST_HEADERS;
use crate::error::Error;
use crate::model::{Money, MovementKind, Quantity, parse_date};
use crate::report::render;
use crate::waste::{LIST_COLUMNS, WasteFilter};

/// Rows per page of every list.
const PAGE_SIZE: usize = 50;

type Shared = State<Arc<ServerState>>;
type FormBody = Result<Form<HashMap<String, String>>, FormRejection>;

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route("/", get(dashboard))
        .route("/sign-in", get(sign_in_page).post(sign_in_submit))
        .route("/sign-out", post(sign_out))
        .route("/scan", get(scan_page).post(scan_submit))
        .route("/scan/link", get(link_page).post(link_submit))
        .route("/items", get(items_page))
        .route("/items/{code}", get(item_page).post(item_move))
        .route("/items/{code}/prepare", post(item_prepare))
        .route("/items/{code}/label", get(item_label))
        .route("/lots/{item}/{lot}", get(lot_page).post(lot_action))
        .route("/lots/{item}/{lot}/label", get(lot_label))
        .route("/reports/{name}", get(report_page))
        .route("/orders", get(orders_page))
        .route("/orders/{reference}", get(order_page))
        .route("/orders/{reference}/receive", post(order_receive))
        .route("/orders/{reference}/end", post(order_end))
        .route("/equipment", get(equipment_list).post(equipment_add))
        .route(
            "/equipment/{tag}",
            get(equipment_page).post(equipment_calibrate),
        )
        .route("/equipment/{tag}/status", post(equipment_status))
        .route("/equipment/{tag}/extend", post(equipment_extend))
        .route("/waste", get(waste_page).post(waste_record))
        .route("/waste/containers", post(waste_container))
        .route("/waste/consign", post(waste_consign))
        .route(
            "/temperatures",
            get(temperatures_page).post(temperature_record),
        )
        .route("/temperatures/decide", post(temperature_decide))
        .route("/temperatures/{location}/chart", get(temperature_chart))
        .route("/stocktakes", get(stocktakes_page))
        .route("/stocktakes", post(stocktake_start))
        .route(
            "/stocktakes/{id}",
            get(stocktake_page).post(stocktake_count),
        )
        .route("/stocktakes/{id}/apply", post(stocktake_apply))
        .route("/stocktakes/{id}/cancel", post(stocktake_cancel))
        .route("/audit", get(audit_page))
        .route("/users", get(users_page).post(users_action))
        .route("/static/{file}", get(static_file))
}

// ---- assets --------------------------------------------------------------

const HTMX: &[u8] = include_bytes!("static/htmx.min.js");
const SCRIPT: &[u8] = include_bytes!("static/labstock.js");
const STYLE: &[u8] = include_bytes!("static/labstock.css");

async fn static_file(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "labstock.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "labstock.css" => (STYLE, "text/css; charset=utf-8"),
        _ => return ApiError::no_route().into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

// ---- shared page parts ---------------------------------------------------

pub(super) struct NavLink {
    href: &'static str,
    label: &'static str,
    current: bool,
}

pub(super) struct Layout {
    title: String,
    user: String,
    role: String,
    nav: Vec<NavLink>,
    message: Option<String>,
    error: Option<String>,
    hint: Option<String>,
}

impl Layout {
    fn new(who: Option<&Authed>, title: impl Into<String>, current: &str) -> Layout {
        let mut nav = Vec::new();
        if let Some(who) = who {
            let role = who.who.role;
            let links: [(&str, &str, Action); 11] = [
                ("/", "Dashboard", Action::ReadStock),
                ("/scan", "Scan station", Action::Receive),
                ("/items", "Items", Action::ReadStock),
                ("/orders", "Orders", Action::ReadStock),
                ("/reports/reorder", "Reports", Action::ReadReports),
                ("/equipment", "Equipment", Action::ReadEquipment),
                ("/waste", "Waste", Action::ReadReports),
                ("/temperatures", "Temperatures", Action::ReadReports),
                ("/stocktakes", "Stocktakes", Action::ReadStock),
                ("/audit", "Audit", Action::ReadAudit),
                ("/users", "Users", Action::ReadAccounts),
            ];
            for (href, label, action) in links {
                if app::roles::allows(role, action) {
                    nav.push(NavLink {
                        href,
                        label,
                        current: href == current,
                    });
                }
            }
        }
        Layout {
            title: title.into(),
            user: who.map(|w| w.who.name.clone()).unwrap_or_default(),
            role: who.map(|w| w.who.role.to_string()).unwrap_or_default(),
            nav,
            message: None,
            error: None,
            hint: None,
        }
    }

    fn failed(&mut self, e: &ApiError) {
        self.error = Some(e.error.clone());
        self.hint.clone_from(&e.hint);
    }

    /// What a write just did: its message, or its refusal.
    fn show(&mut self, outcome: Option<Result<String, ApiError>>) {
        match outcome {
            Some(Ok(message)) => self.message = Some(message),
            Some(Err(e)) => self.failed(&e),
            None => {}
        }
    }
}

pub(super) struct Cell {
    text: String,
    href: Option<String>,
}

pub(super) struct Row {
    cells: Vec<Cell>,
    class: &'static str,
}

pub(super) struct Table {
    headers: Vec<String>,
    rows: Vec<Row>,
    empty: String,
}

pub(super) struct Pager {
    page: usize,
    pages: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

pub(super) struct Section {
    title: String,
    table: Table,
    pager: Option<Pager>,
}

pub(super) struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    kind: &'static str,
    required: bool,
    hint: &'static str,
    options: Vec<(String, String)>,
}

impl Field {
    fn text(name: &'static str, label: &'static str) -> Field {
        Field {
            name,
            label,
            value: String::new(),
            kind: "text",
            required: false,
            hint: "",
            options: Vec::new(),
        }
    }
    /// The input type; a date is typed as the CLI takes it (`YYYY-MM-DD`),
    /// not in the browser's locale form.
    fn kind(mut self, kind: &'static str) -> Field {
        if kind == "date" {
            self.kind = "text";
            if self.hint.is_empty() {
                self.hint = "YYYY-MM-DD";
            }
        } else {
            self.kind = kind;
        }
        self
    }
    fn required(mut self) -> Field {
        self.required = true;
        self
    }
    fn value(mut self, value: impl Into<String>) -> Field {
        self.value = value.into();
        self
    }
    fn hint(mut self, hint: &'static str) -> Field {
        self.hint = hint;
        self
    }
    fn options(mut self, options: &[(&str, &str)]) -> Field {
        self.options = options
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect();
        self
    }
}

pub(super) struct PageForm {
    id: &'static str,
    method: &'static str,
    action: String,
    title: String,
    button: &'static str,
    button_class: &'static str,
    hidden: Vec<(String, String)>,
    fields: Vec<Field>,
}

impl PageForm {
    fn post(id: &'static str, action: impl Into<String>, title: impl Into<String>) -> PageForm {
        PageForm {
            id,
            method: "post",
            action: action.into(),
            title: title.into(),
            button: "Record",
            button_class: "primary",
            hidden: Vec::new(),
            fields: Vec::new(),
        }
    }
    /// A form that asks for a document (a GET: nothing is written).
    fn get(id: &'static str, action: impl Into<String>, title: impl Into<String>) -> PageForm {
        PageForm {
            id,
            method: "get",
            action: action.into(),
            title: title.into(),
            button: "Show",
            button_class: "secondary",
            hidden: Vec::new(),
            fields: Vec::new(),
        }
    }
    fn filter(action: impl Into<String>, fields: Vec<Field>) -> PageForm {
        PageForm {
            id: "filter",
            method: "get",
            action: action.into(),
            title: String::new(),
            button: "Show",
            button_class: "secondary",
            hidden: Vec::new(),
            fields,
        }
    }
    fn button(mut self, button: &'static str, class: &'static str) -> PageForm {
        self.button = button;
        self.button_class = class;
        self
    }
    fn hidden(mut self, name: &str, value: &str) -> PageForm {
        self.hidden.push((name.to_owned(), value.to_owned()));
        self
    }
    fn fields(mut self, fields: Vec<Field>) -> PageForm {
        self.fields = fields;
        self
    }
}

pub(super) struct Card {
    label: String,
    count: String,
    href: String,
    tone: &'static str,
    detail: String,
}

pub(super) struct Panel {
    ok: bool,
    title: String,
    lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "list.html")]
pub(super) struct ListPage {
    layout: Layout,
    panel: Option<Panel>,
    cards: Vec<Card>,
    facts: Vec<(String, String)>,
    filter: Option<PageForm>,
    csv: Option<String>,
    forms: Vec<PageForm>,
    sections: Vec<Section>,
}

impl ListPage {
    fn new(layout: Layout) -> ListPage {
        ListPage {
            layout,
            panel: None,
            cards: Vec::new(),
            facts: Vec::new(),
            filter: None,
            csv: None,
            forms: Vec::new(),
            sections: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    name: String,
}

pub(super) struct ScanResult {
    ok: bool,
    text: String,
    /// Where a manager links an unknown GTIN to an item.
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "scan.html")]
struct ScanPage {
    layout: Layout,
    kinds: Vec<(String, String)>,
    kind: String,
    locations: Vec<(String, String)>,
    location: String,
    result: Option<ScanResult>,
}

fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(text) => (status, Html(text)).into_response(),
        Err(e) => ApiError::internal(&format!("template: {e}")).into_response(),
    }
}

/// The status of a page answering a write: 201 when it was written, else
/// the refusal's.
fn written_status(result: &Result<String, ApiError>) -> StatusCode {
    match result {
        Ok(_) => StatusCode::CREATED,
        Err(e) => e.status,
    }
}

/// An error as a page (for a page request), with its status.
fn error_page(who: Option<&Authed>, e: &ApiError) -> Response {
    let mut layout = Layout::new(who, "Something went wrong", "");
    layout.failed(e);
    html(e.status, &ListPage::new(layout))
}

/// Percent-encode a path segment or query value.
fn enc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Text of a cell as the CLI's table shows it.
fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Which cell of a row (by column) links where.
type LinkFn<'a> = dyn Fn(&str, &Map<String, Value>) -> Option<String> + 'a;
/// The class that marks a row (`bad`, `warn`, or none).
type ClassFn<'a> = dyn Fn(&Map<String, Value>) -> &'static str + 'a;

/// Rows as a table with the CLI's column names; `link` may make a cell a
/// link, `class` marks a row (`bad`, `warn`).
fn table<T: Serialize>(
    headers: &[&str],
    rows: &[T],
    empty: &str,
    link: &LinkFn<'_>,
    class: &ClassFn<'_>,
) -> Result<Table, ApiError> {
    let rendered = render(headers, rows)?;
    let rows = rendered
        .objects
        .iter()
        .map(|obj| Row {
            class: class(obj),
            cells: headers
                .iter()
                .map(|h| Cell {
                    text: cell_text(obj.get(*h)),
                    href: link(h, obj),
                })
                .collect(),
        })
        .collect();
    Ok(Table {
        headers: rendered.headers,
        rows,
        empty: empty.to_owned(),
    })
}

fn no_link(_: &str, _: &Map<String, Value>) -> Option<String> {
    None
}

fn no_class(_: &Map<String, Value>) -> &'static str {
    ""
}

/// Links every row's item (and lot) cell to its page.
fn item_links(col: &str, obj: &Map<String, Value>) -> Option<String> {
    let item = obj.get("item").and_then(Value::as_str)?;
    match col {
        "item" => Some(format!("/items/{}", enc(item))),
        "lot" => {
            let lot = obj
                .get("lot")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty())?;
            Some(format!("/lots/{}/{}", enc(item), enc(lot)))
        }
        _ => None,
    }
}

/// One page of `rows`, and the pager that links the others (keeping the
/// page's other query parameters).
fn page_of<'a, T>(
    rows: &'a [T],
    base: &str,
    query: &HashMap<String, String>,
    param: &str,
) -> (&'a [T], Pager) {
    let pager = pager_for(rows.len(), base, query, param);
    let start = (pager.page - 1) * PAGE_SIZE;
    let end = (start + PAGE_SIZE).min(rows.len());
    (&rows[start.min(rows.len())..end], pager)
}

/// The pager of a list of `total` rows: the page asked for (clamped) and
/// links to the pages either side.
fn pager_for(total: usize, base: &str, query: &HashMap<String, String>, param: &str) -> Pager {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query
        .get(param)
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let href = |n: usize| {
        let mut keep: Vec<(&String, &String)> = query.iter().filter(|(k, _)| *k != param).collect();
        keep.sort();
        let mut q: Vec<String> = keep
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        q.push(format!("{param}={n}"));
        format!("{base}?{}", q.join("&"))
    };
    Pager {
        page,
        pages,
        total,
        prev: (page > 1).then(|| href(page - 1)),
        next: (page < pages).then(|| href(page + 1)),
    }
}

fn param(query: &HashMap<String, String>, name: &str) -> Option<String> {
    query
        .get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The signed-in account of a page request; without one, to the sign-in
/// page.
pub(super) struct PageUser(Authed);

impl FromRequestParts<Arc<ServerState>> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<ServerState>,
    ) -> Result<Self, Response> {
        match auth::identify(state, parts).await {
            Ok(Some(who)) => Ok(PageUser(who)),
            Ok(None) => Err(Redirect::to("/sign-in").into_response()),
            Err(e) => Err(error_page(None, &e)),
        }
    }
}

/// A form body as text fields (empty fields left out); 413 beyond the limit.
fn form_fields(
    form: FormBody,
    allowed: &[&str],
    recorder: &str,
) -> Result<(Fields, HashMap<String, String>), ApiError> {
    let Form(map) = form.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_request(format!("could not read the form: {}", r.body_text()))
        }
    })?;
    let fields = Fields::from_form(&map, allowed, Some(recorder))?;
    Ok((fields, map))
}

// ---- sign in and out -----------------------------------------------------

async fn sign_in_page() -> Response {
    let page = SignInPage {
        layout: Layout::new(None, "Sign in", ""),
        name: String::new(),
    };
    html(StatusCode::OK, &page)
}

async fn sign_in_submit(
    State(state): Shared,
    ConnectInfo(super::Peer(peer)): ConnectInfo<super::Peer>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let attempt = async {
        if !auth::same_origin(&headers) {
            return Err(ApiError::cross_origin());
        }
        let Form(map) = form.map_err(|r| ApiError::bad_request(r.body_text()))?;
        let name = map.get("user").cloned().unwrap_or_default();
        let password = Password::offered(map.get("password").cloned().unwrap_or_default());
        let outcome = api::start_session(&state, name, password).await?;
        api::signed_in_response(outcome, auth::is_https(&state, &headers, peer), |_| {
            Redirect::to("/").into_response()
        })
    };
    match attempt.await {
        Ok(response) => {
            // A redirect after POST: 303, so the browser GETs the dashboard.
            let mut response = response;
            *response.status_mut() = StatusCode::SEE_OTHER;
            response
        }
        Err(e) => {
            let mut layout = Layout::new(None, "Sign in", "");
            layout.failed(&e);
            let page = SignInPage {
                layout,
                name: String::new(),
            };
            html(e.status, &page)
        }
    }
}

async fn sign_out(
    State(state): Shared,
    ConnectInfo(super::Peer(peer)): ConnectInfo<super::Peer>,
    headers: HeaderMap,
    PageUser(who): PageUser,
) -> Response {
    if let Some(session) = who.session().map(str::to_owned) {
        let ended = state
            .write(Some(&who.who), move |store, _| {
                app::accounts::sign_out(store, &session)
            })
            .await;
        if let Err(e) = ended {
            return error_page(Some(&who), &e);
        }
    }
    let mut response = Redirect::to("/sign-in").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(
        "",
        auth::is_https(&state, &headers, peer),
    )) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

// ---- dashboard -----------------------------------------------------------

async fn dashboard(State(state): Shared, PageUser(who): PageUser) -> Response {
    let summary = state.dashboard().await;
    let d = match summary {
        Ok(d) => d,
        Err(e) => return error_page(Some(&who), &e),
    };
    let mut page = ListPage::new(Layout::new(Some(&who), "Dashboard", "/"));
    let tone = |n: usize, bad: &'static str| if n == 0 { "ok" } else { bad };
    let value = if d.reorder_uncosted > 0 {
        format!(
            "£{} ({} lines without a unit cost)",
            Money(d.reorder_value),
            d.reorder_uncosted
        )
    } else {
        format!("£{}", Money(d.reorder_value))
    };
    page.cards = vec![
        Card {
            label: "lines to reorder".into(),
            count: d.reorder_lines.to_string(),
            href: "/reports/reorder".into(),
            tone: tone(d.reorder_lines, "warn"),
            detail: value,
        },
        Card {
            label: "lots expired".into(),
            count: d.expired_lots.to_string(),
            href: "/reports/expiry".into(),
            tone: tone(d.expired_lots, "bad"),
            detail: String::new(),
        },
        Card {
            label: "lots expiring within 30 days".into(),
            count: d.expiring_lots.to_string(),
            href: "/reports/expiry".into(),
            tone: tone(d.expiring_lots, "warn"),
            detail: String::new(),
        },
        Card {
            label: "assets never calibrated".into(),
            count: d.calibration_never.to_string(),
            href: "/reports/calibration-due".into(),
            tone: tone(d.calibration_never, "bad"),
            detail: String::new(),
        },
        Card {
            label: "assets overdue for calibration".into(),
            count: d.calibration_overdue.to_string(),
            href: "/reports/calibration-due".into(),
            tone: tone(d.calibration_overdue, "bad"),
            detail: String::new(),
        },
        Card {
            label: "assets due within 30 days".into(),
            count: d.calibration_due.to_string(),
            href: "/reports/calibration-due".into(),
            tone: tone(d.calibration_due, "warn"),
            detail: String::new(),
        },
        Card {
            label: "lots awaiting acceptance".into(),
            count: d.pending_acceptance.to_string(),
            href: "/reports/acceptance".into(),
            tone: tone(d.pending_acceptance, "warn"),
            detail: String::new(),
        },
        Card {
            label: "temperature excursions awaiting a decision".into(),
            count: d.open_excursions.to_string(),
            href: "/reports/excursions?open=true".into(),
            tone: tone(d.open_excursions, "bad"),
            detail: String::new(),
        },
        Card {
            label: "monitored fridges and freezers not read yesterday".into(),
            count: d.missing_readings.to_string(),
            href: "/reports/temperatures".into(),
            tone: tone(d.missing_readings, "warn"),
            detail: String::new(),
        },
        Card {
            label: "hazardous items without a current safety data sheet".into(),
            count: (d.sds_missing + d.sds_review).to_string(),
            href: "/items".into(),
            tone: tone(d.sds_missing + d.sds_review, "warn"),
            detail: format!(
                "{} missing, {} due for review (labstock report sds)",
                d.sds_missing, d.sds_review
            ),
        },
        Card {
            label: "open stocktakes".into(),
            count: d.open_stocktakes.to_string(),
            href: "/stocktakes".into(),
            tone: tone(d.open_stocktakes, "warn"),
            detail: String::new(),
        },
        Card {
            label: "hazardous waste records without a consignment note".into(),
            count: d.unconsigned_hazardous.to_string(),
            href: "/waste".into(),
            tone: tone(d.unconsigned_hazardous, "warn"),
            detail: String::new(),
        },
    ];
    if let Some(as_of) = d.as_of {
        page.facts = vec![("As of".into(), as_of.to_string())];
    }
    html(StatusCode::OK, &page)
}

// ---- scan station --------------------------------------------------------

const SCAN_KINDS: [(&str, &str); 4] = [
    ("receive", "Receive"),
    ("issue", "Issue"),
    ("count", "Count"),
    ("open", "Open a container"),
];

async fn scan_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = who.require(Action::Receive) {
        return error_page(Some(&who), &e);
    }
    scan_station(
        &state,
        &who,
        param(&q, "kind").unwrap_or_else(|| "receive".into()),
        param(&q, "location").unwrap_or_else(|| "MAIN".into()),
        None,
        StatusCode::OK,
    )
    .await
}

async fn scan_station(
    state: &Arc<ServerState>,
    who: &Authed,
    kind: String,
    location: String,
    result: Option<ScanResult>,
    status: StatusCode,
) -> Response {
    let locations = match state
        .read(|store, _| app::catalogue::locations(store))
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(Some(who), &e),
    };
    let page = ScanPage {
        layout: Layout::new(Some(who), "Scan station", "/scan"),
        kinds: SCAN_KINDS
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect(),
        kind,
        locations: locations
            .into_iter()
            .map(|l| {
                let label = match &l.name {
                    Some(n) => format!("{} – {n}", l.code),
                    None => l.code.clone(),
                };
                (l.code, label)
            })
            .collect(),
        location,
        result,
    };
    html(status, &page)
}

/// What a recorded scan says: item, lot, expiry (when the code has one),
/// and the new balance.
fn scan_text(outcome: &crate::ledger::Outcome) -> String {
    let mut parts: Vec<String> = outcome
        .movements
        .iter()
        .map(|m| {
            let lot = if m.lot.is_empty() {
                String::new()
            } else {
                format!(" lot {}", m.lot)
            };
            if m.kind == MovementKind::Open {
                return format!(
                    "opened {} {}{lot} at {}: {} opened on {} there",
                    -m.quantity.get(),
                    m.item,
                    m.location,
                    m.balance,
                    m.opened_on.map(|d| d.to_string()).unwrap_or_default()
                );
            }
            let portion = m
                .opened_on
                .map(|d| format!(" (opened {d})"))
                .unwrap_or_default();
            format!(
                "{} {}{lot}{portion} {:+} at {}: now {} there",
                m.kind, m.item, m.quantity, m.location, m.balance
            )
        })
        .collect();
    parts.extend(outcome.warnings.iter().map(|w| format!("warning: {w}")));
    parts.join("; ")
}

async fn scan_submit(
    State(state): Shared,
    PageUser(who): PageUser,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    // The station's choices stay as they were, whatever the scan's fate:
    // a refused issue must not turn the station into a receiving one.
    let (chosen_kind, chosen_location) = match &form {
        Ok(Form(map)) => (
            param(map, "kind").unwrap_or_else(|| "receive".into()),
            param(map, "location"),
        ),
        Err(_) => ("receive".to_owned(), None),
    };
    let recorded = async {
        let (fields, _) = form_fields(
            form,
            &["kind", "scan", "quantity", "location"],
            &who.who.name,
        )?;
        let kind = api::movement_kind(&fields.required("kind")?)?;
        if !matches!(
            kind,
            MovementKind::Receive | MovementKind::Issue | MovementKind::Count | MovementKind::Open
        ) {
            return Err(ApiError::from(Error::invalid(
                "scan kind",
                kind.to_string(),
                "receive, issue, count or open",
            )));
        }
        let data = fields.required("scan")?;
        let quantity = fields
            .number_text("quantity")?
            .map(|q| match kind {
                MovementKind::Count => crate::model::Quantity::parse(&q),
                _ => crate::model::Quantity::parse_positive(&q),
            })
            .transpose()?;
        let scan = app::scan::Scan {
            kind,
            data,
            quantity,
            location: fields.text("location")?,
        };
        let outcome = api::record_movement(&state, &who, MovementBody::Scan(scan)).await?;
        Ok::<_, ApiError>((kind, fields.text("location")?, outcome))
    };
    let (status, ok, text, kind, location, link) = match recorded.await {
        Ok((kind, location, outcome)) => (
            StatusCode::CREATED,
            true,
            scan_text(&outcome),
            kind.to_string(),
            location,
            None,
        ),
        Err(e) => {
            let link = e
                .unknown_gtin
                .as_deref()
                .filter(|_| app::roles::allows(who.who.role, Action::Catalogue))
                .map(|g| format!("/scan/link?gtin={}", enc(g)));
            (
                e.status,
                false,
                e.error.clone(),
                chosen_kind,
                chosen_location,
                link,
            )
        }
    };
    if wants_json {
        return (
            status,
            axum::Json(serde_json::json!({"ok": ok, "text": text, "link": link})),
        )
            .into_response();
    }
    scan_station(
        &state,
        &who,
        kind,
        location.unwrap_or_else(|| "MAIN".into()),
        Some(ScanResult { ok, text, link }),
        status,
    )
    .await
}

/// A scanned GTIN that no item has, linked to an item (a manager's:
/// it changes the catalogue).
async fn link_page(PageUser(who): PageUser, Query(q): Query<HashMap<String, String>>) -> Response {
    link_view(
        &who,
        param(&q, "gtin").unwrap_or_default(),
        None,
        StatusCode::OK,
    )
}

fn link_view(
    who: &Authed,
    gtin: String,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    if let Err(e) = who.require(Action::Catalogue) {
        return error_page(Some(who), &e);
    }
    let mut page = ListPage::new(Layout::new(Some(who), "Link a barcode to an item", "/scan"));
    page.layout.show(outcome);
    page.facts = vec![("GTIN".into(), gtin.clone())];
    page.forms.push(
        PageForm::post("link", "/scan/link", "")
            .hidden("gtin", &gtin)
            .fields(vec![Field::text("item", "Item code").required().hint(
                "The item this barcode is on; its settings change is recorded in the audit trail",
            )])
            .button("Link", "primary"),
    );
    html(status, &page)
}

async fn link_submit(State(state): Shared, PageUser(who): PageUser, form: FormBody) -> Response {
    let mut gtin_given = String::new();
    let done = async {
        who.require(Action::Catalogue)?;
        let (fields, _) = form_fields(form, &["gtin", "item"], &who.who.name)?;
        let gtin = fields.required("gtin")?;
        gtin_given.clone_from(&gtin);
        let code = fields.required("item")?;
        let linked = state
            .write(Some(&who.who), move |store, actor| {
                let mut item = app::catalogue::item(store, &code)?;
                item.gtin = Some(gtin);
                app::catalogue::update_item(store, item, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!(
            "{} now has GTIN {}: scan it again",
            linked.0.code,
            linked.0.gtin.unwrap_or_default()
        ))
    };
    let result = done.await;
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) => e.status,
    };
    link_view(&who, gtin_given, Some(result), status)
}

// ---- items and lots ------------------------------------------------------

async fn items_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let text = param(&q, "q");
    let mut page = ListPage::new(Layout::new(Some(&who), "Items", "/items"));
    page.filter = Some(PageForm::filter(
        "/items",
        vec![
            Field::text("q", "Code, name, supplier reference or GTIN")
                .value(text.clone().unwrap_or_default())
                .kind("search"),
        ],
    ));
    let Some(text) = text else {
        return html(StatusCode::OK, &page);
    };
    let found = state
        .read(move |store, _| app::catalogue::find(store, &text, 1000))
        .await;
    match found {
        Ok(rows) => {
            let (rows, pager) = page_of(&rows, "/items", &q, "page");
            match table(
                listing::FIND_HEADERS,
                rows,
                "No item matches.",
                &item_links,
                &no_class,
            ) {
                Ok(t) => page.sections.push(Section {
                    title: String::new(),
                    table: t,
                    pager: Some(pager),
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(StatusCode::OK, &page)
}

const MOVE_FIELDS: &[&str] = &[
    "kind",
    "quantity",
    "lot",
    "expiry",
    "location",
    "to_location",
    "reason",
    "reference",
    "note",
    "opened_on",
];

async fn item_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // The page of an item is served again, as rendered, while nothing has
    // been written since (the change marks) and the day is the same; it
    // names the signed-in user and shows the forms of their role, so it is
    // kept per user and page.
    let Ok(fresh) = state.freshness().await else {
        return item_view(&state, &who, &code, &q, None, StatusCode::OK).await;
    };
    let page_no = q.get("page").map_or("1", String::as_str);
    let key = format!("item\u{0}{}\u{0}{}\u{0}{page_no}", who.who.name, code);
    if let Some(body) = state.kept_page(&key, &fresh) {
        return (StatusCode::OK, Html(body)).into_response();
    }
    let response = item_view(&state, &who, &code, &q, None, StatusCode::OK).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            state.keep_page(key, fresh, bytes.clone());
            Response::from_parts(parts, axum::body::Body::from(bytes))
        }
        Err(_) => ApiError::internal("a page could not be read back").into_response(),
    }
}

async fn item_view(
    state: &Arc<ServerState>,
    who: &Authed,
    code: &str,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let c = code.to_owned();
    let asked = q
        .get("page")
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1);
    let read = state
        .read(move |store, clock| {
            let card = app::catalogue::show_item(store, &c, clock.today())?;
            let orders = app::orders::lines(
                store,
                &app::orders::OrderQuery {
                    item: Some(c.clone()),
                    supplier: None,
                    all: false,
                    as_of: clock.today(),
                },
            )?;
            let levels = app::orders::levels(store, &c)?;
            // Only the page asked for is read; past the end, the last page
            // (as the pager clamps it).
            let offset = (asked.max(1) - 1).saturating_mul(PAGE_SIZE);
            let (mut rows, total) = app::stock::history_page(store, &c, offset, PAGE_SIZE)?;
            if rows.is_empty() && total > 0 {
                let last = (total.div_ceil(PAGE_SIZE) - 1) * PAGE_SIZE;
                rows = app::stock::history_page(store, &c, last, PAGE_SIZE)?.0;
            }
            Ok((card, (rows, total), orders, levels))
        })
        .await;
    let (card, (history, total), orders, levels) = match read {
        Ok(r) => r,
        Err(e) => return error_page(Some(who), &e),
    };
    let item = &card.item;
    let mut page = ListPage::new(Layout::new(
        Some(who),
        format!("{} – {}", item.code, item.name),
        "/items",
    ));
    page.layout.show(outcome);
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    page.facts = vec![
        ("unit".into(), item.unit.clone()),
        ("pack_size".into(), item.pack_size.to_string()),
        ("reorder_level".into(), opt(item.reorder_level)),
        ("max_level".into(), opt(item.max_level)),
        ("supplier".into(), item.supplier.clone().unwrap_or_default()),
        (
            "supplier_ref".into(),
            item.supplier_ref.clone().unwrap_or_default(),
        ),
        ("gtin".into(), item.gtin.clone().unwrap_or_default()),
        ("storage".into(), item.storage.clone().unwrap_or_default()),
        ("hazard".into(), item.hazard.clone().unwrap_or_default()),
        ("lot_tracked".into(), item.lot_tracked.to_string()),
    ];
    let stock = listing::stock_rows(&card.stock);
    match table(
        listing::STOCK_HEADERS,
        &stock,
        "No stock held.",
        &item_links,
        &|o| match o.get("status").and_then(Value::as_str) {
            Some("available") | None => "",
            _ => "bad",
        },
    ) {
        Ok(t) => page.sections.push(Section {
            title: "Balances by lot and location".into(),
            table: t,
            pager: None,
        }),
        Err(e) => return error_page(Some(who), &e),
    }
    let more = [
        table(
            crate::orders::ORDER_LIST_HEADERS,
            &orders,
            "No open order lines.",
            &order_links,
            &no_class,
        )
        .map(|t| ("Open orders", t)),
        table(
            &["item", "location", "reorder_level", "max_level"],
            &levels,
            "No levels set per location (the item's own levels apply).",
            &no_link,
            &no_class,
        )
        .map(|t| ("Levels by location", t)),
    ];
    for made in more {
        match made {
            Ok((title, t)) => page.sections.push(Section {
                title: title.into(),
                table: t,
                pager: None,
            }),
            Err(e) => return error_page(Some(who), &e),
        }
    }
    // The bin card, newest first, a page at a time.
    let base = format!("/items/{}", enc(&item.code));
    let pager = pager_for(total, &base, q, "page");
    match table(
        listing::HISTORY_HEADERS,
        &history,
        "No movements yet.",
        &|col, o| {
            let lot = o
                .get("lot")
                .and_then(Value::as_str)
                .filter(|l| !l.is_empty())?;
            (col == "lot").then(|| format!("/lots/{}/{}", enc(&item.code), enc(lot)))
        },
        &no_class,
    ) {
        Ok(t) => page.sections.push(Section {
            title: "Bin card (newest first, with running balance)".into(),
            table: t,
            pager: Some(pager),
        }),
        Err(e) => return error_page(Some(who), &e),
    }
    // The forms this role may use.
    let kinds: Vec<(&str, &str)> = [
        ("receive", "Receive", Action::Receive),
        ("issue", "Issue", Action::Issue),
        ("transfer", "Transfer", Action::Transfer),
        ("count", "Count", Action::Count),
        ("adjust", "Adjust", Action::Adjust),
        ("dispose", "Dispose", Action::Dispose),
        ("open", "Open units", Action::OpenLot),
    ]
    .into_iter()
    .filter(|(_, _, a)| app::roles::allows(who.who.role, *a))
    .map(|(k, l, _)| (k, l))
    .collect();
    if !kinds.is_empty() {
        page.forms.push(
            PageForm::post("move", &base, "Record a movement").fields(vec![
                Field::text("kind", "Movement").options(&kinds),
                Field::text("quantity", "Quantity")
                    .required()
                    .hint("Whole units of issue; a count is the number counted; an adjustment may be negative"),
                Field::text("lot", "Lot"),
                Field::text("expiry", "Expiry (receive)").kind("date"),
                Field::text("location", "Location").hint("Empty: MAIN. For a transfer, where it comes from"),
                Field::text("to_location", "To location (transfer)"),
                Field::text("reason", "Reason (adjust, dispose)"),
                Field::text("opened_on", "Opened on").kind("date").hint(
                    "Open: the day the units were opened (empty: today). Others: which opened units (empty: opened first, counts the sealed)",
                ),
                Field::text("reference", "Reference"),
                Field::text("note", "Note"),
            ]),
        );
    }
    // A prepared item (one with a shelf life) is made here (SPEC §14).
    if item.shelf_life_days.is_some() && app::roles::allows(who.who.role, Action::Prepare) {
        page.forms.push(
            PageForm::post("prepare", format!("{base}/prepare"), "Make up a batch")
                .fields(vec![
                    Field::text("quantity", "Quantity made").required().kind("number"),
                    Field::text("batch", "Batch number").required(),
                    Field::text("components", "Components").hint(
                        "ITEM[:LOT][=QTY] separated by ; (=QTY is issued, without it traced only). Empty: the item's recipe",
                    ),
                    Field::text("location", "Made at").hint("Empty: MAIN. Components are issued from here"),
                    Field::text("date", "Made on").kind("date"),
                    Field::text("note", "Note"),
                ])
                .button("Prepare", "primary"),
        );
    }
    if item.lot_tracked && app::roles::allows(who.who.role, Action::Label) {
        page.forms.push(
            PageForm::get("label", format!("{base}/label"), "Print a label")
                .fields(vec![
                    Field::text("lot", "Lot or batch").required(),
                    Field::text("format", "Format").options(&[
                        ("svg", "One label (SVG)"),
                        ("pdf", "A4 sheet of labels (PDF)"),
                    ]),
                    Field::text("copies", "Copies (PDF)")
                        .value("1")
                        .kind("number"),
                ])
                .button("Print label", "secondary"),
        );
    }
    html(status, &page)
}

async fn item_move(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(code): Path<String>,
    form: FormBody,
) -> Response {
    let recorded = async {
        let (fields, _) = form_fields(form, MOVE_FIELDS, &who.who.name)?;
        let kind = api::movement_kind(&fields.required("kind")?)?;
        who.require(app::roles::movement_action(kind))?;
        let clock = crate::clock::Clock::from_env()?;
        let body = api::parse_movement_for_item(&fields, &code, &who.who.name, &clock)?;
        let outcome = api::record_movement(&state, &who, body).await?;
        Ok::<_, ApiError>(scan_text(&outcome))
    };
    let result = recorded.await;
    let status = written_status(&result);
    item_view(&state, &who, &code, &HashMap::new(), Some(result), status).await
}

async fn lot_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Path((item, lot)): Path<(String, String)>,
) -> Response {
    lot_view(&state, &who, item, lot, None, StatusCode::OK).await
}

async fn lot_view(
    state: &Arc<ServerState>,
    who: &Authed,
    item: String,
    lot: String,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let (i, l) = (item.clone(), lot.clone());
    let read = state
        .read(move |store, _| {
            let lots = app::lots::list(store, &i)?;
            let trace = app::stock::trace(store, &app::stock::TraceQuery { item: i, lot: l })?;
            Ok((lots, trace))
        })
        .await;
    let (lots, (trace, summary)) = match read {
        Ok(r) => r,
        Err(e) => return error_page(Some(who), &e),
    };
    let mut page = ListPage::new(Layout::new(
        Some(who),
        format!("Lot {lot} of {item}"),
        "/items",
    ));
    page.layout.show(outcome);
    if let Some(row) = lots.iter().find(|r| r.lot == lot) {
        page.panel = Some(Panel {
            ok: row.status == "available",
            title: format!("Status: {}", row.status),
            lines: vec![
                format!("expiry {}", row.expiry.clone().unwrap_or_default()),
                format!(
                    "effective expiry {}",
                    row.effective_expiry.clone().unwrap_or_default()
                ),
                format!("on hand {}", row.quantity),
            ],
        });
    }
    page.facts = vec![
        ("received".into(), summary.received.to_string()),
        ("issued".into(), summary.issued.to_string()),
        ("disposed".into(), summary.disposed.to_string()),
        ("adjusted".into(), summary.adjusted.to_string()),
        (
            "on hand".into(),
            summary
                .on_hand
                .iter()
                .map(|(loc, q)| format!("{q} at {loc}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    match table(
        listing::TRACE_HEADERS,
        &trace,
        "No movements of this lot.",
        &no_link,
        &no_class,
    ) {
        Ok(t) => page.sections.push(Section {
            title: "Trace: where every unit went".into(),
            table: t,
            pager: None,
        }),
        Err(e) => return error_page(Some(who), &e),
    }
    let pending = lots.iter().any(|r| r.lot == lot && r.status == "pending");
    if pending && app::roles::allows(who.who.role, Action::AcceptLot) {
        page.forms.push(
            PageForm::post(
                "accept",
                format!("/lots/{}/{}", enc(&item), enc(&lot)),
                "Accept or fail this lot (reagent verification)",
            )
            .hidden("action", "accept")
            .fields(vec![
                Field::text("result", "Result").options(&[("pass", "pass"), ("fail", "fail")]),
                Field::text("reference", "Reference"),
                Field::text("notes", "Notes"),
            ])
            .button("Record acceptance", "primary"),
        );
    }
    if app::roles::allows(who.who.role, Action::LotStatus) {
        page.forms.push(
            PageForm::post(
                "lot",
                format!("/lots/{}/{}", enc(&item), enc(&lot)),
                "Change the lot's status",
            )
            .fields(vec![
                Field::text("action", "Action").options(&[
                    ("quarantine", "Quarantine"),
                    ("release", "Release"),
                    ("recall", "Recall"),
                ]),
                Field::text("reason", "Reason"),
            ])
            .button("Change status", "warning"),
        );
    }
    if app::roles::allows(who.who.role, Action::Label) {
        page.forms.push(
            PageForm::get(
                "label",
                format!("/lots/{}/{}/label", enc(&item), enc(&lot)),
                "Print a label (SPEC §14: GS1 DataMatrix, expiry, hazards)",
            )
            .fields(vec![
                Field::text("format", "Format").options(&[
                    ("svg", "One label (SVG)"),
                    ("pdf", "A4 sheet of labels (PDF)"),
                ]),
                Field::text("copies", "Copies (PDF)")
                    .value("1")
                    .kind("number"),
            ])
            .button("Print label", "secondary"),
        );
    }
    html(status, &page)
}

/// A lot's label as a document: SVG (one label) or PDF (an A4 sheet).
async fn lot_label(
    State(state): Shared,
    PageUser(who): PageUser,
    Path((item, lot)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = who.require(Action::Label) {
        return error_page(Some(&who), &e);
    }
    let pdf = match q.get("format").map(String::as_str) {
        None | Some("" | "svg") => false,
        Some("pdf") => true,
        Some(other) => {
            let e = ApiError::from(Error::invalid("format", other, "svg or pdf"));
            return error_page(Some(&who), &e);
        }
    };
    let copies = match q.get("copies").map(|c| c.trim()).filter(|c| !c.is_empty()) {
        None => 1,
        Some(c) => match c.parse::<u32>() {
            Ok(n @ 1..=500) => n,
            _ => {
                let e = ApiError::from(Error::invalid(
                    "copies",
                    c,
                    "a number of labels from 1 to 500",
                ));
                return error_page(Some(&who), &e);
            }
        },
    };
    let name = who.who.name.clone();
    let read = state
        .read(move |store, clock| {
            let actor = app::Actor::new(&name, clock);
            let req = app::label::LabelRequest {
                item,
                lot,
                format: if pdf {
                    app::label::LabelFormat::Pdf
                } else {
                    app::label::LabelFormat::Svg
                },
                copies,
            };
            app::label::label(store, &req, actor)
        })
        .await;
    match read {
        Ok((_, bytes)) => {
            let kind = if pdf {
                "application/pdf"
            } else {
                "image/svg+xml"
            };
            ([(axum::http::header::CONTENT_TYPE, kind)], bytes).into_response()
        }
        Err(e) => error_page(Some(&who), &e),
    }
}

/// The item page's label form: the lot's label (see [`lot_label`]).
async fn item_label(
    PageUser(who): PageUser,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = who.require(Action::Label) {
        return error_page(Some(&who), &e);
    }
    let Some(lot) = q.get("lot").map(|l| l.trim()).filter(|l| !l.is_empty()) else {
        let e = ApiError::from(Error::missing("lot", "the label of which lot (batch)"));
        return error_page(Some(&who), &e);
    };
    let mut to = format!("/lots/{}/{}/label", enc(&code), enc(lot));
    let keep: Vec<String> = ["format", "copies"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| format!("{k}={}", enc(v))))
        .collect();
    if !keep.is_empty() {
        to.push('?');
        to.push_str(&keep.join("&"));
    }
    Redirect::to(&to).into_response()
}

const PREPARE_FIELDS: &[&str] = &[
    "quantity",
    "batch",
    "components",
    "location",
    "date",
    "note",
];

/// Make up a batch of a prepared item from the item page.
async fn item_prepare(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(code): Path<String>,
    form: FormBody,
) -> Response {
    let item = code.clone();
    let made = async {
        who.require(Action::Prepare)?;
        let (fields, _) = form_fields(form, PREPARE_FIELDS, &who.who.name)?;
        let quantity = Quantity::parse_positive(&fields.required("quantity")?)?;
        let batch = fields.required("batch")?;
        let components = fields
            .text("components")?
            .unwrap_or_default()
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(crate::prepare::ComponentSpec::parse)
            .collect::<crate::error::Result<Vec<_>>>()?;
        let date = fields
            .text("date")?
            .map(|d| crate::model::parse_date("date", &d))
            .transpose()?;
        let req = crate::prepare::PrepareRequest {
            item,
            quantity,
            batch,
            components,
            location: fields.text("location")?,
            date,
            note: fields.text("note")?,
        };
        let p = state
            .write(Some(&who.who), move |store, actor| {
                app::prepare::prepare(store, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!(
            "prepared {} of {} batch {} at {} on {}; expires {} ({})",
            p.quantity, p.item, p.batch, p.location, p.prepared_on, p.expiry, p.expiry_because
        ))
    };
    let result = made.await;
    let status = written_status(&result);
    item_view(&state, &who, &code, &HashMap::new(), Some(result), status).await
}

async fn lot_action(
    State(state): Shared,
    PageUser(who): PageUser,
    Path((item, lot)): Path<(String, String)>,
    form: FormBody,
) -> Response {
    let done = async {
        let (fields, _) = form_fields(
            form,
            &["action", "reason", "result", "reference", "notes"],
            &who.who.name,
        )?;
        let action = match fields.required("action")?.as_str() {
            "accept" => {
                who.require(Action::AcceptLot)?;
                let result = match fields.required("result")?.as_str() {
                    "pass" => crate::acceptance::AcceptanceResult::Pass,
                    "fail" => crate::acceptance::AcceptanceResult::Fail,
                    other => {
                        return Err(ApiError::from(Error::invalid(
                            "result",
                            other,
                            "pass or fail",
                        )));
                    }
                };
                let req = app::lots::AcceptRequest {
                    item: item.clone(),
                    lot: lot.clone(),
                    result,
                    reference: fields.text("reference")?,
                    notes: fields.text("notes")?,
                };
                state
                    .write(Some(&who.who), move |store, actor| {
                        app::lots::accept(store, &req, actor)
                    })
                    .await?;
                return Ok("acceptance recorded".to_owned());
            }
            "quarantine" => crate::lots::LotAction::Quarantine,
            "release" => crate::lots::LotAction::Release,
            "recall" => crate::lots::LotAction::Recall,
            other => {
                return Err(ApiError::from(Error::invalid(
                    "action",
                    other,
                    "quarantine, release or recall",
                )));
            }
        };
        who.require(Action::LotStatus)?;
        let req = app::lots::LotRequest {
            item: item.clone(),
            lot: lot.clone(),
            action,
            reason: fields.text("reason")?,
        };
        state
            .write(Some(&who.who), move |store, actor| {
                app::lots::act(store, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>("lot status changed".to_owned())
    };
    let result = done.await;
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) => e.status,
    };
    lot_view(&state, &who, item, lot, Some(result), status).await
}

// ---- reports -------------------------------------------------------------

async fn report_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(name): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = who.require(Action::ReadReports) {
        return error_page(Some(&who), &e);
    }
    let name = name.to_ascii_lowercase();
    let (title, extra): (&str, Vec<Field>) = match name.as_str() {
        "reorder" => (
            "Reorder list",
            vec![
                Field::text("supplier", "Supplier"),
                Field::text("location", "Location"),
            ],
        ),
        "expiry" => (
            "Expired and expiring stock",
            vec![
                Field::text("within", "Within days").value("30"),
                Field::text("location", "Location"),
            ],
        ),
        "usage" => (
            "Usage",
            vec![
                Field::text("weeks", "Weeks").value("8"),
                Field::text("location", "Location"),
            ],
        ),
        "calibration-due" => (
            "Calibration due",
            vec![Field::text("within", "Within days").value("30")],
        ),
        "waste" => (
            "Waste register report",
            vec![
                Field::text("from", "From").kind("date"),
                Field::text("to", "To").kind("date"),
                Field::text("stream", "Stream"),
            ],
        ),
        "consignments" => (
            "Consignments",
            vec![
                Field::text("from", "From").kind("date"),
                Field::text("to", "To").kind("date"),
                Field::text("stream", "Stream"),
            ],
        ),
        "acceptance" => (
            "Awaiting acceptance",
            vec![Field::text("location", "Location")],
        ),
        "temperatures" => (
            "Temperatures by day",
            vec![
                Field::text("location", "Location"),
                Field::text("from", "From").kind("date"),
                Field::text("to", "To").kind("date"),
            ],
        ),
        "excursions" => (
            "Temperature excursions",
            vec![
                Field::text("location", "Location"),
                Field::text("open", "Only undecided").options(&[("false", "no"), ("true", "yes")]),
            ],
        ),
        _ => {
            return error_page(
                Some(&who),
                &ApiError::from(Error::NotFound {
                    entity: "report",
                    key: name,
                    within: None,
                    suggestions: Vec::new(),
                }),
            );
        }
    };
    let mut page = ListPage::new(Layout::new(Some(&who), title, "/reports/reorder"));
    let mut fields = vec![
        Field::text("as_of", "As of")
            .kind("date")
            .value(param(&q, "as_of").unwrap_or_default()),
    ];
    for f in extra {
        let given = param(&q, f.name);
        fields.push(match given {
            Some(v) => f.value(v),
            None => f,
        });
    }
    let allowed: Vec<&'static str> = fields.iter().map(|f| f.name).collect();
    page.filter = Some(PageForm::filter(format!("/reports/{name}"), fields));
    page.cards = [
        ("reorder", "Reorder"),
        ("expiry", "Expiry"),
        ("usage", "Usage"),
        ("calibration-due", "Calibration due"),
        ("waste", "Waste"),
        ("consignments", "Consignments"),
        ("acceptance", "Acceptance"),
        ("temperatures", "Temperatures"),
        ("excursions", "Excursions"),
    ]
    .iter()
    .filter(|(n, _)| *n != name)
    .map(|(n, l)| Card {
        label: (*l).to_owned(),
        count: String::new(),
        href: format!("/reports/{n}"),
        tone: "",
        detail: String::new(),
    })
    .collect();
    // The query the API answers, for the table and the CSV download.
    let mut api_q: Vec<(String, String)> = q
        .iter()
        .filter(|(k, v)| allowed.contains(&k.as_str()) && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    api_q.sort();
    let query_text: Vec<String> = api_q
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    let mut csv_query = query_text.clone();
    csv_query.push("format=csv".into());
    page.csv = Some(format!("/api/v1/reports/{name}?{}", csv_query.join("&")));
    let params = api::Params::from_pairs(api_q, false);
    let body = api::report_response(&state, &name, params).await;
    match body {
        Ok(response) => {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await;
            let rows: Vec<Map<String, Value>> = bytes
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            let headers: Vec<String> = rows
                .first()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let (rows, pager) = page_of(&rows, &format!("/reports/{name}"), &q, "page");
            let warn = |o: &Map<String, Value>| match o.get("state").and_then(Value::as_str) {
                Some("expired" | "overdue" | "never") => "bad",
                Some("expiring" | "due") => "warn",
                _ => "",
            };
            match table(&headers, rows, "Nothing to report.", &item_links, &warn) {
                Ok(t) => page.sections.push(Section {
                    title: String::new(),
                    table: t,
                    pager: Some(pager),
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(StatusCode::OK, &page)
}

// ---- equipment -----------------------------------------------------------

async fn equipment_list(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    equipment_list_view(&state, &who, &q, None, StatusCode::OK).await
}

async fn equipment_list_view(
    state: &Arc<ServerState>,
    who: &Authed,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let list = state
        .read(|store, _| {
            app::equipment::list(
                store,
                &app::equipment::EquipmentQuery {
                    status: None,
                    category: None,
                },
            )
        })
        .await;
    let mut page = ListPage::new(Layout::new(Some(who), "Equipment", "/equipment"));
    page.layout.show(outcome);
    if app::roles::allows(who.who.role, Action::EquipmentRegister) {
        page.forms.push(
            PageForm::post("register", "/equipment", "Register an asset")
                .fields(vec![
                    Field::text("tag", "Asset tag")
                        .required()
                        .hint("Unique, e.g. EQ-0042"),
                    Field::text("description", "Description"),
                    Field::text("manufacturer", "Manufacturer"),
                    Field::text("model", "Model"),
                    Field::text("serial", "Serial number"),
                    Field::text("location", "Where it is"),
                    Field::text("category", "Category"),
                    Field::text("calibration_interval", "Calibration interval")
                        .hint("90d, 6w, 6m or 1y; empty: needs no calibration"),
                    Field::text("in_service_date", "In service since").kind("date"),
                    Field::text("status", "Registered as").options(&[
                        ("in_service", "in service"),
                        ("out_of_service", "out of service"),
                        ("quarantined", "quarantined"),
                        ("condemned", "condemned"),
                    ]),
                ])
                .button("Register", "primary"),
        );
    }
    match list {
        Ok(list) => {
            let (rows, pager) = page_of(&list, "/equipment", q, "page");
            match table(
                &EQUIPMENT_LIST_HEADERS,
                rows,
                "No equipment registered.",
                &|col, o| {
                    let tag = o.get("asset_tag").and_then(Value::as_str)?;
                    (col == "asset_tag").then(|| format!("/equipment/{}", enc(tag)))
                },
                &no_class,
            ) {
                Ok(t) => page.sections.push(Section {
                    title: String::new(),
                    table: t,
                    pager: Some(pager),
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(status, &page)
}

/// Register an asset (a manager's: the equipment register), as
/// `equipment add` does.
async fn equipment_add(State(state): Shared, PageUser(who): PageUser, form: FormBody) -> Response {
    let done = async {
        who.require(Action::EquipmentRegister)?;
        let (fields, _) = form_fields(
            form,
            &[
                "tag",
                "description",
                "manufacturer",
                "model",
                "serial",
                "location",
                "category",
                "calibration_interval",
                "in_service_date",
                "status",
            ],
            &who.who.name,
        )?;
        let mut eq = crate::calibration::Equipment::new(&fields.required("tag")?);
        if let Some(s) = fields.text("status")? {
            eq.registered_status = s.parse()?;
        }
        eq.description = fields.text("description")?;
        eq.manufacturer = fields.text("manufacturer")?;
        eq.model = fields.text("model")?;
        eq.serial = fields.text("serial")?;
        eq.location = fields.text("location")?;
        eq.category = fields.text("category")?;
        eq.calibration_interval = fields
            .text("calibration_interval")?
            .map(|i| crate::calibration::Interval::parse(&i))
            .transpose()?;
        eq.in_service_date = fields
            .text("in_service_date")?
            .map(|d| parse_date("in service date", &d))
            .transpose()?;
        let eq = state
            .write(Some(&who.who), move |store, actor| {
                app::equipment::add(store, eq, actor)
            })
            .await?;
        let interval = eq.calibration_interval.map_or_else(
            || "needs no calibration".to_owned(),
            |i| format!("calibration every {i}"),
        );
        Ok::<_, ApiError>(format!(
            "added asset {} ({}, {interval})",
            eq.asset_tag,
            eq.status.as_str()
        ))
    };
    let result = done.await;
    let status = written_status(&result);
    equipment_list_view(&state, &who, &HashMap::new(), Some(result), status).await
}

async fn equipment_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(tag): Path<String>,
) -> Response {
    equipment_view(&state, &who, tag, None, StatusCode::OK).await
}

async fn equipment_view(
    state: &Arc<ServerState>,
    who: &Authed,
    tag: String,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let t = tag.clone();
    let read = state
        .read(move |store, clock| {
            let fitness = app::equipment::check(store, &t, clock.today())?;
            let history = app::equipment::history(store, &t, None)?;
            Ok((fitness, history))
        })
        .await;
    let (fitness, history) = match read {
        Ok(r) => r,
        Err(e) => return error_page(Some(who), &e),
    };
    let eq = &history.equipment;
    let title = match &eq.description {
        Some(d) => format!("{} – {d}", eq.asset_tag),
        None => eq.asset_tag.clone(),
    };
    let mut page = ListPage::new(Layout::new(Some(who), title, "/equipment"));
    page.layout.show(outcome);
    page.panel = Some(Panel {
        ok: fitness.is_fit(),
        title: if fitness.is_fit() {
            "Fit for use".into()
        } else {
            "NOT fit for use".into()
        },
        lines: if fitness.is_fit() {
            vec![fitness.summary.clone()]
        } else {
            fitness.reasons.clone()
        },
    });
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    page.facts = vec![
        ("manufacturer".into(), opt(&eq.manufacturer)),
        ("model".into(), opt(&eq.model)),
        ("serial".into(), opt(&eq.serial)),
        ("location".into(), opt(&eq.location)),
        ("status".into(), eq.status.as_str().to_owned()),
        (
            "calibration_interval".into(),
            eq.calibration_interval
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
    ];
    match table(
        &[
            "performed_on",
            "result",
            "performed_by",
            "certificate",
            "next_due",
            "notes",
            "recorded_at",
            "recorded_by",
        ],
        &history.calibrations,
        "No calibrations recorded.",
        &no_link,
        &|o| match o.get("result").and_then(Value::as_str) {
            Some("fail") => "bad",
            _ => "",
        },
    ) {
        Ok(t) => page.sections.push(Section {
            title: "Calibrations".into(),
            table: t,
            pager: None,
        }),
        Err(e) => return error_page(Some(who), &e),
    }
    if app::roles::allows(who.who.role, Action::Calibrate) {
        page.forms.push(
            PageForm::post(
                "calibrate",
                format!("/equipment/{}", enc(&eq.asset_tag)),
                "Record a calibration",
            )
            .fields(vec![
                Field::text("date", "Performed on").kind("date").required(),
                Field::text("result", "Result").options(&[
                    ("pass", "pass"),
                    ("adjusted", "adjusted (passed after adjustment)"),
                    ("fail", "fail"),
                ]),
                Field::text("by", "Performed by"),
                Field::text("certificate", "Certificate"),
                Field::text("next_due", "Next due (if not by the interval)").kind("date"),
                Field::text("notes", "Notes"),
            ]),
        );
    }
    let base = format!("/equipment/{}", enc(&eq.asset_tag));
    if app::roles::allows(who.who.role, Action::EquipmentStatus) {
        page.forms.push(
            PageForm::post("status", format!("{base}/status"), "Change the status")
                .fields(vec![
                    Field::text("status", "New status").options(&[
                        ("in_service", "in service"),
                        ("out_of_service", "out of service"),
                        ("quarantined", "quarantined"),
                        ("condemned", "condemned"),
                    ]),
                    Field::text("reason", "Reason").required(),
                ])
                .button("Change status", "warning"),
        );
    }
    if app::roles::allows(who.who.role, Action::ExtendCalibration) {
        page.forms.push(
            PageForm::post(
                "extend",
                format!("{base}/extend"),
                "Extend the calibration due date",
            )
            .fields(vec![
                Field::text("extend_to", "New due date")
                    .kind("date")
                    .required(),
                Field::text("reason", "Reason").required(),
                Field::text("approved_by", "Approved by").required(),
            ])
            .button("Record extension", "warning"),
        );
    }
    html(status, &page)
}

/// Change an asset's status (a supervisor's).
async fn equipment_status(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(tag): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::EquipmentStatus)?;
        let (fields, _) = form_fields(form, &["status", "reason"], &who.who.name)?;
        let to: crate::calibration::Status = fields.required("status")?.parse()?;
        let req = app::equipment::StatusChange {
            tag: tag.clone(),
            to,
            reason: fields.required("reason")?,
        };
        let (before, after) = state
            .write(Some(&who.who), move |store, actor| {
                app::equipment::set_status(store, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!(
            "{} is now {} (was {})",
            after.asset_tag,
            to.words(),
            before.words()
        ))
    };
    let result = done.await;
    let status = written_status(&result);
    equipment_view(&state, &who, tag, Some(result), status).await
}

/// Extend a calibration's due date (a supervisor's, with who approved it).
async fn equipment_extend(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(tag): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::ExtendCalibration)?;
        let (fields, _) =
            form_fields(form, &["extend_to", "reason", "approved_by"], &who.who.name)?;
        let input = crate::calibration::ExtensionInput {
            extend_to: parse_date("new due date", &fields.required("extend_to")?)?,
            reason: fields.required("reason")?,
            approved_by: fields.required("approved_by")?,
            granted_on: None,
        };
        let t = tag.clone();
        state
            .write(Some(&who.who), move |store, actor| {
                app::equipment::extend(store, &t, &input, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!("calibration of {tag} extended"))
    };
    let result = done.await;
    let status = written_status(&result);
    equipment_view(&state, &who, tag, Some(result), status).await
}

async fn equipment_calibrate(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(tag): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::Calibrate)?;
        let (fields, _) = form_fields(
            form,
            &["date", "result", "by", "certificate", "next_due", "notes"],
            &who.who.name,
        )?;
        let input = crate::calibration::CalibrationInput {
            performed_on: parse_date("date", &fields.required("date")?)?,
            result: fields.required("result")?.parse()?,
            performed_by: fields.text("by")?,
            certificate: fields.text("certificate")?,
            next_due: fields
                .text("next_due")?
                .map(|d| parse_date("next due date", &d))
                .transpose()?,
            notes: fields.text("notes")?,
        };
        let t = tag.clone();
        state
            .write(Some(&who.who), move |store, actor| {
                app::equipment::calibrate(store, &t, &input, actor)
            })
            .await?;
        Ok::<_, ApiError>("calibration recorded".to_owned())
    };
    let result = done.await;
    let status = written_status(&result);
    equipment_view(&state, &who, tag, Some(result), status).await
}

// ---- waste ---------------------------------------------------------------

async fn waste_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    waste_view(&state, &who, &q, None, StatusCode::OK).await
}

async fn waste_view(
    state: &Arc<ServerState>,
    who: &Authed,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let mut page = ListPage::new(Layout::new(Some(who), "Waste register", "/waste"));
    page.layout.show(outcome);
    if app::roles::allows(who.who.role, Action::RecordWaste) {
        page.forms.push(
            PageForm::post("waste", "/waste", "Record waste").fields(vec![
                Field::text("stream", "Stream (List of Waste code)")
                    .required()
                    .hint("e.g. 18 01 03*"),
                Field::text("quantity", "Quantity").required(),
                Field::text("unit", "Unit").options(&[
                    ("kg", "kg"),
                    ("L", "L"),
                    ("items", "items"),
                    ("containers", "containers"),
                ]),
                Field::text("date", "Date")
                    .kind("date")
                    .hint("Empty: today"),
                Field::text("container", "Container"),
                Field::text("consignment_note", "Consignment note"),
                Field::text("carrier", "Carrier"),
                Field::text("notes", "Notes"),
            ]),
        );
    }
    if app::roles::allows(who.who.role, Action::WasteContainer) {
        page.forms.push(
            PageForm::post("container", "/waste/containers", "Open or seal a container").fields(
                vec![
                    Field::text("action", "Action").options(&[
                        ("open", "Open a new container"),
                        ("seal", "Seal a container"),
                    ]),
                    Field::text("code", "Container")
                        .required()
                        .hint("e.g. SB-0042"),
                    Field::text("stream", "Stream (open)").hint("e.g. 18 01 03*"),
                    Field::text("type", "Type (open)").hint("e.g. sharps bin, yellow bag"),
                    Field::text("location", "Location (open)"),
                    Field::text("weight", "Weight in kg (seal)"),
                    Field::text("date", "Date")
                        .kind("date")
                        .hint("Empty: today"),
                ],
            ),
        );
    }
    if app::roles::allows(who.who.role, Action::Consign) {
        page.forms.push(
            PageForm::post(
                "consign",
                "/waste/consign",
                "Consign sealed containers to a carrier",
            )
            .fields(vec![
                Field::text("note", "Consignment note").required(),
                Field::text("carrier", "Carrier").required(),
                Field::text("carrier_registration", "Carrier registration"),
                Field::text("containers", "Containers")
                    .required()
                    .hint("Codes separated by spaces or commas"),
                Field::text("destination", "Destination"),
                Field::text("date", "Collected on")
                    .kind("date")
                    .hint("Empty: today"),
            ])
            .button("Consign", "warning"),
        );
    }
    let containers = state
        .read(|store, _| app::waste::containers(store, None))
        .await;
    match containers.and_then(|rows| {
        let open: Vec<_> = rows
            .into_iter()
            .filter(|r| r.state != "consigned")
            .collect();
        table(
            crate::waste::CONTAINER_COLUMNS,
            &open,
            "No open or sealed containers.",
            &no_link,
            &no_class,
        )
    }) {
        Ok(t) => page.sections.push(Section {
            title: "Containers not yet consigned".into(),
            table: t,
            pager: None,
        }),
        Err(e) => page.layout.failed(&e),
    }
    let read = state
        .read(|store, _| app::waste::records(store, &WasteFilter::default()))
        .await;
    match read {
        Ok(mut rows) => {
            rows.reverse();
            let (rows, pager) = page_of(&rows, "/waste", q, "page");
            match table(
                LIST_COLUMNS,
                rows,
                "No waste recorded.",
                &no_link,
                &no_class,
            ) {
                Ok(t) => page.sections.push(Section {
                    title: "Records (newest first)".into(),
                    table: t,
                    pager: Some(pager),
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(status, &page)
}

/// Open or seal a waste container (an assistant's).
async fn waste_container(
    State(state): Shared,
    PageUser(who): PageUser,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::WasteContainer)?;
        let (fields, _) = form_fields(
            form,
            &[
                "action", "code", "stream", "type", "location", "weight", "date",
            ],
            &who.who.name,
        )?;
        let clock = crate::clock::Clock::from_env()?;
        let date = match fields.text("date")? {
            Some(d) => parse_date("date", &d)?,
            None => clock.today(),
        };
        let code = fields.required("code")?;
        match fields.required("action")?.as_str() {
            "open" => {
                let req = crate::waste::OpenContainer {
                    code,
                    stream: fields.required("stream")?,
                    container_type: fields.text("type")?,
                    location: fields.text("location")?,
                    date,
                    user: who.who.name.clone(),
                };
                let opened = state
                    .write(Some(&who.who), move |store, actor| {
                        app::waste::open_container(store, &req, actor)
                    })
                    .await?;
                Ok::<_, ApiError>(format!(
                    "container {} opened for {}",
                    opened.code, opened.stream
                ))
            }
            "seal" => {
                let weight = fields
                    .text("weight")?
                    .map(|w| crate::waste::Quantity::parse("weight", &w))
                    .transpose()?;
                let req = app::waste::SealRequest {
                    container: code.clone(),
                    date,
                    weight,
                };
                state
                    .write(Some(&who.who), move |store, actor| {
                        app::waste::seal_container(store, &req, actor)
                    })
                    .await?;
                Ok(format!("container {code} sealed"))
            }
            other => Err(ApiError::from(Error::invalid(
                "action",
                other,
                "open or seal",
            ))),
        }
    };
    let result = done.await;
    let status = written_status(&result);
    waste_view(&state, &who, &HashMap::new(), Some(result), status).await
}

/// Consign sealed containers to a carrier (a supervisor's).
async fn waste_consign(State(state): Shared, PageUser(who): PageUser, form: FormBody) -> Response {
    let done = async {
        who.require(Action::Consign)?;
        let (fields, _) = form_fields(
            form,
            &[
                "note",
                "carrier",
                "carrier_registration",
                "containers",
                "destination",
                "date",
            ],
            &who.who.name,
        )?;
        let clock = crate::clock::Clock::from_env()?;
        let collected_on = match fields.text("date")? {
            Some(d) => parse_date("date", &d)?,
            None => clock.today(),
        };
        let containers: Vec<String> = fields
            .required("containers")?
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        let req = crate::waste::ConsignRequest {
            note: fields.required("note")?,
            carrier: fields.required("carrier")?,
            carrier_registration: fields.text("carrier_registration")?,
            collected_on,
            destination: fields.text("destination")?,
            containers,
            records: Vec::new(),
            user: who.who.name.clone(),
        };
        let done = state
            .write(Some(&who.who), move |store, actor| {
                app::waste::consign(store, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!(
            "consignment {} recorded: {} container(s), {} record(s)",
            done.note,
            done.containers.len(),
            done.records.len()
        ))
    };
    let result = done.await;
    let status = written_status(&result);
    waste_view(&state, &who, &HashMap::new(), Some(result), status).await
}

async fn waste_record(State(state): Shared, PageUser(who): PageUser, form: FormBody) -> Response {
    let done = async {
        who.require(Action::RecordWaste)?;
        let (fields, _) = form_fields(
            form,
            &[
                "stream",
                "quantity",
                "unit",
                "date",
                "container",
                "consignment_note",
                "carrier",
                "notes",
            ],
            &who.who.name,
        )?;
        let clock = crate::clock::Clock::from_env()?;
        let date = match fields.text("date")? {
            Some(d) => parse_date("date", &d)?,
            None => clock.today(),
        };
        let rec = crate::waste::NewRecord {
            date,
            stream: fields.required("stream")?,
            quantity: crate::waste::Quantity::parse("quantity", &fields.required("quantity")?)?,
            unit: crate::waste::WasteUnit::parse(&fields.required("unit")?)?,
            physical_form: None,
            hp_codes: None,
            container: fields.text("container")?,
            consignment_note: fields.text("consignment_note")?,
            carrier: fields.text("carrier")?,
            recorded_by: who.who.name.clone(),
            notes: fields.text("notes")?,
        };
        let recorded = state
            .write(Some(&who.who), move |store, actor| {
                app::waste::record(store, &rec, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!("waste record {} written", recorded.id))
    };
    let result = done.await;
    let status = written_status(&result);
    waste_view(&state, &who, &HashMap::new(), Some(result), status).await
}

// ---- stocktakes ----------------------------------------------------------

async fn stocktakes_page(State(state): Shared, PageUser(who): PageUser) -> Response {
    stocktakes_view(&state, &who, None, StatusCode::OK).await
}

async fn stocktakes_view(
    state: &Arc<ServerState>,
    who: &Authed,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let mut page = ListPage::new(Layout::new(Some(who), "Stocktakes", "/stocktakes"));
    page.layout.show(outcome);
    if app::roles::allows(who.who.role, Action::ManageStocktake) {
        page.forms.push(
            PageForm::post("start", "/stocktakes", "Start a stocktake")
                .fields(vec![
                    Field::text("location", "Location").required(),
                    Field::text("blind", "Blind count (the sheet shows no book)")
                        .options(&[("no", "no"), ("yes", "yes")]),
                    Field::text("category", "Only this category"),
                ])
                .button("Start", "primary"),
        );
    }
    match state.read(|store, _| app::stocktake::list(store)).await {
        Ok(mut rows) => {
            rows.reverse();
            match table(
                &[
                    "id",
                    "location",
                    "category",
                    "blind",
                    "started_at",
                    "started_by",
                    "status",
                    "lines",
                    "counted",
                    "ended_at",
                    "ended_by",
                ],
                &rows,
                "No stocktakes yet (start one with `labstock stocktake start`).",
                &|col, o| {
                    let id = o.get("id")?;
                    (col == "id").then(|| format!("/stocktakes/{id}"))
                },
                &no_class,
            ) {
                Ok(t) => page.sections.push(Section {
                    title: "Newest first".into(),
                    table: t,
                    pager: None,
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(status, &page)
}

async fn stocktake_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    stocktake_view(&state, &who, &id, &q, None, StatusCode::OK).await
}

async fn stocktake_view(
    state: &Arc<ServerState>,
    who: &Authed,
    id: &str,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let number = match crate::model::parse_count("stocktake id", id) {
        Ok(n) => n,
        Err(e) => return error_page(Some(who), &ApiError::from(e)),
    };
    let sheet = state
        .read(move |store, _| app::stocktake::sheet(store, number))
        .await;
    let sheet = match sheet {
        Ok(s) => s,
        Err(e) => return error_page(Some(who), &e),
    };
    let mut page = ListPage::new(Layout::new(
        Some(who),
        format!("Stocktake {number}"),
        "/stocktakes",
    ));
    page.layout.show(outcome);
    if app::roles::allows(who.who.role, Action::StocktakeCount) {
        page.forms.push(
            PageForm::post("count", format!("/stocktakes/{number}"), "Record a count").fields(
                vec![
                    Field::text("item", "Item").required(),
                    Field::text("lot", "Lot"),
                    Field::text("quantity", "Counted").required(),
                    Field::text("opened_on", "Opened on (opened units; empty: sealed)")
                        .kind("date"),
                    Field::text("expiry", "Expiry (a lot not on the sheet)").kind("date"),
                ],
            ),
        );
    }
    let base = format!("/stocktakes/{number}");
    let (rows, pager) = page_of(&sheet, &base, q, "page");
    match table(
        &[
            "item",
            "name",
            "lot",
            "expiry",
            "opened_on",
            "location",
            "book",
            "counted",
        ],
        rows,
        "The sheet is empty.",
        &item_links,
        &|o| {
            if o.get("counted").is_some_and(Value::is_null) {
                "warn"
            } else {
                ""
            }
        },
    ) {
        Ok(t) => page.sections.push(Section {
            title: "Count sheet (uncounted lines marked)".into(),
            table: t,
            pager: Some(pager),
        }),
        Err(e) => return error_page(Some(who), &e),
    }
    // Variances, and applying them, for supervisors; cancelling for managers.
    if app::roles::allows(who.who.role, Action::ApplyStocktake) {
        match state
            .read(move |store, _| app::stocktake::review(store, number))
            .await
        {
            Ok(review) => match table(
                &[
                    "item",
                    "name",
                    "lot",
                    "opened_on",
                    "location",
                    "book",
                    "counted",
                    "variance",
                    "unit_cost",
                    "variance_value",
                ],
                &review.lines,
                "Nothing counted yet.",
                &item_links,
                &|o| match o.get("variance").and_then(Value::as_i64) {
                    Some(0) | None => "",
                    Some(_) => "warn",
                },
            ) {
                Ok(t) => page.sections.push(Section {
                    title: format!(
                        "Review: {} counted, {} uncounted, variance value £{}",
                        review.counted_lines, review.uncounted_lines, review.total_variance_value
                    ),
                    table: t,
                    pager: None,
                }),
                Err(e) => page.layout.failed(&e),
            },
            Err(e) => page.layout.failed(&e),
        }
        page.forms.push(
            PageForm::post("apply", format!("{base}/apply"), "Apply the counts")
                .fields(vec![
                    Field::text("zero_uncounted", "Uncounted lines").options(&[
                        ("no", "refuse while any line is uncounted"),
                        ("yes", "count them as 0 (found empty)"),
                    ]),
                ])
                .button("Apply", "warning"),
        );
    }
    if app::roles::allows(who.who.role, Action::ManageStocktake) {
        page.forms.push(
            PageForm::post("cancel", format!("{base}/cancel"), "Cancel this stocktake")
                .button("Cancel stocktake", "warning"),
        );
    }
    html(status, &page)
}

async fn stocktake_start(
    State(state): Shared,
    PageUser(who): PageUser,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::ManageStocktake)?;
        let (fields, _) = form_fields(form, &["location", "blind", "category"], &who.who.name)?;
        let req = app::stocktake::StartRequest {
            location: fields.required("location")?,
            blind: fields.text("blind")?.as_deref() == Some("yes"),
            category: fields.text("category")?,
        };
        let id = state
            .write(Some(&who.who), move |store, actor| {
                app::stocktake::start(store, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!("stocktake {id} started"))
    };
    let result = done.await;
    let status = written_status(&result);
    stocktakes_view(&state, &who, Some(result), status).await
}

async fn stocktake_apply(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(id): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::ApplyStocktake)?;
        let number = crate::model::parse_count("stocktake id", &id)?;
        let (fields, _) = form_fields(form, &["zero_uncounted"], &who.who.name)?;
        let zero = fields.text("zero_uncounted")?.as_deref() == Some("yes");
        let applied = state
            .write(Some(&who.who), move |store, actor| {
                app::stocktake::apply(store, number, zero, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!(
            "stocktake {} applied: {} count movement(s), {} line(s) zeroed",
            applied.stocktake,
            applied.movements.len(),
            applied.zeroed
        ))
    };
    let result = done.await;
    let status = written_status(&result);
    stocktake_view(&state, &who, &id, &HashMap::new(), Some(result), status).await
}

async fn stocktake_cancel(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(id): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::ManageStocktake)?;
        let number = crate::model::parse_count("stocktake id", &id)?;
        form_fields(form, &[], &who.who.name)?;
        state
            .write(Some(&who.who), move |store, actor| {
                app::stocktake::cancel(store, number, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!("stocktake {number} cancelled"))
    };
    let result = done.await;
    let status = written_status(&result);
    stocktake_view(&state, &who, &id, &HashMap::new(), Some(result), status).await
}

async fn stocktake_count(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(id): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::StocktakeCount)?;
        let number = crate::model::parse_count("stocktake id", &id)?;
        let (fields, _) = form_fields(
            form,
            &["item", "lot", "quantity", "expiry", "opened_on"],
            &who.who.name,
        )?;
        let req = crate::stocktake::CountRequest {
            item: Some(fields.required("item")?),
            gtin: None,
            lot: fields.text("lot")?,
            expiry: fields
                .text("expiry")?
                .map(|d| parse_date("expiry", &d))
                .transpose()?,
            location: None,
            quantity: Some(crate::model::parse_quantity(&fields.required("quantity")?)?),
            opened: fields
                .text("opened_on")?
                .map(|d| parse_date("opened_on", &d))
                .transpose()?,
        };
        let counted = state
            .write(Some(&who.who), move |store, actor| {
                app::stocktake::count(store, number, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!(
            "counted {} of {}{} (book {})",
            counted.counted,
            counted.item,
            if counted.lot.is_empty() {
                String::new()
            } else {
                format!(" lot {}", counted.lot)
            },
            counted.book
        ))
    };
    let result = done.await;
    let status = written_status(&result);
    stocktake_view(&state, &who, &id, &HashMap::new(), Some(result), status).await
}

// ---- audit and users -----------------------------------------------------

async fn audit_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = who.require(Action::ReadAudit) {
        return error_page(Some(&who), &e);
    }
    let mut page = ListPage::new(Layout::new(Some(&who), "Audit trail", "/audit"));
    page.filter = Some(PageForm::filter(
        "/audit",
        vec![
            Field::text("user", "User").value(param(&q, "user").unwrap_or_default()),
            Field::text("from", "From")
                .kind("date")
                .value(param(&q, "from").unwrap_or_default()),
            Field::text("to", "To")
                .kind("date")
                .value(param(&q, "to").unwrap_or_default()),
            Field::text("entity", "Entity")
                .hint("KIND or KIND:KEY, e.g. item:RGT-CRP, account, movement")
                .value(param(&q, "entity").unwrap_or_default()),
        ],
    ));
    let filter = (|| -> Result<AuditFilter, Error> {
        Ok(AuditFilter {
            user: param(&q, "user"),
            from: param(&q, "from")
                .map(|t| parse_date("from date", &t))
                .transpose()?,
            to: param(&q, "to")
                .map(|t| parse_date("to date", &t))
                .transpose()?,
            entity: param(&q, "entity"),
        })
    })();
    let filter = match filter {
        Ok(f) => f,
        Err(e) => {
            page.layout.failed(&ApiError::from(e));
            return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    // Newest first, a page at a time, without holding the whole trail
    // (millions of movements): stream it, keeping only the newest rows up
    // to the end of the page asked for.
    let wanted = q
        .get("page")
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let keep = wanted.saturating_mul(PAGE_SIZE);
    let rows = state
        .read(move |store, _| {
            let mut total = 0usize;
            let mut newest = std::collections::VecDeque::with_capacity(keep.min(4096));
            app::audit::audit_each(store, &filter, |row| {
                total += 1;
                if newest.len() == keep {
                    newest.pop_front();
                }
                newest.push_back(row);
                Ok(())
            })?;
            Ok((total, newest))
        })
        .await;
    match rows {
        Ok((total, newest)) => {
            let pages = total.div_ceil(PAGE_SIZE).max(1);
            let page_no = wanted.min(pages);
            // The page's rows: positions (page_no-1)*50.. of the newest-first order.
            let skip = (page_no - 1) * PAGE_SIZE;
            let shown: Vec<_> = newest.iter().rev().skip(skip).take(PAGE_SIZE).collect();
            let pager = pager_for(
                total,
                "/audit",
                &{
                    let mut q = q.clone();
                    q.insert("page".into(), page_no.to_string());
                    q
                },
                "page",
            );
            match table(
                AUDIT_HEADERS,
                &shown,
                "No records match.",
                &no_link,
                &no_class,
            ) {
                Ok(t) => page.sections.push(Section {
                    title: "Newest first".into(),
                    table: t,
                    pager: Some(pager),
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(StatusCode::OK, &page)
}

async fn users_page(State(state): Shared, PageUser(who): PageUser) -> Response {
    users_view(&state, &who, None, StatusCode::OK).await
}

async fn users_view(
    state: &Arc<ServerState>,
    who: &Authed,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    if let Err(e) = who.require(Action::ReadAccounts) {
        return error_page(Some(who), &e);
    }
    let mut page = ListPage::new(Layout::new(Some(who), "Users", "/users"));
    page.layout.show(outcome);
    let roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.as_str(), r.as_str())).collect();
    if app::roles::allows(who.who.role, Action::Accounts) {
        page.forms.push(
            PageForm::post("add-user", "/users", "Add an account")
                .hidden("do", "add")
                .fields(vec![
                    Field::text("name", "User name").required(),
                    Field::text("full_name", "Full name"),
                    Field::text("role", "Role").options(&roles),
                    Field::text("password", "First password")
                        .kind("password")
                        .required()
                        .hint(
                            "At least 12 characters; give it to the person, who should change it",
                        ),
                ])
                .button("Add account", "primary"),
        );
        page.forms.push(
            PageForm::post("change-user", "/users", "Change an account")
                .fields(vec![
                    Field::text("name", "User name").required(),
                    Field::text("do", "Change").options(&[
                        ("role", "Set the role"),
                        ("password", "Set a new password (ends its sessions)"),
                        ("disable", "Disable (ends its sessions and tokens)"),
                    ]),
                    Field::text("role", "Role (for Set the role)").options(&roles),
                    Field::text("password", "New password (for Set a new password)")
                        .kind("password"),
                ])
                .button("Change account", "warning"),
        );
    }
    match state.read(|store, _| app::accounts::list(store)).await {
        Ok(rows) => match table(
            crate::accounts::ACCOUNT_HEADERS,
            &rows,
            "No accounts.",
            &no_link,
            &|o| match o.get("status").and_then(Value::as_str) {
                Some("disabled") => "bad",
                _ => "",
            },
        ) {
            Ok(t) => page.sections.push(Section {
                title: "Accounts".into(),
                table: t,
                pager: None,
            }),
            Err(e) => page.layout.failed(&e),
        },
        Err(e) => page.layout.failed(&e),
    }
    html(status, &page)
}

async fn users_action(State(state): Shared, PageUser(who): PageUser, form: FormBody) -> Response {
    let done = async {
        who.require(Action::Accounts)?;
        let (fields, _) = form_fields(
            form,
            &["do", "name", "full_name", "role", "password"],
            &who.who.name,
        )?;
        let name = fields.required("name")?;
        let what = fields.required("do")?;
        let message = match what.as_str() {
            "add" => {
                let req = app::accounts::NewAccount {
                    name: crate::accounts::parse_name(&name)?,
                    role: fields.required("role")?.parse()?,
                    full_name: fields.text("full_name")?,
                    password: Password::new(fields.required("password")?)?,
                };
                let added = state
                    .write(Some(&who.who), move |store, actor| {
                        app::accounts::add(store, &req, actor)
                    })
                    .await?;
                format!("added {} as {}", added.name, added.role)
            }
            "role" => {
                let role: Role = fields.required("role")?.parse()?;
                let n = name.clone();
                state
                    .write(Some(&who.who), move |store, actor| {
                        app::accounts::set_role(store, &n, role, actor)
                    })
                    .await?;
                format!("{name} is now {role}")
            }
            "password" => {
                let password = Password::new(fields.required("password")?)?;
                let n = name.clone();
                state
                    .write(Some(&who.who), move |store, actor| {
                        app::accounts::set_password(store, &n, &password, actor)
                    })
                    .await?;
                format!("password of {name} changed; its sessions have ended")
            }
            "disable" => {
                let n = name.clone();
                state
                    .write(Some(&who.who), move |store, actor| {
                        app::accounts::disable(store, &n, actor)
                    })
                    .await?;
                format!("{name} disabled")
            }
            other => {
                return Err(ApiError::bad_request(format!("unknown change {other:?}")));
            }
        };
        Ok::<_, ApiError>(message)
    };
    let result = done.await;
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) => e.status,
    };
    users_view(&state, &who, Some(result), status).await
}

// ---- storage temperatures (SPEC §15) -------------------------------------

async fn temperatures_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    temperatures_view(&state, &who, &q, None, StatusCode::OK).await
}

async fn temperatures_view(
    state: &Arc<ServerState>,
    who: &Authed,
    q: &HashMap<String, String>,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let read = state
        .read(|store, clock| {
            let to = clock.today().pred_opt().unwrap_or(clock.today());
            let from = to.checked_sub_days(chrono::Days::new(6)).unwrap_or(to);
            let (days, _) = app::temperature::days(store, None, from, to)?;
            let open = app::temperature::excursions(store, None, true)?;
            Ok((days, open))
        })
        .await;
    let (days, open) = match read {
        Ok(r) => r,
        Err(e) => return error_page(Some(who), &e),
    };
    let mut page = ListPage::new(Layout::new(
        Some(who),
        "Storage temperatures",
        "/temperatures",
    ));
    page.layout.show(outcome);
    if app::roles::allows(who.who.role, Action::RecordTemperature) {
        page.forms.push(
            PageForm::post("reading", "/temperatures", "Record a reading").fields(vec![
                Field::text("location", "Fridge or freezer").required(),
                Field::text("value", "Temperature now (°C)").required(),
                Field::text("min", "Thermometer minimum since last reading (°C)"),
                Field::text("max", "Thermometer maximum since last reading (°C)"),
                Field::text("note", "Note"),
            ]),
        );
    }
    if app::roles::allows(who.who.role, Action::DecideExcursion) && !open.is_empty() {
        page.forms.push(
            PageForm::post("decide", "/temperatures/decide", "Decide an excursion")
                .fields(vec![
                    Field::text("id", "Excursion").required(),
                    Field::text("decision", "Decision").options(&[
                        ("release", "Release: the stock is fit for use"),
                        ("quarantine", "Quarantine the lots held"),
                    ]),
                    Field::text("reason", "Reason").required(),
                ])
                .button("Record decision", "warning"),
        );
    }
    let chart = |col: &str, o: &Map<String, Value>| {
        let loc = o.get("location").and_then(Value::as_str)?;
        (col == "location").then(|| format!("/temperatures/{}/chart", enc(loc)))
    };
    let sections = [
        (
            "Excursions awaiting a decision",
            table(
                crate::temperature::EXCURSION_HEADERS,
                &open,
                "No excursion awaits a decision.",
                &no_link,
                &|_| "bad",
            ),
            None,
        ),
        (
            "The last 7 days (a location links to its chart)",
            {
                let (rows, _) = page_of(&days, "/temperatures", q, "page");
                table(
                    crate::temperature::DAY_HEADERS,
                    rows,
                    "No monitored locations: give one a range with `labstock location edit LOC --range MIN..MAX`.",
                    &chart,
                    &|o| match o.get("missing").and_then(Value::as_bool) {
                        Some(true) => "warn",
                        _ => "",
                    },
                )
            },
            Some(pager_for(days.len(), "/temperatures", q, "page")),
        ),
    ];
    for (title, made, pager) in sections {
        match made {
            Ok(t) => page.sections.push(Section {
                title: title.into(),
                table: t,
                pager,
            }),
            Err(e) => return error_page(Some(who), &e),
        }
    }
    html(status, &page)
}

async fn temperature_record(
    State(state): Shared,
    PageUser(who): PageUser,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::RecordTemperature)?;
        let (fields, _) = form_fields(
            form,
            &["location", "value", "min", "max", "note"],
            &who.who.name,
        )?;
        let celsius = |what: &'static str, t: Option<String>| {
            t.map(|t| crate::temperature::parse_celsius(what, &t))
                .transpose()
        };
        let clock = crate::clock::Clock::from_env()?;
        let req = app::temperature::ReadingRequest {
            location: fields.required("location")?,
            at: clock.timestamp(),
            value: crate::temperature::parse_celsius("temperature", &fields.required("value")?)?,
            min: celsius("min", fields.text("min")?)?,
            max: celsius("max", fields.text("max")?)?,
            note: fields.text("note")?,
        };
        let r = state
            .write(Some(&who.who), move |store, actor| {
                app::temperature::record(store, &req, actor)
            })
            .await?;
        Ok::<_, ApiError>(match r.excursion {
            Some(e) => format!(
                "recorded {} °C at {}: OUT OF RANGE, excursion {e}",
                r.value, r.location
            ),
            None => format!("recorded {} °C at {}", r.value, r.location),
        })
    };
    let result = done.await;
    let status = written_status(&result);
    temperatures_view(&state, &who, &HashMap::new(), Some(result), status).await
}

async fn temperature_decide(
    State(state): Shared,
    PageUser(who): PageUser,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::DecideExcursion)?;
        let (fields, _) = form_fields(form, &["id", "decision", "reason"], &who.who.name)?;
        let id = crate::model::parse_count("excursion", &fields.required("id")?)?;
        let quarantine = match fields.required("decision")?.as_str() {
            "quarantine" => true,
            "release" => false,
            other => {
                return Err(ApiError::from(Error::invalid(
                    "decision",
                    other,
                    "release or quarantine",
                )));
            }
        };
        let reason = fields.required("reason")?;
        let d = state
            .write(Some(&who.who), move |store, actor| {
                app::temperature::decide(store, id, quarantine, &reason, actor)
            })
            .await?;
        Ok::<_, ApiError>(format!("excursion {} {}", d.id, d.decision))
    };
    let result = done.await;
    let status = written_status(&result);
    temperatures_view(&state, &who, &HashMap::new(), Some(result), status).await
}

/// A location's chart of the last 7 days (SVG).
async fn temperature_chart(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(location): Path<String>,
) -> Response {
    if let Err(e) = who.require(Action::ReadReports) {
        return error_page(Some(&who), &e);
    }
    let read = state
        .read(move |store, clock| {
            let to = clock.today().pred_opt().unwrap_or(clock.today());
            let from = to.checked_sub_days(chrono::Days::new(6)).unwrap_or(to);
            app::temperature::chart(store, &location, from, to)
        })
        .await;
    match read {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => error_page(Some(&who), &e),
    }
}

// ---- orders --------------------------------------------------------------

/// Order lines, awaited ones unless `state=all`, filtered by item and
/// supplier as `order list` filters them, a page at a time.
async fn orders_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let item = param(&q, "item");
    let supplier = param(&q, "supplier");
    let all = param(&q, "state").as_deref() == Some("all");
    let mut page = ListPage::new(Layout::new(Some(&who), "Orders", "/orders"));
    page.filter = Some(PageForm::filter(
        "/orders",
        vec![
            Field::text("item", "Item").value(item.clone().unwrap_or_default()),
            Field::text("supplier", "Supplier").value(supplier.clone().unwrap_or_default()),
            Field::text("state", "Lines")
                .options(&[
                    ("open", "awaited (open and part-received)"),
                    ("all", "all, received and ended too"),
                ])
                .value(if all { "all" } else { "open" }),
        ],
    ));
    let lines = state
        .read(move |store, clock| {
            app::orders::lines(
                store,
                &app::orders::OrderQuery {
                    item,
                    supplier,
                    all,
                    as_of: clock.today(),
                },
            )
        })
        .await;
    match lines {
        Ok(lines) => {
            let (rows, pager) = page_of(&lines, "/orders", &q, "page");
            match table(
                crate::orders::ORDER_LIST_HEADERS,
                rows,
                if all {
                    "No order lines."
                } else {
                    "No order lines awaited."
                },
                &order_links,
                &no_class,
            ) {
                Ok(t) => page.sections.push(Section {
                    title: String::new(),
                    table: t,
                    pager: Some(pager),
                }),
                Err(e) => page.layout.failed(&e),
            }
        }
        Err(e) => page.layout.failed(&e),
    }
    html(StatusCode::OK, &page)
}

/// Links an order line's reference to its order and its item to the item.
fn order_links(col: &str, obj: &Map<String, Value>) -> Option<String> {
    match col {
        "reference" => {
            let reference = obj.get("reference").and_then(Value::as_str)?;
            Some(format!("/orders/{}", enc(reference)))
        }
        _ => item_links(col, obj),
    }
}

async fn order_page(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(reference): Path<String>,
) -> Response {
    order_view(&state, &who, reference, None, StatusCode::OK).await
}

async fn order_view(
    state: &Arc<ServerState>,
    who: &Authed,
    reference: String,
    outcome: Option<Result<String, ApiError>>,
    status: StatusCode,
) -> Response {
    let r = reference.clone();
    let order = match state
        .read(move |store, clock| app::orders::order(store, &r, clock.today()))
        .await
    {
        Ok(o) => o,
        Err(e) => return error_page(Some(who), &e),
    };
    let mut page = ListPage::new(Layout::new(
        Some(who),
        format!("Order {}", order.reference),
        "/orders",
    ));
    page.layout.show(outcome);
    let supplier = order
        .lines
        .iter()
        .find_map(|l| l.supplier.clone())
        .unwrap_or_default();
    let ordered_on = order
        .lines
        .iter()
        .map(|l| l.ordered_on.clone())
        .min()
        .unwrap_or_default();
    page.facts = vec![
        ("reference".into(), order.reference.clone()),
        ("supplier".into(), supplier),
        ("ordered_on".into(), ordered_on),
        ("lines".into(), order.lines.len().to_string()),
    ];
    let sections = [
        table(
            crate::orders::ORDER_LIST_HEADERS,
            &order.lines,
            "No lines.",
            &item_links,
            &|o| match o.get("state").and_then(Value::as_str) {
                Some("over-received") => "bad",
                Some("part-received") => "warn",
                _ => "",
            },
        )
        .map(|t| ("Lines", t)),
        table(
            crate::orders::ORDER_RECEIPT_HEADERS,
            &order.receipts,
            "Nothing received on this order yet.",
            &item_links,
            &no_class,
        )
        .map(|t| ("Received", t)),
    ];
    for made in sections {
        match made {
            Ok((title, t)) => page.sections.push(Section {
                title: title.into(),
                table: t,
                pager: None,
            }),
            Err(e) => return error_page(Some(who), &e),
        }
    }
    let awaited: Vec<(String, String)> = order
        .lines
        .iter()
        .filter(|l| l.outstanding > 0)
        .map(|l| {
            (
                l.item.clone(),
                format!(
                    "{} – {} ({} of {} outstanding, to {})",
                    l.item, l.name, l.outstanding, l.quantity, l.location
                ),
            )
        })
        .collect();
    if !awaited.is_empty() && app::roles::allows(who.who.role, Action::Receive) {
        let mut item = Field::text("item", "Line");
        item.options = awaited;
        page.forms.push(
            PageForm::post(
                "receive",
                format!("/orders/{}/receive", enc(&order.reference)),
                "Receive against a line",
            )
            .fields(vec![
                item,
                Field::text("quantity", "Quantity")
                    .required()
                    .kind("number"),
                Field::text("lot", "Lot"),
                Field::text("expiry", "Expiry").kind("date"),
                Field::text("location", "Location").hint("Empty: the line's delivery location"),
                Field::text("note", "Note"),
            ])
            .button("Receive", "primary"),
        );
    }
    let open: Vec<(String, String)> = order
        .lines
        .iter()
        .filter(|l| l.closed_on.is_none() && l.state != "cancelled" && l.state != "closed")
        .map(|l| (l.item.clone(), format!("{} – {}", l.item, l.name)))
        .collect();
    if !open.is_empty() && app::roles::allows(who.who.role, Action::Orders) {
        let mut item = Field::text("item", "Line");
        item.options = std::iter::once((String::new(), "every open line".to_owned()))
            .chain(open)
            .collect();
        page.forms.push(
            PageForm::post(
                "end",
                format!("/orders/{}/end", enc(&order.reference)),
                "Cancel or close",
            )
            .fields(vec![
                Field::text("how", "How").options(&[
                    ("cancel", "cancel: what is not delivered will not come"),
                    (
                        "close",
                        "close: complete as it stands (a short delivery accepted)",
                    ),
                ]),
                item,
                Field::text("reason", "Reason"),
            ])
            .button("End the line(s)", "warning"),
        );
    }
    html(status, &page)
}

/// Cancel or close the order, or one line of it, as `order cancel|close
/// REF [--item I] [--reason R]` does (a supervisor's: orders).
async fn order_end(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(reference): Path<String>,
    form: FormBody,
) -> Response {
    let done = async {
        who.require(Action::Orders)?;
        let (fields, _) = form_fields(form, &["how", "item", "reason"], &who.who.name)?;
        let how = match fields.required("how")?.as_str() {
            "cancel" => crate::orders::EndAs::Cancelled,
            "close" => crate::orders::EndAs::Closed,
            other => {
                return Err(
                    Error::invalid("how", other, "cancel or close (an order line's end)").into(),
                );
            }
        };
        let item = fields.text("item")?;
        let reason = fields.text("reason")?;
        let r = reference.clone();
        let ended = state
            .write(Some(&who.who), move |store, actor| {
                let end = crate::orders::OrderEnd {
                    reference: &r,
                    item: item.as_deref(),
                    how,
                    reason: reason.as_deref(),
                    on: actor.today,
                };
                app::orders::end(store, &end, actor)
            })
            .await?;
        let said: Vec<String> = ended
            .iter()
            .map(|l| {
                format!(
                    "{} order {} line {}: {} received of {} ordered",
                    l.state, l.reference, l.item, l.received, l.quantity
                )
            })
            .collect();
        Ok::<_, ApiError>(said.join("; "))
    };
    let result = done.await;
    let status = written_status(&result);
    order_view(&state, &who, reference, Some(result), status).await
}

/// Receive against a line of the order: the same movement as `receive ITEM
/// QTY --order REF` (an assistant's, like any receipt), delivered to the
/// line's location unless another is named.
async fn order_receive(
    State(state): Shared,
    PageUser(who): PageUser,
    Path(reference): Path<String>,
    form: FormBody,
) -> Response {
    let recorded = async {
        who.require(Action::Receive)?;
        let form = form.map(|Form(mut map)| {
            map.insert("kind".into(), "receive".into());
            map.insert("order".into(), reference.clone());
            Form(map)
        });
        let (fields, _) = form_fields(
            form,
            &[
                "kind", "order", "item", "quantity", "lot", "expiry", "location", "note",
            ],
            &who.who.name,
        )?;
        let item = fields.required("item")?;
        let clock = crate::clock::Clock::from_env()?;
        let body = api::parse_movement_for_item(&fields, &item, &who.who.name, &clock)?;
        let outcome = api::record_movement(&state, &who, body).await?;
        Ok::<_, ApiError>(scan_text(&outcome))
    };
    let result = recorded.await;
    let status = written_status(&result);
    order_view(&state, &who, reference, Some(result), status).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_show() {
        let mut layout = Layout::new(None, "<script>alert(1)</script>", "");
        layout.error = Some("\"><img src=x onerror=alert(1)>".into());
        let text = ListPage::new(layout).render().unwrap_or_default();
        assert!(!text.contains("<script>alert"), "{text}");
        assert!(!text.contains("<img src=x"), "{text}");
        assert!(text.contains("&#60;script&#62;"), "{text}");
    }

    #[test]
    fn the_pager_keeps_the_other_parameters_and_clamps_the_page() {
        let rows: Vec<usize> = (0..120).collect();
        let mut q = HashMap::new();
        q.insert("q".to_owned(), "a b".to_owned());
        q.insert("page".to_owned(), "9".to_owned());
        let (slice, pager) = page_of(&rows, "/items", &q, "page");
        assert_eq!((pager.page, pager.pages, slice.len()), (3, 3, 20));
        assert_eq!(pager.prev.as_deref(), Some("/items?q=a%20b&page=2"));
        assert!(pager.next.is_none());
    }
}
