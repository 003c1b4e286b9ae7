//! The server's pages (issue 14): sign-in by form, every page for the roles
//! that may see it, forms that record as the signed-in account, the scan
//! station, assets embedded, no inline script, everything escaped,
//! server-side pages of long lists.

use crate::common::Lab;
use crate::serve::{PASSWORD, Server, cookie, demo_lab};

fn form_post(server: &Server, path: &str, session: &str, body: &str) -> crate::serve::Response {
    let c = cookie(session);
    server.request(
        "POST",
        path,
        &[
            ("Cookie", &c),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &format!("http://{}", server.addr)),
        ],
        Some(body),
    )
}

fn page(server: &Server, path: &str, session: &str) -> crate::serve::Response {
    server.request("GET", path, &[("Cookie", &cookie(session))], None)
}

#[test]
fn signing_in_by_form_and_pages_by_role() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let r = server.request("GET", "/", &[], None);
    assert_eq!(r.status, 303, "no session: to the sign-in page");
    assert_eq!(r.header("location"), Some("/sign-in"));
    let form = server.request("GET", "/sign-in", &[], None);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("autocomplete=\"current-password\""));

    let wrong = server.request(
        "POST",
        "/sign-in",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some("user=assistant&password=nope"),
    );
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("wrong user name or password"),
        "{}",
        wrong.body
    );

    let ok = server.request(
        "POST",
        "/sign-in",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&format!(
            "user=assistant&password={}",
            PASSWORD.replace(' ', "+")
        )),
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    let session = ok
        .header("set-cookie")
        .and_then(|c| c.strip_prefix("labstock_session="))
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_owned();

    let everyone = [
        "/",
        "/items?q=crp",
        "/items/RGT-CRP",
        "/lots/RGT-CRP/615560",
        "/reports/reorder",
        "/reports/expiry",
        "/reports/usage",
        "/reports/calibration-due",
        "/reports/waste",
        "/reports/consignments",
        "/equipment",
        "/equipment/EQ-0001",
        "/waste",
    ];
    for role in ["viewer", "assistant", "supervisor", "manager", "auditor"] {
        let s = server.sign_in(role, PASSWORD);
        for path in everyone {
            let r = page(&server, path, &s);
            assert_eq!(r.status, 200, "{role} {path}");
            assert_no_inline_script(&r.body, path);
        }
        let expect = |allowed: bool| if allowed { 200 } else { 403 };
        let writer = !matches!(role, "viewer" | "auditor");
        assert_eq!(
            page(&server, "/scan", &s).status,
            expect(writer),
            "{role} scan"
        );
        let reads_audit = matches!(role, "manager" | "auditor");
        assert_eq!(
            page(&server, "/audit", &s).status,
            expect(reads_audit),
            "{role} audit"
        );
        assert_eq!(
            page(&server, "/users", &s).status,
            expect(reads_audit),
            "{role} users"
        );
        // Actions a role may not take are not offered.
        let item = page(&server, "/items/RGT-CRP", &s).body;
        assert_eq!(
            item.contains("value=\"adjust\""),
            matches!(role, "supervisor" | "manager"),
            "{role}"
        );
        assert_eq!(item.contains("Record a movement"), writer, "{role}");
        let lot = page(&server, "/lots/RGT-CRP/615560", &s).body;
        assert_eq!(
            lot.contains("Change the lot"),
            matches!(role, "supervisor" | "manager"),
            "{role}"
        );
    }
    let _ = session;
}

fn assert_no_inline_script(body: &str, path: &str) {
    for tag in body.split("<script").skip(1) {
        let head = tag.split('>').next().unwrap_or_default();
        assert!(
            head.contains("src=\"/static/"),
            "{path}: inline script: <script{head}>"
        );
        assert!(
            tag.split("</script>")
                .next()
                .is_some_and(|t| t.trim_start_matches(|c| c != '>').len() <= 1),
            "{path}: script body"
        );
    }
    assert!(
        !body.contains(" onclick=") && !body.contains(" style=\""),
        "{path}: inline handler or style"
    );
}

#[test]
fn forms_record_as_the_signed_in_account_and_refusals_show_the_clis_message() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let s = server.sign_in("assistant", PASSWORD);
    let r = form_post(
        &server,
        "/items/CON-MARKER",
        &s,
        "kind=receive&quantity=2&reference=PO-9",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body.contains("receive CON-MARKER +2 at MAIN"),
        "{}",
        r.body
    );
    let trail = lab.csv(&["audit", "--entity", "movement"]);
    assert_eq!(trail.last().expect("row")[1], "assistant");

    let before = lab.csv(&["audit", "--entity", "movement"]).len();
    let r = form_post(&server, "/items/CON-MARKER", &s, "kind=issue&quantity=5000");
    assert_eq!(r.status, 422);
    let cli = lab.fails(&["issue", "CON-MARKER", "5000"], 65);
    let message = cli
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ");
    assert!(
        r.body.contains(&message.replace('"', "&#34;"))
            || r.body.contains(&message.replace('"', "&quot;")),
        "{message}\n{}",
        r.body
    );
    // An assistant may not adjust, even by crafting the form.
    let r = form_post(
        &server,
        "/items/CON-MARKER",
        &s,
        "kind=adjust&quantity=1&reason=x",
    );
    assert_eq!(r.status, 403);
    assert_eq!(lab.csv(&["audit", "--entity", "movement"]).len(), before);
    // A form from another site is refused.
    let r = server.request(
        "POST",
        "/items/CON-MARKER",
        &[
            ("Cookie", &cookie(&s)),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://evil.example"),
        ],
        Some("kind=receive&quantity=1"),
    );
    assert_eq!(r.status, 403);
    assert_eq!(lab.csv(&["audit", "--entity", "movement"]).len(), before);
}

#[test]
fn the_scan_station_decodes_on_the_server_and_answers_green_or_red() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let s = server.sign_in("assistant", PASSWORD);
    let c = cookie(&s);
    let post = |body: &str| {
        server.request(
            "POST",
            "/scan",
            &[
                ("Cookie", &c),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            Some(body),
        )
    };
    for (i, lot) in ["S-1", "S-2", "S-3"].iter().enumerate() {
        let r = post(&format!(
            "kind=receive&location=FRIDGE-1&scan=%5Dd201040156301984361727033110{lot}"
        ));
        assert_eq!(r.status, 201, "scan {i}: {}", r.body);
        let v = r.json();
        assert_eq!(v["ok"], true);
        assert!(
            v["text"]
                .as_str()
                .is_some_and(|t| t.contains(&format!("lot {lot}")) && t.contains("now 1 there")),
            "{v}"
        );
    }
    let before = lab.csv(&["audit", "--entity", "movement"]).len();
    let bad = post("kind=receive&scan=%2801%2904015630198437%2810%29X");
    assert_eq!(bad.status, 422);
    let v = bad.json();
    assert_eq!(v["ok"], false);
    assert!(
        v["text"]
            .as_str()
            .is_some_and(|t| t.contains("bad check digit")),
        "{v}"
    );
    assert_eq!(lab.csv(&["audit", "--entity", "movement"]).len(), before);
    // Without script the page itself shows the result, with the input focused.
    let r = form_post(
        &server,
        "/scan",
        &s,
        "kind=issue&location=FRIDGE-1&scan=%2801%2904015630198436%2810%29S-1",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body.contains("✔ Recorded") && r.body.contains("autofocus"),
        "{}",
        r.body
    );
    // A refused scan leaves the station as it was chosen (issue, FRIDGE-1).
    let r = form_post(
        &server,
        "/scan",
        &s,
        "kind=issue&location=FRIDGE-1&scan=%2801%2904015630198436%2810%29S-1",
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("✖ Refused"), "{}", r.body);
    assert!(r.body.contains(r#"value="issue" checked"#), "{}", r.body);
    assert!(
        r.body.contains(r#"value="FRIDGE-1" selected"#),
        "{}",
        r.body
    );
    let viewer = server.sign_in("viewer", PASSWORD);
    let r = form_post(
        &server,
        "/scan",
        &viewer,
        "kind=receive&scan=%2801%2904015630198436%2810%29S-9",
    );
    assert_eq!(r.status, 403);
}

#[test]
fn assets_are_embedded_and_long_lists_come_a_page_at_a_time() {
    let lab = demo_lab();
    lab.ok(&[
        "item",
        "add",
        "ESC-1",
        "--name",
        "<script>alert('x')</script> & co",
    ]);
    let server = Server::start(&lab);
    for (path, kind) in [
        ("/static/htmx.min.js", "text/javascript"),
        ("/static/labstock.js", "text/javascript"),
        ("/static/labstock.css", "text/css"),
    ] {
        let r = server.request("GET", path, &[], None);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with(kind)),
            "{path}"
        );
    }
    let s = server.sign_in("manager", PASSWORD);
    let item = page(&server, "/items/ESC-1", &s).body;
    assert!(!item.contains("<script>alert"), "unescaped: {item}");
    assert!(item.contains("&#60;script&#62;"), "{item}");
    let audit = page(&server, "/audit", &s).body;
    assert!(audit.contains("Page 1 of"), "the audit trail is paged");
    let rows = audit.matches("<tr>").count() + audit.matches("<tr class").count();
    assert!(rows <= 51, "{rows} rows on one page");
    let second = page(&server, "/audit?page=2", &s).body;
    assert!(second.contains("Page 2 of"));
    let _ = Lab::empty;
}

#[test]
fn every_page_form_by_every_role_follows_the_permission_table() {
    // (path, form body, lowest rank allowed: 1 assistant, 2 supervisor, 3 manager)
    let forms: [(&str, &str, i32); 6] = [
        ("/items/CON-MARKER", "kind=receive&quantity=1", 1),
        (
            "/items/CON-MARKER",
            "kind=adjust&quantity=1&reason=found",
            2,
        ),
        (
            "/lots/RGT-CRP/615560",
            "action=quarantine&reason=fridge+alarm",
            2,
        ),
        (
            "/equipment/EQ-0001",
            "date=2026-11-20&result=pass&by=Acme",
            1,
        ),
        ("/waste", "stream=18+01+04&quantity=1.5&unit=kg", 1),
        (
            "/users",
            "do=add&name=new.person&role=viewer&password=a+long+password",
            3,
        ),
    ];
    let rank = |role: &str| match role {
        "viewer" => 0,
        "assistant" => 1,
        "supervisor" => 2,
        "manager" => 3,
        _ => -1,
    };
    for role in ["viewer", "assistant", "supervisor", "manager", "auditor"] {
        let lab = demo_lab();
        let server = Server::start(&lab);
        let s = server.sign_in(role, PASSWORD);
        for (path, body, lowest) in forms {
            let by_role = |lab: &Lab| {
                lab.ok(&["audit", "--format", "csv"])
                    .lines()
                    .filter(|l| l.contains(&format!(",{role},")))
                    .count()
            };
            let all = |lab: &Lab| lab.ok(&["audit", "--format", "csv"]).lines().count();
            let (before, mine_before) = (all(&lab), by_role(&lab));
            let r = form_post(&server, path, &s, body);
            let after = all(&lab);
            if rank(role) >= lowest {
                assert!(
                    r.status == 200 || r.status == 201,
                    "{role} {path} {body}: {}",
                    r.status
                );
                assert!(
                    r.body.contains("class=\"notice\""),
                    "{role} {path}: {}",
                    r.body
                );
                assert!(
                    by_role(&lab) > mine_before,
                    "{role} {path}: not recorded as {role}"
                );
            } else {
                assert_eq!(r.status, 403, "{role} {path} {body}");
                assert_eq!(after, before, "{role} {path} wrote");
            }
        }
    }
}

#[test]
fn a_barcode_no_item_has_can_be_linked_by_a_manager_then_scanned() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let scan = |session: &str| {
        let c = cookie(session);
        server.request(
            "POST",
            "/scan",
            &[
                ("Cookie", &c),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            Some("kind=receive&scan=%2801%2909501101530003%2817%29270630%2810%29NEW-1"),
        )
    };
    let assistant = server.sign_in("assistant", PASSWORD);
    let r = scan(&assistant);
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        r.json()["link"],
        serde_json::Value::Null,
        "only a manager links"
    );
    let manager = server.sign_in("manager", PASSWORD);
    let r = scan(&manager);
    assert_eq!(
        r.json()["link"],
        "/scan/link?gtin=09501101530003",
        "{}",
        r.body
    );
    assert_eq!(
        page(&server, "/scan/link?gtin=09501101530003", &assistant).status,
        403
    );
    let linked = form_post(
        &server,
        "/scan/link",
        &manager,
        "gtin=09501101530003&item=RGT-GLU",
    );
    assert_eq!(linked.status, 200, "{}", linked.body);
    assert!(
        linked.body.contains("RGT-GLU now has GTIN 09501101530003"),
        "{}",
        linked.body
    );
    let r = scan(&assistant);
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.json()["text"]
            .as_str()
            .is_some_and(|t| t.contains("RGT-GLU lot NEW-1"))
    );
}

#[test]
fn stocktakes_are_listed_and_counted_from_the_sheet_page() {
    let lab = demo_lab();
    let list = lab.csv(&["stocktake", "list"]);
    let status_col = list[0].iter().position(|h| h == "status").expect("status");
    let open = list[1..]
        .iter()
        .find(|r| r[status_col] != "applied" && r[status_col] != "cancelled")
        .expect("an open stocktake in the demo lab")[0]
        .clone();
    let sheet = lab.csv(&["stocktake", "sheet", &open]);
    let line = &sheet[1];
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    assert_eq!(page(&server, "/stocktakes", &assistant).status, 200);
    let shown = page(&server, &format!("/stocktakes/{open}"), &assistant);
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("Record a count"));
    let body = format!("item={}&lot={}&quantity=2", line[0], line[2]);
    let viewer = server.sign_in("viewer", PASSWORD);
    let refused = form_post(&server, &format!("/stocktakes/{open}"), &viewer, &body);
    assert_eq!(refused.status, 403);
    let r = form_post(&server, &format!("/stocktakes/{open}"), &assistant, &body);
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body.contains(&format!("counted 2 of {}", line[0])),
        "{}",
        r.body
    );
    let after = lab.csv(&["stocktake", "sheet", &open]);
    let counted = after[1..]
        .iter()
        .find(|r| r[0] == line[0] && r[2] == line[2])
        .expect("line");
    assert_eq!(counted[6], "2");
}

#[test]
fn a_supervisor_accepts_a_pending_lot_from_its_page() {
    let lab = demo_lab();
    let pending = lab.csv(&["report", "acceptance"]);
    let (item, lot) = (pending[1][0].clone(), pending[1][2].clone());
    let server = Server::start(&lab);
    let path = format!("/lots/{item}/{lot}");
    let assistant = server.sign_in("assistant", PASSWORD);
    assert!(
        !page(&server, &path, &assistant)
            .body
            .contains("Record acceptance")
    );
    let r = form_post(&server, &path, &assistant, "action=accept&result=pass");
    assert_eq!(r.status, 403);
    let supervisor = server.sign_in("supervisor", PASSWORD);
    assert!(
        page(&server, &path, &supervisor)
            .body
            .contains("Record acceptance")
    );
    let r = form_post(
        &server,
        &path,
        &supervisor,
        "action=accept&result=pass&reference=QC-1",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("acceptance recorded"), "{}", r.body);
    assert_eq!(lab.csv(&["report", "acceptance"]).len(), pending.len() - 1);
    let trail = lab.ok(&["audit", "--entity", "acceptance", "--format", "csv"]);
    assert!(
        trail
            .lines()
            .any(|l| l.contains("supervisor") && l.contains("QC-1")),
        "{trail}"
    );
}

#[test]
fn a_batch_is_made_and_its_label_printed_from_the_pages_by_an_assistant_not_a_viewer() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let viewer = server.sign_in("viewer", PASSWORD);
    // A prepared item's page offers the batch form to an assistant only.
    let item = page(&server, "/items/PRP-PBS", &assistant);
    assert!(item.body.contains("Make up a batch"), "{}", item.body);
    assert!(
        !page(&server, "/items/PRP-PBS", &viewer)
            .body
            .contains("Make up a batch")
    );
    // The recipe makes it when no components are given.
    let made = form_post(
        &server,
        "/items/PRP-PBS/prepare",
        &assistant,
        "quantity=2&batch=PBS-WEB-1&components=&location=BENCH-HAEM&date=&note=",
    );
    assert_eq!(made.status, 201, "{}", made.body);
    assert!(
        made.body.contains("prepared 2 of PRP-PBS batch PBS-WEB-1"),
        "{}",
        made.body
    );
    let audit = lab.ok(&["audit", "--entity", "item:PRP-PBS", "--format", "csv"]);
    assert!(audit.contains("assistant,batch"), "{audit}");
    // A viewer is refused and nothing is written.
    let refused = form_post(
        &server,
        "/items/PRP-PBS/prepare",
        &viewer,
        "quantity=1&batch=PBS-WEB-2&components=&location=BENCH-HAEM&date=&note=",
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(!lab.ok(&["lot", "list", "PRP-PBS"]).contains("PBS-WEB-2"));
    // A bad component is the CLI's refusal, nothing written.
    let bad = form_post(
        &server,
        "/items/PRP-PBS/prepare",
        &assistant,
        "quantity=1&batch=PBS-WEB-3&components=NO-SUCH-ITEM%3D1&location=BENCH-HAEM&date=&note=",
    );
    assert_eq!(bad.status, 404, "{}", bad.body);
    assert!(!lab.ok(&["lot", "list", "PRP-PBS"]).contains("PBS-WEB-3"));
    // The lot page offers the label; the label is the CLI's document.
    let lot = page(&server, "/lots/PRP-PBS/PBS-WEB-1", &assistant);
    assert!(lot.body.contains("Print label"), "{}", lot.body);
    let svg = page(&server, "/lots/PRP-PBS/PBS-WEB-1/label", &assistant);
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert!(
        svg.body.starts_with("<svg") || svg.body.starts_with("<?xml"),
        "{}",
        svg.body
    );
    assert_eq!(
        svg.body,
        lab.ok(&["label", "PRP-PBS", "PBS-WEB-1", "--user", "assistant"])
    );
    let pdf = page(
        &server,
        "/lots/PRP-PBS/PBS-WEB-1/label?format=pdf&copies=3",
        &assistant,
    );
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with("%PDF-"));
    assert_eq!(
        page(&server, "/lots/PRP-PBS/PBS-WEB-1/label", &viewer).status,
        403
    );
}

#[test]
fn acceptance_temperatures_and_excursions_are_reports_on_the_api_and_the_pages() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let viewer = server.sign_in("viewer", PASSWORD);
    for (name, cli) in [
        (
            "acceptance",
            vec!["report", "acceptance", "--format", "csv"],
        ),
        (
            "temperatures",
            vec!["report", "temperatures", "--format", "csv"],
        ),
        (
            "excursions",
            vec!["report", "excursions", "--format", "csv"],
        ),
    ] {
        let csv = page(
            &server,
            &format!("/api/v1/reports/{name}?format=csv"),
            &viewer,
        );
        assert_eq!(csv.status, 200, "{name}: {}", csv.body);
        assert_eq!(csv.body, lab.ok(&cli), "{name}: the API's CSV is the CLI's");
        let html = page(&server, &format!("/reports/{name}"), &viewer);
        assert_eq!(html.status, 200, "{name}");
        assert!(html.body.contains("Download CSV"), "{name}");
    }
    let open = page(
        &server,
        "/api/v1/reports/excursions?open=true&format=csv",
        &viewer,
    );
    assert_eq!(
        open.body,
        lab.ok(&["report", "excursions", "--open", "--format", "csv"])
    );
    let dash = page(&server, "/", &viewer);
    assert!(dash.body.contains("/reports/acceptance"), "{}", dash.body);
}

#[test]
fn the_dashboard_counts_open_excursions_and_fridges_not_read_yesterday() {
    let lab = demo_lab();
    // The demo's FRIDGE-1 was read on the 20th; give the freezer an
    // excursion awaiting a decision and no reading on the 20th.
    lab.ok(&[
        "temp",
        "record",
        "FREEZER-1",
        "-8",
        "--at",
        "2026-11-21T08:45:00Z",
    ]);
    let server = Server::start(&lab);
    let viewer = server.sign_in("viewer", PASSWORD);
    let dash = page(&server, "/", &viewer);
    assert!(
        dash.body
            .contains("temperature excursions awaiting a decision"),
        "{}",
        dash.body
    );
    assert!(dash.body.contains("/reports/excursions?open=true"));
    let text = dash.body.replace('\n', " ");
    assert!(
        text.contains("<span class=\"count\">1</span> <span class=\"label\">temperature excursions awaiting a decision"),
        "{text}"
    );
}

#[test]
fn readings_are_recorded_and_excursions_decided_from_the_temperatures_page_by_role() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let supervisor = server.sign_in("supervisor", PASSWORD);
    let viewer = server.sign_in("viewer", PASSWORD);
    let shown = page(&server, "/temperatures", &viewer);
    assert_eq!(shown.status, 200);
    assert!(
        shown.body.contains("/temperatures/FRIDGE-1/chart"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("Record a reading"));
    let refused = form_post(
        &server,
        "/temperatures",
        &viewer,
        "location=FRIDGE-1&value=5&min=&max=&note=",
    );
    assert_eq!(refused.status, 403);
    let out = form_post(
        &server,
        "/temperatures",
        &assistant,
        "location=FRIDGE-1&value=11.5&min=&max=&note=door",
    );
    assert_eq!(out.status, 201, "{}", out.body);
    assert!(out.body.contains("OUT OF RANGE, excursion"), "{}", out.body);
    let list = lab.ok(&["temp", "list", "--location", "FRIDGE-1", "--format", "csv"]);
    assert!(
        list.contains("2026-11-21T09:00:00Z,11.5,,,2..8,true,assistant,door"),
        "{list}"
    );
    let open =
        crate::common::parse_csv(&lab.ok(&["report", "excursions", "--open", "--format", "csv"]));
    let id = open[1][0].clone();
    // An assistant may not decide; a supervisor quarantines while it runs.
    let body = format!("id={id}&decision=quarantine&reason=fridge+failing");
    assert_eq!(
        form_post(&server, "/temperatures/decide", &assistant, &body).status,
        403
    );
    let decided = form_post(&server, "/temperatures/decide", &supervisor, &body);
    assert_eq!(decided.status, 201, "{}", decided.body);
    assert!(
        decided
            .body
            .contains(&format!("excursion {id} quarantined")),
        "{}",
        decided.body
    );
    let rows = lab.ok(&["report", "excursions", "--format", "csv"]);
    assert!(
        rows.contains("quarantined,supervisor,fridge failing"),
        "{rows}"
    );
    let chart = page(&server, "/temperatures/FRIDGE-1/chart", &viewer);
    assert_eq!(chart.header("content-type"), Some("image/svg+xml"));
    assert!(chart.body.starts_with("<svg"));
}

#[test]
fn a_label_is_printed_from_the_item_page_by_naming_the_batch() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let item = page(&server, "/items/PRP-PBS", &assistant);
    assert!(
        item.body.contains("action=\"/items/PRP-PBS/label\""),
        "{}",
        item.body
    );
    let r = page(
        &server,
        "/items/PRP-PBS/label?lot=PBS-261118&format=pdf&copies=2",
        &assistant,
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/lots/PRP-PBS/PBS-261118/label?format=pdf&copies=2")
    );
    let pdf = page(
        &server,
        "/lots/PRP-PBS/PBS-261118/label?format=pdf&copies=2",
        &assistant,
    );
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let viewer = server.sign_in("viewer", PASSWORD);
    assert_eq!(
        page(&server, "/items/PRP-PBS/label?lot=PBS-261118", &viewer).status,
        403
    );
}

#[test]
fn waste_containers_are_opened_sealed_and_consigned_from_the_waste_page_by_role() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let supervisor = server.sign_in("supervisor", PASSWORD);
    let viewer = server.sign_in("viewer", PASSWORD);
    let shown = page(&server, "/waste", &assistant);
    assert!(
        shown.body.contains("Open or seal a container"),
        "{}",
        shown.body
    );
    assert!(
        !shown.body.contains("Consign sealed containers"),
        "assistants do not consign"
    );
    assert!(
        !page(&server, "/waste", &viewer)
            .body
            .contains("Open or seal a container")
    );
    let open = "action=open&code=SB-WEB-1&stream=18+01+03*&type=sharps+bin&location=BENCH-HAEM&weight=&date=2026-11-20";
    assert_eq!(
        form_post(&server, "/waste/containers", &viewer, open).status,
        403
    );
    let opened = form_post(&server, "/waste/containers", &assistant, open);
    assert_eq!(opened.status, 201, "{}", opened.body);
    assert!(
        opened.body.contains("container SB-WEB-1 opened"),
        "{}",
        opened.body
    );
    let rec = "stream=18+01+03*&quantity=1.5&unit=kg&date=2026-11-20&container=SB-WEB-1&consignment_note=&carrier=&notes=";
    assert_eq!(form_post(&server, "/waste", &assistant, rec).status, 201);
    let seal = "action=seal&code=SB-WEB-1&stream=&type=&location=&weight=1.6&date=2026-11-21";
    let sealed = form_post(&server, "/waste/containers", &assistant, seal);
    assert_eq!(sealed.status, 201, "{}", sealed.body);
    let consign = "note=LABST/00042&carrier=Veolia&carrier_registration=CBDU1234&containers=SB-WEB-1&destination=&date=2026-11-21";
    assert_eq!(
        form_post(&server, "/waste/consign", &assistant, consign).status,
        403
    );
    let done = form_post(&server, "/waste/consign", &supervisor, consign);
    assert_eq!(done.status, 201, "{}", done.body);
    assert!(
        done.body
            .contains("consignment LABST/00042 recorded: 1 container(s)"),
        "{}",
        done.body
    );
    let list = lab.ok(&["waste", "container", "list", "--format", "csv"]);
    assert!(
        list.contains("SB-WEB-1,18 01 03*,true,sharps bin,BENCH-HAEM,2026-11-20,2026-11-21"),
        "{list}"
    );
    assert!(list.contains("consigned,LABST/00042"), "{list}");
    // A refusal is the CLI's message, nothing written.
    let again = form_post(&server, "/waste/consign", &supervisor, consign);
    assert!(
        again.status == 422 || again.status == 409,
        "{}",
        again.status
    );
}

#[test]
fn stocktakes_are_started_reviewed_applied_and_cancelled_from_the_pages_by_role() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let supervisor = server.sign_in("supervisor", PASSWORD);
    let manager = server.sign_in("manager", PASSWORD);
    let start = "location=FRIDGE-1&blind=no&category=";
    assert_eq!(
        form_post(&server, "/stocktakes", &assistant, start).status,
        403
    );
    assert_eq!(
        form_post(&server, "/stocktakes", &supervisor, start).status,
        403
    );
    let started = form_post(&server, "/stocktakes", &manager, start);
    assert_eq!(started.status, 201, "{}", started.body);
    let list = crate::common::parse_csv(&lab.ok(&["stocktake", "list", "--format", "csv"]));
    let id = list
        .iter()
        .find(|r| r[1] == "FRIDGE-1" && r.contains(&"open".to_owned()))
        .map(|r| r[0].clone())
        .expect("the new stocktake");
    assert!(started.body.contains(&format!("stocktake {id} started")));
    // An assistant counts one line; the supervisor reviews and applies.
    let sheet = crate::common::parse_csv(&lab.ok(&["stocktake", "sheet", &id, "--format", "csv"]));
    let (item, lot, book) = (
        sheet[1][0].clone(),
        sheet[1][2].clone(),
        sheet[1][5].clone(),
    );
    let counted: i64 = book.parse::<i64>().unwrap() + 1;
    let count = format!("item={item}&lot={lot}&quantity={counted}&expiry=");
    assert_eq!(
        form_post(&server, &format!("/stocktakes/{id}"), &assistant, &count).status,
        201
    );
    let page_ = page(&server, &format!("/stocktakes/{id}"), &supervisor);
    assert!(page_.body.contains("Review: 1 counted"), "{}", page_.body);
    assert!(
        !page(&server, &format!("/stocktakes/{id}"), &assistant)
            .body
            .contains("Apply the counts")
    );
    let apply = "zero_uncounted=no";
    assert_eq!(
        form_post(
            &server,
            &format!("/stocktakes/{id}/apply"),
            &assistant,
            apply
        )
        .status,
        403
    );
    if sheet.len() > 2 {
        // Uncounted lines are refused unless zeroed: the CLI's refusal.
        let refused = form_post(
            &server,
            &format!("/stocktakes/{id}/apply"),
            &supervisor,
            apply,
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
    }
    let applied = form_post(
        &server,
        &format!("/stocktakes/{id}/apply"),
        &supervisor,
        "zero_uncounted=yes",
    );
    assert_eq!(applied.status, 201, "{}", applied.body);
    assert!(
        applied.body.contains(&format!("stocktake {id} applied")),
        "{}",
        applied.body
    );
    // Another one, cancelled by the manager (not the supervisor).
    assert_eq!(
        form_post(
            &server,
            "/stocktakes",
            &manager,
            "location=FLAM-CAB&blind=yes&category="
        )
        .status,
        201
    );
    let list = crate::common::parse_csv(&lab.ok(&["stocktake", "list", "--format", "csv"]));
    let other = list
        .iter()
        .find(|r| r[1] == "FLAM-CAB" && r.contains(&"open".to_owned()))
        .map(|r| r[0].clone())
        .expect("the FLAM-CAB stocktake");
    assert_eq!(
        form_post(
            &server,
            &format!("/stocktakes/{other}/cancel"),
            &supervisor,
            ""
        )
        .status,
        403
    );
    let cancelled = form_post(
        &server,
        &format!("/stocktakes/{other}/cancel"),
        &manager,
        "",
    );
    assert_eq!(cancelled.status, 201, "{}", cancelled.body);
}

#[test]
fn an_asset_status_change_and_a_calibration_extension_are_supervisors_actions_on_its_page() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let supervisor = server.sign_in("supervisor", PASSWORD);
    assert!(
        !page(&server, "/equipment/EQ-0033", &assistant)
            .body
            .contains("Change the status")
    );
    assert!(
        page(&server, "/equipment/EQ-0033", &supervisor)
            .body
            .contains("Extend the calibration due date")
    );
    let status = "status=out_of_service&reason=channel+8+leaking";
    assert_eq!(
        form_post(&server, "/equipment/EQ-0033/status", &assistant, status).status,
        403
    );
    let changed = form_post(&server, "/equipment/EQ-0033/status", &supervisor, status);
    assert_eq!(changed.status, 201, "{}", changed.body);
    assert!(
        changed
            .body
            .contains("EQ-0033 is now out of service (was in service)"),
        "{}",
        changed.body
    );
    let extend = "extend_to=2026-12-04&reason=engineer+booked+for+3+December&approved_by=Dr+Q+Lead";
    assert_eq!(
        form_post(&server, "/equipment/EQ-0018/extend", &assistant, extend).status,
        403
    );
    let extended = form_post(&server, "/equipment/EQ-0018/extend", &supervisor, extend);
    assert_eq!(extended.status, 201, "{}", extended.body);
    let due = lab.ok(&["report", "calibration-due", "--format", "csv"]);
    assert!(
        due.lines()
            .any(|l| l.starts_with("EQ-0018") && l.contains("2026-12-04")),
        "{due}"
    );
    // A bad status is the CLI's refusal, nothing written.
    let bad = form_post(
        &server,
        "/equipment/EQ-0018/status",
        &supervisor,
        "status=broken&reason=x",
    );
    assert!(bad.status == 422 || bad.status == 400, "{}", bad.status);
}

#[test]
fn orders_are_listed_a_page_at_a_time_and_an_order_shows_its_lines_and_receipts() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let viewer = server.sign_in("viewer", PASSWORD);
    let list = page(&server, "/orders", &viewer);
    assert_eq!(list.status, 200, "{}", list.body);
    assert_no_inline_script(&list.body, "/orders");
    assert!(
        list.body.contains("href=\"/orders/PO-2026-0412\""),
        "{}",
        list.body
    );
    // Filters as `order list` takes them.
    let roche = page(&server, "/orders?supplier=Roche+Diagnostics", &viewer).body;
    assert!(roche.contains("PO-2026-0415"), "{roche}");
    assert!(!roche.contains("PO-2026-0419"), "{roche}");
    let one = page(&server, "/orders?item=RGT-CRP", &viewer).body;
    assert!(
        one.contains("PO-2026-0412") && !one.contains("PO-2026-0415"),
        "{one}"
    );
    let unknown = page(&server, "/orders?item=NO-SUCH-ITEM", &viewer);
    assert!(
        unknown.body.contains("NO-SUCH-ITEM"),
        "the CLI's refusal: {}",
        unknown.body
    );
    // The order's page: every line, what was received, and no receive form
    // for a viewer.
    let order = page(&server, "/orders/PO-2026-0412", &viewer);
    assert_eq!(order.status, 200, "{}", order.body);
    assert!(order.body.contains("CAL-CFAS") && order.body.contains("RGT-CRP"));
    assert!(!order.body.contains("Receive against a line"));
    let missing = page(&server, "/orders/PO-NOPE", &viewer);
    assert_eq!(missing.status, 404, "{}", missing.body);

    // An assistant receives against a line: the same receipt as
    // `receive --order`, delivered where the line says.
    let assistant = server.sign_in("assistant", PASSWORD);
    let form = page(&server, "/orders/PO-2026-0419", &assistant).body;
    assert!(form.contains("Receive against a line"), "{form}");
    assert!(
        form.contains("Nothing received on this order yet."),
        "{form}"
    );
    let r = form_post(
        &server,
        "/orders/PO-2026-0419/receive",
        &assistant,
        "item=PPE-GLV-S&quantity=5",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body.contains("PPE-GLV-S"), "{}", r.body);
    let lines = lab.csv(&["order", "list", "--item", "PPE-GLV-S"]);
    let line = lines.iter().find(|l| l[0] == "PO-2026-0419").expect("line");
    assert_eq!(
        (line[8].as_str(), line[9].as_str(), line[10].as_str()),
        ("5", "15", "part-received"),
        "{line:?}"
    );
    let after = page(&server, "/orders/PO-2026-0419", &assistant).body;
    assert!(
        !after.contains("Nothing received on this order yet."),
        "{after}"
    );
    assert!(
        after.contains("assistant"),
        "the receipt and who made it: {after}"
    );

    // A refusal is the CLI's message, nothing written.
    let before = lab.ok(&["audit", "--format", "csv"]).lines().count();
    let bad = form_post(
        &server,
        "/orders/PO-2026-0412/receive",
        &assistant,
        "item=RGT-CRP&quantity=2",
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body.contains("a receipt needs --lot and --expiry"),
        "{}",
        bad.body
    );
    let zero = form_post(
        &server,
        "/orders/PO-2026-0419/receive",
        &assistant,
        "item=PPE-GLV-S&quantity=0",
    );
    assert!(zero.status == 422 || zero.status == 400, "{}", zero.body);
    assert_eq!(
        lab.ok(&["audit", "--format", "csv"]).lines().count(),
        before
    );

    // A supervisor cancels one line (as `order cancel REF --item I`); an
    // assistant is not offered it.
    assert!(
        !page(&server, "/orders/PO-2026-0412", &assistant)
            .body
            .contains("Cancel or close")
    );
    let supervisor = server.sign_in("supervisor", PASSWORD);
    let r = form_post(
        &server,
        "/orders/PO-2026-0412/end",
        &supervisor,
        "how=cancel&item=CAL-CFAS&reason=discontinued",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body
            .contains("cancelled order PO-2026-0412 line CAL-CFAS"),
        "{}",
        r.body
    );
    let all = lab.csv(&["order", "list", "--all", "--item", "CAL-CFAS"]);
    assert_eq!(all[1][10], "cancelled", "{all:?}");
    let crp = lab.csv(&["order", "list", "--all", "--item", "RGT-CRP"]);
    assert_ne!(crp[1][10], "cancelled", "only the line named: {crp:?}");
    let again = form_post(
        &server,
        "/orders/PO-2026-0412/end",
        &supervisor,
        "how=cancel&item=CAL-CFAS",
    );
    assert_eq!(again.status, 422, "ended already: {}", again.body);
    let how = form_post(
        &server,
        "/orders/PO-2026-0412/end",
        &supervisor,
        "how=forget",
    );
    assert_eq!(how.status, 422, "{}", how.body);
    assert!(how.body.contains("forget"), "{}", how.body);
}

#[test]
fn receiving_against_an_order_and_registering_an_asset_by_every_role() {
    // (path, body, lowest rank allowed: 1 assistant, 2 supervisor, 3 manager)
    let forms: [(&str, &str, i32); 3] = [
        (
            "/orders/PO-2026-0419/receive",
            "item=PPE-GLV-S&quantity=1",
            1,
        ),
        (
            "/orders/PO-2026-0421/end",
            "how=cancel&reason=supplier+discontinued",
            2,
        ),
        (
            "/equipment",
            "tag=EQ-NEW-1&description=Benchtop+centrifuge&calibration_interval=1y&category=centrifuge",
            3,
        ),
    ];
    let rank = |role: &str| match role {
        "viewer" => 0,
        "assistant" => 1,
        "supervisor" => 2,
        "manager" => 3,
        _ => -1,
    };
    for role in ["viewer", "assistant", "supervisor", "manager", "auditor"] {
        let lab = demo_lab();
        let server = Server::start(&lab);
        let s = server.sign_in(role, PASSWORD);
        let offered = page(&server, "/equipment", &s).body;
        assert_eq!(
            offered.contains("Register an asset"),
            rank(role) >= 3,
            "{role}"
        );
        for (path, body, lowest) in forms {
            let all = |lab: &Lab| lab.ok(&["audit", "--format", "csv"]);
            let mine = |trail: &str| {
                trail
                    .lines()
                    .filter(|l| l.contains(&format!(",{role},")))
                    .count()
            };
            let before = all(&lab);
            let r = form_post(&server, path, &s, body);
            let after = all(&lab);
            if rank(role) >= lowest {
                assert_eq!(r.status, 201, "{role} {path}: {}", r.body);
                assert!(r.body.contains("class=\"notice\""), "{role} {path}");
                assert_eq!(
                    after.lines().count() - before.lines().count(),
                    mine(&after) - mine(&before),
                    "{role} {path}: everything written is recorded as {role}"
                );
                assert!(mine(&after) > mine(&before), "{role} {path}");
            } else {
                assert_eq!(r.status, 403, "{role} {path}");
                assert_eq!(after, before, "{role} {path} wrote");
            }
        }
    }
}

#[test]
fn an_asset_registered_from_the_page_is_the_one_equipment_add_makes() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let manager = server.sign_in("manager", PASSWORD);
    let r = form_post(
        &server,
        "/equipment",
        &manager,
        "tag=EQ-0900&description=Refrigerated+centrifuge&manufacturer=Hettich&model=Rotina+380R\
         &serial=0012345&location=Room+2.14&category=centrifuge&calibration_interval=6m\
         &in_service_date=2026-11-01",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body
            .contains("added asset EQ-0900 (in_service, calibration every 6m)"),
        "{}",
        r.body
    );
    lab.ok(&[
        "equipment",
        "add",
        "EQ-0901",
        "--description",
        "Refrigerated centrifuge",
        "--manufacturer",
        "Hettich",
        "--model",
        "Rotina 380R",
        "--serial",
        "0012345",
        "--location",
        "Room 2.14",
        "--category",
        "centrifuge",
        "--calibration-interval",
        "6m",
        "--in-service-date",
        "2026-11-01",
    ]);
    let list = lab.csv(&["equipment", "list"]);
    let row = |tag: &str| {
        list.iter()
            .find(|r| r[0] == tag)
            .unwrap_or_else(|| panic!("{tag} listed"))[1..]
            .to_vec()
    };
    assert_eq!(row("EQ-0900"), row("EQ-0901"));
    assert_eq!(page(&server, "/equipment/EQ-0900", &manager).status, 200);
    // The CLI's refusals, nothing written.
    let before = lab.csv(&["equipment", "list"]).len();
    for (body, says) in [
        ("tag=EQ-0900", "EQ-0900"),
        ("tag=EQ-0902&calibration_interval=sometimes", "sometimes"),
        ("tag=EQ-0903&in_service_date=2026-13-01", "2026-13-01"),
        ("tag=EQ-0904&status=broken", "broken"),
        ("description=no+tag", "tag"),
    ] {
        let r = form_post(&server, "/equipment", &manager, body);
        assert!(
            r.status == 422 || r.status == 400 || r.status == 409,
            "{body}: {} {}",
            r.status,
            r.body
        );
        assert!(r.body.contains(says), "{body}: {}", r.body);
    }
    assert_eq!(lab.csv(&["equipment", "list"]).len(), before);
}

#[test]
fn a_container_is_opened_by_scanning_it_or_from_the_item_page_and_the_portions_show() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let assistant = server.sign_in("assistant", PASSWORD);
    let viewer = server.sign_in("viewer", PASSWORD);
    // The scan station's "open" mode opens one unit of the scanned lot.
    let scan = "kind=open&location=FRIDGE-1&scan=%2801%2904015630198436%2810%29615560";
    let before = lab.db_bytes();
    let refused = form_post(&server, "/scan", &viewer, scan);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(lab.db_bytes(), before, "a viewer opens nothing");
    let r = form_post(&server, "/scan", &assistant, scan);
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body
            .contains("opened 1 RGT-CRP lot 615560 at FRIDGE-1: 1 opened on 2026-11-21 there"),
        "{}",
        r.body
    );
    // The item page shows each portion with its own effective expiry and
    // offers opening to an assistant; the form names the day opened.
    let item = page(&server, "/items/RGT-CRP", &assistant);
    assert_eq!(item.status, 200);
    assert!(item.body.contains("opened_on") && item.body.contains("expires"));
    assert!(item.body.contains("Open units"), "{}", item.body);
    let r = form_post(
        &server,
        "/items/RGT-CRP",
        &assistant,
        "kind=open&quantity=1&lot=615560&location=FRIDGE-1&opened_on=2026-11-20",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let rows: Vec<String> = lab.csv(&["stock", "--item", "RGT-CRP"])[1..]
        .iter()
        .map(|r| format!("{} {} {} {}", r[2], r[5], r[6], r[7]))
        .collect();
    assert!(
        rows.contains(&"615560 1 2026-11-20 2027-02-12".to_owned())
            && rows.contains(&"615560 1 2026-11-21 2027-02-13".to_owned())
            && rows.contains(&"615560 2  2027-03-31".to_owned()),
        "{rows:?}"
    );
    // An issue from a named opened portion, from the same form.
    let r = form_post(
        &server,
        "/items/RGT-CRP",
        &assistant,
        "kind=issue&quantity=1&lot=615560&location=FRIDGE-1&opened_on=2026-11-20",
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body.contains("(opened 2026-11-20)"), "{}", r.body);
    lab.ok(&["check"]);
}

#[test]
fn the_kept_dashboard_is_computed_again_after_a_write() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let viewer = server.sign_in("viewer", PASSWORD);
    let count = |body: &str| {
        let text = body.replace('\n', " ");
        let label = "</span> <span class=\"label\">temperature excursions awaiting a decision";
        let end = text.find(label).expect("the excursions card");
        let start = text[..end].rfind('>').expect("count") + 1;
        text[start..end].to_owned()
    };
    let before = count(&page(&server, "/", &viewer).body);
    assert_eq!(count(&page(&server, "/", &viewer).body), before, "kept");
    // A reading out of range, recorded by another process while the
    // server runs, starts an excursion.
    lab.ok(&[
        "temp",
        "record",
        "FREEZER-1",
        "-8",
        "--at",
        "2026-11-21T08:45:00Z",
    ]);
    let after = count(&page(&server, "/", &viewer).body);
    assert_eq!(
        after.parse::<u32>().expect("number"),
        before.parse::<u32>().expect("number") + 1,
        "the dashboard after the write"
    );
}
