//! The `labstock` executable: parse, run, turn the result into an exit code.

fn main() {
    let cli = match labstock::cli::Cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let code = match labstock::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}
