//! The CLI is a face: it parses, calls `app::` and renders (STYLE.md rule
//! 16). This test fails if SQL or the engine's types reappear in
//! `src/cli/`, `src/app/` or `src/web/` (the server face, with its
//! sub-folders).

#[test]
fn no_sql_or_rusqlite_in_the_faces_or_the_services() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let forbidden = [
        "rusqlite",
        // The PostgreSQL engine's driver stays in src/store/postgres/.
        "postgres::Client",
        "postgres::Transaction",
        "connection()",
        "Connection",
        "SELECT ",
        "INSERT INTO",
        "UPDATE ",
        "DELETE FROM",
        ".prepare(",
        ".execute(",
    ];
    let mut found = Vec::new();
    let mut files = Vec::new();
    let mut dirs: Vec<std::path::PathBuf> =
        ["cli", "app", "web"].iter().map(|d| root.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "html" || e == "js")
            {
                files.push(path);
            }
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with("web/api.rs")),
        "the server face is checked too"
    );
    {
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read source");
            for (n, line) in text.lines().enumerate() {
                for f in forbidden {
                    if line.contains(f) {
                        found.push(format!(
                            "{}:{}: {f}: {}",
                            path.display(),
                            n + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "SQL or rusqlite below a face:\n{}",
        found.join("\n")
    );
}
